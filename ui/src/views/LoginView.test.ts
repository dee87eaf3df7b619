import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import type { Account } from '../bindings/Account'
import { setBackend, type Backend } from '../backend'
import { i18n } from '../i18n'
import { useSessionStore } from '../stores/session'
import LoginView from './LoginView.vue'
import { fakeBackend as mockBackend } from '../testing/fakeBackend'

const clerk: Account = {
  id: 'a1',
  username: 'wang',
  display_name: '王芳',
  role: 'clerk',
  site_id: null,
  specialty: null,
}

function fakeBackend(login: Backend['login']): Backend {
  return mockBackend({
  kind: 'web',
  login,
  })
}

const mounted: { unmount(): void }[] = []

async function mountLogin(backend: Backend) {
  setBackend(backend)
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LoginView },
      { path: '/queue', component: { template: '<div data-testid="queue-page" />' } },
    ],
  })
  await router.push('/login')
  // Attached, so that clicking the submit button submits the form as in a browser.
  const wrapper = mount(LoginView, { attachTo: document.body, global: { plugins: [pinia, router, i18n, ElementPlus] } })
  mounted.push(wrapper)
  return { wrapper, router }
}

async function signIn(wrapper: Awaited<ReturnType<typeof mountLogin>>['wrapper'], password: string) {
  await wrapper.get('[data-testid="login-username"]').setValue('wang')
  await wrapper.get('[data-testid="login-password"]').setValue(password)
  await wrapper.get('[data-testid="login-submit"]').trigger('click')
  await flushPromises()
}

describe('LoginView', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })
  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount())
  })

  it('shows the product name and the Chinese form by default', async () => {
    const { wrapper } = await mountLogin(fakeBackend(vi.fn()))
    expect(wrapper.get('[data-testid="product-name"]').text()).toBe('OneTrip 一次办')
    expect(wrapper.text()).toContain('行政服务中心工作台')
    expect(wrapper.get('[data-testid="login-submit"]').text()).toBe('登录')
    expect(wrapper.find('[data-testid="login-error"]').exists()).toBe(false)
    // No server settings in the browser.
    expect(wrapper.find('[data-testid="login-settings"]').exists()).toBe(false)
  })

  it('shows the message of a rejected sign-in and stays on the page', async () => {
    const login = vi.fn().mockRejectedValue({ code: 'account_locked', message: '账号已锁定，请 15 分钟后再试' })
    const { wrapper, router } = await mountLogin(fakeBackend(login))

    await signIn(wrapper, 'wrong')

    expect(login).toHaveBeenCalledWith('wang', 'wrong')
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('账号已锁定，请 15 分钟后再试')
    expect(router.currentRoute.value.path).toBe('/login')
  })

  it('asks for both fields before calling the backend', async () => {
    const login = vi.fn()
    const { wrapper } = await mountLogin(fakeBackend(login))
    await wrapper.get('[data-testid="login-submit"]').trigger('click')
    await flushPromises()
    expect(login).not.toHaveBeenCalled()
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('请输入用户名和密码')
  })

  it('submits with Enter in the password field and lands on the role first area', async () => {
    const login = vi.fn().mockResolvedValue(clerk)
    const { wrapper, router } = await mountLogin(fakeBackend(login))
    await wrapper.get('[data-testid="login-username"]').setValue('wang')
    await wrapper.get('[data-testid="login-password"]').setValue('right')
    await wrapper.get('[data-testid="login-password"]').trigger('keyup', { key: 'Enter' })
    await flushPromises()
    expect(login).toHaveBeenCalledTimes(1)
    expect(router.currentRoute.value.path).toBe('/queue')
  })

  it('says why the user was signed out until the next sign-in', async () => {
    const { wrapper } = await mountLogin(fakeBackend(vi.fn().mockResolvedValue(clerk)))
    useSessionStore().notice = '登录已失效，请重新登录'
    await flushPromises()
    expect(wrapper.get('[data-testid="login-notice"]').text()).toContain('登录已失效，请重新登录')
    await signIn(wrapper, 'right')
    expect(wrapper.find('[data-testid="login-notice"]').exists()).toBe(false)
  })

  it('offers server settings on the desktop', async () => {
    const backend = { ...fakeBackend(vi.fn()), kind: 'tauri' as const }
    const { wrapper } = await mountLogin(backend)
    expect(wrapper.find('[data-testid="login-settings"]').exists()).toBe(true)
  })
})
