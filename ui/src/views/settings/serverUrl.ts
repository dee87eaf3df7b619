// Checking the central server's address typed in the settings.

export type ServerUrlProblem = 'serverUrlRequired' | 'serverUrlInvalid'

/**
 * Parses a server address for remote mode: an absolute http(s) URL with a host and no
 * credentials, query or fragment. Returns the normalised address (no trailing slash).
 */
export function parseServerUrl(input: string): { url: string } | { problem: ServerUrlProblem } {
  const text = input.trim()
  if (!text) return { problem: 'serverUrlRequired' }
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return { problem: 'serverUrlInvalid' }
  }
  const schemeOk = parsed.protocol === 'http:' || parsed.protocol === 'https:'
  // `new URL` accepts "http:example" by fixing it up; require the slashes the user meant.
  const written = /^https?:\/\/[^/?#\s]+/i.test(text)
  if (!schemeOk || !written || !parsed.hostname || parsed.username || parsed.password) {
    return { problem: 'serverUrlInvalid' }
  }
  if (parsed.search || parsed.hash) return { problem: 'serverUrlInvalid' }
  const path = parsed.pathname.replace(/\/+$/, '')
  return { url: `${parsed.protocol}//${parsed.host}${path}` }
}
