import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { setBackend, type Backend } from '../../backend'
import type { ConfigSnapshot } from '../../bindings/ConfigSnapshot'
import type { QueueStats } from '../../bindings/QueueStats'
import type { StatsRow } from '../../bindings/StatsRow'
import { i18n } from '../../i18n'
import { useSessionStore } from '../../stores/session'
import StatsView from './StatsView.vue'
import { fakeBackend as mockBackend } from '../../testing/fakeBackend'

const snapshot: ConfigSnapshot = {
  sites: [{ id: 'center', name: '玉环市行政服务中心', kind: 'center', parent_id: null, permit_second_officer: false }],
  services: [],
  matters: [],
  windows: [],
  calendar: [],
}

const none = { count: 0, median_ms: null, p90_ms: null }
const row = (extra: Partial<StatsRow>): StatsRow => ({
  key: 'all',
  label: '全部',
  issued: 0,
  served: 0,
  no_show: 0,
  no_show_rate: null,
  wait: none,
  service: none,
  ...extra,
})

function stats(overall: StatsRow, extra: Partial<QueueStats> = {}): QueueStats {
  return {
    site_id: 'center',
    site_name: '玉环市行政服务中心',
    from: '2026-11-27',
    to: '2026-11-27',
    overall,
    by_service: [],
    by_window: [],
    by_clerk: [],
    by_hour: [],
    cases: {
      total: 0,
      accepted: 0,
      completed: 0,
      incomplete: 0,
      finished: 0,
      trips: { zero: 0, one: 0, two: 0, three_or_more: 0 },
      trips_mean: null,
      at_most_one_trip_rate: null,
      zero_trip_rate: null,
    },
    ratings: null,
    ...extra,
  }
}

function fakeBackend(queueStats: Backend['queueStats']): Backend {
  return mockBackend({
  kind: 'web',
  queueStats,
  loadConfig: vi.fn().mockResolvedValue(snapshot),
  })
}

const mounted: { unmount(): void }[] = []
afterEach(() => mounted.splice(0).forEach((w) => w.unmount()))

async function show(queueStats: Backend['queueStats']) {
  setBackend(fakeBackend(queueStats))
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().account = {
    id: 'u1',
    username: 'supervisor',
    display_name: '周主管',
    role: 'supervisor',
    site_id: 'center',
    specialty: null,
  }
  const wrapper = mount(StatsView, { attachTo: document.body, global: { plugins: [pinia, i18n, ElementPlus] } })
  mounted.push(wrapper)
  await flushPromises()
  return wrapper
}

describe('the statistics screen', () => {
  it("asks for today at the supervisor's own site and says plainly when there is nothing", async () => {
    const queueStats = vi.fn<Backend['queueStats']>().mockResolvedValue(stats(row({})))
    const wrapper = await show(queueStats)
    expect(queueStats).toHaveBeenCalledOnce()
    const asked = queueStats.mock.calls[0][0]
    expect(asked.site).toBe('center')
    expect(asked.from).toBe(asked.to)
    expect(wrapper.get('[data-testid="stats-empty"]').text()).toContain('暂无数据')
    expect(wrapper.find('[data-testid="stats-card-issued"]').exists()).toBe(false)
  })

  it('shows the headline figures', async () => {
    const overall = row({
      issued: 6,
      served: 4,
      no_show: 1,
      no_show_rate: 0.2,
      wait: { count: 4, median_ms: 570_000, p90_ms: 726_000 },
      service: { count: 4, median_ms: 210_000, p90_ms: 492_000 },
    })
    const wrapper = await show(vi.fn<Backend['queueStats']>().mockResolvedValue(stats(overall)))
    const value = (key: string) => wrapper.get(`[data-testid="stats-card-${key}"] [data-testid="stats-card-value"]`).text()
    expect(value('issued')).toBe('6')
    expect(value('no-show-rate')).toBe('20.0%')
    expect(value('wait')).toBe('9.5 / 12.1')
    expect(value('service')).toBe('3.5 / 8.2')
    expect(value('one-trip')).toBe('—')
    expect(wrapper.get('[data-testid="stats-card-served"]').text()).toContain('等候或办理中 1 人')
  })

  it("shows the server's refusal", async () => {
    const refusal = { code: 'invalid', message: '一次最多统计 366 天，请缩短日期范围', reason: 'stats_range_too_long' }
    const wrapper = await show(vi.fn<Backend['queueStats']>().mockRejectedValue(refusal))
    expect(wrapper.get('[data-testid="stats-error"]').text()).toContain('一次最多统计 366 天')
  })
})
