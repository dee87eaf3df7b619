// Desktop end to end: printing from the real app to a real (virtual) printer. npm test runs a
// private CUPS scheduler with the cups-pdf printer and points the app at it with CUPS_SERVER.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebDriver } from '../support/webdriver.mjs'
import { outputDir, required } from '../support/env.mjs'
import { pause, signIn } from '../support/app.mjs'
import { issuerKey, signed } from '../support/signing.mjs'

let driver
const PRINTED = required('ONETRIP_PRINTED_DIR')

before(async () => {
  driver = await WebDriver.start(required('ONETRIP_WEBDRIVER'), required('ONETRIP_APP'))
})

after(async () => {
  await driver?.quit()
})

test('a print officer previews a permit, prints it, and finds it in the print log', async () => {
  // What other tests printed before.
  const before = new Set(readdirSync(PRINTED))
  await signIn(driver, 'delivery')
  await driver.click('[data-testid=nav-print]')
  await driver.waitForText('[data-testid=print-printer]', (text) => text.includes('cups-pdf'), 30000)
  await driver.click('[data-testid=print-template-drainage-permit]')
  // The preview draws the permit's page with pdf.js.
  await driver.waitFor('[data-testid=print-preview] canvas[data-page="1"]', 30000)
  await driver.waitForText('[data-testid=print-preview-count]', (text) => text.includes('共 1 页'))
  await pause(1000)
  writeFileSync(join(outputDir(), 'desktop-print-preview.png'), await driver.screenshot())

  await driver.click('[data-testid=print-submit]')
  await driver.waitForText('[data-testid=print-result]', (text) => text.includes('已发送到 cups-pdf'), 30000)
  await driver.waitForText('[data-testid=print-job]', (text) => text.includes('已完成'), 90000)
  const printed = readdirSync(PRINTED).filter((name) => name.endsWith('.pdf') && !before.has(name))
  assert.equal(printed.length, 1, `the virtual printer wrote one file: ${printed}`)

  await driver.click('[data-testid=print-tab-log]')
  await driver.waitForText('[data-testid=print-log-title]', (text) => text.includes('城镇污水排入排水管网许可证'))
  assert.equal((await driver.findAll('[data-testid=print-log-title]')).length, 1)
  assert.equal(await driver.text('[data-testid=print-log-kind]'), '首次打印')
  assert.equal(await driver.text('[data-testid=print-log-by]'), 'delivery')
  await pause(500)
  writeFileSync(join(outputDir(), 'desktop-print-log.png'), await driver.screenshot())
})

test('the calibration screen keeps the measured offsets and prints the grid', async () => {
  await driver.click('[data-testid=print-tab-calibration]')
  await driver.waitFor('[data-testid=calibration-offset-x] input')
  await driver.type('[data-testid=calibration-offset-x] input', '1.5')
  await driver.click('[data-testid=calibration-save]')
  await driver.waitForText('.el-message', (text) => text.includes('校准值已保存'))
  await driver.click('[data-testid=calibration-print-grid]')
  await driver.waitForText('.el-message', (text) => text.includes('测试页已发送到 cups-pdf'))
  await pause(500)
  writeFileSync(join(outputDir(), 'desktop-print-calibration.png'), await driver.screenshot())
})

test('a QR code checked in the desktop is valid, and one changed character makes it tampered', async () => {
  // The standalone app's embedded server keeps its signing key in the data folder.
  const key = issuerKey(join(required('ONETRIP_DATA_DIR'), 'central', 'issuer-ed25519.key'))
  const year = new Date().getFullYear()
  const payload = signed(key, [
    'drainage-permit',
    `玉排许字〔${year}〕第0042号`,
    '玉环市清港镇亮洁洗车行',
    `${year - 1}-01-01`,
    `${year + 4}-12-31`,
    '玉环市住房和城乡建设局',
  ])
  await driver.click('[data-testid=print-tab-verify]')
  await driver.type('[data-testid=verify-payload]', payload)
  await driver.click('[data-testid=verify-submit]')
  const result = await driver.waitForText('[data-testid=verify-result]', (text) => text.includes('有效'))
  assert.match(result, /玉环市清港镇亮洁洗车行/)
  await pause(500)
  writeFileSync(join(outputDir(), 'desktop-verify.png'), await driver.screenshot())

  await driver.type('[data-testid=verify-payload]', payload.replace('亮洁', '亮杰'))
  await driver.click('[data-testid=verify-submit]')
  await driver.waitForText('[data-testid=verify-result]', (text) => text.includes('被篡改'))
})
