// Turning whatever a backend call rejected with into the ApiError shape screens rely on.
import type { ApiError, CommandOutcome, ErrorCode } from './types'

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'unauthorized',
  'session_expired',
  'invalid_credentials',
  'account_locked',
  'forbidden',
  'not_found',
  'bad_request',
  'payload_too_large',
  'invalid',
  'offline',
  'keychain',
  'internal',
  'conflict',
])

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.code === 'string' && CODES.has(v.code) && typeof v.message === 'string'
}

/** Any rejection as an ApiError; unknown shapes become `internal` with their text. */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return value
  if (value instanceof Error) return { code: 'internal', message: value.message }
  return { code: 'internal', message: String(value) }
}

/** Codes after which the user must sign in again. */
export function isSessionLost(code: ErrorCode): boolean {
  return code === 'unauthorized' || code === 'session_expired'
}

/** The outcome of a sent command; rejects with the server's ApiError when it was refused. */
export function acceptedOutcome(outcome: CommandOutcome): CommandOutcome {
  if ((outcome.status === 'rejected' || outcome.status === 'conflict') && outcome.error) throw outcome.error
  return outcome
}
