// The UI language and, on the desktop, the settings kept by the shell (server mode and address).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Lang } from '../bindings/Lang'
import type { Settings } from '../bindings/Settings'
import { useBackend } from '../backend'
import { applyLanguage, currentLanguage } from '../i18n'

export const useSettingsStore = defineStore('settings', () => {
  const language = ref<Lang>(currentLanguage())
  /** Desktop settings; stays null in the browser. */
  const settings = ref<Settings | null>(null)

  /** Loads the desktop settings at start-up; their language wins over the page's memory. */
  async function load(): Promise<void> {
    const loaded = await useBackend().getSettings()
    settings.value = loaded
    if (loaded && loaded.language !== language.value) {
      language.value = loaded.language
      applyLanguage(loaded.language)
    }
  }

  async function setLanguage(lang: Lang): Promise<void> {
    language.value = lang
    applyLanguage(lang)
    const backend = useBackend()
    if (backend.kind !== 'tauri') return
    const base = settings.value ?? (await backend.getSettings())
    if (base) settings.value = await backend.saveSettings({ ...base, language: lang })
  }

  /**
   * Saves the server mode and address. Returns true when they changed, in which case the
   * backend has ended the session and the user must sign in again.
   */
  async function saveServer(mode: Settings['mode'], serverUrl: string | null): Promise<boolean> {
    const backend = useBackend()
    const before = settings.value ?? (await backend.getSettings())
    const next: Settings = { mode, server_url: serverUrl, language: language.value }
    settings.value = await backend.saveSettings(next)
    return !before || serverChanged(before, next)
  }

  return { language, settings, load, setLanguage, saveServer }
})

/** Whether two settings point at different servers (a language change alone does not count). */
export function serverChanged(a: Settings, b: Settings): boolean {
  if (a.mode !== b.mode) return true
  return a.mode === 'remote' && (a.server_url ?? '') !== (b.server_url ?? '')
}
