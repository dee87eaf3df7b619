import { describe, expect, it } from 'vitest'
import type { DeliveryAttempt } from '../../bindings/DeliveryAttempt'
import type { DeliveryRun } from '../../bindings/DeliveryRun'
import type { Permit } from '../../bindings/Permit'
import { awaitingRun, base64Of, stopState } from './delivery'

const permit = (id: string, state: Permit['state'] = 'active') => ({ id, state }) as Permit
const run = (id: string, permits: string[]) => ({ id, stops: permits.map((permit_id) => ({ permit_id })) }) as DeliveryRun
const attempt = (runId: string, permitId: string, outcome: DeliveryAttempt['outcome'], at: number) =>
  ({ id: `${runId}-${permitId}-${at}`, run_id: runId, permit_id: permitId, outcome, at_ms: at }) as DeliveryAttempt

describe('door delivery', () => {
  it('reads a stop from its last attempt at the door', () => {
    const r = run('r1', ['a', 'b'])
    const attempts = [attempt('r1', 'a', 'failed', 1), attempt('r1', 'a', 'delivered', 2)]
    expect(stopState(r, 'a', attempts)).toBe('delivered')
    expect(stopState(r, 'b', attempts)).toBe('waiting')
  })

  it('offers for a run what no run holds: never planned, or back from a failed attempt', () => {
    const permits = [permit('a'), permit('b'), permit('c'), permit('d'), permit('e', 'voided')]
    const runs = [run('r1', ['a', 'b', 'c'])]
    const attempts = [attempt('r1', 'a', 'delivered', 1), attempt('r1', 'b', 'failed', 2)]
    expect(awaitingRun(permits, runs, attempts).map((p) => p.id)).toEqual(['b', 'd'])
  })

  it('takes the base64 out of a data URL', () => {
    expect(base64Of('data:image/png;base64,iVBORw0K')).toBe('iVBORw0K')
  })
})
