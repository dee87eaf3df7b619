// Drawing review's rules as the staff's screens need them.
import type { Account } from '../../bindings/Account'
import type { ProjectView } from '../../bindings/ProjectView'
import type { ReviewTask } from '../../bindings/ReviewTask'
import type { Specialty } from '../../bindings/Specialty'

export function isLead(account: Account | null): boolean {
  return account?.role === 'admin' || account?.role === 'supervisor'
}

/** The specialties `account` writes opinions for in the round: a lead any, a reviewer theirs if assigned. */
export function writableSpecialties(account: Account | null, tasks: ReviewTask[], roundId: string): Specialty[] {
  const inRound = tasks.filter((task) => task.round_id === roundId)
  if (isLead(account)) return inRound.map((task) => task.specialty)
  return inRound.filter((task) => task.reviewer === account?.id).map((task) => task.specialty)
}

/**
 * The rounds that have an opinion letter, first to last: those whose opinions were released,
 * whether the opinions are still on them or were raised in them and carried on (结-R1-07).
 */
export function releasedRounds(view: ProjectView): number[] {
  const rounds = new Set<number>()
  for (const opinion of view.opinions) {
    if (opinion.released_at_ms === null) continue
    const on = view.rounds.find((r) => r.round.id === opinion.round_id)
    if (on) rounds.add(on.round.number)
    const raised = /-R(\d+)-/.exec(opinion.code)
    if (raised) rounds.add(Number(raised[1]))
  }
  return [...rounds].sort((a, b) => a - b)
}

/**
 * Changed regions (tenths of a PDF point, origin bottom-left) as boxes in pixels of an image
 * of the page `heightPx` tall drawn at `dpi` (origin top-left).
 */
export function regionBoxes(regions: [number, number, number, number][], heightPx: number, dpi: number): { x: number; y: number; w: number; h: number }[] {
  const px = (tenths: number) => (tenths / 10) * (dpi / 72)
  return regions.map(([x0, y0, x1, y1]) => {
    const left = px(Math.min(x0, x1))
    const top = heightPx - px(Math.max(y0, y1))
    return { x: left, y: top, w: px(Math.abs(x1 - x0)), h: px(Math.abs(y1 - y0)) }
  })
}
