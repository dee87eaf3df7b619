// Turning a decided case into the document it needs: a one-time notice listing every missing
// material, or an acceptance receipt.
import type { Case } from '../../bindings/Case'
import type { CaseDraft } from '../../bindings/CaseDraft'
import type { CaseOutcome } from '../../bindings/CaseOutcome'
import type { Command } from '../../bindings/Command'
import type { Matter } from '../../bindings/Matter'
import { newId } from '../config/commands'

export type ApplicantKind = 'person' | 'organisation'

export interface CaseForm {
  kind: ApplicantKind
  id: string
  name: string
  phone: string
  matterId: string
  provided: string[]
}

export function decideCase(form: CaseForm, ticketId: string | null, outcome: CaseOutcome): Command {
  const draft: CaseDraft = {
    id: newId(),
    ticket_id: ticketId,
    matter_id: form.matterId,
    applicant: { kind: form.kind, value: form.id.trim() },
    applicant_name: form.name.trim(),
    provided: form.provided,
    outcome,
  }
  return { id: newId(), kind: 'decide_case', payload: draft }
}

/** The materials of the matter the applicant did not bring, in checklist order. */
export function missingOf(matter: Matter | undefined, provided: readonly string[]): string[] {
  return (matter?.materials ?? []).filter((m) => !provided.includes(m))
}

const date = (ms: number) => {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return { iso: `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`, time: `${two(d.getHours())}:${two(d.getMinutes())}` }
}

/** Where the case was decided, for the printed document. */
export interface Desk {
  center: string
  window: string
  clerk: string
}

/** The one-time notice's data: every missing material on one page. */
export function noticeRecord(c: Case, matter: Matter, desk: Desk): Record<string, unknown> {
  const { iso } = date(c.decided_at_ms)
  return {
    center: desk.center,
    number: c.number,
    applicant: c.applicant_name,
    submitted_date: iso,
    matter: matter.name,
    missing: c.materials.filter((m) => !m.provided).map((m) => ({ name: m.name })),
    window: desk.window,
    clerk: desk.clerk,
    notice_date: iso,
  }
}

/** The acceptance receipt's data. */
export function receiptRecord(c: Case, matter: Matter, desk: Desk, phone: string, masked: string): Record<string, unknown> {
  const { iso, time } = date(c.decided_at_ms)
  const [y, m, d] = iso.split('-')
  return {
    center: desk.center,
    number: c.number,
    applicant: c.applicant_name,
    id_number: masked,
    ...(phone.trim() ? { phone: phone.trim() } : {}),
    matter: matter.name,
    accepted_at: `${y}年${Number(m)}月${Number(d)}日 ${time}`,
    promised: matter.promised_days ? promisedText(matter.promised_days, c.due_date) : '即办',
    materials: c.materials.map((x) => ({ name: x.name, form: '已收' })),
    window: desk.window,
    clerk: desk.clerk,
    accepted_date: iso,
  }
}

/** `3310**********123X`: the identifier as printed on receipts. */
export function maskId(id: string): string {
  return [...id].map((c, i) => (i >= 4 && i < 14 ? '*' : c)).join('')
}

/** `7个工作日（2026年12月8日前办结）`. */
export function promisedText(days: number, due: string | null): string {
  if (!due) return `${days}个工作日`
  const [y, m, d] = due.split('-')
  return `${days}个工作日（${y}年${Number(m)}月${Number(d)}日前办结）`
}
