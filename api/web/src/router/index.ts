import { createRouter, createWebHistory } from 'vue-router'
import { loadSession } from '../stores/session'
import LoginView from '../views/LoginView.vue'
import ShellView from '../views/ShellView.vue'
import HomeView from '../views/HomeView.vue'
import TargetSearch from '../views/directory/TargetSearch.vue'
import { directoryRoutes } from '../views/directory/routes'
import { mayOpen } from '../menus'
import MyVisits from '../views/inspection/MyVisits.vue'
import VisitView from '../views/inspection/VisitView.vue'
import ReviewQueue from '../views/review/ReviewQueue.vue'
import ReviewView from '../views/review/ReviewView.vue'
import ForbiddenView from '../views/ForbiddenView.vue'
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
        { path: 'directory/targets', component: TargetSearch, meta: { roles: ['registry_clerk', 'planner', 'supervisor'] } },
        ...directoryRoutes,
        { path: 'supervision', component: () => import('../views/supervision/SupervisorDashboard.vue') },
        { path: 'admin/users', component: () => import('../views/admin/UserAdmin.vue') },
        { path: 'admin/orgs', component: () => import('../views/admin/OrgTree.vue') },
        { path: 'admin/calendar', component: () => import('../views/admin/CalendarAdmin.vue') },
        { path: 'account/password', component: () => import('../views/account/ChangePassword.vue') },
        { path: 'forbidden', component: ForbiddenView },
        // meta.roles: who may open the screen (the server checks every call again).
        { path: 'inspection/visits', component: MyVisits, meta: { roles: ['inspector'] } },
        { path: 'inspection/visits/:draw/:code', component: VisitView, meta: { roles: ['inspector'] } },
        { path: 'review', component: ReviewQueue, meta: { roles: ['reviewer'] } },
        { path: 'review/:draw/:code', component: ReviewView, meta: { roles: ['reviewer'] } },
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
  // A route naming roles (meta.roles, its own or a parent's) is refused to the others with
  // 无权访问; a menu screen of another role sends back to 首页. The server checks again.
  const refused = refusedRoute(to, user.roles)
  if (refused) return refused
  if (!mayOpen(to.path, user.roles)) return { path: '/', query: { refused: to.path } }
  return true
})
