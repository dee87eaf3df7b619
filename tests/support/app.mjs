// Steps through the real app shared by the desktop end-to-end tests.

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

export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
