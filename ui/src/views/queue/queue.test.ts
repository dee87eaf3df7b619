import { describe, expect, it } from 'vitest'
import type { Ticket } from '../../bindings/Ticket'
import { callNext, currentTicket, formatDuration, heldAt, issueAssisted, nextWorkingMorning, transfer, waitingElsewhere, waitingFor } from './queue'

const ticket = (n: number, extra: Partial<Ticket> = {}): Ticket => ({
  id: `t${n}`,
  site_id: 'site',
  service_id: 'A',
  day: '2026-11-27',
  seq: n,
  number: `A${String(n).padStart(3, '0')}`,
  class: 'normal',
  source: 'kiosk',
  status: 'waiting',
  issued_at_ms: n * 1000,
  queued_at_ms: n * 1000,
  appointment_at_ms: null,
  called_at_ms: null,
  window_id: null,
  window_number: null,
  recalls: 0,
  called_by: null,
  finished_at_ms: null,
  ...extra,
})

describe('the window view of the queue', () => {
  const tickets = [
    ticket(3),
    ticket(1, { status: 'called', window_id: 'w1' }),
    ticket(2, { service_id: 'B' }),
    ticket(4, { queued_at_ms: 500 }),
    ticket(5, { status: 'done', window_id: 'w1' }),
  ]

  it('finds the ticket being served at the window', () => {
    expect(currentTicket(tickets, 'w1')?.number).toBe('A001')
    expect(currentTicket(tickets, 'w2')).toBeNull()
  })

  it('lists who waits for the window, longest waiting first (a transfer keeps its place)', () => {
    expect(waitingFor(tickets, ['A']).map((t) => t.number)).toEqual(['A004', 'A003'])
    expect(waitingFor(tickets, ['A', 'B']).map((t) => t.number)).toEqual(['A004', 'A002', 'A003'])
  })

  it('counts who waits for the other services', () => {
    expect([...waitingElsewhere(tickets, 'site', ['A'])]).toEqual([['B', 1]])
  })

  it('formats waiting and serving times', () => {
    expect(formatDuration(65_000)).toBe('01:05')
    expect(formatDuration(3_725_000)).toBe('1:02:05')
    expect(formatDuration(-5)).toBe('00:00')
  })

  it('builds commands with fresh ids', () => {
    const a = callNext('w1')
    const b = callNext('w1')
    expect(a.id).not.toBe(b.id)
    expect(a).toMatchObject({ kind: 'call_next', payload: { window_id: 'w1' } })
    expect(issueAssisted('site', 'A', 'priority')).toMatchObject({
      kind: 'issue_ticket',
      payload: { site_id: 'site', service_id: 'A', class: 'priority', source: 'assisted' },
    })
  })
})

describe('held and transferred tickets', () => {
  it('lists the held tickets of the site, oldest first', () => {
    const tickets = [ticket(2, { status: 'held' }), ticket(1, { status: 'held' }), ticket(3, { status: 'held', site_id: 'other' }), ticket(4)]
    expect(heldAt(tickets, 'site').map((t) => t.number)).toEqual(['A001', 'A002'])
  })

  it('sends a transfer with the new service', () => {
    expect(transfer('t1', 'B')).toMatchObject({ kind: 'transfer', payload: { ticket_id: 't1', service_id: 'B' } })
  })
})

describe('nextWorkingMorning', () => {
  it('skips weekends and holidays and takes swapped working days', () => {
    const friday = new Date(2026, 9, 9, 15, 0)
    expect(nextWorkingMorning(friday, []).toDateString()).toBe(new Date(2026, 9, 12).toDateString())
    const swapped = [{ date: '2026-10-10', working: true, name: '国庆调休上班' }]
    expect(nextWorkingMorning(friday, swapped).getDate()).toBe(10)
    const holidays = [{ date: '2026-10-12', working: false, name: '假日' }]
    expect(nextWorkingMorning(friday, holidays).getDate()).toBe(13)
    expect(nextWorkingMorning(friday, []).getHours()).toBe(9)
  })
})
