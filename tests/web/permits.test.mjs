// Browser end to end: a restaurant owner applies for a drainage permit in the portal, with no
// trip to the center. The materials are uploaded as chosen (a drawing cut short in the upload is
// refused and sent again); the credit code with a wrong check character is refused with the
// reason, then typed full-width as a Chinese input method gives it, and accepted. The officer's
// cohort holds the application, complete.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium } from '../support/browser.mjs'
import { outputDir, required } from '../support/env.mjs'
import { apiClient } from '../support/server.mjs'
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
