import { createRouter, createWebHistory } from 'vue-router'
import { loadSession } from '../stores/session'
import LoginView from '../views/LoginView.vue'
import ShellView from '../views/ShellView.vue'
import HomeView from '../views/HomeView.vue'
import TargetSearch from '../views/directory/TargetSearch.vue'
import ForbiddenView from '../views/ForbiddenView.vue'
import MyVisits from '../views/inspection/MyVisits.vue'
import VisitView from '../views/inspection/VisitView.vue'
import ReviewQueue from '../views/review/ReviewQueue.vue'
import ReviewView from '../views/review/ReviewView.vue'
import type { RoleName } from '../api/session'

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
        { path: 'forbidden', component: ForbiddenView },
        // meta.roles: who may open the screen (the server checks every call again).
        { path: 'inspection/visits', component: MyVisits, meta: { roles: ['inspector'] } },
        { path: 'inspection/visits/:draw/:code', component: VisitView, meta: { roles: ['inspector'] } },
        { path: 'review', component: ReviewQueue, meta: { roles: ['reviewer'] } },
        { path: 'review/:draw/:code', component: ReviewView, meta: { roles: ['reviewer'] } },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const user = await loadSession()
  if (!user) return { path: '/login', query: { next: to.fullPath } }
  const roles = to.meta.roles as RoleName[] | undefined
  if (roles && !roles.some((r) => user.roles.includes(r))) return { path: '/forbidden', query: { from: to.fullPath } }
  return true
})
