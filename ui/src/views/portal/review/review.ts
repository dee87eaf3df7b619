// Drawing review's words and lists for the portal's screens.
import type { IntakeWarning } from '../../../bindings/IntakeWarning'
import type { ProjectKind } from '../../../bindings/ProjectKind'
import type { Specialty } from '../../../bindings/Specialty'
import type { SubmitBlocker } from '../../../bindings/SubmitBlocker'

type Translate = (key: string, params?: Record<string, string | number>) => string

export const KINDS: readonly ProjectKind[] = ['residential', 'public', 'industrial', 'municipal']

export const SPECIALTIES: readonly Specialty[] = [
  'architecture',
  'structure',
  'plumbing',
  'hvac',
  'electrical',
  'fire_protection',
  'civil_defence',
  'energy_saving',
]

/** What the form proposes for each kind; the server applies the same when none are sent. */
export const DEFAULT_SPECIALTIES: Record<ProjectKind, readonly Specialty[]> = {
  residential: SPECIALTIES,
  public: SPECIALTIES,
  industrial: SPECIALTIES.filter((s) => s !== 'civil_defence'),
  municipal: ['structure', 'plumbing', 'electrical'],
}

export function warningText(warning: IntakeWarning, t: Translate): string {
  switch (warning.kind) {
    case 'font_not_embedded':
      return t('review.warning.font_not_embedded', { font: warning.font })
    case 'shx_text':
      return t('review.warning.shx_text', { count: warning.count })
    case 'rotated':
      return t('review.warning.rotated', { degrees: warning.degrees })
    case 'not_drawing_size':
    case 'image_only':
      return t(`review.warning.${warning.kind}`)
  }
}

export function blockerText(blocker: SubmitBlocker, t: Translate): string {
  switch (blocker.kind) {
    case 'no_files':
      return t('review.blocker.no_files')
    case 'unnumbered':
    case 'unconfirmed':
      return t(`review.blocker.${blocker.kind}`, { sheets: blocker.sheets })
    case 'duplicate_number':
      return t('review.blocker.duplicate_number', { number: blocker.number })
    case 'specialty_missing':
      return t('review.blocker.specialty_missing', { specialty: t(`review.specialty.${blocker.specialty}`) })
    case 'unreplied':
      return t('review.blocker.unreplied', { opinions: blocker.opinions })
  }
}

/** `1.5 MB`, `820 KB`. */
export function fileSize(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1000))} KB`
}
