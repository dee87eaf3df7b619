import { describe, expect, it } from 'vitest'
import { clockState, expiresIn, litresPerDay, materialSlots, percent, reasonText, renewalLetter, templateForm, templateOf } from './permits'
import type { RenewalRow } from '../../bindings/RenewalRow'
import { blankDischargeForm, draftOf } from './applicationForm'

const t = (key: string, params?: Record<string, string | number>) => (params ? `${key}(${Object.values(params).join(',')})` : key)

describe('drainage permit words', () => {
  it('reads the daily volume as people type it', () => {
    expect(litresPerDay('2.5')).toBe(2500)
    expect(litresPerDay('２．５')).toBe(2500)
    expect(litresPerDay(' 12 ')).toBe(12000)
    expect(litresPerDay('0.001')).toBe(1)
    for (const bad of ['', '0', '-1', '1.2345', 'abc', '1,5', '0.000']) expect(litresPerDay(bad), bad).toBeNull()
  })

  it('names what an application lacks', () => {
    expect(reasonText({ code: 'missing_pretreatment', value: 'grease_trap' }, t)).toBe('permits.reasons.missing_pretreatment(permits.pretreatments.grease_trap)')
    expect(reasonText({ code: 'duplicate' }, t)).toBe('permits.reasons.duplicate')
  })

  it('offers a pledge where the template allows one', () => {
    expect(materialSlots(['application_form', 'separation_report'], [{ report: 'separation_report', pledge: 'separation_pledge' }])).toEqual([
      { material: 'application_form', pledge: null },
      { material: 'separation_report', pledge: 'separation_pledge' },
    ])
  })
})

describe('the application draft', () => {
  it('keeps the outfalls filled in and the window case with its paper materials', () => {
    const form = blankDischargeForm()
    form.name = '玉环小馆'
    form.outfalls.push({ code: '', location: ' ', receiving: '' })
    const draft = draftOf(form, 2500, { files: [], paper: ['application_form'], caseId: 'c-1' })
    expect(draft.outfalls.map((o) => o.code)).toEqual(['WS-01'])
    expect(draft.case_id).toBe('c-1')
    expect(draft.paper_materials).toEqual(['application_form'])
    expect(draft.discharger).toMatchObject({ name: '玉环小馆', id: { kind: 'organisation', value: '' } })
  })

  it('sends no paper materials from the portal', () => {
    const draft = draftOf(blankDischargeForm(), 1, { files: [] })
    expect(draft.paper_materials).toEqual([])
    expect(draft.case_id).toBeUndefined()
  })
})

describe('the clocks', () => {
  it('reads a clock from its last day and its first due-soon day', () => {
    expect(clockState('2026-10-21', '2026-10-19', '2026-10-08')).toBe('running')
    expect(clockState('2026-10-21', '2026-10-19', '2026-10-19')).toBe('due_soon')
    expect(clockState('2026-10-21', '2026-10-19', '2026-10-21')).toBe('due_soon')
    expect(clockState('2026-10-21', '2026-10-19', '2026-10-22')).toBe('overdue')
    expect(clockState(undefined, undefined, '2026-10-22')).toBeNull()
  })

  it('counts the days to expiry within the reminders\' 30 days', () => {
    expect(expiresIn('2031-12-01', '2026-12-02')).toBeNull()
    expect(expiresIn('2026-12-31', '2026-12-01')).toBe(30)
    expect(expiresIn('2026-12-02', '2026-12-01')).toBe(1)
    expect(expiresIn('2026-11-30', '2026-12-01')).toBe(-1)
  })
})

describe('renewal letters', () => {
  it('address the holder with the permit, its validity and the days left', () => {
    const row = {
      permit: {
        id: '6f1c0000-0000-4000-8000-000000000000',
        number: '玉排许字〔2021〕第0012号',
        issuer: '玉环市行政服务中心',
        issued_on: '2021-12-31',
        expires_on: '2026-12-30',
        discharger: { name: '玉环市楚门镇老街面馆', address: '楚门镇中山路118号' },
      },
      days_left: 29,
      alarm: false,
    } as unknown as RenewalRow
    expect(renewalLetter(row, '2026-12-01')).toEqual({
      center: '玉环市行政服务中心',
      number: 'YXTX-20261201-2021-0012',
      holder: '玉环市楚门镇老街面馆',
      address: '楚门镇中山路118号',
      permit_number: '玉排许字〔2021〕第0012号',
      valid_from: '2021-12-31',
      valid_until: '2026-12-30',
      days_left: 29,
      letter_date: '2026-12-01',
    })
    expect(percent(0.2)).toBe('20.0%')
    expect(percent(1 / 3)).toBe('33.3%')
  })
})

describe('condition templates as the admin edits them', () => {
  it('keeps a pledge only for a report still required, in the order offered', () => {
    const template = {
      industry: 'catering' as const,
      pretreatment: ['grease_trap' as const],
      sampling_well: false,
      materials: ['application_form' as const, 'separation_report' as const, 'water_quality_report' as const],
      pledges: [
        { report: 'separation_report' as const, pledge: 'separation_pledge' as const },
        { report: 'water_quality_report' as const, pledge: 'water_quality_pledge' as const },
      ],
    }
    expect(templateOf(templateForm(template))).toEqual(template)
    const form = templateForm(template)
    form.materials = ['water_quality_report', 'drainage_drawing', 'application_form']
    form.pretreatment = ['hair_collector', 'grease_trap']
    form.sampling_well = true
    expect(templateOf(form)).toEqual({
      industry: 'catering',
      pretreatment: ['grease_trap', 'hair_collector'],
      sampling_well: true,
      materials: ['application_form', 'drainage_drawing', 'water_quality_report'],
      pledges: [{ report: 'water_quality_report', pledge: 'water_quality_pledge' }],
    })
  })
})
