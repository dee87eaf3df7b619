// Drainage permits' words and numbers, shared by the portal and the desk: the industries,
// facilities and materials in the user's language, why an application is not eligible, and
// the daily volume as people type it (m³ a day, full-width digits from a Chinese input method).

import type { ConditionTemplate } from '../../bindings/ConditionTemplate'
import type { Industry } from '../../bindings/Industry'
import type { Material } from '../../bindings/Material'
import type { Pretreatment } from '../../bindings/Pretreatment'
import type { Reason } from '../../bindings/Reason'
import type { RenewalRow } from '../../bindings/RenewalRow'

type Translate = (key: string, params?: Record<string, string | number>) => string

/** The window matter whose acceptance opens a permit application (the server's `PERMIT_MATTER`). */
export const PERMIT_MATTER = '城镇污水排入排水管网许可'
export const INDUSTRIES: readonly Industry[] = ['catering', 'car_wash', 'hair_beauty', 'laundry', 'hotel', 'bathhouse', 'construction_site', 'other']
export const PRETREATMENTS: readonly Pretreatment[] = ['grease_trap', 'grease_grit_trap', 'hair_collector', 'settling_tank', 'septic_tank']
/** Pollutants offered first; any other may be typed. */
export const COMMON_POLLUTANTS: readonly string[] = ['COD', '氨氮', '动植物油', 'SS', '总磷', 'LAS', '石油类']

/** An ineligible application's reason in words. */
export function reasonText(reason: Reason, t: Translate): string {
  switch (reason.code) {
    case 'missing_pretreatment':
      return t('permits.reasons.missing_pretreatment', { what: t(`permits.pretreatments.${reason.value}`) })
    case 'missing_material':
      return t('permits.reasons.missing_material', { what: t(`permits.materials.${reason.value}`) })
    default:
      return t(`permits.reasons.${reason.code}`)
  }
}

/** Litres a day from m³ a day as typed: `2.5`, `２．５`, ` 12 `; null when not a positive volume
 * with at most three decimals. */
export function litresPerDay(typed: string): number | null {
  const ascii = typed
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
    .trim()
  if (!/^\d{1,7}(\.\d{1,3})?$/.test(ascii)) return null
  const litres = Math.round(Number(ascii) * 1000)
  return litres > 0 && litres <= 4_000_000_000 ? litres : null
}

/** m³ a day for display: `2.5`. */
export function cubicMetres(litres: number): string {
  return String(litres / 1000)
}

/** The materials a template asks for, each with the pledge that may stand in for it. */
export function materialSlots(required: readonly Material[], pledges: readonly { report: Material; pledge: Material }[]): { material: Material; pledge: Material | null }[] {
  return required.map((material) => ({ material, pledge: pledges.find((p) => p.report === material)?.pledge ?? null }))
}

export type ClockState = 'running' | 'due_soon' | 'overdue'

/** Where a statutory clock stands on `today` (all `YYYY-MM-DD`), from its last day and the first
 * day it is due soon; null when the clock is not known. */
export function clockState(due: string | undefined, dueSoon: string | undefined, today: string): ClockState | null {
  if (!due || !dueSoon) return null
  if (today > due) return 'overdue'
  return today >= dueSoon ? 'due_soon' : 'running'
}

/** The tag type of a clock's state. */
export function clockTag(state: ClockState): 'info' | 'warning' | 'danger' {
  return ({ running: 'info', due_soon: 'warning', overdue: 'danger' } as const)[state]
}

/** Days from `today` to `expires` (both `YYYY-MM-DD`), when a renewal reminder applies: at most
 * 30 days ahead, or already past (negative). */
export function expiresIn(expires: string, today: string): number | null {
  const days = Math.round((Date.parse(`${expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000)
  return days <= 30 ? days : null
}

/** A renewal reminder letter's record (the `renewal-reminder` template) for a permit near expiry,
 * sent on `today` (`YYYY-MM-DD`). */
export function renewalLetter(row: RenewalRow, today: string): Record<string, unknown> {
  const permit = row.permit
  // 玉排许字〔2026〕第0012号 → 2026-0012: the letter is numbered after the day and the permit.
  const digits = /〔(\d{4})〕第(\d+)号/.exec(permit.number)
  const permitPart = digits ? `${digits[1]}-${digits[2]}` : permit.id.slice(0, 8)
  return {
    center: permit.issuer,
    number: `YXTX-${today.replaceAll('-', '')}-${permitPart}`,
    holder: permit.discharger.name,
    address: permit.discharger.address,
    permit_number: permit.number,
    valid_from: permit.valid_from ?? permit.issued_on,
    valid_until: permit.expires_on,
    days_left: row.days_left,
    letter_date: today,
  }
}

/** The share of 0 to 1 as a percentage with one decimal: `37.5%`. */
export function percent(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`
}

/** Materials a template may require; the pledges stand in for reports and are not required. */
export const REQUIRABLE: readonly Material[] = ['application_form', 'drainage_drawing', 'pretreatment_proof', 'separation_report', 'water_quality_report', 'business_licence']
/** Each report with the pledge (告知承诺) that may stand in for it. */
export const PLEDGE_PAIRS: readonly { report: Material; pledge: Material }[] = [
  { report: 'separation_report', pledge: 'separation_pledge' },
  { report: 'water_quality_report', pledge: 'water_quality_pledge' },
]

/** An industry's template as the admin edits it: the reports a pledge may replace, by report. */
export interface TemplateForm {
  industry: Industry
  pretreatment: Pretreatment[]
  sampling_well: boolean
  materials: Material[]
  pledgeFor: Material[]
}

export function templateForm(template: ConditionTemplate): TemplateForm {
  return {
    industry: template.industry,
    pretreatment: [...template.pretreatment],
    sampling_well: template.sampling_well,
    materials: [...template.materials],
    pledgeFor: template.pledges.map((rule) => rule.report),
  }
}

/** The template to save: required materials in the order offered, a pledge only for a report
 * still required. */
export function templateOf(form: TemplateForm): ConditionTemplate {
  const materials = REQUIRABLE.filter((m) => form.materials.includes(m))
  return {
    industry: form.industry,
    pretreatment: PRETREATMENTS.filter((p) => form.pretreatment.includes(p)),
    sampling_well: form.sampling_well,
    materials,
    pledges: PLEDGE_PAIRS.filter((pair) => materials.includes(pair.report) && form.pledgeFor.includes(pair.report)).map((pair) => ({ ...pair })),
  }
}
