import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN'
import en from './en'
import { i18n } from '.'

/** Every leaf key of a message tree, arrays by index. */
function leafKeys(tree: unknown, prefix = ''): string[] {
  if (typeof tree === 'string') return [prefix]
  if (Array.isArray(tree) || (typeof tree === 'object' && tree !== null)) {
    return Object.entries(tree).flatMap(([key, value]) => leafKeys(value, prefix ? `${prefix}.${key}` : key))
  }
  throw new Error(`unexpected message value at ${prefix}`)
}

function leafValues(tree: unknown): string[] {
  if (typeof tree === 'string') return [tree]
  return Object.values(tree as object).flatMap(leafValues)
}

describe('messages', () => {
  const zhKeys = leafKeys(zhCN)
  const enKeys = leafKeys(en)

  it('has every Chinese key in English', () => {
    expect(zhKeys.filter((k) => !enKeys.includes(k))).toEqual([])
  })

  it('has every English key in Chinese', () => {
    expect(enKeys.filter((k) => !zhKeys.includes(k))).toEqual([])
  })

  it('uses the same placeholders in both languages', () => {
    // Each plural form of a message ('a | b') must use the same placeholders as the other language.
    const placeholders = (s: string) => [...new Set(s.match(/\{\w+\}/g) ?? [])].sort()
    const zhLeaves = new Map(zhKeys.map((k, i) => [k, leafValues(zhCN)[i]]))
    const enLeaves = new Map(enKeys.map((k, i) => [k, leafValues(en)[i]]))
    for (const key of zhKeys) {
      expect(placeholders(enLeaves.get(key) ?? ''), key).toEqual(placeholders(zhLeaves.get(key) ?? ''))
    }
  })

  it('has no empty message and nothing vue-i18n would misread', () => {
    for (const value of [...leafValues(zhCN), ...leafValues(en)]) {
      expect(value.trim()).not.toBe('')
      // '@' starts a linked message in vue-i18n; '|' separates plural forms, which are only
      // meant for English counts and must not leave an empty form.
      expect(value).not.toMatch(/@/)
      for (const form of value.split('|')) expect(form.trim()).not.toBe('')
    }
  })

  it('counts working days in English', () => {
    i18n.global.locale.value = 'en'
    expect(i18n.global.t('config.matters.days', { n: 1 }, 1)).toBe('1 working day')
    expect(i18n.global.t('config.matters.days', { n: 3 }, 3)).toBe('3 working days')
    i18n.global.locale.value = 'zh-CN'
    expect(i18n.global.t('config.matters.days', { n: 1 }, 1)).toBe('1 个工作日')
  })

  it('defaults to Simplified Chinese and formats parameters', () => {
    expect(i18n.global.locale.value).toBe('zh-CN')
    expect(i18n.global.t('config.windows.numberLabel', { n: 3 })).toBe('3号窗口')
    expect(i18n.global.t('config.windows.numberLabel', { n: 3 }, { locale: 'en' })).toBe('Window 3')
  })
})
