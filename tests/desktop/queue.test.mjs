// Desktop end to end: a window clerk at the real app calls tickets.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebDriver } from '../support/webdriver.mjs'
import { outputDir, required } from '../support/env.mjs'
import { pause, signIn } from '../support/app.mjs'

let driver

before(async () => {
  driver = await WebDriver.start(required('ONETRIP_WEBDRIVER'), required('ONETRIP_APP'))
})

after(async () => {
  await driver?.quit()
})

test('a clerk at a window issues tickets, calls, recalls, marks a no-show and finishes', async () => {
  await signIn(driver, 'clerk')
  await driver.click('[data-testid=nav-queue]')
  await driver.waitFor('[data-testid=queue-idle]', 30000)

  // Nobody waits: calling says so.
  await driver.click('[data-testid=queue-call-next]')
  await driver.waitForText('.el-message', (text) => text.includes('当前没有等候本窗口业务的群众'))

  // Two citizens get tickets at the counter.
  await driver.click('[data-testid=queue-issue]')
  const first = await driver.waitForText('.el-message', (text) => /已取号：[A-Z]001/.test(text))
  const prefix = first.match(/已取号：([A-Z])001/)[1]
  await driver.click('[data-testid=queue-issue]')
  await driver.waitForText('[data-testid=queue-waiting-count]', (text) => text.includes('本窗口等候 2 人'))

  // Call the first, recall it twice, mark it no-show; call and finish the second.
  await driver.click('[data-testid=queue-call-next]')
  await driver.waitForText('[data-testid=queue-current-number]', (text) => text === `${prefix}001`)
  await driver.waitForText('[data-testid=queue-waiting-count]', (text) => text.includes('本窗口等候 1 人'))
  await pause(1500)
  writeFileSync(join(outputDir(), 'desktop-queue.png'), await driver.screenshot())
  await driver.click('[data-testid=queue-recall]')
  await driver.waitForText('[data-testid=queue-current]', (text) => text.includes('已重呼1'))
  await driver.click('[data-testid=queue-recall]')
  await driver.waitForText('[data-testid=queue-current]', (text) => text.includes('已重呼2'))
  await driver.click('[data-testid=queue-no-show]')
  await driver.waitFor('[data-testid=queue-idle]')
  await driver.click('[data-testid=queue-call-next]')
  await driver.waitForText('[data-testid=queue-current-number]', (text) => text === `${prefix}002`)

  // One-window acceptance: the applicant lacks one of the three materials.
  await driver.waitFor('[data-testid=case-panel]')
  await driver.type('[data-testid=case-id]', '110105194912310021')
  await driver.type('[data-testid=case-name]', '陈建国')
  await driver.click('[data-testid=case-materials] .el-checkbox:nth-child(1)')
  await driver.click('[data-testid=case-materials] .el-checkbox:nth-child(2)')
  const missing = await driver.text('[data-testid=case-materials] .el-checkbox:nth-child(3)')
  // A wrong check character is refused with the reason, and nothing is decided.
  await driver.click('[data-testid=case-incomplete]')
  await driver.waitForText('.el-message', (text) => text.includes('身份证号校验位不正确'))
  await driver.type('[data-testid=case-id]', '11010519491231002X')
  await driver.click('[data-testid=case-incomplete]')
  await driver.waitForText('[data-testid=case-decided]', (text) => /已出具一次性告知书：GZ-\d{8}-\d{4}（第 1 次来办）/.test(text))
  await driver.waitForText('.el-message', (text) => text.includes('已发送到 cups-pdf'))
  await pause(1000)
  writeFileSync(join(outputDir(), 'desktop-queue-case.png'), await driver.screenshot())
  // The notice the app printed lists the missing material.
  const spool = join(required('ONETRIP_DATA_DIR'), 'spool')
  const newest = readdirSync(spool)
    .filter((name) => name.endsWith('.pdf'))
    .map((name) => join(spool, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]
  const text = execFileSync('pdftotext', ['-layout', newest, '-'], { encoding: 'utf8' })
  assert.match(text, /一次性告知书/)
  assert.ok(text.includes(missing.trim()), `the notice lists ${missing}:\n${text}`)
  assert.match(text, /陈建国/)
  await driver.click('[data-testid=queue-finish]')
  await driver.waitFor('[data-testid=queue-idle]')
  assert.match(await driver.text('[data-testid=queue-waiting-count]'), /本窗口等候 0 人/)

  // Held while the citizen fetches a copy, then back in the queue, then served.
  await driver.click('[data-testid=queue-issue]')
  await driver.waitForText('.el-message', (text) => text.includes(`已取号：${prefix}003`))
  await driver.click('[data-testid=queue-call-next]')
  await driver.waitForText('[data-testid=queue-current-number]', (text) => text === `${prefix}003`)
  await driver.click('[data-testid=queue-hold]')
  await driver.waitForText('[data-testid=queue-held]', (text) => text.includes(`${prefix}003`))
  await driver.click('[data-testid=queue-resume]')
  await driver.waitForText('[data-testid=queue-waiting-count]', (text) => text.includes('本窗口等候 1 人'))
  await driver.click('[data-testid=queue-call-ticket]')
  await driver.waitForText('[data-testid=queue-current-number]', (text) => text === `${prefix}003`)
  await driver.click('[data-testid=queue-finish]')
  await driver.waitFor('[data-testid=queue-idle]')
})

test('a clerk goes on a break and back, and books an appointment for a citizen', async () => {
  // On a break the window is shown as paused and calls nobody.
  await driver.click('[data-testid=queue-break]')
  await driver.waitForText('[data-testid=queue-on-break]', (text) => text.includes('暂停服务中'))
  await driver.waitForText('[data-testid=queue-break]', (text) => text.includes('恢复服务'))
  writeFileSync(join(outputDir(), 'desktop-queue-break.png'), await driver.screenshot())
  await driver.click('[data-testid=queue-break]')
  await driver.waitFor('[data-testid=queue-idle]')

  // A telephone booking for tomorrow: a wrong phone number is refused with the reason.
  await driver.click('[data-testid=queue-book]')
  await driver.waitFor('[data-testid=queue-booking-name]')
  await driver.type('[data-testid=queue-booking-name]', '王丽华')
  await driver.type('[data-testid=queue-booking-phone]', '2391234567')
  await driver.click('[data-testid=queue-booking-save]')
  await driver.waitForText('.el-message', (text) => text.includes('手机号应为 1 开头的 11 位数字'))
  await driver.type('[data-testid=queue-booking-phone]', '13912345678')
  await pause(500)
  writeFileSync(join(outputDir(), 'desktop-queue-booking.png'), await driver.screenshot())
  await driver.click('[data-testid=queue-booking-save]')
  await driver.waitForText('.el-message', (text) => /已预约 \d{4}-\d{2}-\d{2}，预约码 \d{6}/.test(text))
})
