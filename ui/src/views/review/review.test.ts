import { describe, expect, it } from 'vitest'
import type { ProjectView } from '../../bindings/ProjectView'
import { releasedRounds } from './review'

const round = (number: number) => ({ round: { id: `r${number}`, number } })
const opinion = (code: string, roundId: string, released: number | null) => ({ code, round_id: roundId, released_at_ms: released })

describe('rounds with an opinion letter', () => {
  it('counts the rounds opinions were released on and raised in, not drafts', () => {
    const view = {
      rounds: [round(1), round(2), round(3)],
      opinions: [
        // Raised in round 1, carried into round 2 and released there.
        opinion('建-R1-01', 'r2', 1),
        opinion('结-R2-01', 'r2', 2),
        // A draft of round 3 makes no letter.
        opinion('建-R3-01', 'r3', null),
      ],
    } as unknown as ProjectView
    expect(releasedRounds(view)).toEqual([1, 2])
  })

  it('has none before anything is released', () => {
    expect(releasedRounds({ rounds: [round(1)], opinions: [opinion('建-R1-01', 'r1', null)] } as unknown as ProjectView)).toEqual([])
  })
})
