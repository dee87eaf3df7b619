// Ratings (好差评) on screen: the commands a clerk and a supervisor send, and the small
// reckonings the clerk's workstation and the follow-ups list need.
import type { ClockState } from '../../bindings/ClockState'
import type { Command } from '../../bindings/Command'
import type { FollowUp } from '../../bindings/FollowUp'
import type { FollowUpRow } from '../../bindings/FollowUpRow'
import type { Rating } from '../../bindings/Rating'
import type { RatingTally } from '../../bindings/RatingTally'
import type { Ticket } from '../../bindings/Ticket'
import { newId } from '../config/commands'

/** The national scale, best first, as the pad shows it. */
export const SCORES = [5, 4, 3, 2, 1] as const

/** The longest comment a citizen may leave (as the server checks). */
export const MAX_COMMENT = 200

/** The clerk records the citizen's score for a finished ticket. */
export function rateTicket(ticketId: string, score: number, comment: string): Command {
  return {
    id: newId(),
    kind: 'rate_ticket',
    payload: {
      id: newId(),
      ticket_id: ticketId,
      window_id: null,
      score,
      reasons: [],
      comment: comment.trim() || null,
      source: 'clerk',
    },
  }
}

export const recordRevisit = (ratingId: string, atMs: number, note: string): Command => ({
  id: newId(),
  kind: 'record_revisit',
  payload: { rating_id: ratingId, at_ms: atMs, note: note.trim() },
})

export const recordRectification = (ratingId: string, action: string): Command => ({
  id: newId(),
  kind: 'record_rectification',
  payload: { rating_id: ratingId, action: action.trim() },
})

export const rateFollowUp = (ratingId: string, score: number): Command => ({
  id: newId(),
  kind: 'rate_follow_up',
  payload: { rating_id: ratingId, score },
})

/** The ticket finished last at the window, if any. */
export function lastFinished(tickets: readonly Ticket[], windowId: string): Ticket | null {
  let last: Ticket | null = null
  for (const t of tickets) {
    if (t.status !== 'done' || t.window_id !== windowId || t.finished_at_ms === null) continue
    if (!last || t.finished_at_ms > (last.finished_at_ms ?? 0)) last = t
  }
  return last
}

/** The step a supervisor records next on a follow-up, or null once it is closed. */
export function nextStep(followUp: FollowUp): 'revisit' | 'rectification' | 'close' | null {
  if (followUp.closing) return null
  if (!followUp.revisit) return 'revisit'
  if (!followUp.rectification) return 'rectification'
  return 'close'
}

export type FollowUpFilter = 'open' | 'overdue' | 'closed' | 'all'

/** The follow-ups the filter keeps: open includes the overdue ones. */
export function filterFollowUps(rows: readonly FollowUpRow[], filter: FollowUpFilter): FollowUpRow[] {
  return rows.filter((row) => {
    switch (filter) {
      case 'open':
        return row.status !== 'closed'
      case 'overdue':
        return row.status === 'overdue'
      case 'closed':
        return row.status === 'closed'
      default:
        return true
    }
  })
}

/** Element Plus tag type of a clock's state. */
export function clockTagType(state: ClockState): 'primary' | 'warning' | 'danger' | 'success' {
  return ({ running: 'primary', due_soon: 'warning', overdue: 'danger', done: 'success' } as const)[state]
}

/** Element Plus tag type of a score: green for satisfied, red for bad. */
export function scoreTagType(score: number): 'success' | 'info' | 'danger' {
  if (score >= 4) return 'success'
  if (score <= 2) return 'danger'
  return 'info'
}

/** `86.7%`; a dash with no ratings. */
export function satisfiedShare(tally: RatingTally): string {
  if (!tally.count) return '—'
  return `${((tally.satisfied / tally.count) * 100).toFixed(1)}%`
}

/** `4.33`; a dash with no ratings. */
export function average(tally: RatingTally): string {
  return tally.count ? tally.average.toFixed(2) : '—'
}

/** `YYYY-MM-DD` of a local date. */
export function isoDay(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`
}

/** The report's default range: the first of this month to today. */
export function thisMonth(today: Date): [string, string] {
  return [isoDay(new Date(today.getFullYear(), today.getMonth(), 1)), isoDay(today)]
}

/** 1 for Monday to 7 for Sunday, of a `YYYY-MM-DD` day. */
export function weekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7
}

/** `2026-11-27 10:05`. */
export function dateTime(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${isoDay(d)} ${two(d.getHours())}:${two(d.getMinutes())}`
}

/** The rating of a ticket among the day's ratings. */
export function ratingOf(ratings: readonly Rating[], ticketId: string): Rating | null {
  return ratings.find((r) => r.ticket_id === ticketId) ?? null
}
