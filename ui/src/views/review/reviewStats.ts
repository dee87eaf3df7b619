// The review statistics screen's rules: the quick ranges of acceptance dates, the query they
// make, and how the figures are written.
import type { OpinionRow } from '../../bindings/OpinionRow'
import type { ReviewStats } from '../../bindings/ReviewStats'
import type { ReviewStatsQuery } from '../../bindings/ReviewStatsQuery'
import type { StandardCount } from '../../bindings/StandardCount'
import type { TaskRow } from '../../bindings/TaskRow'
import { centerDay } from '../stats/stats'

export type ReviewQuickRange = 'all' | 'month' | 'year'
export const REVIEW_QUICK_RANGES: readonly ReviewQuickRange[] = ['all', 'month', 'year']

/** First and last acceptance day of a quick range up to today; `null` for every round. */
export function reviewQuickRange(kind: ReviewQuickRange, nowMs: number): [string, string] | null {
  const today = centerDay(nowMs)
  switch (kind) {
    case 'all':
      return null
    case 'month':
      return [`${today.slice(0, 8)}01`, today]
    case 'year':
      return [`${today.slice(0, 5)}01-01`, today]
  }
}

/** Which quick range the chosen days are, if any. */
export function matchingReviewRange(range: [string, string] | null, nowMs: number): ReviewQuickRange | null {
  return REVIEW_QUICK_RANGES.find((kind) => reviewQuickRange(kind, nowMs)?.join() === range?.join()) ?? null
}

/** The query for a range of acceptance dates, or for every round. */
export function reviewStatsQuery(range: [string, string] | null): ReviewStatsQuery {
  return { from: range?.[0] ?? null, to: range?.[1] ?? null }
}

/** Working days with one decimal, or a dash when nothing was done. */
export function formatDays(days: number | null): string {
  return days === null ? '—' : days.toFixed(1)
}

/** The lines of a table, ending with the total (whose specialty is null). */
export function withTotal<Row extends OpinionRow | TaskRow>(rows: Row[], total: Row): Row[] {
  return [...rows, total]
}

/** A standard's clauses without the standard's name: `第5.5.17条 ×2；第6.4.1条 ×1`. */
export function standardClauses(standard: StandardCount, separator = '；'): string {
  const prefix = `${standard.standard} `
  return standard.clauses
    .map((c) => `${c.clause.startsWith(prefix) ? c.clause.slice(prefix.length) : c.clause} ×${c.count}`)
    .join(separator)
}

/** No project, round, opinion or task in the range. */
export function isEmptyReview(stats: ReviewStats): boolean {
  return (
    stats.projects.total === 0 &&
    stats.projects.rounds === 0 &&
    stats.opinions.all.total === 0 &&
    stats.tasks.all.tasks === 0
  )
}
