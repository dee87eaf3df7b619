import { describe, expect, it } from 'vitest'
import type { Case } from '../../bindings/Case'
import type { Matter } from '../../bindings/Matter'
import { decideCase, maskId, missingOf, noticeRecord, promisedText } from './cases'

const matter: Matter = {
  id: 'm',
  service_id: 's',
  name: '个体工商户设立登记',
  materials: ['申请书', '经营者身份证明', '经营场所使用证明'],
  promised_days: 0,
}

describe('one-window acceptance', () => {
  it('finds every material not brought, in checklist order', () => {
    expect(missingOf(matter, ['经营者身份证明'])).toEqual(['申请书', '经营场所使用证明'])
    expect(missingOf(matter, matter.materials)).toEqual([])
  })

  it('puts every missing material on the notice, and nothing brought', () => {
    const decided: Case = {
      id: 'c',
      site_id: 'site',
      ticket_id: null,
      matter_id: 'm',
      applicant: { kind: 'person', value: '11010519491231002X' },
      applicant_name: '陈建国',
      materials: [
        { name: '申请书', provided: true },
        { name: '经营者身份证明', provided: false },
        { name: '经营场所使用证明', provided: false },
      ],
      outcome: 'incomplete',
      trip: 1,
      number: 'GZ-20261127-0001',
      clerk: 'clerk',
      decided_at_ms: new Date(2026, 10, 27, 9, 30).getTime(),
      due_date: null,
    }
    const record = noticeRecord(decided, matter, { center: '玉环市行政服务中心', window: '1号窗口', clerk: '王小红' })
    expect(record.missing).toEqual([{ name: '经营者身份证明' }, { name: '经营场所使用证明' }])
    expect(record).toMatchObject({ number: 'GZ-20261127-0001', applicant: '陈建国', notice_date: '2026-11-27' })
  })

  it('sends the identifier as typed (the server checks and normalises it) and masks it for print', () => {
    const command = decideCase(
      { kind: 'organisation', id: ' 91350100m000100y43 ', name: ' 洗车行 ', phone: '', matterId: 'm', provided: [] },
      't',
      'incomplete',
    )
    expect(command).toMatchObject({
      kind: 'decide_case',
      payload: { applicant: { kind: 'organisation', value: '91350100m000100y43' }, applicant_name: '洗车行', ticket_id: 't' },
    })
    expect(maskId('11010519491231002X')).toBe('1101**********002X')
  })
})

describe('the promised time on the receipt', () => {
  it('names the due date the server counted in working days', () => {
    expect(promisedText(7, '2026-12-08')).toBe('7个工作日（2026年12月8日前办结）')
    expect(promisedText(7, null)).toBe('7个工作日')
  })
})
