// Backend for the desktop shell: Tauri commands implemented by src-tauri.
import { invoke } from '@tauri-apps/api/core'
import type { Account } from '../bindings/Account'
import type { Command } from '../bindings/Command'
import type { CommandOutcome } from '../bindings/CommandOutcome'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import type { ConnectionStatus } from '../bindings/ConnectionStatus'
import type { Settings } from '../bindings/Settings'
import type { Backend } from './index'
import { toApiError } from './errors'

type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>

export function createTauriBackend(call: Invoke = invoke): Backend {
  // Tauri rejects with the ApiError the command returned; anything else is normalised.
  async function run<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    try {
      return await call<T>(command, args)
    } catch (error) {
      throw toApiError(error)
    }
  }

  return {
    kind: 'tauri',
    login: (username, password) => run<Account>('auth_login', { username, password }),
    logout: async () => {
      await run<null>('auth_logout')
    },
    currentAccount: () => run<Account | null>('auth_current'),
    loadConfig: () => run<ConfigSnapshot>('config_load'),
    sendCommand: async (command: Command) => {
      const outcome = await run<CommandOutcome>('command_send', { command })
      if (outcome.status === 'rejected' && outcome.error) throw outcome.error
      return outcome
    },
    connectionStatus: () => run<ConnectionStatus>('connection_status'),
    getSettings: () => run<Settings>('settings_get'),
    saveSettings: (settings: Settings) => run<Settings>('settings_save', { settings }),
  }
}
