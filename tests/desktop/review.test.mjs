// Desktop end to end: joint drawing review in the real app. A project comes in through the
// portal's API of the app's own server; the 建筑 and 结构 reviewers pin opinions on the same
// sheet in the app (a 强条 without its clause is refused), the lead releases them and each
// reviewer sees the other's; the applicant answers and resubmits a reordered, partly changed
// set; the app shows the carried opinions with their triage tags and the sheet overlaid on
// the round before; the certificate is blocked with its reasons, then issued; the letter and
// the certificate print to the virtual printer and are read back with pdftotext.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebDriver } from '../support/webdriver.mjs'
import { outputDir, required } from '../support/env.mjs'
import { pause, serverUrl, signIn } from '../support/app.mjs'
import { apiClient } from '../support/server.mjs'
import { applicant, drawingSet, replyAndOpen, submitRound, submittedProject } from '../support/review.mjs'

let driver
const PRINTED = required('ONETRIP_PRINTED_DIR')
/** Where the app keeps every file it printed (`spool/` in its data folder). */
const SPOOL = join(required('ONETRIP_DATA_DIR'), 'spool')
const RUN = Date.now().toString(36)

before(async () => {
  driver = await WebDriver.start(required('ONETRIP_WEBDRIVER'), required('ONETRIP_APP'))
})

after(async () => {
  await driver?.quit()
})

async function shot(name) {
  await pause(700)
  writeFileSync(join(outputDir(), `desktop-review-${name}.png`), await driver.screenshot())
}

/** Opens the project in 联合审图 and the sheet `number` in the viewer. */
async function openSheet(code, number) {
  await driver.click('[data-testid=nav-review]')
  await driver.waitForText('[data-testid=review-projects]', (text) => text.includes(code), 30000)
  await driver.click(`[data-testid=review-project-${code}]`)
  await driver.click(`[data-testid="sheet-${number}"]`, 30000)
  // Drawn natively: tiles from the app, not pdf.js's canvas.
  await driver.waitFor('[data-testid=sheet-viewer] .page [data-testid=sheet-tile]', 60000)
  await driver.waitFor('[data-testid=render-ms]', 60000)
  assert.equal((await driver.findAll('[data-testid=sheet-viewer] .page canvas')).length, 0)
}

/** How sharp the tiles in view are: the least of their pixels per CSS pixel on screen. */
const SHARPNESS = `
  const view = document.querySelector('[data-testid=sheet-viewer]').getBoundingClientRect()
  let least = Infinity, count = 0
  for (const tile of document.querySelectorAll('[data-testid=sheet-viewer] [data-testid=sheet-tile]')) {
    const box = tile.getBoundingClientRect()
    if (box.right < view.left || box.left > view.right || box.bottom < view.top || box.top > view.bottom) continue
    if (Number(getComputedStyle(tile).zIndex) < 2) continue
    count++
    least = Math.min(least, tile.naturalWidth / box.width)
  }
  return { least, count, ratio: window.devicePixelRatio || 1 }`

const CLAUSE = 'input[data-testid=opinion-clause], [data-testid=opinion-clause] input'

/** Pins a cloud on the open sheet and saves an opinion of `kind` citing `clause`. */
async function pinOpinion({ from, to, kind, clause, text }) {
  await driver.click('[data-testid=tool-cloud]')
  await driver.drag('[data-testid=sheet-viewer] .page', from, to)
  await driver.waitForText('[data-testid=opinion-form]', (t) => t.includes('已在图上标注 1 处'))
  await driver.click('[data-testid=opinion-kind]')
  await driver.click(`.el-select-dropdown__item[data-kind=${kind}]`)
  if (clause) await driver.type(CLAUSE, clause)
  await driver.type('textarea[data-testid=opinion-text], [data-testid=opinion-text] textarea', text)
  await driver.click('[data-testid=opinion-save]')
}

test('two reviewers, one sheet: opinions, release, resubmission, compare, certificate, letters', async () => {
  await signIn(driver, 'supervisor')
  const base = await serverUrl(driver)
  const { api, login } = apiClient(base)
  const token = await applicant(base, `desk-${RUN}`)
  const first = drawingSet({ seed: 21, perSpecialty: '3,2,1,1,1', segments: 1500 })
  const { project, code, round } = await submittedProject(base, token, first, '玉环市城南小学扩建工程')

  // The lead gives 建筑 and 结构 to their reviewers and takes the other specialties.
  const lead = await login('supervisor')
  const assignAll = async (roundId) => {
    const view = await api('GET', `/review/projects/${project}`, lead)
    const reviewers = await api('GET', '/review/reviewers', lead)
    const me = await api('GET', '/auth/me', lead)
    const by = { architecture: '李建筑', structure: '陈结构' }
    for (const task of view.tasks.filter((t) => t.round_id === roundId)) {
      const reviewer = by[task.specialty] ? reviewers.find((r) => r.display_name === by[task.specialty]).id : me.id
      await api('POST', '/commands', lead, { id: crypto.randomUUID(), kind: 'assign_task', payload: { task_id: task.id, reviewer_id: reviewer } })
    }
  }
  await assignAll(round)

  // 李建筑 pins an opinion on 建施-02; without its clause the 强条 is refused.
  await signIn(driver, 'reviewer')
  await openSheet(code, '建施-02')
  await pinOpinion({ from: [-0.2, -0.15], to: [-0.05, 0], kind: 'mandatory', clause: '', text: '疏散楼梯间的门应向疏散方向开启' })
  await driver.waitForText('.el-message', (t) => t.includes('强制性条文意见必须引用规范条文'))
  await driver.type(CLAUSE, 'GB 55037-2022 第7.1.8条')
  await driver.click('[data-testid=opinion-save]')
  await driver.waitFor('[data-testid="staff-opinion-建-R1-01"]', 30000)
  await shot('opinion-zh')

  // 陈结构 pins one on the same sheet; drafts stay private until released.
  await signIn(driver, 'structure')
  await openSheet(code, '建施-02')
  await pinOpinion({ from: [0.1, 0.05], to: [0.25, 0.2], kind: 'general', clause: 'GB 50010-2010(2015年版) 第9.3.1条', text: '楼梯梁配筋与结构施工图不一致' })
  await driver.waitFor('[data-testid="staff-opinion-结-R1-01"]', 30000)
  assert.equal((await driver.findAll('[data-testid="staff-opinion-建-R1-01"]')).length, 0, 'another reviewer’s draft is private')

  // Released, each sees the other's on the sheet, live through sync.
  await api('POST', '/commands', lead, { id: crypto.randomUUID(), kind: 'release_opinions', payload: { round_id: round } })
  await driver.waitFor('[data-testid="staff-opinion-建-R1-01"]', 30000)
  await driver.waitFor('[data-testid=markup-layer] [data-testid=markup]', 30000)
  assert.equal((await driver.findAll('[data-testid=markup-layer] [data-testid=markup]')).length, 2)
  await shot('released-zh')
  // The cloud was dragged from 30 % to 45 % of the page's width and from 35 % to 50 % of its
  // height (from the top): in PDF points of the A1 sheet (origin bottom-left) that is where it
  // is stored, so the markup layer sits on the native tiles.
  {
    const view = await api('GET', `/review/projects/${project}`, lead)
    const [x0, y0, x1, y1] = view.opinions.find((o) => o.code === '建-R1-01').markups[0].rect.map((v) => v / 10)
    const [W, H] = [2383.94, 1683.78]
    const near = (value, expected, of) => assert.ok(Math.abs(value - expected) < 0.01 * of, `${value} is not near ${expected}`)
    near(Math.min(x0, x1), 0.3 * W, W)
    near(Math.max(x0, x1), 0.45 * W, W)
    near(Math.max(y0, y1), 0.65 * H, H)
    near(Math.min(y0, y1), 0.5 * H, H)
  }
  // Zoomed in twice, the view is drawn again at the screen's resolution: sharp, not stretched.
  for (let zoom = 1; zoom <= 2; zoom++) {
    const before = await driver.execute(`return document.querySelector('[data-testid=zoom-ms]')?.textContent ?? ''`)
    await driver.click('[data-testid=zoom-in]')
    await driver.waitForText('[data-testid=zoom-ms]', (t) => /\d+ ms/.test(t) && t !== before, 30000)
    const sharp = await driver.execute(SHARPNESS)
    assert.ok(sharp.count > 0 && sharp.least > sharp.ratio * 0.98, JSON.stringify(sharp))
  }
  await shot('zoomed-zh')
  await signIn(driver, 'reviewer')
  await openSheet(code, '建施-02')
  await driver.waitFor('[data-testid="staff-opinion-结-R1-01"]', 30000)

  // The applicant answers and resubmits the revised set: reordered, one sheet changed, one added.
  const round2 = await replyAndOpen(base, token, project)
  const revised = drawingSet({ seed: 21, perSpecialty: '3,2,1,1,1', segments: 1500, revised: true })
  await submitRound(base, token, round2, revised)
  const changed = revised.manifest.pages?.find((p) => p.changed_region)?.sheet_number
  const deadline = Date.now() + 120000
  let compared = null
  while (!compared && Date.now() < deadline) {
    const view = await api('GET', `/review/projects/${project}`, lead)
    compared = view.rounds.at(-1)?.sheets.find((s) => s.compared && s.compared.changed)
    if (!compared) await pause(1000)
  }
  assert.ok(compared, `a sheet of round 2 was marked changed (${changed})`)
  await assignAll(round2)

  // The reviewer sees the carried opinions with their triage tags, and the overlay.
  await driver.click('[data-testid=nav-review]')
  await openSheet(code, compared.number)
  await driver.waitFor(`[data-testid="compared-${compared.number}"]`, 30000)
  await driver.click('[data-testid=compare-toggle]')
  await driver.waitFor('[data-testid=compare-image]', 60000)
  await driver.waitFor('[data-testid=compare-region]', 30000)
  await shot('compare-zh')
  await driver.click('[data-testid=compare-toggle]')
  await openSheet(code, '建施-02')
  await driver.waitFor('[data-testid="region-建-R1-01"]', 30000)
  await shot('carried-zh')

  // The certificate is blocked, with its reasons, until every opinion is closed.
  await signIn(driver, 'supervisor')
  await openSheet(code, '建施-02')
  await driver.waitForText('[data-testid=certificate-blockers]', (t) => t.includes('建筑专业还有 1 条意见未关闭'), 30000)
  await shot('blocked-zh')
  const view = await api('GET', `/review/projects/${project}`, lead)
  for (const [user, opinion] of [['reviewer', '建-R1-01'], ['structure', '结-R1-01']]) {
    const id = view.opinions.find((o) => o.code === opinion).id
    await api('POST', '/commands', await login(user), { id: crypto.randomUUID(), kind: 'close_opinion', payload: { opinion_id: id } })
  }
  await driver.click('[data-testid=certificate-issue]', 60000)
  await driver.waitForText('[data-testid=certificate-issued]', (t) => /施审合字〔\d{4}〕第\d{4}号/.test(t), 30000)

  // The letter and the certificate print to the virtual printer; the files read back.
  const printedBefore = new Set(readdirSync(PRINTED))
  const spooledBefore = new Set(spooled())
  const print = async (open) => {
    await driver.click(open)
    await driver.waitFor('[data-testid=document-dialog] [data-testid=print-preview] canvas', 60000)
    await driver.waitForText('[data-testid=document-dialog] [data-testid=print-printer]', (t) => t.includes('cups-pdf'), 30000)
    await driver.click('[data-testid=document-print]')
    await driver.waitForText('.el-message', (t) => t.includes('已发送到 cups-pdf'), 30000)
  }
  await print('[data-testid=certificate-preview]')
  await shot('certificate-zh')
  await driver.click('[data-testid=document-dialog] .el-dialog__headerbtn')
  await print('[data-testid=letter-preview]')
  await shot('letter-zh')
  await driver.click('[data-testid=document-dialog] .el-dialog__headerbtn')
  // The printer's files went through Ghostscript, which drops the text layer: they are
  // counted; the text is read from the files the app sent, kept for reprints.
  await waitForPrinted(printedBefore, 2)
  const all = spooled()
    .filter((name) => name.endsWith('.pdf') && !spooledBefore.has(name))
    .map((name) => execFileSync('pdftotext', ['-raw', join(SPOOL, name), '-'], { encoding: 'utf8' }).replace(/\s+/g, ''))
    .join('\n')
  for (const expected of ['施工图设计文件审查合格书', '李建筑', '陈结构', '施工图审查意见书', '建-R1-01', '结-R1-01', 'GB55037-2022第7.1.8条']) {
    assert.ok(all.includes(expected), `${expected} not in what was printed:\n${all}`)
  }

  // The same screen in English.
  await driver.click('[data-testid=language-switch-en]')
  await driver.waitForText('[data-testid=review-documents]', (t) => t.includes('Review certificate'), 20000)
  await shot('certificate-en')
  await driver.click(`[data-testid="sheet-${compared.number}"]`)
  await driver.click('[data-testid=compare-toggle]')
  await driver.waitFor('[data-testid=compare-region]', 60000)
  await driver.waitForText('[data-testid=compare-overlay]', (t) => t.includes('Round before'))
  await shot('compare-en')
  await driver.click('[data-testid=compare-toggle]')
  await driver.click('[data-testid="sheet-建施-02"]')
  await driver.waitForText('[data-testid="staff-opinion-建-R1-01"]', (t) => t.includes('Mandatory'), 30000)
  await shot('opinions-en')
  await driver.click('[data-testid=language-switch-zh-CN]')
})

/** The files the app kept of what it printed (none before its first print). */
function spooled() {
  return existsSync(SPOOL) ? readdirSync(SPOOL) : []
}

/** Waits until `count` new files are in the printer's folder. */
async function waitForPrinted(before, count) {
  const deadline = Date.now() + 90000
  for (;;) {
    const files = readdirSync(PRINTED).filter((name) => name.endsWith('.pdf') && !before.has(name))
    if (files.length >= count) return
    assert.ok(Date.now() < deadline, `the printer wrote ${files.length} of ${count} files`)
    await pause(500)
  }
}
