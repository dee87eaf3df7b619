import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { routerKey } from 'vue-router'
import { setBackend, type Backend } from '../../backend'
import type { ReviewStats } from '../../bindings/ReviewStats'
import type { TaskRow } from '../../bindings/TaskRow'
import { i18n } from '../../i18n'
import { useSessionStore } from '../../stores/session'
import { fakeBackend } from '../../testing/fakeBackend'
import ReviewStatsView from './ReviewStatsView.vue'

const tasks = (extra: Partial<TaskRow>): TaskRow => ({
  specialty: null,
  tasks: 3,
  done: 2,
  open: 1,
  closed_by_certificate: 0,
  days_used_mean: 4,
  days_used_max: 6,
  days_allowed_mean: 7.5,
  on_time: 1,
  late_done: 1,
  late_open: 1,
  late: 2,
  on_time_rate: 1 / 3,
  ...extra,
})

const figures: ReviewStats = {
  from: '2026-01-01',
  to: '2026-12-17',
  as_of: '2026-12-17',
  projects: {
    total: 3,
    by_state: [
      { state: 'preparing', count: 1 },
      { state: 'in_review', count: 1 },
      { state: 'with_applicant', count: 0 },
      { state: 'certified', count: 1 },
    ],
    by_kind: [{ kind: 'residential', count: 3 }],
    rounds: 3,
    first_rounds: 2,
    later_rounds: 1,
    rounds_per_certified: 2,
  },
  opinions: {
    by_specialty: [
      {
        specialty: 'architecture',
        total: 3,
        mandatory: 2,
        general: 1,
        policy: 0,
        design_depth: 0,
        must_change: 2,
        advice: 1,
      },
    ],
    all: { specialty: null, total: 3, mandatory: 2, general: 1, policy: 0, design_depth: 0, must_change: 2, advice: 1 },
  },
  top_standards: [
    {
      standard: 'GB 50016-2014(2018年版)',
      count: 3,
      clauses: [{ clause: 'GB 50016-2014(2018年版) 第5.5.17条', count: 3 }],
    },
  ],
  top_clauses: [{ clause: 'GB 50016-2014(2018年版) 第5.5.17条', count: 3 }],
  tasks: { by_specialty: [tasks({ specialty: 'architecture' })], all: tasks({}) },
}

const mounted: { unmount(): void }[] = []
afterEach(() => mounted.splice(0).forEach((w) => w.unmount()))

async function show(backend: Partial<Backend>) {
  setBackend(fakeBackend({ kind: 'web', ...backend }))
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
  const wrapper = mount(ReviewStatsView, {
    attachTo: document.body,
    global: { plugins: [pinia, i18n, ElementPlus], provide: { [routerKey]: { push: vi.fn() } } },
  })
  mounted.push(wrapper)
  await flushPromises()
  return wrapper
}

describe('the review statistics screen', () => {
  it('asks for this year and shows the figures by specialty in Chinese', async () => {
    const reviewStats = vi.fn<Backend['reviewStats']>().mockResolvedValue(figures)
    const wrapper = await show({ reviewStats })
    expect(reviewStats).toHaveBeenCalledOnce()
    const asked = reviewStats.mock.calls[0][0]
    expect(asked.from?.endsWith('-01-01')).toBe(true)
    const value = (key: string) =>
      wrapper.get(`[data-testid="review-stats-card-${key}"] [data-testid="review-stats-card-value"]`).text()
    expect(value('projects')).toBe('3')
    expect(value('rounds-per-certified')).toBe('2.00')
    expect(value('on-time')).toBe('33.3%')
    expect(wrapper.get('[data-testid="review-stats-opinions"]').text()).toContain('建筑')
    expect(wrapper.get('[data-testid="review-stats-opinions"]').text()).toContain('合计')
    const times = wrapper.get('[data-testid="review-stats-tasks"]').text()
    expect(times).toContain('4.0')
    expect(times).toContain('7.5')
    expect(wrapper.get('[data-testid="review-stats-standards"]').text()).toContain('第5.5.17条 ×3')

    // Every round: no dates asked for.
    await wrapper.get('[data-testid="review-stats-quick-all"]').trigger('click')
    await flushPromises()
    expect(reviewStats.mock.calls.at(-1)?.[0]).toEqual({ from: null, to: null })
  })

  it('exports what is shown', async () => {
    const exportReviewStats = vi
      .fn<Backend['exportReviewStats']>()
      .mockResolvedValue({ fileName: '审图统计_2026-01-01_2026-12-17.csv', path: null })
    const wrapper = await show({ reviewStats: vi.fn().mockResolvedValue(figures), exportReviewStats })
    await wrapper.get('[data-testid="review-stats-export-csv"]').trigger('click')
    await flushPromises()
    expect(exportReviewStats).toHaveBeenCalledOnce()
    expect(exportReviewStats.mock.calls[0][1]).toBe('csv')
  })

  it("shows the server's refusal", async () => {
    const refusal = {
      code: 'forbidden',
      message: '只有审查负责人（主管和管理员）可以查看审图统计',
      reason: 'review_stats_forbidden',
    }
    const wrapper = await show({ reviewStats: vi.fn().mockRejectedValue(refusal) })
    expect(wrapper.get('[data-testid="review-stats-error"]').text()).toContain('只有审查负责人')
  })
})
