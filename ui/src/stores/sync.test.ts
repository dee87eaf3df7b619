import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { setBackend, type Backend } from '../backend'
import type { SyncEvent } from '../backend/types'
import type { Account } from '../bindings/Account'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import { i18n } from '../i18n'
import { useConfigStore } from './config'
import { useSessionStore } from './session'
import { useSyncStore } from './sync'
import { fakeBackend as mockBackend } from '../testing/fakeBackend'

const admin: Account = { id: 'a1', username: 'li', display_name: '李强', role: 'admin', site_id: null, specialty: null }
const empty: ConfigSnapshot = { sites: [], services: [], matters: [], windows: [], calendar: [] }

function setup() {
  let emit: (event: SyncEvent) => void = () => undefined
  const unsubscribe = vi.fn()
  const backend: Backend = mockBackend({
  login: vi.fn().mockResolvedValue(admin),
  logout: vi.fn().mockResolvedValue(undefined),
  loadConfig: vi.fn().mockResolvedValue(empty),
  onSyncEvent: vi.fn(async (handler: (event: SyncEvent) => void) => {
    emit = handler
    return unsubscribe
  }),
  })
  setBackend(backend)
  setActivePinia(createPinia())
  return { backend, unsubscribe, emit: (event: SyncEvent) => emit(event) }
}

describe('following the sync events', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })

  it('subscribes once after sign-in and unsubscribes on sign-out', async () => {
    const { backend, unsubscribe } = setup()
    const session = useSessionStore()
    await session.login('li', 'secret')
    await flushPromises()
    expect(backend.onSyncEvent).toHaveBeenCalledTimes(1)
    await session.logout()
    await flushPromises()
    expect(unsubscribe).toHaveBeenCalledTimes(1)
  })

  it('reloads a loaded configuration on data, and bumps the indicator on status and data', async () => {
    const { backend, emit } = setup()
    await useSessionStore().login('li', 'secret')
    await flushPromises()
    const sync = useSyncStore()

    emit('data')
    await flushPromises()
    // Nothing loaded yet: nothing to reload.
    expect(backend.loadConfig).not.toHaveBeenCalled()
    expect(sync.statusTick).toBe(1)

    await useConfigStore().reload()
    emit('data')
    await flushPromises()
    expect(backend.loadConfig).toHaveBeenCalledTimes(2)

    emit('status')
    expect(sync.statusTick).toBe(3)
    expect(backend.loadConfig).toHaveBeenCalledTimes(2)
  })

  it('signs out with a message when the server no longer knows the session', async () => {
    const { unsubscribe, emit } = setup()
    const session = useSessionStore()
    await session.login('li', 'secret')
    await flushPromises()
    emit('session-ended')
    await flushPromises()
    expect(session.account).toBeNull()
    expect(session.notice).toBe('登录已失效，请重新登录')
    expect(unsubscribe).toHaveBeenCalledTimes(1)

    await session.login('li', 'secret')
    expect(session.notice).toBeNull()
  })

  it('drops a subscription that arrives after sign-out', async () => {
    const { backend, unsubscribe } = setup()
    let resolve: (off: () => void) => void = () => undefined
    vi.mocked(backend.onSyncEvent).mockImplementationOnce(() => new Promise((r) => (resolve = r)))
    const session = useSessionStore()
    await session.login('li', 'secret')
    await session.logout()
    await flushPromises()
    resolve(unsubscribe)
    await flushPromises()
    expect(unsubscribe).toHaveBeenCalledTimes(1)
  })
})
