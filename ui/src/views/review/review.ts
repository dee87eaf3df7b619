// Drawing review's rules as the staff's screens need them.
import type { Account } from '../../bindings/Account'
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
