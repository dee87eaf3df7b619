import { describe, expect, it } from 'vitest'
import type { FollowUp } from '../../bindings/FollowUp'
import type { FollowUpRow } from '../../bindings/FollowUpRow'
import type { Rating } from '../../bindings/Rating'
import type { Ticket } from '../../bindings/Ticket'
import {
  average,
  filterFollowUps,
  lastFinished,
  nextStep,
  rateFollowUp,
  rateTicket,
  recordRevisit,
  satisfiedShare,
  thisMonth,
  weekday,
} from './ratings'

const ticket = (n: number, extra: Partial<Ticket> = {}): Ticket => ({
  id: `t${n}`,
  site_id: 'site',
  service_id: 'A',
  day: '2026-11-27',
  seq: n,
  number: `A${String(n).padStart(3, '0')}`,
  class: 'normal',
  source: 'kiosk',
  status: 'done',
  issued_at_ms: n,
  queued_at_ms: n,
  appointment_at_ms: null,
  called_at_ms: n,
  window_id: 'w1',
  window_number: 1,
  recalls: 0,
  called_by: 'clerk',
  finished_at_ms: n * 1000,
  ...extra,
})

const followUp = (extra: Partial<FollowUp> = {}): FollowUp => ({
  revisit_due: '2026-11-30',
  rectification_due: '2026-12-18',
  revisit: null,
  rectification: null,
  closing: null,
  ...extra,
})

const row = (id: string, status: FollowUpRow['status']): FollowUpRow => ({
  rating: { id } as Rating,
  status,
  revisit: 'running',
  rectification: 'running',
})

describe('ratings on screen', () => {
  it('finds the ticket finished last at the window', () => {
    const tickets = [
      ticket(1),
      ticket(3),
      ticket(2),
      ticket(4, { window_id: 'w2' }),
      ticket(5, { status: 'called', finished_at_ms: null }),
    ]
    expect(lastFinished(tickets, 'w1')?.id).toBe('t3')
    expect(lastFinished(tickets, 'w9')).toBeNull()
  })

  it('sends the clerk rating with source clerk and no empty comment', () => {
    const command = rateTicket('t1', 2, '   ')
    expect(command.kind).toBe('rate_ticket')
    expect(command.payload).toMatchObject({ ticket_id: 't1', score: 2, comment: null, source: 'clerk', reasons: [] })
    expect(rateTicket('t1', 5, ' 很好 ').payload).toMatchObject({ comment: '很好' })
    expect(recordRevisit('r1', 5, ' 已联系 ').payload).toEqual({ rating_id: 'r1', at_ms: 5, note: '已联系' })
    expect(rateFollowUp('r1', 4)).toMatchObject({ kind: 'rate_follow_up', payload: { rating_id: 'r1', score: 4 } })
  })

  it('takes the follow-up steps in order', () => {
    const by = { by: 's', by_name: '主管', recorded_at_ms: 1 }
    expect(nextStep(followUp())).toBe('revisit')
    const revisited = followUp({ revisit: { at_ms: 1, note: 'n', ...by } })
    expect(nextStep(revisited)).toBe('rectification')
    const rectified = { ...revisited, rectification: { action: 'a', ...by } }
    expect(nextStep(rectified)).toBe('close')
    expect(nextStep({ ...rectified, closing: { score: 4, ...by } })).toBeNull()
  })

  it('filters follow-ups: open includes the overdue', () => {
    const rows = [row('a', 'open'), row('b', 'overdue'), row('c', 'closed')]
    const ids = (f: Parameters<typeof filterFollowUps>[1]) => filterFollowUps(rows, f).map((r) => r.rating.id)
    expect(ids('open')).toEqual(['a', 'b'])
    expect(ids('overdue')).toEqual(['b'])
    expect(ids('closed')).toEqual(['c'])
    expect(ids('all')).toEqual(['a', 'b', 'c'])
  })

  it('shows shares and averages, and a dash without ratings', () => {
    const tally = { key: '', label: '', count: 3, average: 11 / 3, satisfied: 2, bad: 1 }
    expect(satisfiedShare(tally)).toBe('66.7%')
    expect(average(tally)).toBe('3.67')
    expect(satisfiedShare({ ...tally, count: 0 })).toBe('—')
    expect(average({ ...tally, count: 0 })).toBe('—')
  })

  it('defaults to this month and knows the weekday of a due day', () => {
    expect(thisMonth(new Date(2026, 10, 27))).toEqual(['2026-11-01', '2026-11-27'])
    expect(weekday('2026-11-27')).toBe(5)
    expect(weekday('2026-11-29')).toBe(7)
    expect(weekday('2026-11-30')).toBe(1)
  })
})
