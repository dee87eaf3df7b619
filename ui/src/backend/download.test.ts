import { describe, expect, it } from 'vitest'
import { attachmentName } from './download'

describe('attachment names', () => {
  it('prefers the UTF-8 name', () => {
    const header =
      "attachment; filename=\"___.csv\"; filename*=UTF-8''%E7%BB%9F%E8%AE%A1_%E7%8E%89%E7%8E%AF_2026-11-01_2026-11-27.csv"
    expect(attachmentName(header)).toBe('统计_玉环_2026-11-01_2026-11-27.csv')
  })

  it('falls back to the plain name, and to nothing', () => {
    expect(attachmentName('attachment; filename="stats.xlsx"')).toBe('stats.xlsx')
    expect(attachmentName('attachment')).toBeNull()
    expect(attachmentName(null)).toBeNull()
  })
})
