import { describe, expect, it } from 'vitest'
import type { Command } from '../bindings/Command'
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import { i18n } from '../i18n'
import { describeCommand, formatLastSync, formatMoment } from './syncText'

const snapshot: ConfigSnapshot = {
  sites: [{ id: 'center', name: '玉环市行政服务中心', kind: 'center', parent_id: null, permit_second_officer: false }],
  services: [{ id: 'svc-a', prefix: 'A', name: '企业开办' }],
  matters: [],
  windows: [{ id: 'w3', site_id: 'center', number: 3, service_ids: ['svc-a'] }],
  calendar: [],
}

const zh = (key: string, params?: Record<string, string | number>) => i18n.global.t(key, params ?? {}, { locale: 'zh-CN' })
const en = (key: string, params?: Record<string, string | number>) => i18n.global.t(key, params ?? {}, { locale: 'en' })

const window3: Command = { id: 'c1', kind: 'save_window', payload: { id: 'w3', site_id: 'center', number: 3, service_ids: [] } }

describe('describeCommand', () => {
  it('names the window and its site', () => {
    expect(describeCommand(window3, snapshot, zh)).toBe('保存窗口：3号窗口（玉环市行政服务中心）')
    expect(describeCommand(window3, snapshot, en)).toBe('Save window: Window 3 (玉环市行政服务中心)')
  })

  it('leaves out a site this computer does not know', () => {
    const elsewhere: Command = { ...window3, payload: { ...window3.payload, site_id: 'gone', number: 7 } } as Command
    expect(describeCommand(elsewhere, snapshot, zh)).toBe('保存窗口：7号窗口')
  })

  it('describes services, sites and matters from the command itself', () => {
    const service: Command = { id: 'c2', kind: 'save_service', payload: { id: 'svc-a', prefix: 'A', name: '企业开办' } }
    expect(describeCommand(service, snapshot, zh)).toBe('保存业务类别：A 企业开办')
    const site: Command = { id: 'c3', kind: 'save_site', payload: { id: 's2', name: '清港镇分中心', kind: 'branch', parent_id: 'center', permit_second_officer: false } }
    expect(describeCommand(site, snapshot, zh)).toBe('保存站点：清港镇分中心')
    const matter: Command = {
      id: 'c4',
      kind: 'save_matter',
      payload: { id: 'm1', service_id: 'svc-a', name: '内资公司设立登记', promised_days: 0, materials: [] },
    }
    expect(describeCommand(matter, snapshot, zh)).toBe('保存事项：内资公司设立登记（A 企业开办）')
    expect(describeCommand(matter, snapshot, en)).toBe('Save matter: 内资公司设立登记 (A 企业开办)')
  })

  it('names a deleted window while it is still known, else says only what happened', () => {
    const known: Command = { id: 'c5', kind: 'delete_window', payload: { id: 'w3' } }
    expect(describeCommand(known, snapshot, zh)).toBe('删除窗口：3号窗口（玉环市行政服务中心）')
    const unknown: Command = { id: 'c6', kind: 'delete_window', payload: { id: 'w9' } }
    expect(describeCommand(unknown, snapshot, zh)).toBe('删除窗口')
    expect(describeCommand(unknown, snapshot, en)).toBe('Delete window')
  })
})

describe('formatMoment', () => {
  const now = new Date(2025, 4, 20, 15, 30, 0).getTime()

  it('shows the time alone today', () => {
    expect(formatMoment(new Date(2025, 4, 20, 9, 5, 7).getTime(), now, zh)).toBe('09:05:07')
  })

  it('says yesterday, else gives the date', () => {
    expect(formatMoment(new Date(2025, 4, 19, 23, 59, 1).getTime(), now, zh)).toBe('昨天 23:59:01')
    expect(formatMoment(new Date(2025, 4, 19, 23, 59, 1).getTime(), now, en)).toBe('Yesterday 23:59:01')
    expect(formatMoment(new Date(2025, 3, 2, 8, 0, 0).getTime(), now, zh)).toBe('2025-04-02 08:00:00')
    // Across a month boundary "yesterday" is still the day before.
    const firstOfJune = new Date(2025, 5, 1, 8, 0, 0).getTime()
    expect(formatMoment(new Date(2025, 4, 31, 20, 0, 0).getTime(), firstOfJune, zh)).toBe('昨天 20:00:00')
  })

  it('says when nothing was synced yet', () => {
    expect(formatLastSync(null, now, zh)).toBe('尚未同步')
    expect(formatLastSync(null, now, en)).toBe('Not synced yet')
  })
})
