// Types of the desktop's outbox, background sync and printing, from the generated bindings.
export type { ApiError } from '../bindings/ApiError'
export type { CommandOutcome } from '../bindings/CommandOutcome'
export type { CommandStatus } from '../bindings/CommandStatus'
export type { ConnectionStatus } from '../bindings/ConnectionStatus'
export type { ErrorCode } from '../bindings/ErrorCode'
export type { FailedCommand } from '../bindings/FailedCommand'
export type { Calibration } from '../bindings/Calibration'
export type { JobState } from '../bindings/JobState'
export type { JobStatus } from '../bindings/JobStatus'
export type { PrintRecord } from '../bindings/PrintRecord'
export type { PrintRequest } from '../bindings/PrintRequest'
export type { PrintTemplateInfo } from '../bindings/PrintTemplateInfo'
export type { Printer } from '../bindings/Printer'
export type { VerifyResponse } from '../bindings/VerifyResponse'
export type { Ticket } from '../bindings/Ticket'

/** What the desktop shell reports on its sync channel (`sync://status`, `sync://data`, `sync://session-ended`). */
export type SyncEvent = 'status' | 'data' | 'session-ended'
