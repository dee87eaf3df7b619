// Start-up: choose the backend, restore the language, mount the app.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { isTauri, setBackend } from './backend'
import { createTauriBackend } from './backend/tauri'
import { createPortalBackend, setPortalBackend } from './backend/portal'
import { createHttpClient, createWebBackend, type WebBackendOptions } from './backend/web'
import { applyLanguage, currentLanguage, i18n } from './i18n'
import { createAppRouter } from './router'
import { createPortalRouter, isPortalPage } from './router/portal'
import { useSettingsStore } from './stores/settings'

const { t } = i18n.global

const webOptions: WebBackendOptions = {
  language: currentLanguage,
  messages: {
    offline: () => t('errors.offline'),
    unexpected: (status) => t('errors.unexpected', { status }),
    desktopOnly: () => t('errors.desktopOnly'),
  },
}
setBackend(isTauri() ? createTauriBackend() : createWebBackend(webOptions))
// The applicant portal is a page of the central API, never of the desktop.
const portal = !isTauri() && isPortalPage()
if (portal) setPortalBackend(createPortalBackend(createHttpClient(webOptions), currentLanguage))

const pinia = createPinia()
const app = createApp(App)
app.use(pinia).use(i18n).use(ElementPlus)
applyLanguage(currentLanguage())

// The desktop's saved language wins; a failure here must not keep the app from starting.
useSettingsStore(pinia)
  .load()
  .catch(() => undefined)
  .finally(() => {
    app.use(portal ? createPortalRouter(pinia) : createAppRouter(pinia))
    app.mount('#app')
  })
