// Signing QR payloads in tests the way the central API does, with its own key file.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createPrivateKey, sign } from 'node:crypto'

/** A server's signing key, read from its key file (hex of the 32-byte Ed25519 secret). */
export function issuerKey(file) {
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
  assert.equal(secret.length, 32, `${file} does not hold a 32-byte key`)
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), secret])
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
}

/** A payload as the server signs it: `OT1|<six fields>|<base64url signature>`. */
export function signed(key, fields) {
  const message = ['OT1', ...fields].join('|')
  return `${message}|${sign(null, Buffer.from(message, 'utf8'), key).toString('base64url')}`
}
