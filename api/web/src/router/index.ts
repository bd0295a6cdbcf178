import { createRouter, createWebHistory } from 'vue-router'
import { loadSession } from '../stores/session'
import LoginView from '../views/LoginView.vue'
import ShellView from '../views/ShellView.vue'
import HomeView from '../views/HomeView.vue'
import TargetSearch from '../views/directory/TargetSearch.vue'
import { plannerRoutes, plannerShellRoutes, refusedRoute } from './planner'

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', component: LoginView, meta: { public: true } },
    {
      path: '/',
      component: ShellView,
      children: [
        { path: '', component: HomeView },
        { path: 'directory/targets', component: TargetSearch },
        ...plannerShellRoutes,
      ],
    },
    ...plannerRoutes,
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const user = await loadSession()
  if (!user) return { path: '/login', query: { next: to.fullPath } }
  return refusedRoute(to, user.roles) ?? true
})
