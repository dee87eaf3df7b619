// Browser end to end: the hall display follows calls live and recovers after the server
// restarts; the kiosk issues a ticket. Each test runs its own onetrip-server process, so that
// it can be stopped and started again on the same port and data folder.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium } from '../support/browser.mjs'
import { outputDir } from '../support/env.mjs'
import { apiClient, command, serverProcess } from '../support/server.mjs'

const DATA = mkdtempSync(join(tmpdir(), 'onetrip-hall-'))
let base
let server
let browser
let api
let login

const start = () => server.start()
const stop = () => server.stop()

let clerk
let center
let window1

before(async () => {
  server = await serverProcess({ dataDir: DATA })
  base = server.base
  ;({ api, login } = apiClient(base))
  await start()
  browser = await launchChromium()
  clerk = await login('clerk')
  const me = await api('GET', '/auth/me', clerk)
  const config = await api('GET', '/config', clerk)
  center = me.site_id
  window1 = config.windows.filter((w) => w.site_id === center).sort((a, b) => a.number - b.number)[0]
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

const uuid = () => crypto.randomUUID()

async function issue(serviceId) {
  const outcome = await api('POST', '/commands', clerk, command('issue_ticket', {
    id: uuid(), site_id: center, service_id: serviceId, class: 'normal', source: 'assisted', appointment_at_ms: null,
  }))
  return outcome.record
}

test('the kiosk issues a ticket with the people ahead and an estimated wait', async () => {
  // A kiosk whose clock is set to another time zone still prints the center's time.
  const context = await browser.newContext({
    viewport: { width: 1080, height: 1920 },
    locale: 'zh-CN',
    timezoneId: 'America/New_York',
  })
  const page = await context.newPage()
  await page.goto(`${base}/kiosk/${center}`)
  const first = page.locator('[data-testid^=kiosk-service-]').first()
  await first.waitFor()
  const letter = (await first.getAttribute('data-testid')).slice(-1)
  const centerNow = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().replace('T', ' ').slice(0, 13)
  const before = centerNow()
  await first.click()
  await page.getByTestId('kiosk-ticket-number').waitFor()
  assert.equal(await page.getByTestId('kiosk-ticket-number').textContent(), `${letter}001`)
  assert.match(await page.getByTestId('kiosk-ticket-ahead').textContent(), /前面没有人等候/)
  const shown = await page.locator('#ticket-time').textContent()
  assert.ok([before, centerNow()].some((hour) => shown.startsWith(`取号时间 ${hour}:`)), shown)
  await page.screenshot({ path: join(outputDir(), 'web-kiosk-ticket.png') })
  // The next citizen sees one ahead.
  await page.locator('#back').click()
  await page.getByTestId(`kiosk-service-${letter}`).click()
  await page.getByTestId('kiosk-ticket-number').filter({ hasText: `${letter}002` }).waitFor()
  assert.match(await page.getByTestId('kiosk-ticket-ahead').textContent(), /前面还有 1 人/)
  await context.close()
})

test('a call from a clerk shows on the hall display within a second, also after a server restart', async () => {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto(`${base}/hall/${center}`)
  await page.getByTestId('hall-status').filter({ hasText: '已连接' }).waitFor()

  await issue(window1.service_ids[0])
  const started = Date.now()
  const called = await api('POST', '/commands', clerk, command('call_next', { window_id: window1.id }))
  const number = called.record.number
  await page.getByTestId('hall-current').filter({ hasText: number }).waitFor({ timeout: 1000 })
  const seen = Date.now() - started
  assert.ok(seen < 1000, `shown after ${seen} ms`)
  assert.match(await page.getByTestId('hall-announce').textContent(), new RegExp(`请${number}号到${window1.number}号窗口办理`))
  await page.screenshot({ path: join(outputDir(), 'web-hall-display.png') })

  // The server goes away: the display says so, and comes back by itself.
  await stop()
  await page.getByTestId('hall-status').filter({ hasText: '正在自动重连' }).waitFor({ timeout: 10000 })
  await start()
  await page.getByTestId('hall-status').filter({ hasText: '已连接' }).waitFor({ timeout: 15000 })
  clerk = await login('clerk')
  await api('POST', '/commands', clerk, command('finish', { ticket_id: called.record.id }))
  const next = await api('POST', '/commands', clerk, command('call_next', { window_id: window1.id }))
  await page.getByTestId('hall-current').filter({ hasText: next.record.number }).waitFor({ timeout: 2000 })
  writeFileSync(join(outputDir(), 'web-hall-after-restart.png'), await page.screenshot())
  await context.close()
})

test('an appointment checks in at the kiosk once, and the display shows its masked name and a window on a break', async () => {
  clerk = await login('clerk')
  const config = await api('GET', '/config', clerk)
  const [, window2, window3] = config.windows.filter((w) => w.site_id === center).sort((a, b) => a.number - b.number)
  const phone = '13812345678'
  const booked = await api('POST', '/commands', clerk, command('book_appointment', {
    id: uuid(), site_id: center, service_id: window2.service_ids[0], at_ms: Date.now() + 60000,
    holder: { name: '张三明', phone },
  }))
  assert.equal(booked.record.code.length, 6)

  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto(`${base}/kiosk/${center}`)
  const checkIn = async (digits) => {
    await page.getByTestId('kiosk-open-checkin').click()
    for (const digit of digits) await page.locator(`#checkin-keypad [data-testid=key-${digit}]`).click()
    assert.equal(await page.getByTestId('kiosk-checkin-query').textContent(), digits)
    await page.getByTestId('kiosk-checkin-go').click()
  }
  await checkIn(phone)
  await page.getByTestId('kiosk-ticket-number').waitFor()
  const number = await page.getByTestId('kiosk-ticket-number').textContent()
  assert.match(await page.getByTestId('kiosk-ticket-holder').textContent(), /张\*明.*预约 \d\d:\d\d/)
  await page.screenshot({ path: join(outputDir(), 'web-kiosk-checkin.png') })
  // The same appointment again: refused with the reason, no second ticket.
  await page.locator('#back').click()
  await checkIn(booked.record.code)
  await page.getByTestId('kiosk-error').filter({ hasText: '已经签到' }).waitFor()
  await page.getByTestId('kiosk-contact').click()
  await page.locator('#contact-keypad [data-testid=key-1]').click()
  await page.screenshot({ path: join(outputDir(), 'web-kiosk-home.png') })
  await context.close()

  const hall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' })).newPage()
  await hall.goto(`${base}/hall/${center}`)
  await hall.getByTestId('hall-status').filter({ hasText: '已连接' }).waitFor()
  const state = await (await fetch(`${base}/api/public/sites/${center}/hall`)).json()
  assert.ok(!JSON.stringify(state).includes(phone), 'the public state never carries the phone number')
  const tickets = await api('POST', '/commands', clerk, command('call_ticket', {
    window_id: window2.id,
    ticket_id: (await issueLookup(number)).id,
  }))
  assert.equal(tickets.record.number, number)
  await hall.getByTestId('hall-current').filter({ hasText: '张*明' }).waitFor({ timeout: 2000 })
  await api('POST', '/commands', clerk, command('start_break', { window_id: window3.id }))
  await hall.getByTestId('hall-paused').filter({ hasText: `${window3.number}号窗口暂停服务` }).waitFor({ timeout: 2000 })
  await hall.screenshot({ path: join(outputDir(), 'web-hall-names-break.png') })
  // A window on a break calls nobody, with the reason.
  const refused = await fetch(`${base}/api/commands`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${clerk}` },
    body: JSON.stringify(command('call_next', { window_id: window3.id })),
  }).then((r) => r.json())
  assert.equal(refused.reason, 'window_on_break')
  assert.equal(refused.message, '窗口暂停中，请先恢复服务再叫号')
  await api('POST', '/commands', clerk, command('end_break', { window_id: window3.id }))
  await hall.waitForFunction(() => document.querySelector('[data-testid=hall-paused]').textContent === '', null, { timeout: 2000 })
  await hall.context().close()
})

/** Today's ticket with this number at the center, as the sync log has it. */
async function issueLookup(number) {
  let since = 0
  let found
  for (;;) {
    const page = await api('GET', `/sync?since=${since}&limit=1000`, clerk)
    for (const change of page.changes) {
      const record = typeof change.data === 'string' ? JSON.parse(change.data) : change.data
      if (change.entity === 'ticket' && record?.number === number) found = record
    }
    if (!page.has_more) break
    since = page.next
  }
  assert.ok(found, `ticket ${number} in the sync log`)
  return found
}
