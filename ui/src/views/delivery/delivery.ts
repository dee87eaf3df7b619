// Door delivery's words and reckoning: where each stop of a run stands from the attempts made
// there, which permits still wait for a run, and the photo taken at the door made small enough
// to travel in the outbox.

import type { DeliveryAttempt } from '../../bindings/DeliveryAttempt'
import type { DeliveryRun } from '../../bindings/DeliveryRun'
import type { Permit } from '../../bindings/Permit'

export type StopState = 'waiting' | 'delivered' | 'failed' | 'refused'

/** The last attempt at a stop of `run`, by the moment it happened; null when none yet. */
export function lastAttempt(run: DeliveryRun, permitId: string, attempts: readonly DeliveryAttempt[]): DeliveryAttempt | null {
  const here = attempts.filter((a) => a.run_id === run.id && a.permit_id === permitId)
  return here.sort((a, b) => a.at_ms - b.at_ms).at(-1) ?? null
}

export function stopState(run: DeliveryRun, permitId: string, attempts: readonly DeliveryAttempt[]): StopState {
  return lastAttempt(run, permitId, attempts)?.outcome ?? 'waiting'
}

/** Active permits no run holds now: never planned, or back from a failed or refused attempt. */
export function awaitingRun(permits: readonly Permit[], runs: readonly DeliveryRun[], attempts: readonly DeliveryAttempt[]): Permit[] {
  const delivered = new Set(attempts.filter((a) => a.outcome === 'delivered').map((a) => a.permit_id))
  const waiting = new Set(
    runs.flatMap((run) => run.stops.filter((stop) => stopState(run, stop.permit_id, attempts) === 'waiting').map((stop) => stop.permit_id)),
  )
  return permits.filter((p) => p.state === 'active' && !delivered.has(p.id) && !waiting.has(p.id))
}

/** The base64 of a data URL (`data:image/png;base64,…`). */
export function base64Of(dataUrl: string): string {
  return dataUrl.slice(dataUrl.indexOf(',') + 1)
}

/** A photo as a JPEG of at most `edge` pixels on its longer side, base64. */
export async function photoJpeg(file: Blob, edge = 1280): Promise<string> {
  const bitmap = await createImageBitmap(file)
  const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(bitmap.width * scale)
  canvas.height = Math.round(bitmap.height * scale)
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  return base64Of(canvas.toDataURL('image/jpeg', 0.8))
}
