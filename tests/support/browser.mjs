// The machine's Chromium, started the same way by every browser test.

import { chromium } from 'playwright-core'
import { DEMO_PASSWORD } from './env.mjs'

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  })
}

/** A new page of `context` with `username` signed in to the staff app at `base`. */
export async function signIn(context, base, username) {
  const page = await context.newPage()
  await page.goto(base)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('current-user').waitFor()
  return page
}
