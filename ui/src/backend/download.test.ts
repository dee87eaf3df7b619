import { describe, expect, it } from 'vitest'
import { attachmentName, downloadAndSave } from './download'

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

describe('downloads saved under the server’s name', () => {
  it('saves the blob under the UTF-8 name, or the fallback', async () => {
    const saved: [string, number][] = []
    const save = (blob: Blob, name: string) => saved.push([name, blob.size])
    const response = (disposition: string | null) =>
      new Response(new Uint8Array([37, 80, 68, 70]), {
        headers: disposition ? { 'Content-Disposition': disposition } : {},
      })
    const http = (disposition: string | null) => ({ call: async () => response(disposition), offline: () => ({ code: 'offline' }) })
    const named = await downloadAndSave(
      http("inline; filename=\"x.pdf\"; filename*=UTF-8''%E5%AE%A1%E6%9F%A5%E6%84%8F%E8%A7%81%E4%B9%A6.pdf"),
      '/review/projects/p/letter',
      'letter.pdf',
      save,
    )
    expect(named).toEqual({ fileName: '审查意见书.pdf', path: null })
    await downloadAndSave(http(null), '/x', 'letter.pdf', save)
    expect(saved).toEqual([
      ['审查意见书.pdf', 4],
      ['letter.pdf', 4],
    ])
  })

  it('passes the refusal on and saves nothing', async () => {
    const refused = { code: 'not_found', message: '该项目尚未签发审查合格书' }
    const http = { call: async () => Promise.reject(refused), offline: () => ({ code: 'offline' }) }
    let saved = 0
    await expect(downloadAndSave(http, '/x', 'c.pdf', () => (saved += 1))).rejects.toEqual(refused)
    expect(saved).toBe(0)
  })
})
