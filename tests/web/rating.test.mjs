// Browser end to end: the rating pad at a window shows the ticket just finished there, the
// citizen rates it 不满意 with a reason, and the supervisor finds the follow-up with its clocks
// in the web UI and records the revisit.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { launchChromium } from '../support/browser.mjs'
import { DEMO_PASSWORD, outputDir, required } from '../support/env.mjs'
import { apiClient, command } from '../support/server.mjs'

const BASE = required('ONETRIP_BASE_URL')
let browser

before(async () => {
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
})

const { api, login } = apiClient(BASE)
/** The service center's day (China time), as the server counts it. */
const centerDay = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)

test('a citizen rates the finished ticket 不满意 on the pad and the supervisor follows it up', async () => {
  const clerk = await login('clerk')
  const me = await api('GET', '/auth/me', clerk)
  const config = await api('GET', '/config', clerk)
  const window = config.windows.filter((w) => w.site_id === me.site_id).sort((a, b) => b.number - a.number)[0]

  // The pad is open at the window before the ticket is finished: the ticket arrives live.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const pad = await context.newPage()
  await pad.goto(`${BASE}/rate/${window.id}`)
  await pad.getByTestId('pad-waiting').waitFor()
  assert.match(await pad.getByTestId('pad-waiting').innerText(), new RegExp(`${window.number}号窗口`))

  await api('POST', '/commands', clerk, command('issue_ticket', {
    id: crypto.randomUUID(), site_id: me.site_id, service_id: window.service_ids[0], class: 'normal', source: 'kiosk',
    appointment_at_ms: null,
  }))
  const called = (await api('POST', '/commands', clerk, command('call_next', { window_id: window.id }))).record
  await api('POST', '/commands', clerk, command('finish', { ticket_id: called.id }))
  const offered = pad.getByTestId('pad-ticket').filter({ hasText: called.number })
  await offered.waitFor({ timeout: 5000 })
  assert.match(await pad.getByTestId('pad-rate').innerText(), /请对本次服务进行评价/)
  await pad.screenshot({ path: join(outputDir(), 'web-rating-pad.png') })

  // 不满意, a reason and a word; then thanks, and the pad waits for the next ticket.
  await pad.getByTestId('pad-score-2').click()
  await pad.getByTestId('pad-reasons').waitFor()
  await pad.getByTestId('pad-reason-many_trips').click()
  await pad.getByTestId('pad-comment').fill('材料清单没有一次说清楚')
  await pad.screenshot({ path: join(outputDir(), 'web-rating-pad-reasons.png') })
  await pad.getByTestId('pad-submit').click()
  await pad.getByTestId('pad-thanks').waitFor()
  assert.match(await pad.getByTestId('pad-thanks').innerText(), /感谢您的评价/)
  await pad.getByTestId('pad-waiting').waitFor({ timeout: 10000 })

  // The rated ticket is not offered again, and cannot be rated a second time.
  const state = await api('GET', `/public/windows/${window.id}/rating`)
  assert.equal(state.ticket, null)
  const again = await fetch(`${BASE}/api/public/windows/${window.id}/rating`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ticket_id: called.id, score: 5 }),
  })
  assert.equal(again.status, 422)

  // The follow-up exists, with its clocks.
  const supervisor = await login('supervisor')
  const day = centerDay()
  const report = await api('GET', `/ratings/report?from=${day}&to=${day}`, supervisor)
  const row = report.follow_ups.find((r) => r.rating.ticket_id === called.id)
  assert.ok(row, 'the bad rating opened a follow-up')
  assert.equal(row.rating.score, 2)
  assert.equal(row.rating.source, 'pad')
  assert.deepEqual(row.rating.reasons, ['many_trips'])
  assert.equal(row.rating.comment, '材料清单没有一次说清楚')
  assert.equal(row.rating.clerk_name, '王小红')
  assert.equal(row.status, 'open')
  assert.ok(row.rating.follow_up.revisit_due > day && row.rating.follow_up.rectification_due > row.rating.follow_up.revisit_due)
  await context.close()

  // The supervisor's page lists it and records the revisit.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  await page.goto(BASE)
  await page.getByTestId('login-username').fill('supervisor')
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('nav-followups').click()
  const listed = page.getByTestId('followups-table').locator('tr', { hasText: called.number })
  await listed.first().waitFor()
  const text = await listed.first().innerText()
  assert.match(text, /不满意/)
  assert.match(text, /多次跑腿/)
  assert.match(text, new RegExp(row.rating.follow_up.revisit_due))
  assert.match(text, /即将到期/)
  assert.match(text, /进行中/)
  assert.notEqual(await page.getByTestId('ratings-count').innerText(), '0')
  await page.locator('.el-loading-mask').waitFor({ state: 'hidden' })
  // The tags zoom in when the table renders: let them finish before the picture.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)))
  await page.screenshot({ path: join(outputDir(), 'web-followups.png'), fullPage: true })

  await listed.first().getByTestId('followup-next').click()
  const dialog = page.getByTestId('followup-dialog')
  await dialog.waitFor()
  await dialog.getByTestId('followup-text').fill('已电话联系群众，致歉并重新说明所需材料')
  await dialog.getByTestId('followup-save').click()
  await dialog.waitFor({ state: 'hidden' })
  const revisited = page.getByTestId('followups-table').locator('tr', { hasText: called.number }).first()
  await revisited.getByTestId('followup-revisit-state').filter({ hasText: '已完成' }).waitFor()
  assert.match(await revisited.getByTestId('followup-next').innerText(), /记录整改/)
  await page.close()
})
