import { describe, expect, it, vi } from 'vitest'
import type { Command } from '../bindings/Command'
import type { Settings } from '../bindings/Settings'
import { createTauriBackend } from './tauri'

describe('tauri backend', () => {
  it('calls the shell commands by name with camelCase arguments', async () => {
    const invoke = vi.fn().mockResolvedValue(null)
    const backend = createTauriBackend(invoke as never)
    const command: Command = { id: 'c1', kind: 'delete_window', payload: { id: 'w1' } }
    const settings: Settings = { mode: 'remote', server_url: 'https://onetrip.example.gov.cn', language: 'en' }

    invoke.mockResolvedValueOnce({ id: 'a1' })
    await backend.login('wang', 'secret')
    await backend.logout()
    await backend.currentAccount()
    await backend.loadConfig()
    invoke.mockResolvedValueOnce({ command_id: 'c1', status: 'applied', error: null })
    await backend.sendCommand(command)
    await backend.connectionStatus()
    await backend.getSettings()
    await backend.saveSettings(settings)

    expect(invoke.mock.calls).toEqual([
      ['auth_login', { username: 'wang', password: 'secret' }],
      ['auth_logout', undefined],
      ['auth_current', undefined],
      ['config_load', undefined],
      ['command_send', { command }],
      ['connection_status', undefined],
      ['settings_get', undefined],
      ['settings_save', { settings }],
    ])
  })

  it('passes the ApiError a command rejected with, and normalises anything else', async () => {
    const refusal = { code: 'account_locked', message: '账号已锁定，请 15 分钟后再试' }
    const backend = createTauriBackend(vi.fn().mockRejectedValueOnce(refusal).mockRejectedValueOnce('boom') as never)
    await expect(backend.login('wang', 'bad')).rejects.toEqual(refusal)
    await expect(backend.loadConfig()).rejects.toEqual({ code: 'internal', message: 'boom' })
  })

  it('rejects with the error of a command the server refused', async () => {
    const error = { code: 'invalid', message: '窗口号重复' }
    const backend = createTauriBackend(
      vi.fn().mockResolvedValueOnce({ command_id: 'c1', status: 'rejected', error }) as never,
    )
    await expect(backend.sendCommand({ id: 'c1', kind: 'delete_window', payload: { id: 'w1' } })).rejects.toEqual(error)
  })
})

describe('tauri backend ratings', () => {
  it('reads ratings and the report from the local cache through the shell', async () => {
    const invoke = vi.fn().mockResolvedValue([])
    const backend = createTauriBackend(invoke as never)
    await backend.queueRatings()
    await backend.ratingsReport('2026-11-01', '2026-11-30')
    expect(invoke.mock.calls).toEqual([
      ['queue_ratings', undefined],
      ['ratings_report', { from: '2026-11-01', to: '2026-11-30' }],
    ])
  })
})

describe('tauri backend outbox and sync events', () => {
  it('calls the outbox commands with the command id', async () => {
    const failed = [
      {
        command: { id: 'c9', kind: 'delete_window', payload: { id: 'w1' } },
        status: 'conflict',
        error: { code: 'conflict', message: '该记录已被他人修改' },
        created_at_ms: 1,
      },
    ]
    const invoke = vi.fn().mockResolvedValueOnce(failed).mockResolvedValue(null)
    const backend = createTauriBackend(invoke as never, vi.fn() as never)

    await expect(backend.failedCommands()).resolves.toEqual(failed)
    await expect(backend.retryCommand('c9')).resolves.toBeUndefined()
    await expect(backend.discardCommand('c9')).resolves.toBeUndefined()
    expect(invoke.mock.calls).toEqual([
      ['outbox_failed', undefined],
      ['outbox_retry', { id: 'c9' }],
      ['outbox_discard', { id: 'c9' }],
    ])
  })

  it('resolves a queued command and rejects a conflict', async () => {
    const conflict = { code: 'conflict', message: '该记录已被他人修改' }
    const invoke = vi
      .fn()
      .mockResolvedValueOnce({ command_id: 'c1', status: 'queued', error: null })
      .mockResolvedValueOnce({ command_id: 'c2', status: 'conflict', error: conflict })
    const backend = createTauriBackend(invoke as never, vi.fn() as never)
    const command: Command = { id: 'c1', kind: 'delete_window', payload: { id: 'w1' } }
    await expect(backend.sendCommand(command)).resolves.toMatchObject({ status: 'queued' })
    await expect(backend.sendCommand({ ...command, id: 'c2' })).rejects.toEqual(conflict)
  })

  it('maps the shell events to sync events and unsubscribes from all of them', async () => {
    const handlers = new Map<string, (event: unknown) => void>()
    const unlisten = vi.fn()
    const listen = vi.fn(async (name: string, handler: (event: unknown) => void) => {
      handlers.set(name, handler)
      return unlisten
    })
    const backend = createTauriBackend(vi.fn() as never, listen)
    const seen: string[] = []

    const unsubscribe = await backend.onSyncEvent((event) => seen.push(event))
    expect([...handlers.keys()].sort()).toEqual(['sync://data', 'sync://session-ended', 'sync://status'])

    handlers.get('sync://status')?.({ event: 'sync://status', id: 1, payload: null })
    handlers.get('sync://data')?.({ event: 'sync://data', id: 2, payload: null })
    handlers.get('sync://session-ended')?.({ event: 'sync://session-ended', id: 3, payload: null })
    expect(seen).toEqual(['status', 'data', 'session-ended'])

    unsubscribe()
    expect(unlisten).toHaveBeenCalledTimes(3)
    unsubscribe()
    expect(unlisten).toHaveBeenCalledTimes(3)
  })

  it('undoes a partial subscription when the shell refuses one event', async () => {
    const unlisten = vi.fn()
    const listen = vi
      .fn()
      .mockResolvedValueOnce(unlisten)
      .mockRejectedValueOnce('event.listen not allowed')
      .mockResolvedValueOnce(unlisten)
    const backend = createTauriBackend(vi.fn() as never, listen)
    await expect(backend.onSyncEvent(() => undefined)).rejects.toEqual({
      code: 'internal',
      message: 'event.listen not allowed',
    })
    expect(unlisten).toHaveBeenCalledTimes(2)
  })
})
