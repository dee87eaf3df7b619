// The one interface every screen uses to reach OneTrip's services, and the choice of implementation.
import type { Account } from '../bindings/Account'
import type { ClauseEdition } from '../bindings/ClauseEdition'
import type { Command } from '../bindings/Command'
import type { Project } from '../bindings/Project'
import type { ProjectView } from '../bindings/ProjectView'
import type { Reviewer } from '../bindings/Reviewer'
import type { ReviewDocument } from '../bindings/ReviewDocument'
import type { ExportForm } from '../bindings/ExportForm'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import type { ExportFormat } from '../bindings/ExportFormat'
import type { QueueStats } from '../bindings/QueueStats'
import type { ReviewStats } from '../bindings/ReviewStats'
import type { ReviewStatsQuery } from '../bindings/ReviewStatsQuery'
import type { SheetPage } from '../bindings/SheetPage'
import type { BatchOutcome } from '../bindings/BatchOutcome'
import type { Cohort } from '../bindings/Cohort'
import type { AttemptDraft } from '../bindings/AttemptDraft'
import type { DeliveryAttempt } from '../bindings/DeliveryAttempt'
import type { DeliveryRun } from '../bindings/DeliveryRun'
import type { RunDraft } from '../bindings/RunDraft'
import type { FormLedgerView } from '../bindings/FormLedgerView'
import type { FormPrintOutcome } from '../bindings/FormPrintOutcome'
import type { FormPrintRequest } from '../bindings/FormPrintRequest'
import type { ConditionTemplate } from '../bindings/ConditionTemplate'
import type { DryRun } from '../bindings/DryRun'
import type { Permit } from '../bindings/Permit'
import type { PermitCheck } from '../bindings/PermitCheck'
import type { PermitStats } from '../bindings/PermitStats'
import type { PermitStatsQuery } from '../bindings/PermitStatsQuery'
import type { RenewalRow } from '../bindings/RenewalRow'
import type { SpotCheck } from '../bindings/SpotCheck'
import type { PermitApplication } from '../bindings/PermitApplication'
import type { SheetRegion } from '../bindings/SheetRegion'
import type { Settings } from '../bindings/Settings'
import type { StatsQuery } from '../bindings/StatsQuery'
import type {
  Calibration,
  CommandOutcome,
  ConnectionStatus,
  FailedCommand,
  JobStatus,
  PrintRecord,
  PrintRequest,
  PrintTemplateInfo,
  Printer,
  Rating,
  RatingsReport,
  SyncEvent,
  Ticket,
  VerifyResponse,
  WindowState,
} from './types'

/** Printing lives on the desktop, next to the printers; the browser build refuses it. */
export interface PrintingBackend {
  printTemplates(): Promise<PrintTemplateInfo[]>
  /** Example data of a template, to try a printer with. */
  printSample(template: string): Promise<Record<string, unknown>[]>
  /** The PDF that printing the records would send. */
  printPreview(template: string, records: Record<string, unknown>[], overlay: boolean): Promise<Uint8Array>
  printers(): Promise<Printer[]>
  /** Prints with the printer's calibration and puts the print in the log. */
  printDocument(request: PrintRequest): Promise<PrintRecord>
  /** Prints a logged document again from its kept file. */
  reprint(id: string, printer: string | null, copies: number | null): Promise<PrintRecord>
  printJobs(jobs: [printer: string, job: string][]): Promise<JobStatus[]>
  printLog(): Promise<PrintRecord[]>
  calibration(printer: string, tray: string | null): Promise<Calibration>
  saveCalibration(profile: Calibration): Promise<Calibration>
  printCalibrationGrid(printer: string, tray: string | null): Promise<JobStatus>
}

/** The calls only the desktop answers: printers, and the queue read from the local cache. */
export interface DesktopOnlyBackend extends PrintingBackend {
  /** Today's tickets at the sites the account may see. */
  queueTickets(): Promise<Ticket[]>
  /** Windows that went on a break or came back, with since when. */
  queueWindowStates(): Promise<WindowState[]>
  /** Today's ratings at the sites the account may see (whether a finished ticket is rated). */
  queueRatings(): Promise<Rating[]>
}

/** Checking a document's signed QR code: offline on the desktop with the kept key. */
export interface VerifyBackend {
  verifyDocument(payload: string): Promise<VerifyResponse>
}

/** Where an export went: the desktop wrote it to `path`; the browser saved it itself (null). */
export interface ExportedFile {
  fileName: string
  path: string | null
}

/** Supervisors' and review leads' statistics, always asked of the central API. */
export interface StatsBackend {
  queueStats(query: StatsQuery): Promise<QueueStats>
  /** Downloads the statistics as a CSV or XLSX file. */
  exportStats(query: StatsQuery, format: ExportFormat): Promise<ExportedFile>
  /** Drawing-review statistics (审图统计) over a range of acceptance dates; review leads only. */
  reviewStats(query: ReviewStatsQuery): Promise<ReviewStats>
  /** Downloads the review statistics as a CSV or XLSX file. */
  exportReviewStats(query: ReviewStatsQuery, format: ExportFormat): Promise<ExportedFile>
}

/** Drainage permits for the permit officers: applications and permits from the desktop's cache
 * (the server in the browser); the dry run and the batch approval always from the server. */
export interface PermitsBackend {
  permitApplications(cohort: Cohort): Promise<PermitApplication[]>
  permits(): Promise<Permit[]>
  /** The industries' condition templates. */
  permitTemplates(): Promise<ConditionTemplate[]>
  permitDryRun(cohort: Cohort): Promise<DryRun>
  /** Approves the applications in one transaction; refused at once when offline. */
  approvePermits(applicationIds: string[]): Promise<BatchOutcome>
  /** What the permits print (the `drainage-permit` template's records). Desktop only. */
  permitPrintRecords(ids: string[]): Promise<Record<string, unknown>[]>
  /** Prints permits onto the official forms page by page, taking their serials. Desktop only. */
  printPermitsOnForms(request: FormPrintRequest): Promise<FormPrintOutcome>
  /** The site's blank-form ledger. */
  permitForms(): Promise<FormLedgerView>
  /** Saves the dry run's exceptions as a CSV or XLSX file, to send the dischargers. */
  exportPermitExceptions(cohort: Cohort, format: ExportFormat): Promise<ExportedFile>
  /** Batches and voids waiting for a second officer. */
  permitChecks(): Promise<PermitCheck[]>
  /** An officer's permit command, sent at once; what the server answered. */
  permitCommand(command: PermitCommand): Promise<unknown>
  /** Open spot checks of pledges, soonest due first. */
  permitSpotChecks(): Promise<SpotCheck[]>
  /** Permits within a month of expiry, with the reminder due and any renewal pending. */
  permitRenewals(): Promise<RenewalRow[]>
  /** Permits approved over a range of days: by town and industry, clocks, trips. */
  permitStats(query: PermitStatsQuery): Promise<PermitStats>
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never
/** The permit officers' commands the desks send: a void, a second officer's decision, a spot
 * check's result, reminders sent; and an admin's condition template. */
export type PermitCommand = WithoutId<
  Extract<Command, { kind: 'void_permit' | 'confirm_permit_check' | 'reject_permit_check' | 'record_spot_check' | 'record_reminders' | 'save_permit_template' }>
>

/** Delivering permits to the door: runs and attempts from the desktop's cache; an attempt kept
 * in the outbox while offline. Desktop only for now. */
export interface DeliveryBackend {
  deliveryRuns(): Promise<DeliveryRun[]>
  deliveryAttempts(): Promise<DeliveryAttempt[]>
  planDelivery(draft: RunDraft): Promise<DeliveryRun>
  /** `queued` when the server is out of reach: it is sent when it can be. */
  recordDelivery(draft: AttemptDraft): Promise<CommandOutcome>
  deliveryRunSheet(runId: string): Promise<Record<string, unknown>>
  deliveryReceipt(attemptId: string): Promise<Record<string, unknown>>
}

/** What draws sheets natively (the desktop's own renderer, from its kept files). */
export interface SheetRenderer {
  page(fileId: string, page: number): Promise<SheetPage>
  /** The region as a PNG. */
  region(fileId: string, page: number, region: SheetRegion): Promise<Uint8Array>
}

/** Drawing review for the center's staff: from the local cache on the desktop, the server in the browser. */
export interface ReviewBackend {
  reviewProjects(): Promise<Project[]>
  reviewProject(id: string): Promise<ProjectView>
  /** A round's file as uploaded: from the desktop's drawing cache, fetched when missing. */
  reviewFile(id: string): Promise<Uint8Array>
  /** Keeps every file of the project on this computer; how many. Desktop only. */
  reviewTakeOffline(id: string): Promise<number>
  reviewReviewers(): Promise<Reviewer[]>
  reviewClauses(query: string): Promise<ClauseEdition[]>
  /** A round's opinion letter (the latest released when `round` is null) or the certificate, as PDF. */
  reviewDocument(projectId: string, document: ReviewDocument, round: number | null): Promise<Uint8Array>
  /** Saves it: the desktop into the Downloads folder, the browser through its own download. */
  reviewSaveDocument(projectId: string, document: ReviewDocument, round: number | null): Promise<ExportedFile>
  /** Prints it and puts the print in the log. Desktop only. */
  reviewPrintDocument(projectId: string, document: ReviewDocument, round: number | null, printer: string, copies: number): Promise<PrintRecord>
  /** A compared sheet over the same sheet of the round before, as a PNG at 100 dpi. */
  reviewOverlay(sheetId: string): Promise<Uint8Array>
  /** Saves a round's file with the released opinions' markups, in the form asked for. */
  reviewExportFile(fileId: string, form: ExportForm): Promise<ExportedFile>
  /** Draws sheets natively from the kept files: the desktop. Null in the browser, where pdf.js
   * draws them from `reviewFile`. */
  sheetRenderer: SheetRenderer | null
}

export interface Backend extends DesktopOnlyBackend, VerifyBackend, StatsBackend, ReviewBackend, PermitsBackend, DeliveryBackend {
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
  /**
   * Ratings of the days `from` to `to` (`YYYY-MM-DD`) by window and clerk, and the follow-ups of
   * bad ratings with their clocks: from the local cache on the desktop, from the server in the browser.
   */
  ratingsReport(from: string, to: string): Promise<RatingsReport>
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
