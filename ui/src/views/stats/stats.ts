// The statistics screen's rules: the service center's days (Asia/Shanghai) for the quick
// ranges, and how figures are written.
import type { QueueStats } from '../../bindings/QueueStats'

/** The service center's offset from UTC: China Standard Time, no daylight saving. */
const CENTER_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

export type QuickRange = 'today' | 'week' | 'month'
export const QUICK_RANGES: readonly QuickRange[] = ['today', 'week', 'month']

/** `YYYY-MM-DD` of the service center's day at `ms`, wherever this computer is. */
export function centerDay(ms: number): string {
  return new Date(ms + CENTER_OFFSET_MS).toISOString().slice(0, 10)
}

/** First and last day of a quick range up to today: this week starts on Monday. */
export function quickRange(kind: QuickRange, nowMs: number): [string, string] {
  const today = centerDay(nowMs)
  if (kind === 'today') return [today, today]
  if (kind === 'month') return [`${today.slice(0, 8)}01`, today]
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay() // 0 is Sunday
  const sinceMonday = (weekday + 6) % 7
  return [centerDay(nowMs - sinceMonday * DAY_MS), today]
}

/** Whether a calendar cell (local midnight of its date) is after the service center's today. */
export function isFuture(cell: Date, nowMs: number): boolean {
  const pad = (n: number) => String(n).padStart(2, '0')
  const date = `${cell.getFullYear()}-${pad(cell.getMonth() + 1)}-${pad(cell.getDate())}`
  return date > centerDay(nowMs)
}

/** Which quick range `[from, to]` is, if any. */
export function matchingQuickRange(range: [string, string], nowMs: number): QuickRange | null {
  return QUICK_RANGES.find((kind) => quickRange(kind, nowMs).join() === range.join()) ?? null
}

/** Minutes with one decimal, or a dash when there is nothing to measure. */
export function formatMinutes(ms: number | null): string {
  return ms === null ? '—' : (Math.round(ms / 6000) / 10).toFixed(1)
}

/** A share as a percentage with one decimal, or a dash. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`
}

export function formatDecimal(value: number | null): string {
  return value === null ? '—' : value.toFixed(2)
}

/** No ticket and no case in the range. */
export function isEmpty(stats: QueueStats): boolean {
  return stats.overall.issued === 0 && stats.cases.total === 0
}
