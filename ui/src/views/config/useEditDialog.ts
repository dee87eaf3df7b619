// Shared behaviour of the configuration dialogs: open, check, send, keep input on refusal.
import { ref, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import type { Command } from '../../bindings/Command'
import { isSessionLost, toApiError } from '../../backend/errors'
import { useConfigStore } from '../../stores/config'
import { useSessionStore } from '../../stores/session'
import { useSyncStore } from '../../stores/sync'
import { savedNotice, type Problem } from './commands'

export function useEditDialog<F>(blank: () => F) {
  const { t } = useI18n()
  const config = useConfigStore()
  const session = useSessionStore()
  const sync = useSyncStore()

  const visible = ref(false)
  const saving = ref(false)
  const error = ref<string | null>(null)
  const form = ref(blank()) as Ref<F>

  function open(initial: F): void {
    form.value = initial
    error.value = null
    visible.value = true
  }

  /** Checks the form, sends the command; the dialog stays open with the input on any problem. */
  async function submit(check: () => Problem | null, build: () => Command): Promise<void> {
    const problem = check()
    if (problem) {
      error.value = t(`validation.${problem.key}`, problem.params ?? {})
      return
    }
    error.value = null
    saving.value = true
    try {
      const outcome = await config.send(build())
      visible.value = false
      const notice = savedNotice(outcome.status, 'common.saved')
      ElMessage({ type: notice.type, message: t(notice.key) })
      if (outcome.status === 'queued') sync.changed()
    } catch (failure) {
      const apiError = toApiError(failure)
      error.value = apiError.message
      if (isSessionLost(apiError.code)) session.report(apiError)
      else ElMessage.error(apiError.message)
    } finally {
      saving.value = false
    }
  }

  return { visible, saving, error, form, open, submit }
}
