// The site configuration snapshot (sites, services, matters, windows) and changes to it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Command } from '../bindings/Command'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import { useBackend } from '../backend'

const EMPTY: ConfigSnapshot = { sites: [], services: [], matters: [], windows: [] }

export const useConfigStore = defineStore('config', () => {
  const snapshot = ref<ConfigSnapshot>(EMPTY)
  const loaded = ref(false)
  const loading = ref(false)

  async function reload(): Promise<void> {
    loading.value = true
    try {
      snapshot.value = await useBackend().loadConfig()
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  /** Sends a change; rejects with the server's ApiError when refused, reloads when applied. */
  async function send(command: Command): Promise<void> {
    await useBackend().sendCommand(command)
    await reload()
  }

  return { snapshot, loaded, loading, reload, send }
})
