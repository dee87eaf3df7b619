import { describe, expect, it } from 'vitest'
import type { ReviewStats } from '../../bindings/ReviewStats'
import {
  formatDays,
  isEmptyReview,
  matchingReviewRange,
  reviewQuickRange,
  reviewStatsQuery,
  standardClauses,
} from './reviewStats'

// Thursday 2026-12-17 09:00 in the service center (01:00 UTC).
const NOW = Date.UTC(2026, 11, 17, 1)

describe('review statistics', () => {
  it('quick ranges run up to the service center’s today', () => {
    expect(reviewQuickRange('all', NOW)).toBeNull()
    expect(reviewQuickRange('month', NOW)).toEqual(['2026-12-01', '2026-12-17'])
    expect(reviewQuickRange('year', NOW)).toEqual(['2026-01-01', '2026-12-17'])
    // 23:30 UTC on 31 December is already New Year's Day in Yuhuan.
    expect(reviewQuickRange('year', Date.UTC(2026, 11, 31, 23, 30))).toEqual(['2027-01-01', '2027-01-01'])
    expect(matchingReviewRange(null, NOW)).toBe('all')
    expect(matchingReviewRange(['2026-12-01', '2026-12-17'], NOW)).toBe('month')
    expect(matchingReviewRange(['2026-12-02', '2026-12-17'], NOW)).toBeNull()
  })

  it('asks for every round without a range', () => {
    expect(reviewStatsQuery(null)).toEqual({ from: null, to: null })
    expect(reviewStatsQuery(['2026-12-01', '2026-12-31'])).toEqual({ from: '2026-12-01', to: '2026-12-31' })
  })

  it('writes days and a standard’s clauses', () => {
    expect(formatDays(null)).toBe('—')
    expect(formatDays(4)).toBe('4.0')
    expect(formatDays(7.25)).toBe('7.3')
    expect(
      standardClauses({
        standard: 'GB 50016-2014(2018年版)',
        count: 3,
        clauses: [
          { clause: 'GB 50016-2014(2018年版) 第5.5.17条', count: 2 },
          { clause: 'GB 50016-2014(2018年版) 第6.4.1条', count: 1 },
        ],
      }),
    ).toBe('第5.5.17条 ×2；第6.4.1条 ×1')
  })

  it('is empty when nothing was accepted', () => {
    const row = { specialty: null, total: 0, mandatory: 0, general: 0, policy: 0, design_depth: 0, must_change: 0, advice: 0 }
    const tasks = {
      specialty: null,
      tasks: 0,
      done: 0,
      open: 0,
      closed_by_certificate: 0,
      days_used_mean: null,
      days_used_max: null,
      days_allowed_mean: null,
      on_time: 0,
      late_done: 0,
      late_open: 0,
      late: 0,
      on_time_rate: null,
    }
    const stats: ReviewStats = {
      from: null,
      to: null,
      as_of: '2026-12-17',
      projects: {
        total: 0,
        by_state: [],
        by_kind: [],
        rounds: 0,
        first_rounds: 0,
        later_rounds: 0,
        rounds_per_certified: null,
      },
      opinions: { by_specialty: [], all: row },
      top_standards: [],
      top_clauses: [],
      tasks: { by_specialty: [], all: tasks },
    }
    expect(isEmptyReview(stats)).toBe(true)
    expect(isEmptyReview({ ...stats, projects: { ...stats.projects, total: 1 } })).toBe(false)
  })
})
