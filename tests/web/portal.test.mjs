// Browser end to end: the applicant portal at /portal. An organisation signs up with its
// credit code typed full-width (a wrong check character is refused first), the center approves
// it, the applicant registers a project, uploads a generated CAD-like drawing set with the usual
// defects, sees what intake found, numbers the sheets it could not read, confirms the list and
// submits; the round is accepted and the specialties' clocks start.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium } from '../support/browser.mjs'
import { outputDir, required } from '../support/env.mjs'
import { apiClient } from '../support/server.mjs'

const BASE = required('ONETRIP_BASE_URL')
const DRAWINGS = mkdtempSync(join(tmpdir(), 'onetrip-portal-'))
const { api, login } = apiClient(BASE)
const RUN = Date.now().toString(36)
let browser

before(async () => {
  execFileSync(required('ONETRIP_DRAWING_SET_BIN'), [
    '--out', DRAWINGS, '--seed', '7', '--per-specialty', '4,3,2,2,2', '--segments', '1500', '--defects',
  ])
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
})

test('an applicant signs up, registers a project, uploads a set, fixes its sheet list and submits', async () => {
  const manifest = JSON.parse(readFileSync(join(DRAWINGS, 'manifest.json'), 'utf8'))
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto(`${BASE}/portal`)
  await page.getByTestId('portal-title').getByText('网上申报平台').waitFor()
  await page.screenshot({ path: join(outputDir(), 'portal-login-zh.png') })

  // Sign-up: a wrong check character first, then the code as an input method types it.
  await page.getByTestId('portal-sign-up-link').click()
  await page.getByTestId('sign-up-organisation').fill('玉环市城市建设投资有限公司')
  await page.getByTestId('sign-up-credit-code').fill('91330000MA2ABCDE1M')
  await page.getByTestId('sign-up-name').fill('王经办')
  await page.getByTestId('sign-up-phone').fill('138 0576 1234')
  const username = `yhct-${RUN}`
  await page.getByTestId('sign-up-username').fill(username)
  await page.getByTestId('sign-up-password').fill('Jianshe@2026')
  await page.getByTestId('sign-up-submit').click()
  const refused = await page.getByTestId('sign-up-error').innerText()
  assert.match(refused, /校验/, refused)
  await page.getByTestId('sign-up-credit-code').fill('９１３３００００ＭＡ２ＡＢＣＤＥ１Ｌ')
  await page.getByTestId('sign-up-submit').click()
  await page.getByTestId('sign-up-done').waitFor()

  // The center approves the registration.
  const supervisor = await login('supervisor')
  const pending = await api('GET', '/applicants/registrations', supervisor)
  const mine = pending.find((r) => r.username === username)
  assert.equal(mine.credit_code, '91330000MA2ABCDE1L')
  await api('POST', `/applicants/registrations/${mine.id}/approve`, supervisor, {})

  // Sign in and register the project.
  await page.goto(`${BASE}/portal#/login`)
  await page.getByTestId('portal-username').fill(username)
  await page.getByTestId('portal-password').fill('Jianshe@2026')
  await page.getByTestId('portal-sign-in').click()
  await page.getByTestId('project-list').waitFor()
  assert.match(await page.getByTestId('portal-who').innerText(), /91330000MA2ABCDE1L/)
  await page.getByTestId('new-project').click()
  const serial = String(Date.now() % 1000000).padStart(6, '0')
  await page.getByTestId('project-code').fill(`２０２６－３３１０２１－４７－０１－${serial.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}`)
  await page.getByTestId('project-name').fill('玉环市漩门湾安置小区二期')
  await page.getByTestId('project-builder').fill('玉环市城市建设投资有限公司')
  await page.getByTestId('project-designer').fill('台州市建筑设计研究院有限公司')
  await page.getByTestId('project-town').fill('玉城街道')
  await page.getByTestId('project-area').fill('52,318.4')
  for (const specialty of ['fire_protection', 'civil_defence', 'energy_saving']) {
    await page.getByTestId(`specialty-${specialty}`).click()
  }
  await page.screenshot({ path: join(outputDir(), 'portal-project-form-zh.png'), fullPage: true })
  await page.getByTestId('project-submit').click()
  await page.getByTestId('project-title').getByText('玉环市漩门湾安置小区二期').waitFor()

  // Upload the set; intake's findings appear in the sheet list.
  await page.getByTestId('upload-input').setInputFiles(manifest.files.map((name) => join(DRAWINGS, name)))
  const rows = page.getByTestId('sheet-table').locator('.el-table__body tr')
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=sheet-table] .el-table__body tr').length === n,
    manifest.pages.length, { timeout: 60000 })
  assert.equal(await rows.count(), manifest.pages.length)
  const warnings = await page.getByTestId('sheet-warning').allInnerTexts()
  for (const expected of ['非标准图幅', 'SHX', '扫描页', '旋转', '字体未嵌入']) {
    assert.ok(warnings.some((w) => w.includes(expected)), `${expected} in ${warnings.join(' | ')}`)
  }
  await page.getByTestId('index-check').waitFor()
  await page.screenshot({ path: join(outputDir(), 'portal-sheets-zh.png'), fullPage: true })

  // Pages intake could not number get their numbers typed (full-width, as typed), then the
  // list is confirmed and the round submitted.
  let extra = 20
  for (const entry of manifest.pages) {
    const input = page.getByTestId(`sheet-number-${entry.page}`)
    if ((await input.inputValue()) === '') {
      await input.fill(`建施－${String.fromCharCode(0xff10 + Math.floor(extra / 10))}${String.fromCharCode(0xff10 + (extra % 10))}`)
      extra += 1
    }
  }
  assert.ok(extra > 20, 'the scanned page and the cover letter have no number to read')
  await page.getByTestId('confirm-sheets').click()
  await page.getByText('图纸清单已确认').waitFor()
  assert.equal(await page.getByTestId('blockers').count(), 0)
  const index = await page.getByTestId('index-check').innerText()
  assert.match(index, /已提交、目录中没有：建施-20、建施-21/, index)
  await page.getByTestId('submit-round').click()
  await page.getByRole('button', { name: /确定|OK/ }).click()
  await page.getByTestId('review-tasks').waitFor()
  assert.equal(await page.getByTestId('project-state').innerText(), '审查中')
  assert.equal(await page.getByTestId('review-tasks').locator('.el-table__body tr').count(), 5)
  await page.screenshot({ path: join(outputDir(), 'portal-submitted-zh.png'), fullPage: true })

  // The same page in English.
  await page.getByTestId('language-switch-en').click()
  await page.getByTestId('review-tasks').getByText('In review').first().waitFor()
  await page.screenshot({ path: join(outputDir(), 'portal-submitted-en.png'), fullPage: true })
  await page.getByTestId('language-switch-zh-CN').click()

  // The center reviews: the lead assigns 建筑 to the reviewer, who pins an opinion on 建施-02,
  // and the lead releases the round.
  const projectId = decodeURIComponent(new URL(page.url()).hash.split('/').at(-1))
  const pulled = await api('GET', '/sync?since=0&limit=5000', supervisor)
  const task = pulled.changes.find(
    (c) => c.entity === 'review_task' && c.data.project_id === projectId && c.data.specialty === 'architecture',
  ).data
  const reviewer = await login('reviewer')
  const me = await api('GET', '/auth/me', reviewer)
  const staff = (token, kind, payload) => api('POST', '/commands', token, { id: crypto.randomUUID(), kind, payload })
  await staff(supervisor, 'assign_task', { task_id: task.id, reviewer_id: me.id })
  // The lead takes the other specialties on themselves, so that the round can be released.
  const lead = await api('GET', '/auth/me', supervisor)
  for (const other of pulled.changes.filter(
    (c) => c.entity === 'review_task' && c.data.round_id === task.round_id && c.data.specialty !== 'architecture',
  )) {
    await staff(supervisor, 'assign_task', { task_id: other.data.id, reviewer_id: lead.id })
  }
  const raised = await staff(reviewer, 'save_opinion', {
    id: crypto.randomUUID(),
    round_id: task.round_id,
    specialty: 'architecture',
    sheet_number: '建施-02',
    markups: [{ shape: 'cloud', rect: [12000, 3000, 18000, 7000] }],
    text: '总平面图未标注消防车道的宽度和转弯半径',
    kind: 'mandatory',
    severity: 'must_change',
    clause: 'GB 55037-2022 第3.4.5条',
  })
  assert.equal(raised.record.code, '建-R1-01')
  await staff(supervisor, 'release_opinions', { round_id: task.round_id })

  // The applicant reads the released opinion and answers it.
  await page.reload()
  const card = page.getByTestId('opinion-建-R1-01')
  await card.waitFor()
  assert.match(await card.innerText(), /消防车道/)
  assert.equal(await page.getByTestId('project-state').innerText(), '待回复')
  await page.getByTestId('reply-sheets-建-R1-01').fill('建施－０２')
  await page.getByTestId('reply-text-建-R1-01').fill('已在总平面图补充消防车道宽度 4 m、转弯半径 12 m')
  await page.getByTestId('reply-send-建-R1-01').click()
  await page.getByText('已回复 建-R1-01').waitFor()
  await page.screenshot({ path: join(outputDir(), 'portal-opinions-zh.png'), fullPage: true })

  // The round's opinion letter and the drawings with the markups, downloaded and read back.
  const [letter] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-letter-1').click()])
  assert.match(letter.suggestedFilename(), /审查意见书-第1轮\.pdf$/)
  const letterText = execFileSync('pdftotext', ['-raw', await letter.path(), '-'], { encoding: 'utf8' }).replace(/\s+/g, '')
  assert.ok(letterText.includes('建-R1-01') && letterText.includes('总平面图未标注消防车道的宽度和转弯半径'), letterText)
  const [marked] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid^=export-]').first().click()])
  assert.match(marked.suggestedFilename(), /审查标注\.pdf$/)
  const markedText = execFileSync('pdftotext', ['-raw', await marked.path(), '-'], { encoding: 'utf8' })
  assert.ok(markedText.includes('建-R1-01'), 'the markup is labelled with its opinion id')

  // Round 2: the revised set, its sheets in another order, one changed and one added.
  await page.getByTestId('open-round').click()
  await page.getByText('第 2 轮 · 准备中').waitFor()
  const revised = mkdtempSync(join(tmpdir(), 'onetrip-portal-r2-'))
  execFileSync(required('ONETRIP_DRAWING_SET_BIN'), [
    '--out', revised, '--seed', '7', '--per-specialty', '4,3,2,2,2', '--segments', '1500', '--revised',
  ])
  const manifest2 = JSON.parse(readFileSync(join(revised, 'manifest.json'), 'utf8'))
  await page.getByTestId('upload-input').setInputFiles(manifest2.files.map((name) => join(revised, name)))
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=sheet-table] .el-table__body tr').length === n,
    manifest2.pages.length, { timeout: 60000 })
  await page.getByTestId('confirm-sheets').click()
  await page.getByText('图纸清单已确认').waitFor()
  await page.getByTestId('submit-round').click()
  await page.getByRole('button', { name: /确定|OK/ }).click()
  await page.getByText('已提交并受理，审查期限开始计算').waitFor()
  assert.equal(await page.getByTestId('project-state').innerText(), '审查中')
  // The answered opinion went with its sheet into round 2.
  const carried = pulledOpinion(await api('GET', '/sync?since=0&limit=5000', supervisor), raised.record.id)
  assert.equal(carried.sheet_number, '建施-02')
  assert.equal(carried.carried, 'same')
  assert.notEqual(carried.round_id, task.round_id)
  await page.screenshot({ path: join(outputDir(), 'portal-round2-zh.png'), fullPage: true })
  await context.close()
})

/** The newest state of an opinion in a sync page. */
function pulledOpinion(page, id) {
  return page.changes.filter((c) => c.entity === 'review_opinion' && c.id === id).at(-1).data
}
