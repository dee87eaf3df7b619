// Backend for browser pages: HTTP to the central API on the page's own origin.
import type { Command } from '../bindings/Command'
import type { BatchOutcome } from '../bindings/BatchOutcome'
import type { Cohort } from '../bindings/Cohort'
import type { FormLedgerView } from '../bindings/FormLedgerView'
import type { ConditionTemplate } from '../bindings/ConditionTemplate'
import type { DryRun } from '../bindings/DryRun'
import type { Permit } from '../bindings/Permit'
import type { PermitCheck } from '../bindings/PermitCheck'
import type { PermitStats } from '../bindings/PermitStats'
import type { RenewalRow } from '../bindings/RenewalRow'
import type { SpotCheck } from '../bindings/SpotCheck'
import type { PermitApplication } from '../bindings/PermitApplication'
import type { Account } from '../bindings/Account'
import type { ClauseEdition } from '../bindings/ClauseEdition'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import type { Project } from '../bindings/Project'
import type { ProjectView } from '../bindings/ProjectView'
import type { Reviewer } from '../bindings/Reviewer'
import type { ReviewDocument } from '../bindings/ReviewDocument'
import type { ExportForm } from '../bindings/ExportForm'
import type { Health } from '../bindings/Health'
import type { Lang } from '../bindings/Lang'
import type { LoginResponse } from '../bindings/LoginResponse'
import type { QueueStats } from '../bindings/QueueStats'
import type { ReviewStats } from '../bindings/ReviewStats'
import type { StatsQuery } from '../bindings/StatsQuery'
import type { Backend, DesktopOnlyBackend } from './index'
import { downloadAndSave, saveInBrowser } from './download'
import { acceptedOutcome, isApiError, isSessionLost } from './errors'
import type { ApiError, CommandOutcome, ConnectionStatus, RatingsReport, VerifyResponse } from './types'

export const TOKEN_KEY = 'onetrip.token'

export interface WebBackendOptions {
  /** The language the server should write its messages in. */
  language: () => Lang
  /** Localised text for failures the server could not describe itself. */
  messages: {
    offline: () => string
    unexpected: (status: number) => string
    /** For the outbox actions, which exist only on the desktop. */
    desktopOnly: () => string
  }
  /** Hands a downloaded file to the user; defaults to the browser's download. */
  saveFile?: (blob: Blob, fileName: string) => void
  /** Origin of the central API; defaults to the page's origin. */
  origin?: string
  fetch?: typeof fetch
  storage?: Storage
}

/** Calls to the central API with the page's session and language, failures as ApiErrors. */
export interface HttpClient {
  /** The response of a call that succeeded; a refusal is thrown as the server's ApiError. */
  call(method: string, path: string, body?: unknown): Promise<Response>
  /** The JSON answer of a call that succeeded. */
  request<T>(method: string, path: string, body?: unknown): Promise<T>
  offline(): ApiError
  /** Where the session token is kept. */
  storage: Storage
  origin: string
}

export function createHttpClient(options: WebBackendOptions): HttpClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const storage = options.storage ?? globalThis.sessionStorage
  const origin = options.origin ?? globalThis.location.origin

  function offline(): ApiError {
    return { code: 'offline', message: options.messages.offline() }
  }

  /** The response of a call that succeeded; a refusal is thrown as the server's ApiError. */
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Accept-Language': options.language(),
    }
    const token = storage.getItem(TOKEN_KEY)
    if (token) headers.Authorization = `Bearer ${token}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'

    let response: Response
    try {
      response = await doFetch(`${origin}/api${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw offline()
    }

    if (!response.ok) {
      let payload: unknown = null
      try {
        payload = await response.json()
      } catch {
        // Not JSON (a proxy's error page, for instance): described below.
      }
      if (isApiError(payload)) throw payload
      const code = response.status === 401 ? 'unauthorized' : 'internal'
      throw { code, message: options.messages.unexpected(response.status) } satisfies ApiError
    }
    return response
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await call(method, path, body)
    if (response.status === 204) return undefined as T
    try {
      return (await response.json()) as T
    } catch {
      throw { code: 'internal', message: options.messages.unexpected(response.status) } satisfies ApiError
    }
  }

  return { call, request, offline, storage, origin }
}

export function createWebBackend(options: WebBackendOptions): Backend {
  const { call, request, offline, storage, origin } = createHttpClient(options)

  function desktopOnly(): ApiError {
    return { code: 'bad_request', message: options.messages.desktopOnly() }
  }

  const saveDownload = (path: string, fallback: string) =>
    downloadAndSave({ call, offline }, path, fallback, options.saveFile ?? saveInBrowser)

  const sendCommand = async (command: Command) => acceptedOutcome(await request<CommandOutcome>('POST', '/commands', command))
  return {
    kind: 'web',
    async login(username, password) {
      const answer = await request<LoginResponse>('POST', '/auth/login', { username, password })
      storage.setItem(TOKEN_KEY, answer.token)
      return answer.account
    },
    async logout() {
      try {
        if (storage.getItem(TOKEN_KEY)) await request<void>('POST', '/auth/logout')
      } finally {
        storage.removeItem(TOKEN_KEY)
      }
    },
    async currentAccount() {
      if (!storage.getItem(TOKEN_KEY)) return null
      try {
        return await request<Account>('GET', '/auth/me')
      } catch (error) {
        if (isApiError(error) && isSessionLost(error.code)) {
          storage.removeItem(TOKEN_KEY)
          return null
        }
        throw error
      }
    },
    loadConfig: () => request<ConfigSnapshot>('GET', '/config'),
    sendCommand,
    async connectionStatus(): Promise<ConnectionStatus> {
      // The page talks to the server directly: nothing waits in an outbox, nothing is cached.
      const direct = { mode: 'remote', server_url: origin, pending: 0, failed: 0, last_sync_at_ms: null } as const
      try {
        const health = await request<Health>('GET', '/health')
        return { ...direct, online: true, database: health.database }
      } catch {
        return { ...direct, online: false, database: null }
      }
    },
    getSettings: async () => null,
    // The browser has no desktop settings; the language lives in the page's storage.
    saveSettings: async (settings) => settings,
    // Commands are sent straight to the server, so there is no outbox and no background sync.
    failedCommands: async () => [],
    retryCommand: async () => {
      throw desktopOnly()
    },
    discardCommand: async () => {
      throw desktopOnly()
    },
    onSyncEvent: async () => () => undefined,
    verifyDocument: (payload) => request<VerifyResponse>('POST', '/verify', { payload }),
    ratingsReport: (from, to) =>
      request<RatingsReport>('GET', `/ratings/report?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
    queueStats: (query) => request<QueueStats>('GET', `/stats?${statsParams(query)}`),
    reviewProjects: () => request<Project[]>('GET', '/review/projects'),
    reviewProject: (id) => request<ProjectView>('GET', `/review/projects/${encodeURIComponent(id)}`),
    async reviewFile(id) {
      const response = await call('GET', `/review/files/${encodeURIComponent(id)}`)
      try {
        return new Uint8Array(await response.arrayBuffer())
      } catch {
        throw offline()
      }
    },
    reviewTakeOffline: async () => {
      throw desktopOnly()
    },
    reviewReviewers: () => request<Reviewer[]>('GET', '/review/reviewers'),
    reviewClauses: (query) => request<ClauseEdition[]>('GET', `/review/clauses?q=${encodeURIComponent(query)}`),
    async reviewDocument(project, document, round) {
      const response = await call('GET', documentPath('review', project, document, round))
      try {
        return new Uint8Array(await response.arrayBuffer())
      } catch {
        throw offline()
      }
    },
    reviewSaveDocument: (project, document, round) =>
      saveDownload(documentPath('review', project, document, round), `${document}.pdf`),
    // The browser draws sheets with pdf.js.
    sheetRenderer: null,
    permitApplications: (cohort) => request<PermitApplication[]>('GET', `/permits/applications?${cohortQuery(cohort)}`),
    permits: () => request<Permit[]>('GET', '/permits'),
    permitTemplates: () => request<ConditionTemplate[]>('GET', '/permits/templates'),
    permitDryRun: (cohort) => request<DryRun>('GET', `/permits/dry-run?${cohortQuery(cohort)}`),
    async approvePermits(applicationIds) {
      const outcome = await sendCommand({
        id: crypto.randomUUID(),
        kind: 'approve_permits',
        payload: { batch_id: crypto.randomUUID(), application_ids: applicationIds },
      })
      return outcome.record as BatchOutcome
    },
    permitPrintRecords: async () => {
      throw desktopOnly()
    },
    printPermitsOnForms: async () => {
      throw desktopOnly()
    },
    permitForms: () => request<FormLedgerView>('GET', '/permits/forms'),
    exportPermitExceptions: (cohort, format) =>
      saveDownload(`/permits/dry-run/exceptions?format=${format}&${cohortQuery(cohort)}`, `permit_exceptions.${format}`),
    permitChecks: () => request<PermitCheck[]>('GET', '/permits/checks'),
    async permitCommand(body) {
      const outcome = await sendCommand({ id: crypto.randomUUID(), ...body } as Command)
      return outcome.record
    },
    permitSpotChecks: () => request<SpotCheck[]>('GET', '/permits/spot-checks'),
    permitRenewals: () => request<RenewalRow[]>('GET', '/permits/renewals'),
    permitStats: (query) =>
      request<PermitStats>('GET', `/permits/stats?${new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][])}`),
    // Door delivery works offline on the desktop; the browser has no outbox to keep attempts in.
    deliveryRuns: async () => {
      throw desktopOnly()
    },
    deliveryAttempts: async () => {
      throw desktopOnly()
    },
    planDelivery: async () => {
      throw desktopOnly()
    },
    recordDelivery: async () => {
      throw desktopOnly()
    },
    deliveryRunSheet: async () => {
      throw desktopOnly()
    },
    deliveryReceipt: async () => {
      throw desktopOnly()
    },
    async reviewOverlay(sheet) {
      const response = await call('GET', `/review/sheets/${encodeURIComponent(sheet)}/overlay`)
      try {
        return new Uint8Array(await response.arrayBuffer())
      } catch {
        throw offline()
      }
    },
    reviewPrintDocument: async () => {
      throw desktopOnly()
    },
    reviewExportFile: (file, form) => saveDownload(exportPath('review', file, form), `export.${form === 'xfdf' ? 'xfdf' : 'pdf'}`),
    exportStats: (query, format) => saveDownload(`/stats/export?format=${format}&${statsParams(query)}`, `stats.${format}`),
    reviewStats: (query) => request<ReviewStats>('GET', `/review/stats?${statsParams({ site: null, ...query })}`),
    exportReviewStats: (query, format) =>
      saveDownload(
        `/review/stats/export?format=${format}&${statsParams({ site: null, ...query })}`,
        `review_stats.${format}`,
      ),
    // Printers and the local cache are the desktop's; the browser build cannot reach them.
    ...desktopOnlyCalls(desktopOnly),
  }
}

/** Where a project's letter or certificate is, for staff (`review`) or the applicant (`portal`). */
export function documentPath(area: 'review' | 'portal', project: string, document: ReviewDocument, round: number | null): string {
  const base = `/${area}/projects/${encodeURIComponent(project)}/${document}`
  return document === 'letter' && round !== null ? `${base}?round=${round}` : base
}

/** Where a round's file is exported with its markups. */
export function exportPath(area: 'review' | 'portal', file: string, form: ExportForm): string {
  return `/${area}/files/${encodeURIComponent(file)}/export?form=${form}`
}

/** The statistics query as URL parameters, leaving out what is not set. */
export function statsParams(query: StatsQuery): string {
  const params = new URLSearchParams()
  if (query.site) params.set('site', query.site)
  if (query.from) params.set('from', query.from)
  if (query.to) params.set('to', query.to)
  return params.toString()
}

/** A cohort as URL parameters, leaving out what is not set. */
export function cohortQuery(cohort: Cohort): string {
  const params = new URLSearchParams()
  if (cohort.industry) params.set('industry', cohort.industry)
  if (cohort.town) params.set('town', cohort.town)
  if (cohort.state) params.set('state', cohort.state)
  if (cohort.complete !== undefined) params.set('complete', String(cohort.complete))
  return params.toString()
}

/** Every desktop-only call, refused with the same error. */
export function desktopOnlyCalls(error: () => ApiError): DesktopOnlyBackend {
  const refuse = async (): Promise<never> => {
    throw error()
  }
  return {
    printTemplates: refuse,
    printSample: refuse,
    printPreview: refuse,
    printers: refuse,
    printDocument: refuse,
    reprint: refuse,
    printJobs: refuse,
    printLog: refuse,
    calibration: refuse,
    saveCalibration: refuse,
    printCalibrationGrid: refuse,
    queueTickets: refuse,
    queueWindowStates: refuse,
    queueRatings: refuse,
  }
}
