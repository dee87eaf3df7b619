// vue-i18n set-up: Simplified Chinese by default, English selectable, remembered per machine.
import { createI18n } from 'vue-i18n'
import type { Lang } from '../bindings/Lang'
import zhCN from './zh-CN'
import en from './en'

export const LANGUAGE_KEY = 'onetrip.language'
export const LANGUAGES: readonly Lang[] = ['zh-CN', 'en']

export type MessageSchema = typeof zhCN
export const messages: Record<Lang, MessageSchema> = { 'zh-CN': zhCN, en }

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

function storedLanguage(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(LANGUAGE_KEY)
    return isLang(value) ? value : 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export const i18n = createI18n<[MessageSchema], Lang, false>({
  legacy: false,
  locale: storedLanguage(),
  fallbackLocale: 'zh-CN',
  messages,
})

export function currentLanguage(): Lang {
  return i18n.global.locale.value
}

/** Switches the UI language and remembers it on this machine. */
export function applyLanguage(lang: Lang): void {
  i18n.global.locale.value = lang
  try {
    globalThis.localStorage?.setItem(LANGUAGE_KEY, lang)
  } catch {
    // Storage can be unavailable (private mode); the choice then lasts for this page only.
  }
  if (typeof document !== 'undefined') {
    document.documentElement.lang = lang
    document.title = i18n.global.t('app.name')
  }
}
