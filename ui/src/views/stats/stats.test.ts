import { describe, expect, it } from 'vitest'
import { centerDay, formatMinutes, formatRate, matchingQuickRange, quickRange } from './stats'

// 2026-11-27 (a Friday) 17:30 UTC is already Saturday 01:30 in Yuhuan.
const LATE_FRIDAY_UTC = Date.UTC(2026, 10, 27, 17, 30)

describe('the service center days', () => {
  it('counts days in China Standard Time', () => {
    expect(centerDay(Date.UTC(2026, 10, 27, 15, 59))).toBe('2026-11-27')
    expect(centerDay(LATE_FRIDAY_UTC)).toBe('2026-11-28')
  })

  it('starts the week on Monday and the month on the first', () => {
    expect(quickRange('today', LATE_FRIDAY_UTC)).toEqual(['2026-11-28', '2026-11-28'])
    expect(quickRange('week', LATE_FRIDAY_UTC)).toEqual(['2026-11-23', '2026-11-28'])
    expect(quickRange('month', LATE_FRIDAY_UTC)).toEqual(['2026-11-01', '2026-11-28'])
    // A Monday's week is that day alone; a Sunday's goes back six days.
    expect(quickRange('week', Date.UTC(2026, 10, 23, 2))).toEqual(['2026-11-23', '2026-11-23'])
    expect(quickRange('week', Date.UTC(2026, 10, 29, 2))).toEqual(['2026-11-23', '2026-11-29'])
  })

  it('recognises a quick range', () => {
    expect(matchingQuickRange(['2026-11-28', '2026-11-28'], LATE_FRIDAY_UTC)).toBe('today')
    expect(matchingQuickRange(['2026-11-01', '2026-11-28'], LATE_FRIDAY_UTC)).toBe('month')
    expect(matchingQuickRange(['2026-11-02', '2026-11-28'], LATE_FRIDAY_UTC)).toBeNull()
  })
})

describe('figures', () => {
  it('writes minutes and shares with one decimal, and a dash for nothing', () => {
    expect(formatMinutes(570_000)).toBe('9.5')
    expect(formatMinutes(0)).toBe('0.0')
    expect(formatMinutes(null)).toBe('—')
    expect(formatRate(0.2)).toBe('20.0%')
    expect(formatRate(2 / 3)).toBe('66.7%')
    expect(formatRate(null)).toBe('—')
  })
})
