// Choices and words of the print screens, kept apart from the components so they can be tested.
import type { Calibration, JobStatus, PrintRecord, Printer } from '../../backend/types'
import type { Verdict } from '../../bindings/Verdict'

/** Key under which the last printer chosen on this computer is remembered. */
export const PRINTER_KEY = 'onetrip.printer'

/** The remembered printer if it still exists, else the system default, else the first one. */
export function choosePrinter(printers: Printer[], remembered: string | null): string {
  const usable = printers.filter((p) => p.accepting && p.state !== 'disabled')
  const pool = usable.length ? usable : printers
  return (
    pool.find((p) => p.name === remembered)?.name ??
    pool.find((p) => p.is_default)?.name ??
    pool[0]?.name ??
    ''
  )
}

/** The jobs of a print, as the print system knows them. */
export function jobsOf(record: PrintRecord): [string, string][] {
  return record.jobs.map((job) => [record.printer, job])
}

/** Every job left the queue (printed, or cancelled at the printer). */
export function allDone(statuses: JobStatus[]): boolean {
  return statuses.length > 0 && statuses.every((s) => s.state !== 'queued')
}

/** An empty tray field means the printer's default tray. */
export function trayOrNull(tray: string): string | null {
  const trimmed = tray.trim()
  return trimmed ? trimmed : null
}

/** A profile with nothing corrected, for the same printer and tray. */
export function noCorrection(profile: Calibration): Calibration {
  return { ...profile, offset_x: 0, offset_y: 0, scale_x: 1, scale_y: 1, rotation: 0 }
}

/** The template's title for a print-log row, or its machine name when it is not built in. */
export function templateTitle(name: string, templates: { name: string; title: string }[]): string {
  return templates.find((t) => t.name === name)?.title ?? name
}

/** How a verdict looks: green for valid, amber for a genuine document out of its validity. */
export function verdictLook(verdict: Verdict): { icon: 'success' | 'warning' | 'error' } {
  switch (verdict) {
    case 'valid':
      return { icon: 'success' }
    case 'expired':
    case 'not_yet_valid':
      return { icon: 'warning' }
    case 'revoked':
    case 'tampered':
    case 'invalid':
      return { icon: 'error' }
  }
}
