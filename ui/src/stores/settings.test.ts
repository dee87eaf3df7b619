import { describe, expect, it } from 'vitest'
import type { Settings } from '../bindings/Settings'
import { serverChanged } from './settings'

const remote: Settings = { mode: 'remote', server_url: 'https://onetrip.example.gov.cn', language: 'zh-CN' }
const standalone: Settings = { mode: 'standalone', server_url: null, language: 'zh-CN' }

describe('serverChanged', () => {
  it('ignores a change of language alone', () => {
    expect(serverChanged(remote, { ...remote, language: 'en' })).toBe(false)
  })

  it('sees a change of mode or of the remote address', () => {
    expect(serverChanged(standalone, remote)).toBe(true)
    expect(serverChanged(remote, standalone)).toBe(true)
    expect(serverChanged(remote, { ...remote, server_url: 'https://other.example.gov.cn' })).toBe(true)
  })

  it('ignores the remembered address while standalone', () => {
    expect(serverChanged(standalone, { ...standalone, server_url: 'https://onetrip.example.gov.cn' })).toBe(false)
  })
})
