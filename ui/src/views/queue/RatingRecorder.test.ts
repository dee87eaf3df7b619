import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { setBackend, type Backend } from '../../backend'
import type { CommandOutcome, Rating, Ticket } from '../../backend/types'
import type { Command } from '../../bindings/Command'
import { i18n } from '../../i18n'
import RatingRecorder from './RatingRecorder.vue'
import { fakeBackend as mockBackend } from '../../testing/fakeBackend'

const ticket: Ticket = {
  id: 't1',
  site_id: 'site',
  service_id: 'A',
  day: '2026-11-27',
  seq: 12,
  number: 'A012',
  class: 'normal',
  source: 'kiosk',
  status: 'done',
  issued_at_ms: 1,
  queued_at_ms: 1,
  appointment_at_ms: null,
  called_at_ms: 2,
  window_id: 'w3',
  window_number: 3,
  recalls: 0,
  called_by: 'clerk',
  finished_at_ms: 3,
}

const rating = (score: number): Rating => ({
  id: 'r1',
  ticket_id: 't1',
  ticket_number: 'A012',
  site_id: 'site',
  service_id: 'A',
  window_id: 'w3',
  window_number: 3,
  clerk: 'clerk',
  clerk_name: '王小红',
  score,
  reasons: [],
  comment: null,
  source: 'clerk',
  recorded_by: 'clerk',
  rated_at_ms: 4,
  day: '2026-11-27',
  follow_up:
    score <= 2
      ? { revisit_due: '2026-11-30', rectification_due: '2026-12-18', revisit: null, rectification: null, closing: null }
      : null,
})

function fakeBackend(sendCommand: Backend['sendCommand']): Backend {
  return mockBackend({
  sendCommand,
  })
}

const mounted: { unmount(): void }[] = []

function mountRecorder(backend: Backend, existing: Rating | null = null) {
  setBackend(backend)
  const pinia = createPinia()
  setActivePinia(pinia)
  const wrapper = mount(RatingRecorder, {
    props: { ticket, rating: existing },
    attachTo: document.body,
    global: { plugins: [pinia, i18n, ElementPlus] },
  })
  mounted.push(wrapper)
  return wrapper
}

describe('the clerk records the citizen rating', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })
  afterEach(() => {
    mounted.splice(0).forEach((wrapper) => wrapper.unmount())
    document.body.innerHTML = ''
  })

  it('sends the chosen score and comment with source clerk and reports the follow-up', async () => {
    const send = vi.fn(
      async (command: Command): Promise<CommandOutcome> => ({
        command_id: command.id,
        status: 'applied',
        error: null,
        record: rating(2),
      }),
    )
    const wrapper = mountRecorder(fakeBackend(send))
    expect(wrapper.text()).toContain('服务评价 · A012')
    expect(wrapper.get('[data-testid="rating-record"]').attributes('disabled')).toBeDefined()

    await wrapper.get('[data-testid="rating-score-2"] input').setValue(true)
    await wrapper.get('[data-testid="rating-comment"]').setValue('等了很久')
    await wrapper.get('[data-testid="rating-record"]').trigger('click')
    await flushPromises()

    expect(send).toHaveBeenCalledOnce()
    const command = send.mock.calls[0][0]
    expect(command.kind).toBe('rate_ticket')
    expect(command.payload).toMatchObject({ ticket_id: 't1', score: 2, comment: '等了很久', source: 'clerk' })
    expect(wrapper.emitted('recorded')?.[0]).toEqual([rating(2)])
    expect(document.body.textContent).toContain('差评已转主管回访整改')
  })

  it('shows a rating already given instead of the form', () => {
    const wrapper = mountRecorder(fakeBackend(vi.fn()), { ...rating(5), source: 'pad' })
    expect(wrapper.find('[data-testid="rating-record"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="rating-recorded"]').text()).toContain('非常满意')
    expect(wrapper.get('[data-testid="rating-recorded"]').text()).toContain('评价器')
  })
})
