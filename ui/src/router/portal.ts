// The applicant portal's routes (served at /portal): sign-in, sign-up, and one area per job.
import { createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router'
import type { Pinia } from 'pinia'
import { usePortalStore } from '../stores/portal'

export const portalRoutes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('../views/portal/PortalLogin.vue'), meta: { public: true } },
  { path: '/sign-up', component: () => import('../views/portal/PortalSignUp.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('../views/portal/PortalLayout.vue'),
    children: [
      { path: '', redirect: '/review' },
      { path: 'review', component: () => import('../views/portal/review/ProjectList.vue') },
      { path: 'review/new', component: () => import('../views/portal/review/ProjectForm.vue') },
      { path: 'review/:id', component: () => import('../views/portal/review/ProjectPage.vue'), props: true },
      { path: 'permits', component: () => import('../views/portal/permits/ApplicationList.vue') },
      { path: 'permits/new', component: () => import('../views/portal/permits/ApplicationForm.vue') },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export function createPortalRouter(pinia: Pinia): Router {
  const router = createRouter({ history: createWebHashHistory(), routes: portalRoutes })
  router.beforeEach(async (to) => {
    const portal = usePortalStore(pinia)
    await portal.restore()
    if (to.meta.public) return portal.profile && to.path === '/login' ? '/review' : true
    return portal.profile ? true : '/login'
  })
  return router
}

/** Whether the page is the applicant portal rather than the staff workbench. */
export function isPortalPage(path: string = globalThis.location?.pathname ?? ''): boolean {
  return path === '/portal' || path.startsWith('/portal/')
}
