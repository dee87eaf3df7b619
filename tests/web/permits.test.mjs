// Browser end to end: a restaurant owner applies for a drainage permit in the portal, with no
// trip to the center. The materials are uploaded as chosen (a drawing cut short in the upload is
// refused and sent again); the credit code with a wrong check character is refused with the
// reason, then typed full-width as a Chinese input method gives it, and accepted. The officer's
// cohort holds the application, complete.
//
// Then the officers' desk in the browser, at a center that separates maker and checker: a batch
// waits for a second officer, who confirms it; a void waits too; the dry run's exceptions go out
// as a spreadsheet; a renewal undecided near expiry raises the alarm; a spot check is recorded;
// and the figures count the permits and their trips.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium, signIn } from '../support/browser.mjs'
import { outputDir, required } from '../support/env.mjs'
import { apiClient, command } from '../support/server.mjs'
import { windowApplication } from '../support/permits.mjs'
import { applicant } from '../support/review.mjs'

const BASE = required('ONETRIP_BASE_URL')
const RUN = Date.now().toString(36)
const FILES = mkdtempSync(join(tmpdir(), 'onetrip-permit-'))
let browser

/** A small, whole PDF of one page. */
function pdf(title) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
  ]
  const stream = `BT /F1 12 Tf 72 720 Td (${title}) Tj ET`
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`)
  let body = '%PDF-1.7\n'
  const offsets = objects.map((object, i) => {
    const at = body.length
    body += `${i + 1} 0 obj\n${object}\nendobj\n`
    return at
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const at of offsets) body += `${String(at).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

before(async () => {
  for (const name of ['form', 'drawing', 'separation', 'quality']) writeFileSync(join(FILES, `${name}.pdf`), pdf(name))
  const whole = pdf('drawing cut short')
  writeFileSync(join(FILES, 'cut.pdf'), whole.subarray(0, Math.floor(whole.length / 2)))
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
})

test('a discharger applies in the portal: a wrong check character is refused, the full-width code accepted', async () => {
  const username = `xcd-${RUN}`
  await applicant(BASE, username)
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.goto(`${BASE}/portal#/login`)
  await page.getByTestId('portal-username').fill(username)
  await page.getByTestId('portal-password').fill('Jianshe@2026')
  await page.getByTestId('portal-sign-in').click()
  await page.getByTestId('project-list').waitFor()
  await page.getByTestId('portal-area-permits').click()
  await page.getByTestId('permit-applications').waitFor()
  await page.getByTestId('new-permit-application').click()

  await page.getByTestId('permit-name').fill('玉环楚门阿明小吃店')
  await page.getByTestId('permit-id-number').fill('91330000MA2ABCDE1M')
  await page.getByTestId('permit-legal-rep').fill('林阿明')
  await page.getByTestId('permit-town').fill('楚门镇')
  await page.getByTestId('permit-address').fill('楚门镇人民路 128 号')
  await page.getByTestId('permit-phone').fill('138 0576 1234')
  await page.getByTestId('outfall-location-0').fill('店后巷')
  await page.getByTestId('outfall-receiving-0').fill('人民路污水管')
  await page.getByTestId('permit-volume').fill('２．５')
  await page.getByTestId('permit-pollutants').click()
  for (const pollutant of ['COD', '动植物油']) {
    await page.keyboard.type(pollutant)
    await page.keyboard.press('Enter')
  }
  await page.keyboard.press('Escape')
  await page.getByTestId('pretreatment-grease_trap').click()

  // 一表一图一承诺: the form, the drawing, and pledges in place of the two reports. A drawing cut
  // short in the upload is refused and sent again.
  await page.getByTestId('material-application_form').setInputFiles(join(FILES, 'form.pdf'))
  await page.getByTestId('material-done-application_form').waitFor()
  await page.getByTestId('material-drainage_drawing').setInputFiles(join(FILES, 'cut.pdf'))
  const cut = await page.getByTestId('permit-error').innerText()
  assert.match(cut, /不完整/, cut)
  await page.getByTestId('material-drainage_drawing').setInputFiles(join(FILES, 'drawing.pdf'))
  await page.getByTestId('material-done-drainage_drawing').waitFor()
  await page.getByTestId('material-separation_pledge').setInputFiles(join(FILES, 'separation.pdf'))
  await page.getByTestId('material-done-separation_pledge').waitFor()
  await page.getByTestId('material-water_quality_pledge').setInputFiles(join(FILES, 'quality.pdf'))
  await page.getByTestId('material-done-water_quality_pledge').waitFor()

  // The wrong check character is refused with the reason; the code as an input method types
  // it, full-width, is accepted.
  await page.getByTestId('permit-submit').click()
  await page.getByText('校验位不正确').waitFor()
  const refused = await page.getByTestId('permit-error').innerText()
  assert.match(refused, /统一社会信用代码校验位不正确/, refused)
  await page.screenshot({ path: join(outputDir(), 'portal-permit-form-zh.png'), fullPage: true })
  await page.getByTestId('permit-id-number').fill('９１３３００００ＭＡ２ＡＢＣＤＥ１Ｌ')
  await page.getByTestId('permit-submit').click()
  await page.getByTestId('permit-applications').getByText('玉环楚门阿明小吃店').waitFor()
  const row = await page.getByTestId('permit-applications').innerText()
  assert.match(row, /审批中/, row)
  assert.doesNotMatch(row, /尚缺/, row)
  await page.screenshot({ path: join(outputDir(), 'portal-permits-zh.png') })

  // The officer's cohort holds it, complete, with the code normalised; the pledges stand in
  // for the reports.
  const { api, login } = apiClient(BASE)
  const officer = await login('permit')
  const cohort = await api('GET', '/permits/applications?industry=catering&complete=true', officer)
  const mine = cohort.find((a) => a.draft.discharger.name === '玉环楚门阿明小吃店')
  assert.ok(mine, JSON.stringify(cohort.map((a) => a.draft.discharger.name)))
  assert.equal(mine.channel, 'portal')
  assert.deepEqual(mine.draft.discharger.id, { kind: 'organisation', value: '91330000MA2ABCDE1L' })
  assert.equal(mine.draft.daily_volume_litres, 2500)
  assert.deepEqual(mine.draft.pollutants, ['COD', '动植物油'])
  assert.deepEqual([...mine.pledges_used].sort(), ['separation_pledge', 'water_quality_pledge'])
  assert.equal(mine.draft.materials.length, 4)

  // The same list in English.
  await page.getByTestId('language-switch-en').click()
  await page.getByTestId('permit-applications').getByText('Being decided').waitFor()
  await page.screenshot({ path: join(outputDir(), 'portal-permits-en.png') })
  await context.close()
})

/** The center's day `days` from today, `YYYY-MM-DD` (China Standard Time). */
function centerDay(days) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

/** A staff page of `username` on the permits desk. */
async function permitsDesk(context, username) {
  const page = await signIn(context, BASE, username)
  await page.goto(`${BASE}/#/permits`)
  await page.getByTestId('permits-view').waitFor()
  return page
}

/** Answers the open confirmation box, typing `text` first when it asks for it. */
async function answerBox(page, text) {
  const box = page.locator('.el-message-box')
  await box.waitFor()
  if (text !== undefined) await box.locator('input').fill(text)
  await box.locator('.el-message-box__btns .el-button--primary').click()
  await box.waitFor({ state: 'hidden' })
}

test('the officers desk: maker and checker, a void confirmed, exceptions exported, a renewal alarm, a spot check and the figures', async () => {
  const TOWN = '芦浦镇'
  const { api, login } = apiClient(BASE)
  const [admin, officer] = [await login('admin'), await login('permit')]
  const center = (await api('GET', '/config', admin)).sites.find((site) => !site.parent_id)
  await api('POST', '/commands', admin, command('save_site', { ...center, permit_second_officer: true }))
  try {
    // A canteen whose works end in 9 days (its permit ends then), a restaurant, and one without
    // its grease trap.
    const canteen = { ...windowApplication({ n: 5, town: TOWN, name: '芦浦工地食堂' }), construction_ends: centerDay(9) }
    const shop = windowApplication({ n: 6, town: TOWN, name: '芦浦6号面馆' })
    const noTrap = windowApplication({ n: 7, town: TOWN, name: '芦浦7号面馆', pretreatment: [] })
    for (const draft of [canteen, shop, noTrap]) await api('POST', '/commands', officer, command('submit_permit_application', draft))

    // The maker: the dry run, its exceptions exported, the batch held for a second officer.
    const makerContext = await browser.newContext({ viewport: { width: 1440, height: 960 }, locale: 'zh-CN', acceptDownloads: true })
    const maker = await permitsDesk(makerContext, 'permit')
    await maker.getByTestId('cohort-town').fill(TOWN)
    await maker.getByTestId('dry-run').click()
    const summary = await maker.getByTestId('dry-run-result').innerText()
    assert.match(summary, /本批可批准 2 份，例外 1 份/, summary)
    assert.match(summary, /缺少预处理设施：隔油池/, summary)
    const [download] = await Promise.all([maker.waitForEvent('download'), maker.getByTestId('export-exceptions').click()])
    assert.match(download.suggestedFilename(), /^排水许可例外清单_芦浦镇_\d{4}-\d{2}-\d{2}\.xlsx$/, download.suggestedFilename())
    const sheet = readFileSync(await download.path())
    assert.equal(sheet.subarray(0, 2).toString(), 'PK', 'an XLSX workbook')
    await maker.getByTestId('approve').click()
    await answerBox(maker)
    await maker.getByTestId('permit-check-list').getByText('批量审批 2 份申请').waitFor()
    assert.ok(await maker.getByTestId('check-confirm').isDisabled(), 'the maker cannot confirm their own batch')
    const permitsOf = async () => (await api('GET', '/permits', officer)).filter((p) => p.discharger.town === TOWN)
    assert.deepEqual(await permitsOf(), [], 'nothing is issued before the second officer confirms')
    await maker.screenshot({ path: join(outputDir(), 'permits-checks-zh.png') })

    // The checker confirms: two permits, numbered in order, chosen for printing.
    const checkerContext = await browser.newContext({ viewport: { width: 1440, height: 960 }, locale: 'zh-CN' })
    const checker = await permitsDesk(checkerContext, 'supervisor')
    await checker.locator('#tab-checks').click()
    await checker.getByTestId('check-confirm').click()
    await answerBox(checker)
    await checker.locator('.el-message').getByText('复核通过：已编号签发 2 份').waitFor()
    const issued = await permitsOf()
    assert.equal(issued.length, 2)
    assert.ok(issued.every((p) => p.checked_by && p.checked_by !== p.approved_by), JSON.stringify(issued))

    // The checker voids the restaurant's permit: it waits for the first officer, who confirms.
    await checker.getByTestId('permit-list').locator('tr', { hasText: '芦浦6号面馆' }).getByTestId('permit-void').click()
    await answerBox(checker, '排水户歇业')
    await checker.locator('.el-message').getByText('的作废已提交').waitFor()
    await maker.reload()
    await maker.locator('#tab-checks').click()
    await maker.getByTestId('permit-check-list').getByText('作废').first().waitFor()
    await maker.getByTestId('check-confirm').click()
    await answerBox(maker)
    await maker.locator('.el-message').getByText('已作废').waitFor()
    const voided = (await permitsOf()).find((p) => p.discharger.name === '芦浦6号面馆')
    assert.equal(voided.state, 'voided')
    assert.equal(voided.void_reason, '排水户歇业')

    // The canteen's permit ends in 9 days: its 14-day reminder is due. Its renewal, still
    // undecided, raises the alarm.
    const first = issued.find((p) => p.discharger.name === '芦浦工地食堂')
    assert.equal(first.expires_on, centerDay(9))
    const renewal = { ...canteen, id: crypto.randomUUID(), renews: first.id }
    delete renewal.construction_ends
    await api('POST', '/commands', officer, command('submit_permit_application', renewal))
    await checker.reload()
    await checker.locator('#tab-renewals').getByText('延续提醒（1 项告警）').waitFor()
    await checker.locator('#tab-renewals').click()
    const alarm = await checker.getByTestId('renewal-alarm').innerText()
    assert.match(alarm, /芦浦工地食堂.*延续申请尚未审批/, alarm)
    const row = await checker.getByTestId('renewal-list').locator('tr', { hasText: '芦浦工地食堂' }).innerText()
    assert.match(row, /还有 9 天/, row)
    assert.match(row, /应发到期前 14 天提醒/, row)
    assert.ok(await checker.getByTestId('renewal-letters').isDisabled(), 'letters print on the desktop')
    await checker.screenshot({ path: join(outputDir(), 'permits-renewals-zh.png') })

    // A pledge's spot check, recorded as held.
    await checker.locator('#tab-spot').click()
    // The voided permit has nothing left to check.
    await checker.getByTestId('spot-check-list').getByText('芦浦工地食堂').first().waitFor()
    assert.doesNotMatch(await checker.getByTestId('spot-check-list').innerText(), /芦浦6号面馆/)
    const spot = checker.getByTestId('spot-check-list').locator('tr', { hasText: '芦浦工地食堂' }).first()
    await spot.waitFor()
    const before = (await api('GET', '/permits/spot-checks', officer)).length
    await spot.getByTestId('spot-record').click()
    await checker.getByTestId('spot-save').click()
    await checker.locator('.el-message').getByText('承诺属实').waitFor()
    await checker.getByTestId('spot-dialog').waitFor({ state: 'hidden' })
    assert.equal((await api('GET', '/permits/spot-checks', officer)).length, before - 1)
    await checker.screenshot({ path: join(outputDir(), 'permits-spot-checks-zh.png') })

    // The figures: the permits by town and industry, none online here, so no zero-trip share.
    await checker.locator('#tab-stats').click()
    await checker.getByTestId('stats-counts').getByText(TOWN).waitFor()
    const counts = await checker.getByTestId('stats-counts').innerText()
    assert.match(counts, /芦浦镇\s+餐饮\s+2/, counts)
    await checker.screenshot({ path: join(outputDir(), 'permits-stats-zh.png') })
    await checker.getByTestId('language-switch-en').click()
    await checker.getByTestId('permit-stats').getByText('Permits issued').waitFor()
    await checker.screenshot({ path: join(outputDir(), 'permits-stats-en.png') })
    await checker.locator('#tab-renewals').click()
    await checker.getByTestId('renewal-list').getByText('14-day reminder due').waitFor()
    await checker.screenshot({ path: join(outputDir(), 'permits-renewals-en.png') })
    await makerContext.close()
    await checkerContext.close()
  } finally {
    await api('POST', '/commands', admin, command('save_site', { ...center, permit_second_officer: false }))
  }
})

test('an admin requires a sampling well of hair salons: a salon applying without one is told why', async () => {
  const { api, login } = apiClient(BASE)
  const officer = await login('permit')
  const before = (await api('GET', '/permits/templates', officer)).find((t) => t.industry === 'hair_beauty')
  assert.equal(before.sampling_well, false)
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await signIn(context, BASE, 'admin')
  try {
    await page.getByTestId('nav-admin').click()
    await page.getByTestId('config-tab-permitTemplates').click()
    await page.getByTestId('permit-template-list').getByText('美容美发').waitFor()
    await page.getByTestId('template-edit-hair_beauty').click()
    await page.getByTestId('template-dialog').getByText('编辑审批条件：美容美发').waitFor()
    await page.getByTestId('template-sampling-well').click()
    await page.screenshot({ path: join(outputDir(), 'config-permit-template-zh.png') })
    await page.getByTestId('template-save').click()
    await page.locator('.el-message').getByText('已保存“美容美发”的审批条件').waitFor()
    const row = await page.getByTestId('permit-template-list').locator('tr', { hasText: '美容美发' }).innerText()
    assert.match(row, /必须设置/, row)

    const salon = windowApplication({ n: 8, town: '芦浦镇', name: '芦浦丝语美发店', pretreatment: ['hair_collector'] })
    salon.discharger.industry = 'hair_beauty'
    const { record } = await api('POST', '/commands', officer, command('submit_permit_application', salon))
    assert.ok(record.reasons.some((r) => r.code === 'no_sampling_well'), JSON.stringify(record.reasons))
    await page.getByTestId('language-switch-en').click()
    await page.getByTestId('permit-template-list').getByText('Hair and beauty').waitFor()
    await page.screenshot({ path: join(outputDir(), 'config-permit-templates-en.png') })
  } finally {
    const admin = await login('admin')
    await api('POST', '/commands', admin, command('save_permit_template', before))
    await context.close()
  }
})
