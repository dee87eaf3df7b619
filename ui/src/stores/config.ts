// The site configuration snapshot (sites, services, matters, windows) and changes to it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Command } from '../bindings/Command'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import { useBackend } from '../backend'
import { toApiError } from '../backend/errors'
import type { CommandOutcome } from '../backend/types'

const EMPTY: ConfigSnapshot = { sites: [], services: [], matters: [], windows: [], calendar: [] }

export const useConfigStore = defineStore('config', () => {
  const snapshot = ref<ConfigSnapshot>(EMPTY)
  const loaded = ref(false)
  const loading = ref(false)
  let refreshing: Promise<void> | null = null
  let refreshAgain = false

  async function reload(): Promise<void> {
    loading.value = true
    try {
      snapshot.value = await useBackend().loadConfig()
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  /**
   * Reloads in the background after the data changed elsewhere (a sync brought changes).
   * Only once loaded; calls during a reload are folded into one more; failures keep what is shown.
   */
  function refresh(): Promise<void> {
    if (!loaded.value) return Promise.resolve()
    if (refreshing) {
      refreshAgain = true
      return refreshing
    }
    refreshing = (async () => {
      do {
        refreshAgain = false
        try {
          snapshot.value = await useBackend().loadConfig()
        } catch {
          // Shown data stays; the next change or a manual refresh tries again.
        }
      } while (refreshAgain)
      refreshing = null
    })()
    return refreshing
  }

  /**
   * Sends a change and reloads. Resolves with the outcome (`applied`, or `queued` when kept on
   * this computer to be sent later); rejects with the ApiError when refused. After a conflict the
   * configuration is reloaded so that the other person's change shows.
   */
  async function send(command: Command): Promise<CommandOutcome> {
    let outcome: CommandOutcome
    try {
      outcome = await useBackend().sendCommand(command)
    } catch (error) {
      if (toApiError(error).code === 'conflict') await reload().catch(() => undefined)
      throw error
    }
    await reload()
    return outcome
  }

  return { snapshot, loaded, loading, reload, refresh, send }
})
