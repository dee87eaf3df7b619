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
