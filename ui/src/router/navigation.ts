// Which areas of the workbench each role sees, in navigation order.
import type { Role } from '../bindings/Role'

export type AreaKey = 'queue' | 'review' | 'permits' | 'delivery' | 'print' | 'stats' | 'followups' | 'admin' | 'settings'

/** Areas whose screens are not built yet; they show what they will offer. */
export type PlannedArea = Exclude<AreaKey, 'queue' | 'print' | 'delivery' | 'followups' | 'stats' | 'admin' | 'settings'>

interface NavItem {
  key: AreaKey
  path: string
  /** Roles that see the item; `everyone` for all roles. */
  roles: readonly Role[] | 'everyone'
}

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'queue', path: '/queue', roles: ['clerk', 'supervisor', 'admin'] },
  { key: 'review', path: '/review', roles: ['reviewer', 'supervisor', 'admin'] },
  { key: 'permits', path: '/permits', roles: ['permit_officer', 'supervisor', 'admin'] },
  // 送证上门: the officer plans runs, the delivery staff record each stop at the door.
  { key: 'delivery', path: '/delivery', roles: ['print_delivery', 'permit_officer', 'supervisor', 'admin'] },
  // Window clerks print receipts and notices, so they calibrate and read the log too.
  { key: 'print', path: '/print', roles: ['print_delivery', 'permit_officer', 'clerk', 'supervisor', 'admin'] },
  { key: 'stats', path: '/stats', roles: ['supervisor', 'admin'] },
  // Bad ratings' follow-ups (差评整改) and the ratings summary, for the site's supervisors.
  { key: 'followups', path: '/followups', roles: ['supervisor', 'admin'] },
  // Everyone may read the configuration; only administrators change it.
  { key: 'admin', path: '/admin', roles: 'everyone' },
  { key: 'settings', path: '/settings', roles: 'everyone' },
]

export function navItemsFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles === 'everyone' || item.roles.includes(role))
}

export function canSee(role: Role, area: AreaKey): boolean {
  return navItemsFor(role).some((item) => item.key === area)
}

/** Where a role lands after signing in: its first navigation item. */
export function landingPath(role: Role): string {
  return navItemsFor(role)[0]?.path ?? '/settings'
}

export function canEditConfig(role: Role): boolean {
  return role === 'admin'
}
