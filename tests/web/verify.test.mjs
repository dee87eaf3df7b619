// Browser end to end: the public /verify page, on a phone and on a desktop, without JavaScript.
//
// No API hands out a signed payload, so a genuine one is signed here with the server's own key
// file, which `ONETRIP_SIGNING_KEY` names (`<data dir>/issuer-ed25519.key`; npm test sets it).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicKey } from 'node:crypto'
import { join } from 'node:path'
import { launchChromium } from '../support/browser.mjs'
import { outputDir, required } from '../support/env.mjs'
import { issuerKey, signed } from '../support/signing.mjs'

const BASE = required('ONETRIP_BASE_URL')
const KEY_FILE = required('ONETRIP_SIGNING_KEY')
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
const DESKTOP = { viewport: { width: 1280, height: 800 } }

// Validity around the service center's today (China Standard Time), whenever this runs.
const YEAR = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear()
const FROM = `${YEAR - 1}-01-01`
const UNTIL = `${YEAR + 4}-12-31`
const CLAIM = [
  'drainage-permit',
  `玉排许字〔${YEAR - 1}〕第0001号`,
  '玉环市楚门镇老街面馆',
  FROM,
  UNTIL,
  '玉环市住房和城乡建设局',
]

let browser

before(async () => {
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
})

/** Opens the page in a fresh context; scripts are off unless asked for. */
async function open(device, { javaScript = false, locale = 'zh-CN', query = '' } = {}) {
  const context = await browser.newContext({ ...device, locale, javaScriptEnabled: javaScript })
  const page = await context.newPage()
  const external = []
  page.on('request', (request) => {
    if (!request.url().startsWith(BASE)) external.push(request.url())
  })
  const response = await page.goto(`${BASE}/verify${query}`)
  assert.equal(response.status(), 200)
  return { context, page, external }
}

async function check(page, payload) {
  await page.getByTestId('verify-payload').fill(payload)
  await Promise.all([page.waitForURL(/\/verify\?payload=/), page.getByTestId('verify-submit').click()])
  return page.getByTestId('verify-verdict')
}

test('a genuine permit checked on a phone without JavaScript is valid', async () => {
  const key = issuerKey(KEY_FILE)
  // The key file is the server's: its public half is the one the server publishes.
  const published = await (await fetch(`${BASE}/api/verify/key`)).json()
  assert.equal(`ed25519:${createPublicKey(key).export({ format: 'jwk' }).x}`, published.key)
  const payload = signed(key, CLAIM)

  const { context, page, external } = await open(PHONE)
  assert.match(await page.locator('h1').innerText(), /证件二维码核验/)
  const verdict = await check(page, payload)
  assert.match(await verdict.innerText(), /有效/)
  assert.equal(await page.getByTestId('verify-result').getAttribute('data-verdict'), 'valid')
  const details = await page.getByTestId('verify-claim').innerText()
  for (const text of ['城镇污水排入排水管网许可证', CLAIM[1], CLAIM[2], `${FROM} 至 ${UNTIL}`, CLAIM[5]]) {
    assert.ok(details.includes(text), `${text} missing from: ${details}`)
  }
  assert.equal(await page.getByTestId('verify-key').innerText(), published.key)
  assert.equal(await page.getByTestId('verify-payload').inputValue(), payload)
  // Nothing wider than the phone's screen.
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 390, `the page is ${width}px wide on a 390px screen`)
  await page.screenshot({ path: join(outputDir(), 'web-verify.png'), fullPage: true })

  // A genuine permit whose validity is over.
  const expired = signed(key, [...CLAIM.slice(0, 3), `${YEAR - 6}-01-01`, `${YEAR - 1}-12-31`, CLAIM[5]])
  assert.match(await (await check(page, expired)).innerText(), /已过期/)
  assert.match(await page.getByTestId('verify-result').innerText(), new RegExp(`有效期已于 ${YEAR - 1}-12-31 届满`))
  await page.screenshot({ path: join(outputDir(), 'web-verify-expired.png'), fullPage: true })

  // The same check on a desktop, in English through the language link.
  const desktop = await browser.newContext({ ...DESKTOP, locale: 'zh-CN' })
  const wide = await desktop.newPage()
  await wide.goto(`${BASE}/verify?payload=${encodeURIComponent(payload)}`)
  assert.match(await wide.getByTestId('verify-verdict').innerText(), /有效/)
  await wide.screenshot({ path: join(outputDir(), 'web-verify-desktop.png'), fullPage: true })
  await wide.getByTestId('verify-lang').click()
  await wide.waitForURL(/lang=en/)
  assert.match(await wide.getByTestId('verify-verdict').innerText(), /Valid/)
  assert.equal(await wide.getByTestId('verify-payload').inputValue(), payload)
  await wide.screenshot({ path: join(outputDir(), 'web-verify-desktop-en.png'), fullPage: true })
  assert.deepEqual(external, [])
  await desktop.close()
  await context.close()
})

test('a forged or altered code is flagged and its markup stays text', async () => {
  const { context, page, external } = await open(PHONE, { javaScript: true })
  let dialogs = 0
  page.on('dialog', async (dialog) => {
    dialogs += 1
    await dialog.dismiss()
  })
  // Shaped like a payload, with a signature of the right length that nobody made.
  const forged = ['OT1', ...CLAIM.slice(0, 2), '<script>alert(1)</script>', ...CLAIM.slice(3), 'A'.repeat(86)].join('|')
  const verdict = await check(page, forged)
  assert.match(await verdict.innerText(), /被篡改/)
  assert.equal(await page.getByTestId('verify-result').getAttribute('data-verdict'), 'tampered')
  assert.equal(await page.getByTestId('verify-payload').inputValue(), forged)
  assert.equal(await page.locator('script').count(), 0)
  assert.equal(dialogs, 0)
  await page.screenshot({ path: join(outputDir(), 'web-verify-tampered.png'), fullPage: true })

  const invalid = await check(page, 'https://example.com/<img src=x onerror=alert(2)>')
  assert.match(await invalid.innerText(), /无效/)
  assert.match(await page.getByTestId('verify-result').innerText(), /不是本平台签发的证件二维码.*没有签名/)
  assert.equal(await page.locator('img').count(), 0)
  assert.equal(dialogs, 0)
  assert.deepEqual(external, [])
  await context.close()
})

test('an English browser gets the page in English, and too long a text is refused', async () => {
  const { context, page } = await open(DESKTOP, { locale: 'en-US' })
  assert.match(await page.locator('h1').innerText(), /Check a document/)
  assert.equal(await page.getByTestId('verify-payload').getAttribute('maxlength'), '2000')
  // A hand-made link is not held back by the form's limit.
  const response = await page.goto(`${BASE}/verify?payload=${'x'.repeat(2500)}`)
  assert.equal(response.status(), 400)
  assert.match(await page.getByTestId('verify-notice').innerText(), /Too long to check.*2000/)
  await context.close()
})
