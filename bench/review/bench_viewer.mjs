// The drawing viewer on an A1 sheet of 200,000 path segments: time to the first sharp view and
// to sharp again after each zoom step, in the desktop app (WebKitGTK, through WebDriver) and in
// Chromium with the same UI, beside poppler's pdftoppm rendering the same region at the same
// resolution (the native limit). Run through bench/review/bench_viewer.sh, which starts Xvfb,
// tauri-driver and a server for the browser.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { WebDriver } from '../../tests/support/webdriver.mjs'
import { launchChromium } from '../../tests/support/browser.mjs'
import { DEMO_PASSWORD, required } from '../../tests/support/env.mjs'
import { pause, signIn } from '../../tests/support/app.mjs'
import { apiClient } from '../../tests/support/server.mjs'
import { applicant, drawingSet, submittedProject } from '../../tests/support/review.mjs'

const ZOOMS = 3
const RUNS = 3
/** The heavy sheet: the generator's first drawing sheet. */
const HEAVY = '建施-01'
const OTHER = '建施-02'
/** What the page reports of the sheet in view, to render the same region natively. */
const GEOMETRY = `
  const scroller = document.querySelector('[data-testid=sheet-viewer]')
  const page = scroller.querySelector('.page')
  const box = page.getBoundingClientRect()
  const view = scroller.getBoundingClientRect()
  return {
    pageWidth: box.width, pageHeight: box.height,
    x: Math.max(0, view.left - box.left), y: Math.max(0, view.top - box.top),
    w: Math.min(view.width, box.width), h: Math.min(view.height, box.height),
    ratio: window.devicePixelRatio || 1,
  }`

/** Two sheets, the first of 200,000 segments. */
const heavySet = () => drawingSet({ seed: 5, perSpecialty: '2,1,1,1,1', segments: 3000, heavyFirstSheet: 200000 })

async function project(base) {
  const token = await applicant(base, `bench-${Date.now().toString(36)}`)
  const set = heavySet()
  const submitted = await submittedProject(base, token, set, '玉环市城南小学扩建工程（看图基准）')
  const { api, login } = apiClient(base)
  const lead = await login('supervisor')
  const me = await api('GET', '/auth/me', lead)
  const view = await api('GET', `/review/projects/${submitted.project}`, lead)
  for (const task of view.tasks) {
    await api('POST', '/commands', lead, { id: crypto.randomUUID(), kind: 'assign_task', payload: { task_id: task.id, reviewer_id: me.id } })
  }
  const page = view.rounds[0].sheets.find((s) => s.number === HEAVY).page
  return { ...submitted, file: join(set.dir, set.manifest.files[0]), page }
}

/** pdftoppm rendering `region` of the page at `dpi`: milliseconds, best of three. */
function native(file, page, dpi, region) {
  let best = Infinity
  for (let i = 0; i < 3; i++) {
    const started = performance.now()
    const args = ['-r', String(dpi), '-f', String(page + 1), '-l', String(page + 1), '-png']
    if (region) args.push('-x', String(Math.round(region.x)), '-y', String(Math.round(region.y)), '-W', String(Math.round(region.w)), '-H', String(Math.round(region.h)))
    execFileSync('pdftoppm', [...args, file, '/tmp/onetrip-bench-native'])
    best = Math.min(best, performance.now() - started)
  }
  return best
}

/** Runs the viewer steps through `ui` (click, text, geometry); the figures of each run. */
async function measure(ui, file, page) {
  const runs = []
  for (let run = 0; run < RUNS; run++) {
    await ui.click(`[data-testid="sheet-${run === 0 ? HEAVY : OTHER}"]`)
    if (run > 0) {
      await ui.waitFor('[data-testid=render-ms]')
      await ui.click(`[data-testid="sheet-${HEAVY}"]`)
    }
    // Let the screen forget the sheet before (its time and zoom reset on the change).
    await pause(300)
    const first = Number((await ui.waitForNumber('[data-testid=render-ms]')))
    const fit = await ui.geometry()
    // The page at fit, as many pixels wide as its canvas: dpi = CSS px × ratio / inches.
    const inches = 2384 / 72
    const fitDpi = (fit.pageWidth * fit.ratio) / inches
    const zooms = []
    for (let z = 0; z < ZOOMS; z++) {
      await ui.click('[data-testid=zoom-in]')
      const ms = await ui.waitForNumber('[data-testid=zoom-ms]', z === 0 ? null : zooms.at(-1).marker)
      const g = await ui.geometry()
      const dpi = (g.pageWidth * g.ratio) / inches
      zooms.push({ ms, dpi, marker: ms, native: native(file, page, dpi, { x: g.x * g.ratio, y: g.y * g.ratio, w: g.w * g.ratio, h: g.h * g.ratio }) })
    }
    runs.push({ first, fitDpi, firstNative: native(file, page, fitDpi, null), zooms })
  }
  return runs
}

function report(name, runs) {
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const first = median(runs.map((r) => r.first))
  const firstNative = median(runs.map((r) => r.firstNative))
  console.log(`${name}: first sharp view ${first.toFixed(0)} ms at ${runs[0].fitDpi.toFixed(0)} dpi; pdftoppm ${firstNative.toFixed(0)} ms; ×${(first / firstNative).toFixed(2)}`)
  for (let z = 0; z < ZOOMS; z++) {
    const ms = median(runs.map((r) => r.zooms[z].ms))
    const nat = median(runs.map((r) => r.zooms[z].native))
    console.log(`${name}: zoom ${z + 1} (${runs[0].zooms[z].dpi.toFixed(0)} dpi) sharp again ${ms.toFixed(0)} ms; pdftoppm of the visible region ${nat.toFixed(0)} ms; ×${(ms / nat).toFixed(2)}`)
  }
}

// The desktop app (WebKitGTK), with the project in its own server.
const driver = await WebDriver.start(required('ONETRIP_WEBDRIVER'), required('ONETRIP_APP'))
try {
  await signIn(driver, 'supervisor')
  const status = await driver.executeAsync(`const done = arguments[arguments.length - 1];
    window.__TAURI_INTERNALS__.invoke('connection_status').then(done, (e) => done({ error: String(e) }))`)
  const desk = await project(status.server_url)
  await driver.click('[data-testid=nav-review]')
  await driver.click(`[data-testid=review-project-${desk.code}]`, 30000)
  await driver.click('[data-testid=thumbs-toggle]')
  const ui = {
    click: (selector) => driver.click(selector, 60000),
    waitFor: (selector) => driver.waitFor(selector, 60000),
    async waitForNumber(selector, previous = null) {
      const text = await driver.waitForText(selector, (t) => /\d+ ms/.test(t) && Number(t.match(/(\d+) ms/)[1]) !== previous, 60000)
      return Number(text.match(/(\d+) ms/)[1])
    },
    geometry: () => driver.execute(GEOMETRY),
  }
  report('desktop (WebKitGTK)', await measure(ui, desk.file, desk.page))
} finally {
  await driver.quit()
}

// Chromium with the same UI from a server of its own.
const base = required('ONETRIP_BASE_URL')
const web = await project(base)
const browser = await launchChromium()
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto(base)
  await page.getByTestId('login-username').fill('supervisor')
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('current-user').waitFor()
  await page.goto(`${base}/#/review/${web.project}`)
  await page.getByTestId('thumbs-toggle').click()
  const ui = {
    click: (selector) => page.locator(selector).first().click({ timeout: 60000 }),
    waitFor: (selector) => page.locator(selector).first().waitFor({ timeout: 60000 }),
    async waitForNumber(selector, previous = null) {
      for (;;) {
        const text = (await page.locator(selector).first().textContent({ timeout: 60000 })) ?? ''
        const found = text.match(/(\d+) ms/)
        if (found && Number(found[1]) !== previous) return Number(found[1])
        await pause(50)
      }
    },
    geometry: () => page.evaluate(new Function(GEOMETRY)),
  }
  report('Chromium', await measure(ui, web.file, web.page))
} finally {
  await browser.close()
}
assert.ok(true)
