// Configuration forms: their state, their checks, and the commands they turn into.
import type { CalendarDay } from '../../bindings/CalendarDay'
import type { Command } from '../../bindings/Command'
import type { FairnessPolicy } from '../../bindings/FairnessPolicy'
import type { Matter } from '../../bindings/Matter'
import type { Service } from '../../bindings/Service'
import type { Site } from '../../bindings/Site'
import type { SiteKind } from '../../bindings/SiteKind'
import type { Window } from '../../bindings/Window'
import type { CommandStatus } from '../../backend/types'

/** A fresh UUID v4; falls back to getRandomValues where randomUUID is missing (plain http). */
export function newId(): string {
  const c = globalThis.crypto
  if (typeof c.randomUUID === 'function') return c.randomUUID()
  const bytes = c.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A problem with a form: an i18n key under `validation.` and its parameters. */
export interface Problem {
  key: string
  params?: Record<string, string | number>
}

// ---- sites ----

export interface SiteForm {
  /** null while creating. */
  id: string | null
  name: string
  kind: SiteKind
  parent_id: string | null
  /** How the site's queue calls. */
  policy: FairnessPolicy
  /** Permit batches and voids need a second officer's confirmation. */
  permit_second_officer: boolean
}

/** The policy a site without its own uses (as the server's default). */
export const DEFAULT_POLICY: FairnessPolicy = { priority_ratio: 2, aging_minutes: 45, appointment_early_minutes: 10 }

/** The bounds the server checks a policy against. */
export const POLICY_LIMITS = { ratio: [1, 10], aging: [5, 240], early: [0, 60] } as const

export function siteForm(site?: Site): SiteForm {
  const policy = { ...(site?.policy ?? DEFAULT_POLICY) }
  return site
    ? { id: site.id, name: site.name, kind: site.kind, parent_id: site.parent_id, policy, permit_second_officer: site.permit_second_officer }
    : { id: null, name: '', kind: 'branch', parent_id: null, policy, permit_second_officer: false }
}

export function checkSite(form: SiteForm): Problem | null {
  if (!form.name.trim()) return { key: 'nameRequired' }
  if (form.kind !== 'center' && !form.parent_id) return { key: 'parentRequired' }
  if (form.id && form.parent_id === form.id) return { key: 'parentSelf' }
  return null
}

export function saveSiteCommand(form: SiteForm): Command {
  return {
    id: newId(),
    kind: 'save_site',
    payload: {
      id: form.id ?? newId(),
      name: form.name.trim(),
      kind: form.kind,
      parent_id: form.kind === 'center' ? null : form.parent_id,
      policy: { ...form.policy },
      permit_second_officer: form.permit_second_officer,
    },
  }
}

// ---- services ----

export interface ServiceForm {
  id: string | null
  prefix: string
  name: string
}

export function serviceForm(service?: Service): ServiceForm {
  return service ? { ...service } : { id: null, prefix: '', name: '' }
}

export function checkService(form: ServiceForm, services: readonly Service[]): Problem | null {
  const prefix = form.prefix.trim().toUpperCase()
  if (!/^[A-Z]$/.test(prefix)) return { key: 'prefixInvalid' }
  const taken = services.find((s) => s.prefix === prefix && s.id !== form.id)
  if (taken) return { key: 'prefixTaken', params: { prefix, name: taken.name } }
  if (!form.name.trim()) return { key: 'nameRequired' }
  return null
}

export function saveServiceCommand(form: ServiceForm): Command {
  return {
    id: newId(),
    kind: 'save_service',
    payload: { id: form.id ?? newId(), prefix: form.prefix.trim().toUpperCase(), name: form.name.trim() },
  }
}

// ---- matters ----

export interface MatterForm {
  id: string | null
  service_id: string
  name: string
  promised_days: number
  /** Editable rows; blank rows are dropped when saving. */
  materials: string[]
}

export function matterForm(matter?: Matter, serviceId = ''): MatterForm {
  return matter
    ? { ...matter, materials: [...matter.materials] }
    : { id: null, service_id: serviceId, name: '', promised_days: 0, materials: [''] }
}

export function checkMatter(form: MatterForm): Problem | null {
  if (!form.service_id) return { key: 'serviceRequired' }
  if (!form.name.trim()) return { key: 'nameRequired' }
  if (!Number.isInteger(form.promised_days) || form.promised_days < 0) return { key: 'promisedDays' }
  return null
}

export function saveMatterCommand(form: MatterForm): Command {
  return {
    id: newId(),
    kind: 'save_matter',
    payload: {
      id: form.id ?? newId(),
      service_id: form.service_id,
      name: form.name.trim(),
      promised_days: form.promised_days,
      materials: form.materials.map((m) => m.trim()).filter((m) => m.length > 0),
    },
  }
}

// ---- windows ----

export interface WindowForm {
  id: string | null
  site_id: string
  number: number
  service_ids: string[]
}

export function windowForm(window?: Window, siteId = ''): WindowForm {
  return window
    ? { ...window, service_ids: [...window.service_ids] }
    : { id: null, site_id: siteId, number: 1, service_ids: [] }
}

/** The next free window number at a site. */
export function nextWindowNumber(windows: readonly Window[], siteId: string): number {
  const numbers = windows.filter((w) => w.site_id === siteId).map((w) => w.number)
  return numbers.length ? Math.max(...numbers) + 1 : 1
}

/** A comprehensive window (综合窗口) serves every configured service. */
export function servesAll(serviceIds: readonly string[], services: readonly Service[]): boolean {
  return services.length > 0 && services.every((s) => serviceIds.includes(s.id))
}

/** The selection after ticking or unticking "select all (comprehensive window)". */
export function selectAllServices(checked: boolean, services: readonly Service[]): string[] {
  return checked ? services.map((s) => s.id) : []
}

export function checkWindow(form: WindowForm, windows: readonly Window[]): Problem | null {
  if (!form.site_id) return { key: 'siteRequired' }
  if (!Number.isInteger(form.number) || form.number < 1 || form.number > 999) return { key: 'windowNumber' }
  const clash = windows.some((w) => w.site_id === form.site_id && w.number === form.number && w.id !== form.id)
  if (clash) return { key: 'windowNumberTaken', params: { n: form.number } }
  if (form.service_ids.length === 0) return { key: 'windowServices' }
  return null
}

/** The save_window command; services are listed once each, in configuration order. */
export function saveWindowCommand(form: WindowForm, services: readonly Service[]): Command {
  const chosen = new Set(form.service_ids)
  return {
    id: newId(),
    kind: 'save_window',
    payload: {
      id: form.id ?? newId(),
      site_id: form.site_id,
      number: form.number,
      service_ids: services.filter((s) => chosen.has(s.id)).map((s) => s.id),
    },
  }
}

export function deleteWindowCommand(windowId: string): Command {
  return { id: newId(), kind: 'delete_window', payload: { id: windowId } }
}

/** The site the window list opens on: the account's own site, else the first center. */
export function defaultSiteId(accountSiteId: string | null, sites: readonly Site[]): string {
  if (accountSiteId && sites.some((s) => s.id === accountSiteId)) return accountSiteId
  return (sites.find((s) => s.kind === 'center') ?? sites[0])?.id ?? ''
}

/** The message after a change was sent: an i18n key and how to show it. */
export interface SavedNotice {
  type: 'success' | 'info'
  key: string
}

/**
 * `applied` shows the usual success message (`appliedKey`); `queued` says the change was kept on
 * this computer and goes out when the connection returns.
 */
export function savedNotice(status: CommandStatus, appliedKey: string): SavedNotice {
  return status === 'queued' ? { type: 'info', key: 'sync.queued' } : { type: 'success', key: appliedKey }
}

// ---- the holiday calendar ----

export interface CalendarForm {
  date: string
  working: boolean
  name: string
}

export function calendarForm(): CalendarForm {
  return { date: '', working: false, name: '' }
}

export function checkCalendarDay(form: CalendarForm): Problem | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.date)) return { key: 'dateRequired' }
  if (!form.name.trim()) return { key: 'nameRequired' }
  return null
}

export function saveCalendarDayCommand(form: CalendarForm): Command {
  const day: CalendarDay = { date: form.date, working: form.working, name: form.name.trim() }
  return { id: newId(), kind: 'save_calendar_day', payload: day }
}

export function deleteCalendarDayCommand(date: string): Command {
  return { id: newId(), kind: 'delete_calendar_day', payload: { date } }
}
