// Types of the desktop's outbox and background sync, from the generated bindings.
export type { ApiError } from '../bindings/ApiError'
export type { CommandOutcome } from '../bindings/CommandOutcome'
export type { CommandStatus } from '../bindings/CommandStatus'
export type { ConnectionStatus } from '../bindings/ConnectionStatus'
export type { ErrorCode } from '../bindings/ErrorCode'
export type { FailedCommand } from '../bindings/FailedCommand'

/** What the desktop shell reports on its sync channel (`sync://status`, `sync://data`, `sync://session-ended`). */
export type SyncEvent = 'status' | 'data' | 'session-ended'
