// Backend for the desktop shell: Tauri commands implemented by src-tauri.
import type { SheetPage } from '../bindings/SheetPage'
import type { BatchOutcome } from '../bindings/BatchOutcome'
import type { ConditionTemplate } from '../bindings/ConditionTemplate'
import type { DryRun } from '../bindings/DryRun'
import type { DeliveryAttempt } from '../bindings/DeliveryAttempt'
import type { DeliveryRun } from '../bindings/DeliveryRun'
import type { FormLedgerView } from '../bindings/FormLedgerView'
import type { FormPrintOutcome } from '../bindings/FormPrintOutcome'
import type { Permit } from '../bindings/Permit'
import type { PermitCheck } from '../bindings/PermitCheck'
import type { PermitStats } from '../bindings/PermitStats'
import type { RenewalRow } from '../bindings/RenewalRow'
import type { SpotCheck } from '../bindings/SpotCheck'
import type { PermitApplication } from '../bindings/PermitApplication'
import type { ClauseEdition } from '../bindings/ClauseEdition'
import type { Project } from '../bindings/Project'
import type { ProjectView } from '../bindings/ProjectView'
import type { Reviewer } from '../bindings/Reviewer'
import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import type { Account } from '../bindings/Account'
import type { Command } from '../bindings/Command'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import type { QueueStats } from '../bindings/QueueStats'
import type { ReviewStats } from '../bindings/ReviewStats'
import type { SavedExport } from '../bindings/SavedExport'
import type { Settings } from '../bindings/Settings'
import type { Backend } from './index'
import { acceptedOutcome, toApiError } from './errors'
import type {
  Calibration,
  CommandOutcome,
  ConnectionStatus,
  FailedCommand,
  JobStatus,
  PrintRecord,
  PrintTemplateInfo,
  Printer,
  Rating,
  RatingsReport,
  SyncEvent,
  Ticket,
  VerifyResponse,
  WindowState,
} from './types'

type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>
type Listen = (event: string, handler: (event: unknown) => void) => Promise<() => void>

/** The shell's event names for each sync event. */
export const SYNC_EVENTS: Readonly<Record<SyncEvent, string>> = {
  status: 'sync://status',
  data: 'sync://data',
  'session-ended': 'sync://session-ended',
}

export function createTauriBackend(call: Invoke = invoke, subscribe: Listen = listen): Backend {
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
    sendCommand: async (command: Command) => acceptedOutcome(await run<CommandOutcome>('command_send', { command })),
    connectionStatus: () => run<ConnectionStatus>('connection_status'),
    getSettings: () => run<Settings>('settings_get'),
    saveSettings: (settings: Settings) => run<Settings>('settings_save', { settings }),
    failedCommands: () => run<FailedCommand[]>('outbox_failed'),
    retryCommand: async (id: string) => {
      await run<null>('outbox_retry', { id })
    },
    discardCommand: async (id: string) => {
      await run<null>('outbox_discard', { id })
    },
    printTemplates: () => run<PrintTemplateInfo[]>('print_templates'),
    printSample: (template) => run<Record<string, unknown>[]>('print_sample', { template }),
    printPreview: async (template, records, overlay) =>
      new Uint8Array(await run<ArrayBuffer>('print_preview', { template, records, overlay })),
    printers: () => run<Printer[]>('printers_list'),
    printDocument: (request) => run<PrintRecord>('print_document', { request }),
    reprint: (id, printer, copies) => run<PrintRecord>('print_reprint', { id, printer, copies }),
    printJobs: (jobs) => run<JobStatus[]>('print_jobs', { jobs }),
    printLog: () => run<PrintRecord[]>('print_log'),
    calibration: (printer, tray) => run<Calibration>('calibration_get', { printer, tray }),
    saveCalibration: (profile) => run<Calibration>('calibration_save', { profile }),
    printCalibrationGrid: (printer, tray) => run<JobStatus>('calibration_print_grid', { printer, tray }),
    verifyDocument: (payload) => run<VerifyResponse>('verify_document', { payload }),
    queueTickets: () => run<Ticket[]>('queue_tickets'),
    queueWindowStates: () => run<WindowState[]>('queue_window_states'),
    queueRatings: () => run<Rating[]>('queue_ratings'),
    ratingsReport: (from, to) => run<RatingsReport>('ratings_report', { from, to }),
    queueStats: (query) => run<QueueStats>('stats_load', { query }),
    reviewStats: (query) => run<ReviewStats>('review_stats_load', { query }),
    async exportReviewStats(query, format) {
      const saved = await run<SavedExport>('review_stats_export', { query, format })
      return { fileName: saved.file_name, path: saved.path }
    },
    reviewProjects: () => run<Project[]>('review_projects'),
    reviewProject: (id) => run<ProjectView>('review_project', { id }),
    reviewFile: async (id) => new Uint8Array(await run<ArrayBuffer>('review_file', { id })),
    reviewTakeOffline: (id) => run<number>('review_take_offline', { id }),
    reviewReviewers: () => run<Reviewer[]>('review_reviewers'),
    reviewClauses: (query) => run<ClauseEdition[]>('review_clauses', { query }),
    reviewDocument: async (project, document, round) =>
      new Uint8Array(await run<ArrayBuffer>('review_document', { project, document, round })),
    async reviewSaveDocument(project, document, round) {
      const saved = await run<SavedExport>('review_save_document', { project, document, round })
      return { fileName: saved.file_name, path: saved.path }
    },
    reviewPrintDocument: (project, document, round, printer, copies) =>
      run<PrintRecord>('review_print_document', { project, document, round, printer, tray: null, copies }),
    reviewOverlay: async (sheet) => new Uint8Array(await run<ArrayBuffer>('review_overlay', { sheet })),
    permitApplications: (cohort) => run<PermitApplication[]>('permits_applications', { cohort }),
    permits: () => run<Permit[]>('permits_list'),
    permitTemplates: () => run<ConditionTemplate[]>('permits_templates'),
    permitDryRun: (cohort) => run<DryRun>('permits_dry_run', { cohort }),
    approvePermits: (applicationIds) => run<BatchOutcome>('permits_approve', { applicationIds }),
    permitPrintRecords: (ids) => run<Record<string, unknown>[]>('permits_print_records', { ids }),
    printPermitsOnForms: (request) => run<FormPrintOutcome>('permits_print_on_forms', { request }),
    permitForms: () => run<FormLedgerView>('permits_forms'),
    async exportPermitExceptions(cohort, format) {
      const saved = await run<SavedExport>('permits_export_exceptions', { cohort, format })
      return { fileName: saved.file_name, path: saved.path }
    },
    permitChecks: () => run<PermitCheck[]>('permits_checks'),
    permitCommand: (body) => run<unknown>('permits_command', { body }),
    permitSpotChecks: () => run<SpotCheck[]>('permits_spot_checks'),
    permitRenewals: () => run<RenewalRow[]>('permits_renewals'),
    permitStats: (query) => run<PermitStats>('permits_stats', { query }),
    deliveryRuns: () => run<DeliveryRun[]>('delivery_runs'),
    deliveryAttempts: () => run<DeliveryAttempt[]>('delivery_attempts'),
    planDelivery: (draft) => run<DeliveryRun>('delivery_plan', { draft }),
    recordDelivery: (draft) => run<CommandOutcome>('delivery_record', { draft }),
    deliveryRunSheet: (runId) => run<Record<string, unknown>>('delivery_run_sheet', { run: runId }),
    deliveryReceipt: (attemptId) => run<Record<string, unknown>>('delivery_receipt', { attempt: attemptId }),
    sheetRenderer: {
      page: (file, page) => run<SheetPage>('review_sheet_page', { file, page }),
      region: async (file, page, region) => new Uint8Array(await run<ArrayBuffer>('review_sheet_region', { file, page, region })),
    },
    async reviewExportFile(file, form) {
      const saved = await run<SavedExport>('review_export_file', { file, form })
      return { fileName: saved.file_name, path: saved.path }
    },
    async exportStats(query, format) {
      const saved = await run<SavedExport>('stats_export', { query, format })
      return { fileName: saved.file_name, path: saved.path }
    },
    async onSyncEvent(handler) {
      const entries = Object.entries(SYNC_EVENTS) as [SyncEvent, string][]
      const settled = await Promise.allSettled(entries.map(([event, name]) => subscribe(name, () => handler(event))))
      const unlisteners = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
      const unsubscribe = () => unlisteners.splice(0).forEach((unlisten) => unlisten())
      const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failure) {
        unsubscribe()
        throw toApiError(failure.reason)
      }
      return unsubscribe
    },
  }
}
