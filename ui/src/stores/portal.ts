// The portal's signed-in applicant: sign in (refusing staff accounts), restore, sign out.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ApplicantProfile } from '../bindings/ApplicantProfile'
import { useBackend } from '../backend'
import { usePortalBackend } from '../backend/portal'
import type { ApiError } from '../backend/types'
import { i18n } from '../i18n'

export const usePortalStore = defineStore('portal', () => {
  const profile = ref<ApplicantProfile | null>(null)
  const restored = ref(false)

  async function restore(): Promise<void> {
    if (restored.value) return
    try {
      const account = await useBackend().currentAccount()
      profile.value = account?.role === 'applicant' ? await usePortalBackend().me() : null
    } catch {
      profile.value = null
    } finally {
      restored.value = true
    }
  }

  async function login(username: string, password: string): Promise<void> {
    const account = await useBackend().login(username, password)
    if (account.role !== 'applicant') {
      await useBackend().logout()
      throw { code: 'forbidden', message: i18n.global.t('portal.staffAccount') } satisfies ApiError
    }
    profile.value = await usePortalBackend().me()
    restored.value = true
  }

  async function logout(): Promise<void> {
    try {
      await useBackend().logout()
    } finally {
      profile.value = null
    }
  }

  return { profile, restored, restore, login, logout }
})
