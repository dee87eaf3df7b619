// What a screen reads from the backend: the data, whether it is being read, and why it could not
// be, in the user's words.

import { ref, type Ref } from 'vue'
import { toApiError } from '../backend/errors'

export function useLoaded<T>(read: () => Promise<T>, initial: T) {
  const data = ref(initial) as Ref<T>
  const loading = ref(false)
  const error = ref<string | null>(null)
  async function load(): Promise<void> {
    loading.value = true
    try {
      data.value = await read()
      error.value = null
    } catch (failure) {
      error.value = toApiError(failure).message
    } finally {
      loading.value = false
    }
  }
  return { data, loading, error, load }
}
