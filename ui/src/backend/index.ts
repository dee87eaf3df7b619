// The one interface every screen uses to reach OneTrip's services, and the choice of implementation.
import type { Account } from '../bindings/Account'
import type { Command } from '../bindings/Command'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import type { Settings } from '../bindings/Settings'
import type { CommandOutcome, ConnectionStatus, FailedCommand, SyncEvent } from './types'

export interface Backend {
  kind: 'tauri' | 'web'
  login(username: string, password: string): Promise<Account>
  logout(): Promise<void>
  /** Restores a session: desktop from the OS keychain, web from the session token. */
  currentAccount(): Promise<Account | null>
  loadConfig(): Promise<ConfigSnapshot>
  /**
   * Resolves when the command was applied, or (desktop only) with status `queued` when it was
   * kept in the outbox to be sent later; rejects with an ApiError when it was refused.
   */
  sendCommand(command: Command): Promise<CommandOutcome>
  connectionStatus(): Promise<ConnectionStatus>
  /** Desktop settings; null in the browser, where the page's server is the only server. */
  getSettings(): Promise<Settings | null>
  saveSettings(settings: Settings): Promise<Settings>
  /** Commands the server refused after they waited in the desktop's outbox. */
  failedCommands(): Promise<FailedCommand[]>
  /** Puts a refused command back in the outbox to be sent again. */
  retryCommand(id: string): Promise<void>
  /** Drops a refused command for good. */
  discardCommand(id: string): Promise<void>
  /** Calls the handler on each event of the desktop's background sync; resolves to an unsubscribe. */
  onSyncEvent(handler: (event: SyncEvent) => void): Promise<() => void>
}

let current: Backend | null = null

/** True inside the desktop shell. */
export function isTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window
}

export function setBackend(backend: Backend): void {
  current = backend
}

export function useBackend(): Backend {
  if (!current) throw new Error('backend not initialised')
  return current
}
