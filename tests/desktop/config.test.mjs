// Desktop end to end: the real OneTrip app (standalone mode, embedded server) under Xvfb,
// driven through tauri-driver and WebKitWebDriver.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebDriver } from '../support/webdriver.mjs'
import { DEMO_PASSWORD, outputDir, required } from '../support/env.mjs'

let driver

before(async () => {
  driver = await WebDriver.start(required('ONETRIP_WEBDRIVER'), required('ONETRIP_APP'))
})

after(async () => {
  await driver?.quit()
})

test('an admin logs in, opens the configuration and sees the seeded windows', async () => {
  await driver.waitFor('[data-testid=login-username]', 60000)
  writeFileSync(join(outputDir(), 'desktop-login.png'), await driver.screenshot())
  await driver.type('[data-testid=login-username]', 'admin')
  await driver.type('[data-testid=login-password]', DEMO_PASSWORD)
  await driver.click('[data-testid=login-submit]')

  const user = await driver.waitForText('[data-testid=current-user]', (text) => text.includes('系统管理员'))
  assert.match(user, /管理员/)
  await driver.waitForText('[data-testid=connection-indicator]', (text) => text.includes('在线'))

  await driver.click('[data-testid=nav-admin]')
  await driver.click('[data-testid=config-tab-windows]')
  // The table lays its columns out after the first paint: wait for the services column too.
  const table = await driver.waitForText(
    '[data-testid=windows-table]',
    (text) => text.includes('8号窗口') && text.includes('综合窗口'),
  )
  for (let n = 1; n <= 8; n++) assert.ok(table.includes(`${n}号窗口`), `window ${n} listed`)
  assert.match(table, /综合窗口/)
  await driver.waitForText('.el-tabs__item.is-active', (text) => text.trim() === '窗口')
  // Let WebKit paint the new tab before the screenshot.
  await new Promise((resolve) => setTimeout(resolve, 1000))
  writeFileSync(join(outputDir(), 'desktop-config.png'), await driver.screenshot())
})
