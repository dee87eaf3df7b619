import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { setBackend, type Backend } from '../../backend'
import type { CommandOutcome } from '../../backend/types'
import type { ConfigSnapshot } from '../../bindings/ConfigSnapshot'
import { i18n } from '../../i18n'
import { useConfigStore } from '../../stores/config'
import ServicesTab from './ServicesTab.vue'
import { fakeBackend as mockBackend } from '../../testing/fakeBackend'

const snapshot: ConfigSnapshot = {
  sites: [],
  services: [{ id: 'svc-a', prefix: 'A', name: '企业开办' }],
  matters: [],
  windows: [],
  calendar: [],
}

function fakeBackend(sendCommand: Backend['sendCommand']): Backend {
  return mockBackend({
  loadConfig: vi.fn().mockResolvedValue(snapshot),
  sendCommand,
  })
}

const mounted: { unmount(): void }[] = []

async function saveNewService(backend: Backend) {
  setBackend(backend)
  const pinia = createPinia()
  setActivePinia(pinia)
  await useConfigStore().reload()
  const wrapper = mount(ServicesTab, {
    props: { editable: true },
    attachTo: document.body,
    global: { plugins: [pinia, i18n, ElementPlus] },
  })
  mounted.push(wrapper)
  await wrapper.get('[data-testid="service-add"]').trigger('click')
  await flushPromises()
  await wrapper.get('[data-testid="service-form-prefix"]').setValue('D')
  await wrapper.get('[data-testid="service-form-name"]').setValue('工程建设')
  await wrapper.get('[data-testid="service-form-save"]').trigger('click')
  await flushPromises()
  return wrapper
}

const dialogOpen = () => {
  const dialog = document.querySelector<HTMLElement>('[data-testid="service-dialog"]')
  return dialog !== null && dialog.closest<HTMLElement>('.el-overlay')?.style.display !== 'none'
}
const messages = () => [...document.querySelectorAll('.el-message')].map((m) => m.textContent?.trim())

describe('saving a service', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })
  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount())
    document.body.innerHTML = ''
  })

  it('closes the dialog and says a queued change is kept on this computer', async () => {
    const send = vi.fn(async (command): Promise<CommandOutcome> => ({ command_id: command.id, status: 'queued', error: null }))
    await saveNewService(fakeBackend(send))
    expect(send).toHaveBeenCalledTimes(1)
    expect(send.mock.calls[0][0]).toMatchObject({ kind: 'save_service', payload: { prefix: 'D', name: '工程建设' } })
    expect(dialogOpen()).toBe(false)
    expect(messages()).toContain('网络未连接，已保存在本机，联网后将自动同步')
    expect(messages()).not.toContain('已保存')
  })

  it('keeps the usual message for an applied change', async () => {
    const send = vi.fn(async (command): Promise<CommandOutcome> => ({ command_id: command.id, status: 'applied', error: null }))
    await saveNewService(fakeBackend(send))
    expect(dialogOpen()).toBe(false)
    expect(messages()).toContain('已保存')
  })

  it('shows a conflict, keeps the dialog open and reloads the configuration', async () => {
    const conflict = { code: 'conflict', message: '该记录已被他人修改，请刷新后重试' }
    const backend = fakeBackend(vi.fn().mockRejectedValue(conflict))
    const wrapper = await saveNewService(backend)
    expect(dialogOpen()).toBe(true)
    expect(wrapper.get('[data-testid="config-form-error"]').text()).toContain('该记录已被他人修改')
    // Once before mounting, once after the conflict.
    expect(backend.loadConfig).toHaveBeenCalledTimes(2)
  })
})
