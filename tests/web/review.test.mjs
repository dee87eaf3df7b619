// Browser end to end: drawing review in the staff's web build (the fallback where the desktop
// cannot run). A project comes in through the portal's API; the lead assigns 建筑 to the
// reviewer, who opens the sheet in the viewer, draws a revision cloud, cites a clause picked
// from the library and saves the opinion; the markup sits on the drawing, its layer can be
// hidden, and the lead sees it and releases the round.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { launchChromium, signIn } from '../support/browser.mjs'
import { outputDir, required } from '../support/env.mjs'
import { apiClient } from '../support/server.mjs'
import { applicant, drawingSet, submittedProject } from '../support/review.mjs'

const BASE = required('ONETRIP_BASE_URL')
const { api, login } = apiClient(BASE)
const RUN = Date.now().toString(36)
let browser

before(async () => {
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
})

test('a reviewer pins an opinion on a sheet, the lead sees it and releases the round', async () => {
  const set = drawingSet({ seed: 11, perSpecialty: '3,2,1,1,1', segments: 2000 })
  const { project, code } = await submittedProject(BASE, await applicant(BASE, `review-${RUN}`), set)
  const supervisor = await login('supervisor')
  const reviewer = await login('reviewer')
  const me = await api('GET', '/auth/me', reviewer)
  const lead = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' })
  const leadPage = await signIn(lead, BASE, 'supervisor')
  await leadPage.goto(`${BASE}/#/review/${project}`)
  await leadPage.getByTestId('review-project-name').getByText('玉环市人民医院门诊楼').waitFor()
  await leadPage.getByTestId('assign-architecture').click()
  await leadPage.getByRole('option', { name: me.display_name }).click()
  await leadPage.getByTestId('staff-tasks').getByRole('button', { name: '确定' }).first().click()
  await leadPage.getByText('已分派').first().waitFor()

  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' })
  const page = await signIn(context, BASE, 'reviewer')
  await page.getByTestId('nav-review').click()
  await page.getByTestId('review-projects').getByText(code).click()
  await page.getByTestId('sheet-建施-02').click()
  // pdf.js's character maps are served beside the page, for sheets whose Chinese fonts are
  // not embedded.
  const cmap = await fetch(`${BASE}/pdfjs/cmaps/UniGB-UCS2-H.bcmap`)
  assert.equal(cmap.status, 200)
  assert.ok((await cmap.arrayBuffer()).byteLength > 10000)
  const pdfPage = page.getByTestId('sheet-viewer').locator('.page canvas').first()
  await pdfPage.waitFor({ timeout: 30000 })
  await page.getByTestId('render-ms').waitFor()
  await page.getByTestId('tool-cloud').click()
  const box = await page.getByTestId('sheet-viewer').locator('.page').first().boundingBox()
  await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.4)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.55, { steps: 8 })
  await page.mouse.up()
  await page.getByText('已在图上标注 1 处').waitFor()
  await page.getByTestId('opinion-kind').click()
  await page.getByRole('option', { name: '强制性条文' }).click()
  await page.getByTestId('opinion-clause').fill('GB 50016')
  await page.getByText('建筑设计防火规范').first().waitFor()
  assert.ok(await page.getByText('已被 GB 55037-2022 建筑防火通用规范 替代').first().isVisible())
  await page.getByTestId('opinion-clause').fill('GB 55037-2022 第3.4.5条')
  await page.getByTestId('opinion-text').fill('总平面图未标注消防车道的宽度和转弯半径')
  await page.getByTestId('opinion-save').click()
  await page.getByTestId('staff-opinion-建-R1-01').waitFor()
  const markups = page.getByTestId('markup-layer').getByTestId('markup')
  await markups.first().waitFor()
  assert.equal(await markups.count(), 1)
  await page.screenshot({ path: join(outputDir(), 'review-opinion-zh.png') })
  // The sheet list gives its width to the drawing, and comes back.
  await page.getByTestId('list-toggle').click()
  await page.getByTestId('review-sheets').waitFor({ state: 'hidden' })
  await page.screenshot({ path: join(outputDir(), 'review-wide-zh.png') })
  await page.getByTestId('list-toggle').click()
  await page.getByTestId('review-sheets').waitFor()
  // Each specialty's layer can be hidden.
  await page.getByTestId('layer-architecture').click()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=markup-layer] [data-testid=markup]').length === 0)

  // The lead takes the other specialties on themselves, so that the round can be released.
  const lead_me = await api('GET', '/auth/me', supervisor)
  const pulled = await api('GET', '/sync?since=0&limit=5000', supervisor)
  for (const task of pulled.changes.filter(
    (c) => c.entity === 'review_task' && c.data.project_id === project && c.data.specialty !== 'architecture',
  )) {
    await api('POST', '/commands', supervisor, {
      id: crypto.randomUUID(),
      kind: 'assign_task',
      payload: { task_id: task.data.id, reviewer_id: lead_me.id },
    })
  }

  // The lead sees the draft on the same sheet and releases the round.
  await leadPage.reload()
  await leadPage.getByTestId('sheet-建施-02').click()
  await leadPage.getByTestId('staff-opinion-建-R1-01').waitFor()
  await leadPage.getByTestId('markup-layer').getByTestId('markup').first().waitFor({ timeout: 30000 })
  await leadPage.getByTestId('release-opinions').click()
  await leadPage.getByTestId('review-project-state').getByText('待回复').waitFor()
  await leadPage.screenshot({ path: join(outputDir(), 'review-released-zh.png') })
  // The same screen in English.
  await leadPage.getByTestId('language-switch-en').click()
  await leadPage.getByTestId('review-project-state').getByText('Awaiting reply').waitFor()
  await leadPage.getByTestId('certificate-blockers').getByText('Must-change opinions still open').waitFor()
  await leadPage.screenshot({ path: join(outputDir(), 'review-released-en.png') })
  await context.close()
  const released = await api('GET', `/review/projects/${project}`, supervisor)
  assert.equal(released.opinions[0].state, 'open')
  assert.equal(released.opinions[0].markups[0].shape, 'cloud')

  // The round's opinion letter: previewed, then saved and read back.
  await leadPage.getByTestId('language-switch-zh-CN').click()
  await leadPage.getByTestId('letter-preview').click()
  await leadPage.getByTestId('document-dialog').getByTestId('print-preview-count').waitFor({ timeout: 30000 })
  await leadPage.screenshot({ path: join(outputDir(), 'review-letter-zh.png') })
  const [letter] = await Promise.all([
    leadPage.waitForEvent('download'),
    leadPage.getByTestId('document-dialog').getByRole('button', { name: '保存 PDF' }).click(),
  ])
  assert.match(letter.suggestedFilename(), /审查意见书-第1轮\.pdf$/)
  const letterText = pdfText(await letter.path())
  for (const expected of ['施工图审查意见书', '建-R1-01', '总平面图未标注消防车道的宽度和转弯半径', 'GB55037-2022第3.4.5条', '强制性条文']) {
    assert.ok(letterText.includes(expected), `${expected} not in the letter: ${letterText}`)
  }
  await leadPage.keyboard.press('Escape')

  // The reviewer closes the opinion; nothing blocks the certificate, and the lead issues it.
  await api('POST', '/commands', reviewer, { id: crypto.randomUUID(), kind: 'close_opinion', payload: { opinion_id: released.opinions[0].id } })
  await leadPage.reload()
  await leadPage.getByTestId('certificate-issue').click()
  await leadPage.getByTestId('certificate-issued').getByText(/施审合字〔\d{4}〕第\d{4}号/).waitFor()
  await leadPage.getByTestId('certificate-preview').click()
  await leadPage.getByTestId('document-dialog').getByTestId('print-preview-count').waitFor({ timeout: 30000 })
  await leadPage.screenshot({ path: join(outputDir(), 'review-certificate-zh.png') })
  const certificate = (await api('GET', `/review/projects/${project}`, supervisor)).certificate
  const verdict = await api('POST', '/verify', null, { payload: certificate.payload })
  assert.equal(verdict.verdict, 'valid')
  assert.equal(verdict.claim.holder, '玉环市人民医院门诊楼')
  await lead.close()
})

/** The text of a PDF file, without spaces or line breaks. */
function pdfText(path) {
  return execFileSync('pdftotext', ['-raw', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')
}

test('the lead reads the review statistics and exports them', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' })
  const page = await signIn(context, BASE, 'supervisor')
  await page.getByTestId('nav-review').click()
  await page.getByTestId('review-stats-link').click()
  await page.getByTestId('review-stats-view').waitFor()
  // The project of the test before: its opinion is a 强制性条文 of 建筑 citing GB 55037-2022.
  await page.getByTestId('review-stats-opinions').getByText('建筑').first().waitFor({ timeout: 30000 })
  await page.getByTestId('review-stats-clauses').getByText('GB 55037-2022 第3.4.5条').waitFor()
  await page.screenshot({ path: join(outputDir(), 'review-stats-zh.png'), fullPage: true })
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('review-stats-export-csv').click()])
  const csv = readFileSync(await download.path(), 'utf8')
  assert.ok(csv.startsWith('\uFEFF'), 'a BOM, for spreadsheet programs')
  assert.ok(csv.includes('建筑') && csv.includes('GB 55037-2022'), csv)
  await page.getByTestId('language-switch-en').click()
  await page.getByTestId('review-stats-view').getByText('Architecture').first().waitFor()
  await page.screenshot({ path: join(outputDir(), 'review-stats-en.png'), fullPage: true })
  await context.close()
})
