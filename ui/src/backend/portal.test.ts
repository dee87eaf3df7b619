import { describe, expect, it, vi } from 'vitest'
import type { UploadStatus } from '../bindings/UploadStatus'
import { CHUNK_BYTES, createPortalBackend, type SendChunk } from './portal'
import { createHttpClient } from './web'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

/** A server that keeps what arrives, as the central API does, over a fetch and a chunk sender. */
function server(size: number) {
  let received = 0
  const status = (): UploadStatus => ({
    id: 'u1',
    round_id: 'r1',
    file_name: '送审图.pdf',
    size,
    received,
    state: received === size ? 'done' : 'receiving',
    file_id: received === size ? 'f1' : null,
    error: null,
  })
  const fetch = vi.fn<typeof globalThis.fetch>(async (_url, init) =>
    json(init?.method === 'POST' ? 201 : 200, status()),
  )
  let drops = 0
  const sendChunk = vi.fn<SendChunk>(async (_url, _token, _lang, offset, chunk, onSent) => {
    if (offset !== received) {
      return { status: 409, body: { code: 'conflict', message: '偏移不符', reason: 'upload_offset' } }
    }
    // The second request loses its connection half-way: the server keeps what arrived.
    if (sendChunk.mock.calls.length === 2 && drops === 0) {
      drops += 1
      received += Math.floor(chunk.size / 2)
      onSent(Math.floor(chunk.size / 2))
      throw new Error('network')
    }
    received += chunk.size
    onSent(chunk.size)
    return { status: 200, body: status() }
  })
  const http = createHttpClient({
    language: () => 'zh-CN',
    messages: { offline: () => '无法连接服务器', unexpected: (s) => `意外 ${s}`, desktopOnly: () => '' },
    origin: 'http://center.test',
    fetch,
    storage: window.sessionStorage,
  })
  return { http, sendChunk, fetch, received: () => received }
}

describe('portal uploads', () => {
  it('resume after a dropped connection from what the server has, sending nothing twice', async () => {
    const size = CHUNK_BYTES * 2 + 1000
    const { http, sendChunk, received } = server(size)
    const backend = createPortalBackend(http, () => 'zh-CN', sendChunk, async () => undefined)
    const progress: number[] = []
    const file = new Blob([new Uint8Array(size)])
    const done = await backend.upload('r1', file, '送审图.pdf', ({ sent }) => progress.push(sent))
    expect(done.state).toBe('done')
    expect(received()).toBe(size)
    const sentBytes = sendChunk.mock.calls.reduce((sum, call) => sum + call[4].size, 0)
    // The dropped request's second half is sent again, never its first.
    expect(sentBytes).toBe(size + CHUNK_BYTES / 2)
    const offsets = sendChunk.mock.calls.map((call) => call[3])
    expect(offsets).toEqual([0, CHUNK_BYTES, CHUNK_BYTES + CHUNK_BYTES / 2])
    expect(progress.at(-1)).toBe(size)
  })

  it('gives up with the offline message when the server stays unreachable', async () => {
    const { http } = server(10)
    const failing = vi.fn<SendChunk>(async () => {
      throw new Error('network')
    })
    const backend = createPortalBackend(http, () => 'zh-CN', failing, async () => undefined)
    await expect(backend.upload('r1', new Blob([new Uint8Array(10)]), 'a.pdf', () => undefined)).rejects.toMatchObject({
      code: 'offline',
      message: '无法连接服务器',
    })
    expect(failing).toHaveBeenCalledTimes(6)
  })

  it('passes intake’s refusal through unchanged', async () => {
    const { http } = server(10)
    const refusing = vi.fn<SendChunk>(async () => ({
      status: 413,
      body: { code: 'payload_too_large', message: '超过上限', reason: 'upload_too_long' },
    }))
    const backend = createPortalBackend(http, () => 'zh-CN', refusing, async () => undefined)
    await expect(backend.upload('r1', new Blob([new Uint8Array(10)]), 'a.pdf', () => undefined)).rejects.toMatchObject({
      reason: 'upload_too_long',
    })
  })
})
