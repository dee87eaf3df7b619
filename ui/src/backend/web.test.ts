import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Account } from '../bindings/Account'
import type { Command } from '../bindings/Command'
import type { Lang } from '../bindings/Lang'
import { createWebBackend, TOKEN_KEY } from './web'

const account: Account = {
  id: 'a1',
  username: 'wang',
  display_name: '王芳',
  role: 'clerk',
  site_id: 's1',
  specialty: null,
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function setup(lang: Lang = 'zh-CN') {
  const fetch = vi.fn<typeof globalThis.fetch>()
  const storage = window.sessionStorage
  const saveFile = vi.fn<(blob: Blob, fileName: string) => void>()
  const backend = createWebBackend({
    saveFile,
    language: () => lang,
    messages: {
      offline: () => '无法连接服务器',
      unexpected: (status) => `意外的响应 ${status}`,
      desktopOnly: () => '该操作仅适用于桌面客户端',
    },
    origin: 'http://center.test',
    fetch,
    storage,
  })
  const sent = (i = 0) => {
    const [url, init] = fetch.mock.calls[i]
    return { url: String(url), init: init ?? {}, headers: (init?.headers ?? {}) as Record<string, string> }
  }
  return { fetch, backend, storage, sent, saveFile }
}

describe('web backend', () => {
  beforeEach(() => window.sessionStorage.clear())

  it('signs in, keeps the token and sends it with later requests', async () => {
    const { fetch, backend, storage, sent } = setup('en')
    fetch.mockResolvedValueOnce(json(200, { token: 'tok-1', account, expires_at_ms: 1 }))
    fetch.mockResolvedValueOnce(json(200, { sites: [], services: [], matters: [], windows: [], calendar: [] }))

    await expect(backend.login('wang', 'secret')).resolves.toEqual(account)
    expect(storage.getItem(TOKEN_KEY)).toBe('tok-1')
    expect(sent(0).url).toBe('http://center.test/api/auth/login')
    expect(sent(0).init.method).toBe('POST')
    expect(JSON.parse(String(sent(0).init.body))).toEqual({ username: 'wang', password: 'secret' })
    expect(sent(0).headers['Accept-Language']).toBe('en')
    expect(sent(0).headers.Authorization).toBeUndefined()

    await backend.loadConfig()
    expect(sent(1).url).toBe('http://center.test/api/config')
    expect(sent(1).headers.Authorization).toBe('Bearer tok-1')
    expect(sent(1).headers['Accept-Language']).toBe('en')
  })

  it('rejects with the server ApiError of a refused command', async () => {
    const { fetch, backend, storage, sent } = setup()
    storage.setItem(TOKEN_KEY, 'tok-2')
    const refusal = { code: 'forbidden', message: '您的角色无权修改配置' }
    fetch.mockResolvedValueOnce(json(403, refusal))
    const command: Command = { id: 'c1', kind: 'delete_window', payload: { id: 'w1' } }

    await expect(backend.sendCommand(command)).rejects.toEqual(refusal)
    expect(sent().url).toBe('http://center.test/api/commands')
    expect(JSON.parse(String(sent().init.body))).toEqual(command)
    expect(sent().headers['Accept-Language']).toBe('zh-CN')
    expect(sent().headers.Authorization).toBe('Bearer tok-2')
  })

  it('rejects with an invalid-credentials ApiError on a failed sign-in', async () => {
    const { fetch, backend, storage } = setup()
    fetch.mockResolvedValueOnce(json(401, { code: 'invalid_credentials', message: '用户名或密码错误' }))
    await expect(backend.login('wang', 'bad')).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(storage.getItem(TOKEN_KEY)).toBeNull()
  })

  it('maps a network failure to code offline with a localised message', async () => {
    const { fetch, backend } = setup()
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await expect(backend.loadConfig()).rejects.toEqual({ code: 'offline', message: '无法连接服务器' })
  })

  it('describes a non-JSON error response', async () => {
    const { fetch, backend } = setup()
    fetch.mockResolvedValueOnce(new Response('<html>Bad gateway</html>', { status: 502 }))
    await expect(backend.loadConfig()).rejects.toEqual({ code: 'internal', message: '意外的响应 502' })
  })

  it('restores a session from the token, and forgets an expired one', async () => {
    const { fetch, backend, storage, sent } = setup()
    await expect(backend.currentAccount()).resolves.toBeNull()
    expect(fetch).not.toHaveBeenCalled()

    storage.setItem(TOKEN_KEY, 'tok-3')
    fetch.mockResolvedValueOnce(json(200, account))
    await expect(backend.currentAccount()).resolves.toEqual(account)
    expect(sent(0).url).toBe('http://center.test/api/auth/me')

    fetch.mockResolvedValueOnce(json(401, { code: 'session_expired', message: '登录已过期' }))
    await expect(backend.currentAccount()).resolves.toBeNull()
    expect(storage.getItem(TOKEN_KEY)).toBeNull()
  })

  it('signs out and drops the token even when the server does not answer', async () => {
    const { fetch, backend, storage, sent } = setup()
    storage.setItem(TOKEN_KEY, 'tok-4')
    fetch.mockResolvedValueOnce(new Response(null, { status: 204 }))
    await backend.logout()
    expect(sent().url).toBe('http://center.test/api/auth/logout')
    expect(storage.getItem(TOKEN_KEY)).toBeNull()

    storage.setItem(TOKEN_KEY, 'tok-5')
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await expect(backend.logout()).rejects.toMatchObject({ code: 'offline' })
    expect(storage.getItem(TOKEN_KEY)).toBeNull()
  })

  it('reports the connection from the health endpoint', async () => {
    const { fetch, backend } = setup()
    fetch.mockResolvedValueOnce(json(200, { status: 'ok', version: '0.1.0', database: 'postgres' }))
    await expect(backend.connectionStatus()).resolves.toEqual({
      online: true,
      mode: 'remote',
      server_url: 'http://center.test',
      database: 'postgres',
      pending: 0,
      failed: 0,
      last_sync_at_ms: null,
    })
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await expect(backend.connectionStatus()).resolves.toMatchObject({ online: false, database: null, pending: 0 })
  })

  it('rejects with the error of a command refused as a conflict', async () => {
    const { fetch, backend } = setup()
    const error = { code: 'conflict', message: '该记录已被他人修改，请刷新后重试' }
    fetch.mockResolvedValueOnce(json(200, { command_id: 'c1', status: 'conflict', error }))
    await expect(backend.sendCommand({ id: 'c1', kind: 'delete_window', payload: { id: 'w1' } })).rejects.toEqual(error)
    fetch.mockResolvedValueOnce(json(409, error))
    await expect(backend.sendCommand({ id: 'c2', kind: 'delete_window', payload: { id: 'w1' } })).rejects.toEqual(error)
  })

  it('has no outbox and no background sync', async () => {
    const { fetch, backend } = setup()
    await expect(backend.failedCommands()).resolves.toEqual([])
    const desktopOnly = { code: 'bad_request', message: '该操作仅适用于桌面客户端' }
    await expect(backend.retryCommand('c1')).rejects.toEqual(desktopOnly)
    await expect(backend.discardCommand('c1')).rejects.toEqual(desktopOnly)
    const handler = vi.fn()
    const unsubscribe = await backend.onSyncEvent(handler)
    expect(() => unsubscribe()).not.toThrow()
    expect(handler).not.toHaveBeenCalled()
    expect(fetch).not.toHaveBeenCalled()
  })

  it('reads the ratings report from the server and refuses the desktop-only ratings of the day', async () => {
    const { fetch, backend, sent } = setup()
    const report = { from: '2026-11-01', to: '2026-11-30', today: '2026-11-30', follow_ups: [] }
    fetch.mockResolvedValueOnce(json(200, report))
    await expect(backend.ratingsReport('2026-11-01', '2026-11-30')).resolves.toEqual(report)
    expect(sent().url).toBe('http://center.test/api/ratings/report?from=2026-11-01&to=2026-11-30')
    await expect(backend.queueRatings()).rejects.toMatchObject({ code: 'bad_request' })
  })

  it('asks for statistics and saves an export under the name the server gave', async () => {
    const { fetch, backend, storage, sent, saveFile } = setup()
    storage.setItem(TOKEN_KEY, 'tok-9')
    fetch.mockResolvedValueOnce(json(200, { site_name: '玉环市行政服务中心' }))
    await backend.queueStats({ site: 's1', from: '2026-11-01', to: '2026-11-27' })
    expect(sent(0).url).toBe('http://center.test/api/stats?site=s1&from=2026-11-01&to=2026-11-27')
    expect(sent(0).headers.Authorization).toBe('Bearer tok-9')

    const name = '统计_玉环市行政服务中心_2026-11-01_2026-11-27.csv'
    fetch.mockResolvedValueOnce(
      new Response('\uFEFF维度,项目\r\n', {
        status: 200,
        headers: { 'Content-Disposition': `attachment; filename="x.csv"; filename*=UTF-8''${encodeURIComponent(name)}` },
      }),
    )
    await expect(backend.exportStats({ site: null, from: '2026-11-01', to: '2026-11-27' }, 'csv')).resolves.toEqual({
      fileName: name,
      path: null,
    })
    expect(sent(1).url).toBe('http://center.test/api/stats/export?format=csv&from=2026-11-01&to=2026-11-27')
    expect(saveFile).toHaveBeenCalledOnce()
    expect(saveFile.mock.calls[0][1]).toBe(name)

    // A refusal is the server's own message, and nothing is saved.
    const refusal = { code: 'forbidden', message: '只有主管和管理员可以查看统计', reason: 'stats_forbidden' }
    fetch.mockResolvedValueOnce(json(403, refusal))
    await expect(backend.exportStats({ site: null, from: null, to: null }, 'xlsx')).rejects.toEqual(refusal)
    expect(saveFile).toHaveBeenCalledOnce()
  })

  it('asks for the review statistics with or without a range, and saves their export', async () => {
    const { fetch, backend, storage, sent, saveFile } = setup()
    storage.setItem(TOKEN_KEY, 'tok-9')
    fetch.mockResolvedValueOnce(json(200, { as_of: '2026-12-17' }))
    await backend.reviewStats({ from: null, to: null })
    expect(sent(0).url).toBe('http://center.test/api/review/stats?')
    fetch.mockResolvedValueOnce(json(200, { as_of: '2026-12-17' }))
    await backend.reviewStats({ from: '2026-12-01', to: '2026-12-31' })
    expect(sent(1).url).toBe('http://center.test/api/review/stats?from=2026-12-01&to=2026-12-31')

    const name = '审图统计_2026-12-01_2026-12-31.xlsx'
    fetch.mockResolvedValueOnce(
      new Response('PK', {
        status: 200,
        headers: { 'Content-Disposition': `attachment; filename="x.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}` },
      }),
    )
    await expect(backend.exportReviewStats({ from: '2026-12-01', to: '2026-12-31' }, 'xlsx')).resolves.toEqual({
      fileName: name,
      path: null,
    })
    expect(sent(2).url).toBe('http://center.test/api/review/stats/export?format=xlsx&from=2026-12-01&to=2026-12-31')
    expect(saveFile.mock.calls[0][1]).toBe(name)
  })

  it('has no desktop settings', async () => {
    const { backend } = setup()
    await expect(backend.getSettings()).resolves.toBeNull()
  })
})
