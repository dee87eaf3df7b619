// Steps through the real app shared by the desktop end-to-end tests.

import assert from 'node:assert/strict'
import { DEMO_PASSWORD } from './env.mjs'

/** Signs in as `username`, signing out whoever the app restored from the keychain first. */
export async function signIn(driver, username) {
  await driver.waitFor('[data-testid=login-username], [data-testid=current-user]', 60000)
  if ((await driver.findAll('[data-testid=current-user]')).length) {
    await driver.click('[data-testid=logout-button]')
    await driver.waitFor('[data-testid=login-username]', 30000)
  }
  await driver.type('[data-testid=login-username]', username)
  await driver.type('[data-testid=login-password]', DEMO_PASSWORD)
  await driver.click('[data-testid=login-submit]')
  await driver.waitFor('[data-testid=current-user]', 30000)
}

/** Points the app at the central server `url` (remote mode) from its login page, signing out
 * whoever is signed in first. */
export async function useRemoteServer(driver, url) {
  // An earlier test may have left someone signed in, restored from the keychain.
  await driver.waitFor('[data-testid=login-settings], [data-testid=current-user]', 60000)
  if ((await driver.findAll('[data-testid=current-user]')).length) {
    await driver.click('[data-testid=logout-button]')
  }
  await driver.waitFor('[data-testid=login-settings]', 30000)
  await driver.click('[data-testid=login-settings]')
  await driver.click('[data-testid=settings-mode-remote]')
  await driver.type('[data-testid=settings-server-url]', url)
  await driver.click('[data-testid=settings-save]')
  await driver.waitFor('[data-testid=login-username]', 30000)
}

export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The address of the server the app works with, as the connection panel knows it. */
export async function serverUrl(driver) {
  const status = await driver.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke('connection_status').then(done, (e) => done({ error: String(e) }))`,
  )
  assert.ok(status.server_url, JSON.stringify(status))
  return status.server_url
}
