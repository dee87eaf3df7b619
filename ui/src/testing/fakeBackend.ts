// For tests only: a backend whose every call is a mock. Application code never imports this.
import { vi } from 'vitest'
import type { Backend } from '../backend'
import { desktopOnlyCalls } from '../backend/web'

/** A backend of mocks that answer nothing in particular; `overrides` replaces some of them. */
export function fakeBackend(overrides: Partial<Backend> = {}): Backend {
  return {
    kind: 'tauri',
    ...desktopOnlyCalls(() => ({ code: 'bad_request', message: 'desktop only' })),
    verifyDocument: vi.fn(),
    ratingsReport: vi.fn(),
    queueStats: vi.fn(),
    exportStats: vi.fn(),
    reviewStats: vi.fn(),
    exportReviewStats: vi.fn(),
    reviewProjects: vi.fn().mockResolvedValue([]),
    reviewProject: vi.fn(),
    reviewFile: vi.fn(),
    reviewTakeOffline: vi.fn(),
    reviewReviewers: vi.fn().mockResolvedValue([]),
    reviewClauses: vi.fn().mockResolvedValue([]),
    reviewDocument: vi.fn(),
    reviewSaveDocument: vi.fn(),
    reviewPrintDocument: vi.fn(),
    reviewExportFile: vi.fn(),
    reviewOverlay: vi.fn(),
    sheetRenderer: null,
    permitApplications: vi.fn(),
    permits: vi.fn(),
    permitTemplates: vi.fn(),
    permitDryRun: vi.fn(),
    approvePermits: vi.fn(),
    permitPrintRecords: vi.fn(),
    printPermitsOnForms: vi.fn(),
    permitForms: vi.fn(),
    login: vi.fn(),
    logout: vi.fn(),
    currentAccount: vi.fn().mockResolvedValue(null),
    loadConfig: vi.fn(),
    sendCommand: vi.fn(),
    connectionStatus: vi.fn(),
    getSettings: vi.fn().mockResolvedValue(null),
    saveSettings: vi.fn(),
    failedCommands: vi.fn().mockResolvedValue([]),
    retryCommand: vi.fn(),
    discardCommand: vi.fn(),
    onSyncEvent: vi.fn().mockResolvedValue(() => undefined),
    ...overrides,
  }
}
