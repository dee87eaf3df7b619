// Routes (hash history, so the build works from tauri://localhost and any server path) and guards.
import { createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router'
import type { Pinia } from 'pinia'
import { useSessionStore } from '../stores/session'
import { canSee, type AreaKey, type PlannedArea } from './navigation'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** The navigation area the route belongs to; checked against the role. */
    area?: AreaKey
  }
}

const planned: PlannedArea[] = []

export const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('../views/LoginView.vue'), meta: { public: true } },
  {
    path: '/login/settings',
    component: () => import('../views/settings/SettingsView.vue'),
    props: { beforeLogin: true },
    meta: { public: true },
  },
  {
    path: '/',
    component: () => import('../views/MainLayout.vue'),
    children: [
      ...planned.map(
        (area): RouteRecordRaw => ({
          path: area,
          component: () => import('../views/AreaPlaceholder.vue'),
          props: { area },
          meta: { area },
        }),
      ),
      { path: 'queue', component: () => import('../views/queue/QueueView.vue'), meta: { area: 'queue' } },
      { path: 'review', component: () => import('../views/review/ReviewView.vue'), meta: { area: 'review' } },
      { path: 'permits', component: () => import('../views/permits/PermitsView.vue'), meta: { area: 'permits' } },
      // 审图统计 is for the review leads: the roles of the statistics area.
      {
        path: 'review/stats',
        component: () => import('../views/review/ReviewStatsView.vue'),
        meta: { area: 'stats' },
      },
      {
        path: 'review/:id',
        component: () => import('../views/review/ReviewProject.vue'),
        props: true,
        meta: { area: 'review' },
      },
      { path: 'stats', component: () => import('../views/stats/StatsView.vue'), meta: { area: 'stats' } },
      { path: 'delivery', component: () => import('../views/delivery/DeliveryView.vue'), meta: { area: 'delivery' } },
      { path: 'print', component: () => import('../views/printing/PrintView.vue'), meta: { area: 'print' } },
      {
        path: 'followups',
        component: () => import('../views/ratings/FollowUpsView.vue'),
        meta: { area: 'followups' },
      },
      { path: 'admin', component: () => import('../views/config/ConfigView.vue'), meta: { area: 'admin' } },
      { path: 'settings', component: () => import('../views/settings/SettingsView.vue'), meta: { area: 'settings' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export function createAppRouter(pinia: Pinia): Router {
  const router = createRouter({ history: createWebHashHistory(), routes })

  router.beforeEach(async (to) => {
    const session = useSessionStore(pinia)
    await session.restore()
    const account = session.account
    if (to.meta.public) {
      // A signed-in user has no business on the sign-in form itself.
      return account && to.path === '/login' ? session.home : true
    }
    if (!account) return '/login'
    if (to.path === '/' || (to.meta.area && !canSee(account.role, to.meta.area))) return session.home
    return true
  })

  return router
}
