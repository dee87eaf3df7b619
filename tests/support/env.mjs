// Reads the settings the test scripts pass in, failing clearly when run by hand without them.

import { mkdirSync } from 'node:fs'

export function required(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run these tests through \`npm test\``)
  return value
}

export function outputDir() {
  const dir = process.env.ONETRIP_OUTPUT ?? 'tests/output'
  mkdirSync(dir, { recursive: true })
  return dir
}

/** The demo password seeded into a new central database (crates/server/src/seed.rs). */
export const DEMO_PASSWORD = 'Yuhuan@2026'
