import { describe, expect, it } from 'vitest'
import { parseServerUrl } from './serverUrl'

describe('parseServerUrl', () => {
  it('accepts http and https addresses and normalises them', () => {
    expect(parseServerUrl('https://onetrip.example.gov.cn')).toEqual({ url: 'https://onetrip.example.gov.cn' })
    expect(parseServerUrl('  http://10.1.2.3:8080/ ')).toEqual({ url: 'http://10.1.2.3:8080' })
    expect(parseServerUrl('HTTPS://Server.Local/onetrip/')).toEqual({ url: 'https://server.local/onetrip' })
    expect(parseServerUrl('http://localhost:3000')).toEqual({ url: 'http://localhost:3000' })
  })

  it('requires an address', () => {
    expect(parseServerUrl('')).toEqual({ problem: 'serverUrlRequired' })
    expect(parseServerUrl('   ')).toEqual({ problem: 'serverUrlRequired' })
  })

  it('refuses what is not an http(s) URL', () => {
    for (const bad of [
      'onetrip.example.gov.cn',
      'ftp://onetrip.example.gov.cn',
      'http:onetrip',
      'http://',
      'https://user:secret@onetrip.example.gov.cn',
      'https://onetrip.example.gov.cn/?a=1',
      'https://onetrip.example.gov.cn/#top',
      'javascript:alert(1)',
      'http://exa mple.com',
    ]) {
      expect(parseServerUrl(bad), bad).toEqual({ problem: 'serverUrlInvalid' })
    }
  })
})
