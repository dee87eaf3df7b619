// The desktop's background sync as the UI follows it: its events, and a tick the indicator watches.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { useBackend } from '../backend'
import { useConfigStore } from './config'

export const useSyncStore = defineStore('sync', () => {
  /** Bumped whenever the connection, the outbox or the cached data may have changed. */
  const statusTick = ref(0)
  /** Bumped whenever a sync brought data: screens reading the cache look again. */
  const dataTick = ref(0)
  let unsubscribe: (() => void) | null = null
  // Tells a subscription that finishes after stop() (or a newer start()) to undo itself.
  let generation = 0

  /** Asks the connection indicator (and an open sync panel) to look again now. */
  function changed(): void {
    statusTick.value++
  }

  /** Follows the sync events for the signed-in session; `sessionEnded` runs when the server forgot it. */
  async function start(sessionEnded: () => void): Promise<void> {
    stop()
    const mine = generation
    const config = useConfigStore()
    let off: () => void
    try {
      off = await useBackend().onSyncEvent((event) => {
        if (event === 'session-ended') {
          sessionEnded()
          return
        }
        changed()
        if (event === 'data') {
          dataTick.value++
          void config.refresh()
        }
      })
    } catch {
      return // No events to follow; the indicator still polls.
    }
    if (mine === generation) unsubscribe = off
    else off()
  }

  function stop(): void {
    generation++
    const off = unsubscribe
    unsubscribe = null
    off?.()
  }

  return { statusTick, dataTick, changed, start, stop }
})
