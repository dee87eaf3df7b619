import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { setBackend, type Backend } from '../backend'
import type { ConnectionStatus, FailedCommand } from '../backend/types'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import { i18n } from '../i18n'
import { useConfigStore } from '../stores/config'
import { useSyncStore } from '../stores/sync'
import ConnectionIndicator from './ConnectionIndicator.vue'
import { fakeBackend as mockBackend } from '../testing/fakeBackend'

const snapshot: ConfigSnapshot = {
  sites: [{ id: 'center', name: '玉环市行政服务中心', kind: 'center', parent_id: null, permit_second_officer: false }],
  services: [],
  matters: [],
  windows: [],
  calendar: [],
}

const status = (extra: Partial<ConnectionStatus> = {}): ConnectionStatus => ({
  online: true,
  mode: 'remote',
  server_url: 'https://onetrip.example.gov.cn',
  database: 'postgres',
  pending: 0,
  failed: 0,
  last_sync_at_ms: null,
  ...extra,
})

const refused: FailedCommand = {
  command: { id: 'c7', kind: 'save_window', payload: { id: 'w3', site_id: 'center', number: 3, service_ids: [] } },
  status: 'conflict',
  error: { code: 'conflict', message: '窗口已被修改' },
  created_at_ms: Date.now(),
}

function fakeBackend(connectionStatus: Backend['connectionStatus'], failed: FailedCommand[] = []): Backend {
  return mockBackend({
  loadConfig: vi.fn().mockResolvedValue(snapshot),
  connectionStatus,
  failedCommands: vi.fn().mockResolvedValue(failed),
  retryCommand: vi.fn().mockResolvedValue(undefined),
  discardCommand: vi.fn().mockResolvedValue(undefined),
  })
}

const mounted: { unmount(): void }[] = []

async function mountIndicator(backend: Backend) {
  setBackend(backend)
  const pinia = createPinia()
  setActivePinia(pinia)
  await useConfigStore().reload()
  const wrapper = mount(ConnectionIndicator, { attachTo: document.body, global: { plugins: [pinia, i18n, ElementPlus] } })
  mounted.push(wrapper)
  await flushPromises()
  return wrapper
}

const panel = () => document.querySelector<HTMLElement>('[data-testid="sync-panel"]')
const rows = () => [...document.querySelectorAll<HTMLElement>('[data-testid="failed-command"]')]

describe('ConnectionIndicator', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })
  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount())
    document.body.innerHTML = ''
  })

  it('shows no badges while nothing waits', async () => {
    const wrapper = await mountIndicator(fakeBackend(vi.fn().mockResolvedValue(status())))
    const indicator = wrapper.get('[data-testid="connection-indicator"]')
    expect(indicator.attributes('data-online')).toBe('true')
    expect(indicator.text()).toContain('在线')
    expect(wrapper.find('[data-testid="sync-pending"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="sync-failed"]').exists()).toBe(false)
  })

  it('shows what waits to be sent and what was refused', async () => {
    const wrapper = await mountIndicator(fakeBackend(vi.fn().mockResolvedValue(status({ online: false, pending: 3, failed: 2 }))))
    expect(wrapper.get('[data-testid="connection-indicator"]').attributes('data-online')).toBe('false')
    expect(wrapper.get('[data-testid="connection-indicator"]').text()).toContain('离线')
    expect(wrapper.get('[data-testid="sync-pending"]').text()).toBe('待同步 3')
    expect(wrapper.get('[data-testid="sync-failed"]').text()).toBe('2 条未成功')
  })

  it('looks again when the sync store says something changed', async () => {
    const connectionStatus = vi.fn().mockResolvedValueOnce(status()).mockResolvedValue(status({ pending: 1 }))
    const wrapper = await mountIndicator(fakeBackend(connectionStatus))
    expect(wrapper.find('[data-testid="sync-pending"]').exists()).toBe(false)
    useSyncStore().changed()
    await flushPromises()
    expect(connectionStatus).toHaveBeenCalledTimes(2)
    expect(wrapper.get('[data-testid="sync-pending"]').text()).toBe('待同步 1')
  })

  it('opens the sync panel with the refused commands, and retries one', async () => {
    const backend = fakeBackend(vi.fn().mockResolvedValue(status({ failed: 1 })), [refused])
    const wrapper = await mountIndicator(backend)
    await wrapper.get('[data-testid="connection-indicator"]').trigger('click')
    await flushPromises()

    expect(panel()).not.toBeNull()
    expect(rows()).toHaveLength(1)
    expect(rows()[0].textContent).toContain('保存窗口：3号窗口（玉环市行政服务中心）')
    expect(rows()[0].textContent).toContain('窗口已被修改')
    expect(rows()[0].textContent).toContain('该记录已被他人修改')

    vi.mocked(backend.failedCommands).mockResolvedValue([])
    rows()[0].querySelector<HTMLElement>('[data-testid="failed-command-retry"]')?.click()
    await flushPromises()
    expect(backend.retryCommand).toHaveBeenCalledWith('c7')
    expect(rows()).toHaveLength(0)
    expect(panel()?.textContent).toContain('没有未成功的操作')
  })
})
