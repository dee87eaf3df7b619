import { describe, expect, it } from 'vitest'
import type { Service } from '../../bindings/Service'
import type { Site } from '../../bindings/Site'
import type { Window } from '../../bindings/Window'
import {
  DEFAULT_POLICY,
  calendarForm,
  checkCalendarDay,
  saveCalendarDayCommand,
  checkMatter,
  checkService,
  checkSite,
  checkWindow,
  defaultSiteId,
  deleteWindowCommand,
  matterForm,
  newId,
  nextWindowNumber,
  saveMatterCommand,
  saveServiceCommand,
  saveSiteCommand,
  savedNotice,
  saveWindowCommand,
  selectAllServices,
  servesAll,
  siteForm,
  windowForm,
} from './commands'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const services: Service[] = [
  { id: 'svc-a', prefix: 'A', name: '企业开办' },
  { id: 'svc-b', prefix: 'B', name: '不动产登记' },
  { id: 'svc-c', prefix: 'C', name: '社保医保' },
]
const sites: Site[] = [
  { id: 'chumen', name: '楚门镇分中心', kind: 'branch', parent_id: 'center', permit_second_officer: false },
  { id: 'center', name: '玉环市行政服务中心', kind: 'center', parent_id: null, permit_second_officer: false },
]
const windows: Window[] = [
  { id: 'w1', site_id: 'center', number: 1, service_ids: ['svc-a'] },
  { id: 'w3', site_id: 'center', number: 3, service_ids: ['svc-a', 'svc-b', 'svc-c'] },
  { id: 'w9', site_id: 'chumen', number: 9, service_ids: ['svc-c'] },
]

describe('ids', () => {
  it('are fresh UUIDs', () => {
    const a = newId()
    expect(a).toMatch(UUID)
    expect(newId()).not.toBe(a)
  })
})

describe('window commands', () => {
  it('builds save_window for a new window with fresh command and window ids', () => {
    const form = { ...windowForm(undefined, 'center'), number: 5, service_ids: ['svc-c', 'svc-a'] }
    const command = saveWindowCommand(form, services)
    expect(command.kind).toBe('save_window')
    expect(command.id).toMatch(UUID)
    if (command.kind !== 'save_window') throw new Error('wrong kind')
    expect(command.payload.id).toMatch(UUID)
    expect(command.payload.id).not.toBe(command.id)
    // Services in configuration order, whatever order they were ticked in.
    expect(command.payload).toMatchObject({ site_id: 'center', number: 5, service_ids: ['svc-a', 'svc-c'] })
  })

  it('keeps the id of an edited window and makes a new command id each time', () => {
    const form = windowForm(windows[0])
    const first = saveWindowCommand(form, services)
    const second = saveWindowCommand(form, services)
    expect(first.payload).toEqual({ id: 'w1', site_id: 'center', number: 1, service_ids: ['svc-a'] })
    expect(first.id).not.toBe(second.id)
  })

  it('editing a copy does not touch the original window', () => {
    const form = windowForm(windows[0])
    form.service_ids.push('svc-b')
    expect(windows[0].service_ids).toEqual(['svc-a'])
  })

  it('"select all" makes a comprehensive window and unticking it clears the selection', () => {
    const form = windowForm(undefined, 'center')
    form.service_ids = selectAllServices(true, services)
    expect(servesAll(form.service_ids, services)).toBe(true)
    const command = saveWindowCommand(form, services)
    expect(command.payload).toMatchObject({ service_ids: ['svc-a', 'svc-b', 'svc-c'] })
    expect(selectAllServices(false, services)).toEqual([])
  })

  it('knows a comprehensive window only when every service is served', () => {
    expect(servesAll(['svc-a', 'svc-b'], services)).toBe(false)
    expect(servesAll(['svc-c', 'svc-b', 'svc-a'], services)).toBe(true)
    expect(servesAll([], [])).toBe(false)
  })

  it('checks the window form', () => {
    const ok = { id: null, site_id: 'center', number: 2, service_ids: ['svc-a'] }
    expect(checkWindow(ok, windows)).toBeNull()
    expect(checkWindow({ ...ok, site_id: '' }, windows)).toEqual({ key: 'siteRequired' })
    expect(checkWindow({ ...ok, number: 0 }, windows)).toEqual({ key: 'windowNumber' })
    expect(checkWindow({ ...ok, number: 2.5 }, windows)).toEqual({ key: 'windowNumber' })
    expect(checkWindow({ ...ok, number: 3 }, windows)).toEqual({ key: 'windowNumberTaken', params: { n: 3 } })
    // The same number at another site, or the window itself, is fine.
    expect(checkWindow({ ...ok, site_id: 'chumen', number: 3 }, windows)).toBeNull()
    expect(checkWindow({ ...ok, id: 'w3', number: 3 }, windows)).toBeNull()
    expect(checkWindow({ ...ok, service_ids: [] }, windows)).toEqual({ key: 'windowServices' })
  })

  it('proposes the next free number per site', () => {
    expect(nextWindowNumber(windows, 'center')).toBe(4)
    expect(nextWindowNumber(windows, 'new-site')).toBe(1)
  })

  it('builds delete_window', () => {
    const command = deleteWindowCommand('w3')
    expect(command).toEqual({ id: command.id, kind: 'delete_window', payload: { id: 'w3' } })
    expect(command.id).toMatch(UUID)
  })

  it('opens on the account site, else the first center', () => {
    expect(defaultSiteId('chumen', sites)).toBe('chumen')
    expect(defaultSiteId(null, sites)).toBe('center')
    expect(defaultSiteId('gone', sites)).toBe('center')
    expect(defaultSiteId(null, [])).toBe('')
  })
})

describe('site, service and matter commands', () => {
  it('builds save_site; a center has no parent', () => {
    const command = saveSiteCommand({ id: null, name: ' 清港镇分中心 ', kind: 'branch', parent_id: 'center', policy: DEFAULT_POLICY, permit_second_officer: false })
    expect(command.payload).toMatchObject({ name: '清港镇分中心', kind: 'branch', parent_id: 'center', permit_second_officer: false })
    const center = saveSiteCommand({ ...siteForm(sites[1]), parent_id: 'chumen' })
    expect(center.payload).toEqual({ id: 'center', name: '玉环市行政服务中心', kind: 'center', parent_id: null, policy: DEFAULT_POLICY, permit_second_officer: false })
    // A site's own policy is kept through an edit, not reset to the default.
    const own = { priority_ratio: 1, aging_minutes: 30, appointment_early_minutes: 5 }
    expect(saveSiteCommand(siteForm({ ...sites[1], policy: own })).payload).toMatchObject({ policy: own })
    // So is its need for a second officer on permit batches and voids.
    expect(saveSiteCommand(siteForm({ ...sites[1], permit_second_officer: true })).payload).toMatchObject({ permit_second_officer: true })
  })

  it('checks sites', () => {
    expect(checkSite({ id: null, name: '', kind: 'center', parent_id: null, policy: DEFAULT_POLICY, permit_second_officer: false })).toEqual({ key: 'nameRequired' })
    expect(checkSite({ id: null, name: '干江镇', kind: 'branch', parent_id: null, policy: DEFAULT_POLICY, permit_second_officer: false })).toEqual({ key: 'parentRequired' })
    expect(checkSite({ id: 'x', name: '干江镇', kind: 'branch', parent_id: 'x', policy: DEFAULT_POLICY, permit_second_officer: false })).toEqual({ key: 'parentSelf' })
    expect(checkSite({ id: null, name: '玉环', kind: 'center', parent_id: null, policy: DEFAULT_POLICY, permit_second_officer: false })).toBeNull()
  })

  it('builds save_service with an upper-case prefix and refuses a taken or bad one', () => {
    expect(saveServiceCommand({ id: null, prefix: 'd', name: '工程建设' }).payload).toMatchObject({ prefix: 'D' })
    expect(checkService({ id: null, prefix: 'b', name: '其他' }, services)).toEqual({
      key: 'prefixTaken',
      params: { prefix: 'B', name: '不动产登记' },
    })
    expect(checkService({ id: 'svc-b', prefix: 'B', name: '不动产登记' }, services)).toBeNull()
    expect(checkService({ id: null, prefix: 'AB', name: 'x' }, services)).toEqual({ key: 'prefixInvalid' })
    expect(checkService({ id: null, prefix: '1', name: 'x' }, services)).toEqual({ key: 'prefixInvalid' })
    expect(checkService({ id: null, prefix: 'E', name: ' ' }, services)).toEqual({ key: 'nameRequired' })
  })

  it('builds save_matter dropping blank material rows', () => {
    const form = matterForm(undefined, 'svc-a')
    expect(form.materials).toEqual([''])
    form.name = '内资公司设立登记'
    form.materials = [' 公司登记申请书 ', '', '公司章程', '  ']
    const command = saveMatterCommand(form)
    expect(command.kind).toBe('save_matter')
    expect(command.payload).toMatchObject({
      service_id: 'svc-a',
      name: '内资公司设立登记',
      promised_days: 0,
      materials: ['公司登记申请书', '公司章程'],
    })
  })

  it('checks matters', () => {
    const ok = { id: null, service_id: 'svc-a', name: '设立登记', promised_days: 3, materials: [] }
    expect(checkMatter(ok)).toBeNull()
    expect(checkMatter({ ...ok, service_id: '' })).toEqual({ key: 'serviceRequired' })
    expect(checkMatter({ ...ok, name: '' })).toEqual({ key: 'nameRequired' })
    expect(checkMatter({ ...ok, promised_days: -1 })).toEqual({ key: 'promisedDays' })
  })
})

describe('savedNotice', () => {
  it('keeps the success message for an applied change', () => {
    expect(savedNotice('applied', 'common.saved')).toEqual({ type: 'success', key: 'common.saved' })
    expect(savedNotice('applied', 'config.windows.deleted')).toEqual({ type: 'success', key: 'config.windows.deleted' })
  })

  it('says a queued change was kept on this computer', () => {
    expect(savedNotice('queued', 'common.saved')).toEqual({ type: 'info', key: 'sync.queued' })
  })
})

describe('calendar days', () => {
  it('needs a date and a name, and sends the day trimmed', () => {
    expect(checkCalendarDay(calendarForm())).toEqual({ key: 'dateRequired' })
    expect(checkCalendarDay({ date: '2026-10-01', working: false, name: ' ' })).toEqual({ key: 'nameRequired' })
    const form = { date: '2026-10-11', working: true, name: ' 国庆调休上班 ' }
    expect(checkCalendarDay(form)).toBeNull()
    expect(saveCalendarDayCommand(form)).toMatchObject({
      kind: 'save_calendar_day',
      payload: { date: '2026-10-11', working: true, name: '国庆调休上班' },
    })
  })
})
