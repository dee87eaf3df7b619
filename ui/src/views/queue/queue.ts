// The clerk's view of the queue, from today's tickets: the window's current ticket, who waits
// for its services, and the commands a window sends.
import type { CalendarDay } from '../../bindings/CalendarDay'
import type { Command } from '../../bindings/Command'
import type { PriorityClass } from '../../bindings/PriorityClass'
import type { Ticket } from '../../bindings/Ticket'
import type { TicketHolder } from '../../bindings/TicketHolder'
import { newId } from '../config/commands'

/** Key under which this computer remembers the window its clerk works at. */
export const WINDOW_KEY = 'onetrip.window'

/** Recalls before the clerk may mark a ticket no-show (as the server requires). */
export const RECALLS_BEFORE_NO_SHOW = 2

/** The ticket being served at the window, if any. */
export function currentTicket(tickets: readonly Ticket[], windowId: string): Ticket | null {
  return tickets.find((t) => t.status === 'called' && t.window_id === windowId) ?? null
}

/** Tickets waiting for any of the services, longest waiting first. */
export function waitingFor(tickets: readonly Ticket[], serviceIds: readonly string[]): Ticket[] {
  return tickets
    .filter((t) => t.status === 'waiting' && serviceIds.includes(t.service_id))
    .sort((a, b) => a.queued_at_ms - b.queued_at_ms || a.seq - b.seq)
}

/** How many wait for each service at a site, for the services the window does not handle. */
export function waitingElsewhere(
  tickets: readonly Ticket[],
  siteId: string,
  serviceIds: readonly string[],
): Map<string, number> {
  const counts = new Map<string, number>()
  for (const t of tickets) {
    if (t.site_id === siteId && t.status === 'waiting' && !serviceIds.includes(t.service_id)) {
      counts.set(t.service_id, (counts.get(t.service_id) ?? 0) + 1)
    }
  }
  return counts
}

/** `mm:ss`, or `h:mm:ss` past an hour. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const two = (n: number) => String(n).padStart(2, '0')
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`
}

export const callNext = (windowId: string): Command => ({ id: newId(), kind: 'call_next', payload: { window_id: windowId } })
export const recall = (ticketId: string): Command => ({ id: newId(), kind: 'recall', payload: { ticket_id: ticketId } })
export const finish = (ticketId: string): Command => ({ id: newId(), kind: 'finish', payload: { ticket_id: ticketId } })
export const noShow = (ticketId: string): Command => ({ id: newId(), kind: 'no_show', payload: { ticket_id: ticketId } })

export const callTicket = (windowId: string, ticketId: string): Command => ({
  id: newId(),
  kind: 'call_ticket',
  payload: { window_id: windowId, ticket_id: ticketId },
})
export const hold = (ticketId: string): Command => ({ id: newId(), kind: 'hold', payload: { ticket_id: ticketId } })
export const resume = (ticketId: string): Command => ({ id: newId(), kind: 'resume', payload: { ticket_id: ticketId } })
export const transfer = (ticketId: string, serviceId: string): Command => ({
  id: newId(),
  kind: 'transfer',
  payload: { ticket_id: ticketId, service_id: serviceId },
})

/** Tickets put aside at a site (挂起), oldest first: they go back to their place when resumed. */
export function heldAt(tickets: readonly Ticket[], siteId: string): Ticket[] {
  return tickets.filter((t) => t.site_id === siteId && t.status === 'held').sort((a, b) => a.queued_at_ms - b.queued_at_ms)
}

/** A ticket issued by the clerk for the citizen at the counter (代取号), with the phone or ID
 *  number the citizen gave, if any. */
export function issueAssisted(siteId: string, serviceId: string, priority: PriorityClass, holder: TicketHolder = {}): Command {
  const given = holderOf(holder)
  return {
    id: newId(),
    kind: 'issue_ticket',
    payload: {
      id: newId(),
      site_id: siteId,
      service_id: serviceId,
      class: priority,
      source: 'assisted',
      appointment_at_ms: null,
      ...(given ? { holder: given } : {}),
    },
  }
}

/** The holder's parts that were filled in, trimmed; null when none was. */
export function holderOf(holder: TicketHolder): TicketHolder | null {
  const parts = Object.entries(holder)
    .map(([key, value]) => [key, typeof value === 'string' ? value.trim() : ''] as const)
    .filter(([, value]) => value !== '')
  return parts.length ? (Object.fromEntries(parts) as TicketHolder) : null
}

/** 9:00 on the next working day after `from`: weekdays, except the calendar's holidays, plus
 *  its swapped working days. */
export function nextWorkingMorning(from: Date, calendar: readonly CalendarDay[]): Date {
  const day = new Date(from.getFullYear(), from.getMonth(), from.getDate() + 1, 9, 0, 0, 0)
  for (let i = 0; i < 60; i++) {
    const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`
    const exception = calendar.find((d) => d.date === iso)
    const weekday = day.getDay() !== 0 && day.getDay() !== 6
    if (exception ? exception.working : weekday) return day
    day.setDate(day.getDate() + 1)
  }
  return day
}

/** A window goes on a break (暂停) or comes back. */
export const startBreak = (windowId: string): Command => ({ id: newId(), kind: 'start_break', payload: { window_id: windowId } })
export const endBreak = (windowId: string): Command => ({ id: newId(), kind: 'end_break', payload: { window_id: windowId } })

/** Books an appointment for a citizen (telephone booking, or at the counter for a later day). */
export function bookAppointment(siteId: string, serviceId: string, atMs: number, holder: TicketHolder): Command {
  return {
    id: newId(),
    kind: 'book_appointment',
    payload: {
      id: newId(),
      site_id: siteId,
      service_id: serviceId,
      at_ms: atMs,
      holder: holderOf(holder) ?? {},
      code: '',
      day: '',
      booked_by: '',
    },
  }
}
