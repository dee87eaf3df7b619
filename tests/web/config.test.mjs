// Browser end to end: the web build served by a real onetrip-server, driven in Chromium.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { launchChromium } from '../support/browser.mjs'
import { DEMO_PASSWORD, outputDir, required } from '../support/env.mjs'

const BASE = required('ONETRIP_BASE_URL')
let browser

before(async () => {
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
})

async function login(username) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  await page.goto(BASE)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('current-user').waitFor()
  return page
}

async function openWindows(page) {
  await page.getByTestId('nav-admin').click()
  await page.getByTestId('config-tab-windows').click()
  await page.getByTestId('windows-table').getByText('1号窗口', { exact: true }).waitFor()
}

test('a wrong password is refused with the reason', async () => {
  const page = await browser.newPage({ locale: 'zh-CN' })
  await page.goto(BASE)
  await page.getByTestId('login-username').fill('admin')
  await page.getByTestId('login-password').fill('not-the-password')
  await page.getByTestId('login-submit').click()
  const error = page.getByTestId('login-error')
  await error.waitFor()
  assert.match(await error.innerText(), /用户名或密码错误/)
  await page.close()
})

test('an admin adds a window and sees it listed', async () => {
  const page = await login('admin')
  await openWindows(page)
  const table = page.getByTestId('windows-table')
  assert.equal(await table.getByText('66号窗口', { exact: true }).count(), 0)

  await page.getByTestId('window-add').click()
  const dialog = page.getByTestId('window-dialog')
  await dialog.waitFor()
  await page.locator('[data-testid=window-form-number] input').fill('66')
  await page.getByTestId('window-form-service-A').click()
  await page.getByTestId('window-form-service-E').click()
  await page.getByTestId('window-form-save').click()

  await dialog.waitFor({ state: 'hidden' })
  const row = table.locator('tr', { hasText: '66号窗口' })
  await row.waitFor()
  assert.match(await row.innerText(), /A\s*企业开办/)
  assert.match(await row.innerText(), /E\s*排水许可/)
  await page.screenshot({ path: join(outputDir(), 'web-admin-windows.png') })

  // The same number again is refused with the rule's message, and the dialog keeps the input.
  await page.getByTestId('window-add').click()
  await page.locator('[data-testid=window-form-number] input').fill('66')
  await page.getByTestId('window-form-service-C').click()
  await page.getByTestId('window-form-save').click()
  await page.getByTestId('config-form-error').getByText('本中心已有66号窗口').waitFor()
  assert.equal(await page.locator('[data-testid=window-form-number] input').inputValue(), '66')
  await page.getByTestId('window-form-cancel').click()
  assert.equal(await table.getByText('66号窗口', { exact: true }).count(), 1)
  await page.close()
})

test('a clerk reads the configuration but cannot edit it', async () => {
  const page = await login('clerk')
  await openWindows(page)
  await page.getByTestId('config-readonly-notice').waitFor()
  assert.equal(await page.getByTestId('window-add').count(), 0)
  assert.equal(await page.getByTestId('window-edit').count(), 0)
  await page.screenshot({ path: join(outputDir(), 'web-clerk-windows.png') })

  // Even a hand-made request is refused by the server.
  const refused = await page.evaluate(async () => {
    const token = sessionStorage.getItem('onetrip.token')
    const response = await fetch('/api/commands', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ id: crypto.randomUUID(), kind: 'delete_window', payload: { id: crypto.randomUUID() } }),
    })
    return { status: response.status, body: await response.json() }
  })
  assert.equal(refused.status, 403)
  assert.equal(refused.body.code, 'forbidden')
  await page.close()
})

test('an admin enters a public holiday and a swapped working day, and sets a site calling rule', async () => {
  const page = await login('admin')
  await page.getByTestId('nav-admin').click()
  await page.getByTestId('config-tab-calendar').click()
  const table = page.getByTestId('calendar-table')
  const year = new Date().getFullYear()
  const add = async (date, name, working) => {
    await page.getByTestId('calendar-add').click()
    await page.getByTestId('calendar-dialog').waitFor()
    await page.locator('[data-testid=calendar-form-date] input').fill(date)
    await page.keyboard.press('Enter')
    if (working) await page.getByTestId('calendar-form-working').click()
    await page.getByTestId('calendar-form-name').fill(name)
    await page.getByTestId('calendar-form-save').click()
    await table.getByText(name, { exact: true }).waitFor()
  }
  await add(`${year}-12-31`, '测试假日', false)
  await add(`${year}-12-27`, '测试调休上班', true)
  const row = table.locator('tr', { hasText: '测试调休上班' })
  assert.match(await row.innerText(), /调休上班/)
  assert.match(await page.locator('.summary').innerText(), /放假 1 天，调休上班 1 天/)
  await page.getByTestId('calendar-dialog').waitFor({ state: 'hidden' })
  await page.waitForTimeout(500)
  await page.screenshot({ path: join(outputDir(), 'web-config-calendar.png') })

  // A date that does not exist is refused by the server with the reason.
  const token = await page.evaluate(() => sessionStorage.getItem('onetrip.token'))
  assert.ok(token, 'the web session keeps its token')
  const response = await fetch(`${BASE}/api/commands`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Accept-Language': 'zh-CN' },
    body: JSON.stringify({ id: crypto.randomUUID(), kind: 'save_calendar_day', payload: { date: `${year}-02-30`, working: false, name: '错日' } }),
  })
  const body = await response.json()
  assert.equal(body.reason, 'invalid_date')
  assert.match(body.message, /日期.*不正确/)

  // The center's calling rule: 1 priority to 1 normal.
  await page.getByTestId('config-tab-sites').click()
  await page.getByTestId('sites-table').getByText('玉环市行政服务中心', { exact: true }).first().waitFor()
  await page.getByTestId('site-edit').first().click()
  await page.getByTestId('site-dialog').waitFor()
  await page.locator('[data-testid=site-form-ratio] input').fill('1')
  await page.locator('[data-testid=site-form-aging] input').fill('30')
  await page.getByTestId('site-dialog').screenshot({ path: join(outputDir(), 'web-config-site-policy.png') })
  await page.getByTestId('site-form-save').click()
  await page.getByTestId('site-policy').first().filter({ hasText: '优先 1:1 普通，最长等候 30 分钟' }).waitFor()
  await page.close()
})
