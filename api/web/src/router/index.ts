import { createRouter, createWebHistory } from 'vue-router'
import { loadSession } from '../stores/session'
import LoginView from '../views/LoginView.vue'
import ShellView from '../views/ShellView.vue'
import HomeView from '../views/HomeView.vue'
import TargetSearch from '../views/directory/TargetSearch.vue'
import { directoryRoutes } from '../views/directory/routes'

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', component: LoginView, meta: { public: true } },
    {
      path: '/',
      component: ShellView,
      children: [
        { path: '', component: HomeView },
        { path: 'directory/targets', component: TargetSearch, meta: { roles: ['registry_clerk', 'planner', 'supervisor'] } },
        ...directoryRoutes,
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const user = await loadSession()
  if (!user) return { path: '/login', query: { next: to.fullPath } }
  // A route naming roles (meta.roles) is refused to the others; the server checks again.
  const roles = to.meta.roles as string[] | undefined
  if (roles && !roles.some((r) => user.roles.includes(r as never))) return { path: '/forbidden', query: { from: to.fullPath } }
  return true
})
