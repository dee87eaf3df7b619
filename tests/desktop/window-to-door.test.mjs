// Desktop end to end: a drainage permit from the window to the printed form. A clerk accepts a
// 排水许可 case at the window and fills in its application with the applicant there; the
// officer's cohort holds it beside two more, one lacking its grease trap; the dry run shows
// that exception with its reason, the batch approves the other two in one step; blank forms
// are received into the ledger and the permits print onto them through the private CUPS
// printer, each taking the next serial. The printed permits are read back with pdftotext, and
// each QR code is decoded and verified by the server. The delivery staff plan a run with a
// night shop's time window, record a signature drawn on the screen and a closed shop, and
// print the run sheet and the 送达回证, read back too.
//
// The app works against a central onetrip-server process of its own here (remote mode), so that
// the connection can go: the closed shop is recorded at the door while the server is down, waits
// on the laptop, and lands on its own permit, with the moment it was recorded, once the server
// is back.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebDriver } from '../support/webdriver.mjs'
import { outputDir, required } from '../support/env.mjs'
import { pause, serverUrl, signIn, useRemoteServer } from '../support/app.mjs'
import { apiClient, command, serverProcess } from '../support/server.mjs'
import { creditCode, windowApplication } from '../support/permits.mjs'

const TOWN = '清港镇'
const SHOP = '玉环清港阿明小吃店'
/** The shop's credit code (个体工商户), from its business licence. */
const SHOP_CODE = creditCode('92331021MA2K8AM01')
let driver
let central

before(async () => {
  central = await serverProcess({ dataDir: mkdtempSync(join(tmpdir(), 'onetrip-central-')) })
  await central.start()
  driver = await WebDriver.start(required('ONETRIP_WEBDRIVER'), required('ONETRIP_APP'))
  await useRemoteServer(driver, central.base)
})

after(async () => {
  await driver?.quit()
  await central?.stop()
})

/** The delivery attempts the server holds, as sync hands them out. */
async function syncedAttempts(api, token) {
  const attempts = []
  for (let since = 0; ; ) {
    const page = await api('GET', `/sync?since=${since}`, token)
    for (const change of page.changes) if (change.entity === 'delivery_attempt' && change.data) attempts.push(change.data)
    since = page.next
    if (!page.has_more) return attempts
  }
}

async function shot(name) {
  await pause(700)
  writeFileSync(join(outputDir(), `desktop-permits-${name}.png`), await driver.screenshot())
}

/** The last `n` files the app printed (it keeps each in `spool/` in its data folder). */
function lastPrinted(n) {
  const spool = join(required('ONETRIP_DATA_DIR'), 'spool')
  return readdirSync(spool)
    .filter((name) => name.endsWith('.pdf'))
    .map((name) => join(spool, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    .slice(0, n)
}

test('a permit case accepted at the window is batch-approved with an exception shown, printed on the forms and delivered to the door', async () => {
  // 1. The clerk serves a 排水许可 ticket and accepts the case with every material.
  await signIn(driver, 'clerk')
  await driver.click('[data-testid=nav-queue]')
  await driver.waitFor('[data-testid=queue-idle]', 30000)
  await driver.click('[data-testid=queue-issue-service]')
  await driver.click('.el-select-dropdown__item[data-service=E]')
  await driver.click('[data-testid=queue-issue]')
  const issued = await driver.waitForText('.el-message', (text) => /已取号：E\d{3}/.test(text))
  const ticket = issued.match(/E\d{3}/)[0]
  await driver.click('[data-testid=queue-call-next]')
  await driver.waitForText('[data-testid=queue-current-number]', (text) => text === ticket)
  await driver.type('[data-testid=case-id]', '11010519491231002X')
  await driver.type('[data-testid=case-name]', '林阿明')
  await driver.type('[data-testid=case-phone]', '13805761234')
  for (let n = 1; n <= 4; n++) await driver.click(`[data-testid=case-materials] .el-checkbox:nth-child(${n})`)
  await driver.click('[data-testid=case-accept]')
  await driver.waitForText('[data-testid=case-decided]', (text) => text.includes('（第 1 次来办）'))

  // Its application, filled in at the counter: the applicant does not come again.
  await driver.waitFor('[data-testid=window-application]', 30000)
  // The case names the owner; the permit names the shop, by the credit code on its licence.
  await driver.retype('[data-testid=permit-name]', SHOP)
  await driver.click('[data-testid=permit-id-kind] .el-radio-button:first-child')
  await driver.retype('[data-testid=permit-id-number]', SHOP_CODE)
  await driver.type('[data-testid=permit-legal-rep]', '林阿明')
  await driver.type('[data-testid=permit-town]', TOWN)
  await driver.type('[data-testid=permit-address]', `${TOWN}兴港路 18 号`)
  await driver.type('[data-testid=outfall-location-0]', '店后巷')
  await driver.type('[data-testid=outfall-receiving-0]', '兴港路污水管')
  // Full-width digits, as a Chinese input method types them.
  await driver.type('[data-testid=permit-volume]', '２．５')
  await driver.click('[data-testid=permit-pollutants]')
  for (const pollutant of ['COD', '动植物油']) await driver.click(`.el-select-dropdown__item[data-pollutant=${pollutant}]`)
  await driver.click('[data-testid=window-application] h3')
  await driver.click('[data-testid=pretreatment-grease_trap]')
  for (const material of ['application_form', 'drainage_drawing', 'separation_pledge', 'water_quality_pledge']) {
    await driver.click(`[data-testid=paper-${material}]`)
  }
  await shot('window')
  await driver.click('[data-testid=window-application-submit]')
  await driver.waitForText('[data-testid=case-permit-application]', (text) => text.includes('已登记排水许可申请') && text.includes('材料齐全'))
  await driver.click('[data-testid=queue-finish]')
  await driver.waitFor('[data-testid=queue-idle]')

  // Two more from the same town at the window: one complete, one without its grease trap.
  const base = await serverUrl(driver)
  const { api, login } = apiClient(base)
  const officer = await login('permit')
  await api('POST', '/commands', officer, command('submit_permit_application', windowApplication({ n: 1, town: TOWN })))
  await api('POST', '/commands', officer, command('submit_permit_application', windowApplication({ n: 2, town: TOWN, pretreatment: [] })))

  // 2. The officer's cohort: the town's three; the dry run names the exception and why.
  await signIn(driver, 'permit')
  await driver.click('[data-testid=nav-permits]')
  await driver.type('[data-testid=cohort-town]', TOWN)
  await driver.waitForContent('[data-testid=pending-applications]', (text) => text.includes(SHOP) && text.includes('清港1号面馆') && text.includes('清港2号面馆'), 30000)
  await driver.click('[data-testid=dry-run]')
  await driver.waitForText('[data-testid=dry-run-result]', (text) => text.includes('本批可批准 2 份，例外 1 份'), 30000)
  const exceptions = await driver.content('[data-testid=dry-run-exceptions]')
  assert.match(exceptions, /清港2号面馆/)
  assert.match(exceptions, /缺少预处理设施：隔油池/)
  const eligible = await driver.content('[data-testid=dry-run-eligible]')
  assert.match(eligible, /清港1号面馆/)
  assert.doesNotMatch(eligible, /清港2号面馆/)
  await shot('dry-run')
  await driver.click('[data-testid=approve]')
  await driver.click('.el-message-box__btns .el-button--primary')
  await driver.waitForText('.el-message', (text) => text.includes('已批准 2 份并编号签发；1 份例外未处理'), 30000)

  // The exception is untouched: still waiting.
  const pending = await api('GET', `/permits/applications?town=${encodeURIComponent(TOWN)}`, officer)
  assert.deepEqual(
    pending.filter((a) => a.state === 'submitted').map((a) => a.draft.discharger.name),
    ['清港2号面馆'],
  )

  // 3. Blank official forms come in; the batch just issued is chosen, previewed, and printed
  // onto the forms (套打), each taking the next serial.
  await driver.click('#tab-forms')
  await driver.type('[data-testid=form-first]', '００１２００１')
  await driver.type('[data-testid=form-last]', '0012100')
  await driver.type('[data-testid=form-note]', '第 3 批')
  await driver.click('[data-testid=form-receive]')
  await driver.waitForText('[data-testid=form-next]', (text) => text === '0012001')
  await driver.click('#tab-permits')
  await driver.waitForText('[data-testid=permit-preview]', (text) => text.includes('预览并打印 2 份'), 30000)
  await shot('issued')
  await driver.click('[data-testid=print-overlay]')
  await driver.click('[data-testid=permit-preview]')
  await driver.waitForText('[data-testid=print-preview-count]', (text) => text.includes('2'), 30000)
  await shot('preview')
  await driver.click('[data-testid=permit-print]', 30000)
  await driver.waitForText('.el-message', (text) => text.includes('已在证书 0012001–0012002 上打印 2 份'), 60000)
  await driver.click('#tab-forms')
  await driver.waitForText('[data-testid=form-next]', (text) => text === '0012003')
  await driver.waitFor('[data-testid=form-consistent]')
  await driver.waitForContent('[data-testid=form-uses]', (text) => /0012002.*打印.*玉排许字/.test(text))
  await shot('ledger')
  // The same screens in English.
  await driver.click('[data-testid=language-switch-en]')
  await driver.waitForText('#tab-forms', (text) => text.includes('Blank-form ledger'))
  await shot('ledger-en')
  await driver.click('#tab-permits')
  await shot('issued-en')
  await driver.click('[data-testid=language-switch-zh-CN]')
  await driver.waitForText('#tab-forms', (text) => text.includes('空白证书台账'))

  // The printed permits, read back: each names its holder and number, and its QR verifies.
  const printed = lastPrinted(2)
  const text = printed.map((file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })).join('\n')
  const numbers = text.match(/玉排许字〔\d{4}〕第\d{4}号/g) ?? []
  assert.equal(new Set(numbers).size, 2, text)
  assert.ok(text.includes(SHOP), text)
  assert.ok(text.includes(SHOP_CODE), text)
  assert.ok(text.includes('清港1号面馆'), text)
  assert.ok(!text.includes('清港2号面馆'), text)
  const pages = mkdtempSync(join(tmpdir(), 'onetrip-permit-pages-'))
  for (const [i, file] of printed.entries()) execFileSync('pdftoppm', ['-r', '200', '-gray', '-png', file, join(pages, `page-${i}`)])
  const verdicts = []
  for (const page of readdirSync(pages).sort()) {
    const payload = execFileSync('zbarimg', ['-q', '--raw', join(pages, page)], { encoding: 'utf8' }).trim()
    verdicts.push(await api('POST', '/verify', undefined, { payload }))
  }
  assert.equal(verdicts.length, 2)
  for (const verdict of verdicts) assert.equal(verdict.verdict, 'valid', JSON.stringify(verdict))
  assert.ok(verdicts.some((v) => JSON.stringify(v.claim).includes(SHOP)), JSON.stringify(verdicts))

  // 4. To the door: the delivery staff plan a run of the two permits, the noodle shop open only
  // in the evening; the restaurant owner signs on the screen, the noodle shop is closed.
  const onFile = await api('GET', '/permits', officer)
  const shop = onFile.find((p) => p.discharger.name === SHOP)
  const noodles = onFile.find((p) => p.discharger.name === '清港1号面馆')
  await signIn(driver, 'delivery')
  await driver.click('[data-testid=nav-delivery]')
  await driver.waitForContent('[data-testid=awaiting-permits]', (text) => text.includes(shop.number) && text.includes(noodles.number), 30000)
  await driver.click('[data-testid=awaiting-permits] thead .el-checkbox')
  await driver.type(`[data-testid="window-${noodles.number}"]`, '１７：３０-21:00')
  await driver.type('[data-testid=run-name]', `${TOWN}（兴港路）`)
  await driver.click('[data-testid=run-plan]')
  const planned = await driver.waitForText('.el-message', (text) => /已建立送达路线 SD-\d{8}-\d{2}，共 2 个送达点/.test(text))
  const runNumber = planned.match(/SD-\d{8}-\d{2}/)[0]
  await driver.waitForContent(`[data-testid=run-${runNumber}]`, (text) => text.includes('17:30–21:00'))
  await shot('run')

  await driver.click(`[data-testid="record-${shop.number}"]`)
  await driver.waitFor('[data-testid=capture-dialog] [data-testid=signature-pad]')
  // Saving without a signature or photo is refused with the reason.
  await driver.type('[data-testid=capture-receiver]', '林阿明')
  await driver.click('[data-testid=capture-save]')
  await driver.waitForText('.el-message', (text) => text.includes('请签收人在屏幕上签名，或拍照留证'))
  await driver.drag('[data-testid=signature-pad]', [-0.35, 0.1], [0.3, -0.15])
  await shot('signature')
  await driver.click('[data-testid=capture-save]')
  await driver.waitForText(`[data-testid="stop-state-${shop.number}"]`, (text) => text === '已送达', 30000)

  // The connection goes: the closed shop is recorded at the door all the same, kept on the
  // laptop until the server is back.
  await central.stop()
  const atDoor = Date.now()
  await driver.click(`[data-testid="record-${noodles.number}"]`)
  await driver.click('[data-testid=outcome-failed]')
  await driver.type('[data-testid=capture-reason]', '店铺未营业')
  await driver.click('[data-testid=capture-save]')
  await driver.waitForText('.el-message', (text) => text.includes(`${noodles.number} 的送达已登记在本机，联网后自动同步`), 30000)
  await driver.waitForText(`[data-testid="stop-state-${noodles.number}"]`, (text) => text === '已登记，待同步', 30000)
  await driver.waitForText('[data-testid=connection-indicator]', (text) => text.includes('离线') && text.includes('待同步 1'), 30000)
  await shot('offline')
  await pause(1500)
  await central.start()
  const back = Date.now()
  await driver.waitForText(`[data-testid="stop-state-${noodles.number}"]`, (text) => text === '未送达', 90000)
  const attempts = await syncedAttempts(api, await login('delivery'))
  const failed = attempts.find((a) => a.permit_id === noodles.id)
  assert.ok(failed, JSON.stringify(attempts))
  assert.equal(failed.outcome, 'failed')
  assert.equal(failed.reason, '店铺未营业')
  assert.ok(failed.at_ms >= atDoor - 1000 && failed.at_ms < back, `recorded at the door, not at the sync: ${failed.at_ms}`)
  assert.equal(attempts.find((a) => a.permit_id === shop.id)?.outcome, 'delivered', 'the signature stays on its own permit')
  // Back among the permits to deliver, for a later run.
  await driver.waitForContent('[data-testid=awaiting-permits]', (text) => text.includes(noodles.number) && !text.includes(shop.number))
  await shot('delivered')

  // 5. The run sheet and the 送达回证, printed and read back.
  await driver.click(`[data-testid="run-sheet-${runNumber}"]`)
  await driver.waitForText('.el-message', (text) => text.includes(`送达路单 ${runNumber}`))
  const sheet = execFileSync('pdftotext', ['-layout', lastPrinted(1)[0], '-'], { encoding: 'utf8' })
  assert.ok(sheet.includes(runNumber) && sheet.includes(shop.number) && sheet.includes('17:30–21:00'), sheet)
  await driver.click(`[data-testid="receipt-${shop.number}"]`)
  await driver.waitForText('.el-message', (text) => /送达回证 SDHZ-\d{4}-\d{4}/.test(text))
  const receipt = execFileSync('pdftotext', ['-layout', lastPrinted(1)[0], '-'], { encoding: 'utf8' })
  assert.match(receipt, /送\s*达\s*回\s*证/)
  assert.ok(receipt.includes('林阿明（本人）'), receipt)
  assert.ok(receipt.includes(shop.number), receipt)
  assert.ok(receipt.includes('签名已存档'), receipt)
  assert.ok(receipt.includes(runNumber), receipt)

  // 6. The owner came once, to the window, and not again: the figures count one trip for each
  // permit, both printed on their forms and one delivered, against their clocks.
  const figures = await api('GET', '/permits/stats', officer)
  assert.equal(figures.issued, 2, JSON.stringify(figures))
  assert.deepEqual(figures.trips, [{ trips: 1, count: 2 }])
  assert.equal(figures.to_print.count, 2)
  assert.equal(figures.to_print.late, 0)
  assert.equal(figures.to_delivery.count, 1)
  assert.equal(figures.to_delivery.waiting, 1)
  const application = (await api('GET', `/permits/applications?town=${encodeURIComponent(TOWN)}&state=approved`, officer)).find(
    (a) => a.draft.discharger.name === SHOP,
  )
  assert.ok(application.case_id, 'the permit came from the window case')
})
