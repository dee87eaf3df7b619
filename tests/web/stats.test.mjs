// Browser end to end: a supervisor opens 统计 in the web build, sees the figures of tickets a
// clerk moved through the real API, and downloads the CSV and Excel exports. The test runs its
// own onetrip-server on a fresh database, so that its figures are exactly known.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../support/browser.mjs'
import { DEMO_PASSWORD, outputDir } from '../support/env.mjs'
import { apiClient, serverProcess } from '../support/server.mjs'

const WEB_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url))
const DATA = mkdtempSync(join(tmpdir(), 'onetrip-stats-'))
let base
let server
let browser
let api
let login

const command = (token, kind, payload) => api('POST', '/commands', token, { id: crypto.randomUUID(), kind, payload })
/** The service center's day (China Standard Time). */
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)

before(async () => {
  server = await serverProcess({ dataDir: DATA, webDir: WEB_DIR })
  base = server.base
  ;({ api, login } = apiClient(base))
  await server.start()
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

/** Three tickets at window 3 (企业开办): two served, one no-show; and a case done on the spot. */
async function aMorningAtTheCenter() {
  const clerk = await login('clerk')
  const me = await api('GET', '/auth/me', clerk)
  const config = await api('GET', '/config', clerk)
  const window3 = config.windows.find((w) => w.site_id === me.site_id && w.number === 3)
  const serviceA = config.services.find((s) => s.prefix === 'A')
  for (let i = 0; i < 3; i++) {
    await command(clerk, 'issue_ticket', {
      id: crypto.randomUUID(),
      site_id: me.site_id,
      service_id: serviceA.id,
      class: 'normal',
      source: 'kiosk',
      appointment_at_ms: null,
    })
  }
  for (const ending of ['finish', 'finish', 'no_show']) {
    const called = await command(clerk, 'call_next', { window_id: window3.id })
    const ticket_id = called.record.id
    if (ending === 'no_show') {
      await command(clerk, 'recall', { ticket_id })
      await command(clerk, 'recall', { ticket_id })
    }
    await command(clerk, ending, { ticket_id })
  }
  const matter = config.matters.find((m) => m.service_id === serviceA.id)
  await command(clerk, 'decide_case', {
    id: crypto.randomUUID(),
    ticket_id: null,
    matter_id: matter.id,
    applicant: { kind: 'organisation', value: '91350100M000100Y43' },
    applicant_name: '玉环市清港镇亮洁洗车行',
    provided: matter.materials,
    outcome: 'completed',
  })
}

async function openStats(locale) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale, acceptDownloads: true })
  if (locale === 'en') await page.addInitScript(() => localStorage.setItem('onetrip.language', 'en'))
  await page.goto(base)
  await page.getByTestId('login-username').fill('supervisor')
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('current-user').waitFor()
  await page.getByTestId('nav-stats').click()
  await page.getByTestId('stats-view').waitFor()
  return page
}

const cardValue = (page, key) => page.getByTestId(`stats-card-${key}`).getByTestId('stats-card-value')

test('a supervisor sees the day in figures and downloads them', async () => {
  const page = await openStats('zh-CN')
  // Nothing happened yet today: said plainly.
  await page.getByTestId('stats-empty').getByText('暂无数据').waitFor()
  assert.match(await page.getByTestId('stats-range-title').innerText(), new RegExp(`玉环市行政服务中心 · ${today} 至 ${today}`))

  await aMorningAtTheCenter()
  await page.getByTestId('stats-refresh').click()
  await cardValue(page, 'issued').getByText('3', { exact: true }).waitFor()
  assert.equal(await cardValue(page, 'served').innerText(), '2')
  assert.equal(await cardValue(page, 'no-show-rate').innerText(), '33.3%')
  assert.equal(await cardValue(page, 'one-trip').innerText(), '100.0%')
  assert.equal(await cardValue(page, 'zero-trip').innerText(), '0.0%')
  assert.equal(await cardValue(page, 'trips-mean').innerText(), '1.00')
  const serviceRow = page.getByTestId('stats-table-service').locator('tr', { hasText: 'A 企业开办' })
  assert.match(await serviceRow.innerText(), /A 企业开办\s+3\s+2\s+1\s+33\.3%/)
  await page.getByTestId('stats-tab-window').click()
  await page.getByTestId('stats-table-window').getByText('3号窗口').waitFor()
  await page.getByTestId('stats-tab-service').click()
  await page.screenshot({ path: join(outputDir(), 'web-stats.png'), fullPage: true })

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stats-export-csv').click()])
  assert.equal(csv.suggestedFilename(), `统计_玉环市行政服务中心_${today}_${today}.csv`)
  const bytes = readFileSync(await csv.path())
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with a byte-order mark')
  const lines = bytes.subarray(3).toString('utf8').split('\r\n')
  assert.match(lines[0], /^维度,项目,号票数,办结数,过号数,过号率,/)
  assert.match(lines[1], /^全部,全部,3,2,1,33\.3%,2,/)
  assert.ok(lines.includes('最多跑一次实现率,100.0%'), lines.join('\n'))

  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stats-export-xlsx').click()])
  assert.equal(xlsx.suggestedFilename(), `统计_玉环市行政服务中心_${today}_${today}.xlsx`)
  assert.equal(readFileSync(await xlsx.path()).subarray(0, 2).toString(), 'PK')
  await page.close()
})

test('the same screen in English', async () => {
  const page = await openStats('en')
  await cardValue(page, 'no-show-rate').getByText('33.3%').waitFor()
  await page.getByText('Finished within one trip').waitFor()
  await page.getByText('No ratings on these days').waitFor()
  await page.screenshot({ path: join(outputDir(), 'web-stats-en.png'), fullPage: true })
  await page.close()
})

test('a clerk is refused by the server with the reason', async () => {
  const clerk = await login('clerk')
  const response = await fetch(`${base}/api/stats/export?format=csv`, {
    headers: { Authorization: `Bearer ${clerk}`, 'Accept-Language': 'zh-CN' },
  })
  assert.equal(response.status, 403)
  const body = await response.json()
  assert.equal(body.message, '只有主管和管理员可以查看统计')
})
