// A real onetrip-server process for a test file of its own, and a small client of its HTTP API.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { DEMO_PASSWORD, required } from './env.mjs'

export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/**
 * A server on `port` (a free one when not given) with its data in `dataDir`, serving the web
 * build from `webDir` when given. `start` waits until it answers; `stop` until it has exited.
 */
export async function serverProcess({ dataDir, webDir, port }) {
  const listen = port ?? (await freePort())
  const base = `http://127.0.0.1:${listen}`
  let child = null
  return {
    base,
    async start() {
      const args = ['--listen', `127.0.0.1:${listen}`, '--data-dir', dataDir, ...(webDir ? ['--web-dir', webDir] : [])]
      child = spawn(required('ONETRIP_SERVER_BIN'), args, { stdio: 'ignore' })
      const deadline = Date.now() + 30000
      for (;;) {
        try {
          if ((await fetch(`${base}/api/health`)).ok) return
        } catch {
          // not up yet
        }
        assert.ok(Date.now() < deadline, 'the server did not start')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async stop() {
      if (!child || child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** Calls of the server at `base`: `api` asserts success and returns the JSON body. */
export function apiClient(base) {
  async function api(method, path, token, body) {
    const response = await fetch(`${base}/api${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = await response.json()
    assert.ok(response.ok, `${method} ${path}: ${JSON.stringify(json)}`)
    return json
  }
  const login = async (username) => (await api('POST', '/auth/login', undefined, { username, password: DEMO_PASSWORD })).token
  return { api, login }
}

/** A command with a fresh id. */
export const command = (kind, payload) => ({ id: crypto.randomUUID(), kind, payload })
