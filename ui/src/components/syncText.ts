// Words for the sync panel: what a queued command was, and when something happened.
import type { ConfigSnapshot } from '../bindings/ConfigSnapshot'
import type { Command } from '../bindings/Command'

type Translate = (key: string, params?: Record<string, string | number>) => string

/** "3号窗口（玉环市行政服务中心）", or just "3号窗口" when the site is not known here. */
function windowLabel(number: number, siteId: string, snapshot: ConfigSnapshot, t: Translate): string {
  const window = t('config.windows.numberLabel', { n: number })
  const site = snapshot.sites.find((s) => s.id === siteId)
  return site ? t('sync.describe.windowAt', { window, site: site.name }) : window
}

/** A command in words, naming the records it touches from the current configuration. */
export function describeCommand(command: Command, snapshot: ConfigSnapshot, t: Translate): string {
  switch (command.kind) {
    case 'save_site':
      return t('sync.describe.save_site', { name: command.payload.name })
    case 'save_service':
      return t('sync.describe.save_service', { prefix: command.payload.prefix, name: command.payload.name })
    case 'save_matter': {
      const service = snapshot.services.find((s) => s.id === command.payload.service_id)
      const name = service
        ? t('sync.describe.matterIn', { name: command.payload.name, service: `${service.prefix} ${service.name}` })
        : command.payload.name
      return t('sync.describe.save_matter', { name })
    }
    case 'save_window': {
      const { number, site_id } = command.payload
      return t('sync.describe.save_window', { window: windowLabel(number, site_id, snapshot, t) })
    }
    case 'delete_window': {
      const known = snapshot.windows.find((w) => w.id === command.payload.id)
      return known
        ? t('sync.describe.delete_window_known', { window: windowLabel(known.number, known.site_id, snapshot, t) })
        : t('sync.describe.delete_window')
    }
    case 'record_print':
      return t('sync.describe.record_print', { title: command.payload.title })
    // The queue's commands go straight to the server and never wait in the outbox.
    case 'issue_ticket':
    case 'call_next':
    case 'recall':
    case 'no_show':
    case 'finish':
    case 'call_ticket':
    case 'hold':
    case 'resume':
    case 'transfer':
    case 'decide_case':
    case 'start_break':
    case 'end_break':
    case 'book_appointment':
      return t('sync.describe.queue')
    // Holidays are county-wide configuration, also sent at once.
    case 'save_calendar_day':
      return t('sync.describe.save_calendar_day', { date: command.payload.date, name: command.payload.name })
    case 'delete_calendar_day':
      return t('sync.describe.delete_calendar_day', { date: command.payload.date })
    case 'sign_document':
      return t('sync.describe.sign_document', { number: command.payload.claim.number })
    case 'rate_ticket':
    case 'record_revisit':
    case 'record_rectification':
    case 'rate_follow_up':
      return t(`sync.describe.${command.kind}`)
    // Applicants' commands come from the portal, which has no outbox.
    case 'register_project':
    case 'confirm_sheets':
    case 'remove_file':
    case 'submit_round':
    case 'open_round':
    case 'reply_opinion':
    case 'assign_task':
    case 'release_opinions':
    case 'issue_certificate':
      return t('sync.describe.review')
    // Reviewers' opinions may wait in the outbox while the desktop is offline.
    case 'save_opinion':
      return t('sync.describe.save_opinion', { sheet: command.payload.sheet_number })
    case 'close_opinion':
    case 'reopen_opinion':
    case 'place_opinion':
      return t(`sync.describe.${command.kind}`)
    // Permit commands need the server (numbers are allocated there) and never wait.
    case 'submit_permit_application':
    case 'approve_permits':
    case 'void_permit':
    case 'confirm_permit_check':
    case 'reject_permit_check':
    case 'record_spot_check':
    case 'record_reminders':
    case 'save_permit_template':
    case 'receive_forms':
    case 'print_on_forms':
    case 'give_back_forms':
    case 'spoil_form':
    case 'save_delivery_run':
      return t('sync.describe.permits')
    // Recorded at the door, offline too: it waits in the outbox until the server takes it.
    case 'record_delivery':
      return t('sync.describe.record_delivery')
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
}

/** HH:mm:ss today, "昨天 HH:mm:ss" yesterday, else YYYY-MM-DD HH:mm:ss (local time). */
export function formatMoment(ms: number, now: number, t: Translate): string {
  const at = new Date(ms)
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  const today = new Date(now)
  if (sameDay(at, today)) return time
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1)
  if (sameDay(at, yesterday)) return t('sync.yesterday', { time })
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`
}

/** The last sync time for the indicator, or "尚未同步". */
export function formatLastSync(ms: number | null, now: number, t: Translate): string {
  return ms === null ? t('header.neverSynced') : formatMoment(ms, now, t)
}
