import { describe, expect, it } from 'vitest'
import type { Role } from '../bindings/Role'
import { canEditConfig, canSee, landingPath, navItemsFor } from './navigation'

const keys = (role: Role) => navItemsFor(role).map((item) => item.key)

describe('navigation by role', () => {
  it('gives each role its areas, in order', () => {
    expect(keys('admin')).toEqual(['queue', 'review', 'permits', 'delivery', 'print', 'stats', 'followups', 'admin', 'settings'])
    expect(keys('supervisor')).toEqual(['queue', 'review', 'permits', 'delivery', 'print', 'stats', 'followups', 'admin', 'settings'])
    expect(keys('clerk')).toEqual(['queue', 'print', 'admin', 'settings'])
    expect(keys('reviewer')).toEqual(['review', 'admin', 'settings'])
    expect(keys('permit_officer')).toEqual(['permits', 'delivery', 'print', 'admin', 'settings'])
    expect(keys('print_delivery')).toEqual(['delivery', 'print', 'admin', 'settings'])
  })

  it('lands on the first area of the role', () => {
    expect(landingPath('clerk')).toBe('/queue')
    expect(landingPath('reviewer')).toBe('/review')
    expect(landingPath('permit_officer')).toBe('/permits')
    expect(landingPath('print_delivery')).toBe('/delivery')
    expect(landingPath('admin')).toBe('/queue')
  })

  it('keeps areas from roles that lack them', () => {
    expect(canSee('clerk', 'review')).toBe(false)
    expect(canSee('reviewer', 'queue')).toBe(false)
    expect(canSee('print_delivery', 'permits')).toBe(false)
    expect(canSee('clerk', 'stats')).toBe(false)
    expect(canSee('clerk', 'followups')).toBe(false)
    expect(canSee('supervisor', 'followups')).toBe(true)
    expect(canSee('permit_officer', 'print')).toBe(true)
  })

  it('lets every role read the configuration but only administrators change it', () => {
    const roles: Role[] = ['admin', 'supervisor', 'clerk', 'reviewer', 'permit_officer', 'print_delivery']
    for (const role of roles) {
      expect(canSee(role, 'admin')).toBe(true)
      expect(canSee(role, 'settings')).toBe(true)
      expect(canEditConfig(role)).toBe(role === 'admin')
    }
  })
})
