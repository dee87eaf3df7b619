// The signed-in account: sign in, sign out, restore, and what happens when a session is lost.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { ElMessage } from 'element-plus'
import type { Account } from '../bindings/Account'
import { useBackend } from '../backend'
import { isSessionLost, toApiError } from '../backend/errors'
import type { ApiError } from '../backend/types'
import { i18n } from '../i18n'
import { landingPath, navItemsFor } from '../router/navigation'
import { useSyncStore } from './sync'

export const useSessionStore = defineStore('session', () => {
  const account = ref<Account | null>(null)
  const restored = ref(false)
  /** Why the user was signed out, shown on the sign-in page until the next sign-in. */
  const notice = ref<string | null>(null)
  const sync = useSyncStore()

  const navItems = computed(() => (account.value ? navItemsFor(account.value.role) : []))
  const home = computed(() => (account.value ? landingPath(account.value.role) : '/login'))

  /** Restores a previous session once per page load; failures mean "not signed in". */
  async function restore(): Promise<void> {
    if (restored.value) return
    try {
      account.value = await useBackend().currentAccount()
    } catch {
      account.value = null
    } finally {
      restored.value = true
    }
  }

  async function login(username: string, password: string): Promise<Account> {
    const signedIn = await useBackend().login(username, password)
    if (signedIn.role === 'applicant') {
      // Applicants work in the portal; the workbench has nothing for them.
      await useBackend().logout()
      throw { code: 'forbidden', message: i18n.global.t('login.applicantAccount') } satisfies ApiError
    }
    account.value = signedIn
    restored.value = true
    notice.value = null
    return signedIn
  }

  async function logout(): Promise<void> {
    try {
      await useBackend().logout()
    } catch (error) {
      // Signing out locally still happens; the user is told why the server did not answer.
      const apiError = toApiError(error)
      if (!isSessionLost(apiError.code)) ElMessage.error(apiError.message)
    } finally {
      account.value = null
    }
  }

  /** Forgets the account without asking the backend (it already ended the session). */
  function clear(): void {
    account.value = null
  }

  /** The server no longer knows this session: back to sign-in, saying why. */
  function sessionEnded(): void {
    if (!account.value) return
    const message = i18n.global.t('sync.sessionEnded')
    notice.value = message
    account.value = null
    ElMessage.warning(message)
  }

  // Follow the desktop's background sync while someone is signed in.
  watch(
    () => account.value?.id ?? null,
    (id) => {
      if (id) void sync.start(sessionEnded)
      else sync.stop()
    },
  )

  /** Shows a failed call's message; a lost session sends the user back to sign in. */
  function report(error: unknown): ApiError {
    const apiError = toApiError(error)
    ElMessage.error(apiError.message)
    if (isSessionLost(apiError.code)) account.value = null
    return apiError
  }

  return { account, restored, notice, navItems, home, restore, login, logout, clear, sessionEnded, report }
})
