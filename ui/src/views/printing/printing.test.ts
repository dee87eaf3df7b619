import { describe, expect, it } from 'vitest'
import type { Printer, PrintRecord } from '../../backend/types'
import { allDone, choosePrinter, jobsOf, noCorrection, trayOrNull, verdictLook } from './printing'

const printer = (name: string, extra: Partial<Printer> = {}): Printer => ({
  name,
  is_default: false,
  state: 'idle',
  accepting: true,
  ...extra,
})

describe('choosing a printer', () => {
  const printers = [printer('前台热敏'), printer('A4-激光', { is_default: true }), printer('套打-针式')]

  it('keeps the one chosen last time while it exists', () => {
    expect(choosePrinter(printers, '套打-针式')).toBe('套打-针式')
  })

  it('falls back to the system default, then the first printer', () => {
    expect(choosePrinter(printers, '已拆除的打印机')).toBe('A4-激光')
    expect(choosePrinter([printer('甲'), printer('乙')], null)).toBe('甲')
    expect(choosePrinter([], null)).toBe('')
  })

  it('skips printers that take no jobs when others do', () => {
    const list = [printer('停用', { is_default: true, state: 'disabled' }), printer('可用')]
    expect(choosePrinter(list, '停用')).toBe('可用')
  })
})

describe('print jobs', () => {
  const record = { printer: 'cups-pdf', jobs: ['cups-pdf-1', 'cups-pdf-2'] } as PrintRecord

  it('names each job with its printer', () => {
    expect(jobsOf(record)).toEqual([
      ['cups-pdf', 'cups-pdf-1'],
      ['cups-pdf', 'cups-pdf-2'],
    ])
  })

  it('is done when no job is queued any more', () => {
    const status = (state: 'queued' | 'finished' | 'unknown') => ({ job: 'j', printer: 'p', state })
    expect(allDone([status('finished'), status('unknown')])).toBe(true)
    expect(allDone([status('finished'), status('queued')])).toBe(false)
    expect(allDone([])).toBe(false)
  })
})

describe('calibration form', () => {
  it('treats a blank tray as the default tray', () => {
    expect(trayOrNull('  ')).toBeNull()
    expect(trayOrNull(' Tray2 ')).toBe('Tray2')
  })

  it('resets every correction but keeps printer and tray', () => {
    const profile = { printer: 'p', tray: 't', offset_x: 2, offset_y: -1, scale_x: 1.02, scale_y: 0.98, rotation: 0.5 }
    expect(noCorrection(profile)).toEqual({ printer: 'p', tray: 't', offset_x: 0, offset_y: 0, scale_x: 1, scale_y: 1, rotation: 0 })
  })
})

describe('verdicts', () => {
  it('shows only a genuine, current document as a success', () => {
    expect(verdictLook('valid').icon).toBe('success')
    expect(verdictLook('expired').icon).toBe('warning')
    expect(verdictLook('not_yet_valid').icon).toBe('warning')
    expect(verdictLook('tampered').icon).toBe('error')
    expect(verdictLook('invalid').icon).toBe('error')
  })
})
