// Shapes of the desktop sync API (crates/api: command.rs, error.rs, desktop.rs).
// Each widens the ts-rs output in ../bindings by the members the sync API added; where that
// output already has them, the type is identical to it.
import type { ApiError as BoundApiError } from '../bindings/ApiError'
import type { Command } from '../bindings/Command'
import type { CommandOutcome as BoundCommandOutcome } from '../bindings/CommandOutcome'
import type { CommandStatus as BoundCommandStatus } from '../bindings/CommandStatus'
import type { ConnectionStatus as BoundConnectionStatus } from '../bindings/ConnectionStatus'
import type { ErrorCode as BoundErrorCode } from '../bindings/ErrorCode'

/** Stable error codes; `conflict`: someone else changed the record. */
export type ErrorCode = BoundErrorCode | 'conflict'

export type ApiError = Omit<BoundApiError, 'code'> & { code: ErrorCode }

/**
 * `queued`: kept in this computer's outbox because the server could not be reached; it is sent
 * automatically when the connection returns.
 */
export type CommandStatus = BoundCommandStatus | 'conflict' | 'queued'

export type CommandOutcome = Omit<BoundCommandOutcome, 'status' | 'error'> & {
  status: CommandStatus
  error: ApiError | null
}

/** A command, optionally made against a known version of its record. */
export type VersionedCommand = Command & { base_version?: number }

/** What the connection indicator shows, with the desktop's outbox and sync state. */
export type ConnectionStatus = BoundConnectionStatus & {
  /** Commands waiting in the outbox to be sent. */
  pending: number
  /** Commands the server refused, waiting for the user to retry or discard them. */
  failed: number
  /** When the local cache last caught up with the server. */
  last_sync_at_ms: number | null
}

/** A command the server refused after it waited in the outbox. */
export interface FailedCommand {
  command: VersionedCommand
  /** `rejected` or `conflict`. */
  status: CommandStatus
  error: ApiError
  created_at_ms: number
}

/** What the desktop shell reports on its sync channel. */
export type SyncEvent = 'status' | 'data' | 'session-ended'
