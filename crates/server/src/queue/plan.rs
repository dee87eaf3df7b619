//! Planning queue commands against the site's waiting tickets: issuing numbers, calling by the
//! fairness policy, recalls, no-shows and finishing. Storage loads the view inside the
//! command's transaction (writers are serialised), so two windows never get the same ticket.

use onetrip_api::command::CommandBody;
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::queue::{
    Appointment, RECALLS_BEFORE_NO_SHOW, Ticket, TicketHolder, TicketSource, TicketStatus,
    WindowState,
};
use onetrip_domain::auth::Role;
use onetrip_domain::queue::{FairnessPolicy, PriorityClass, Waiting, pick_next};
use uuid::Uuid;

use super::QueueWrite as Write;
use super::appointments::{check_in, checked_holder, plan_booking};
use crate::actor::{Actor, refuse};

/// What a queue command is planned against.
#[derive(Debug, Clone, Default)]
pub struct QueueView {
    /// The site's waiting tickets.
    pub waiting: Vec<Ticket>,
    /// Classes of the site's latest calls today, newest first.
    pub recent_classes: Vec<PriorityClass>,
    /// The next number of the service being issued today.
    pub next_seq: i64,
    /// The ticket the command names.
    pub ticket: Option<Ticket>,
    /// The ticket being served at the window a call names.
    pub current: Option<Ticket>,
    /// Whether the window a command names is on a break.
    pub window_state: Option<WindowState>,
    /// The appointment a check-in names, and whether a ticket was issued for it already.
    pub appointment: Option<(Appointment, bool)>,
    /// Check-in codes of the site's appointments on the day being booked.
    pub codes_taken: Vec<String>,
}

/// Where a queue command's view is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewKey {
    pub site: Uuid,
    /// The service whose next number is needed.
    pub service: Option<Uuid>,
    /// The ticket the command names.
    pub ticket: Option<Uuid>,
    /// The window whose current ticket and break are needed.
    pub window: Option<Uuid>,
    /// The appointment a check-in names.
    pub appointment: Option<Uuid>,
    /// The day whose appointment codes a booking needs.
    pub booking_day: Option<String>,
}

pub(super) fn may_work_the_queue(actor: &Actor, site: Uuid) -> Result<(), ApiError> {
    let role_may = matches!(actor.role(), Role::Clerk | Role::Supervisor | Role::Admin);
    if role_may && actor.scope().covers_site(site) {
        Ok(())
    } else {
        Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "queue_forbidden",
            "您无权操作该中心的排队叫号".into(),
            "You may not work this site's queue".into(),
        ))
    }
}

/// Which site's queue a command touches and what else it needs read; `Err` when the command
/// names something that does not exist. `ticket_site` finds a ticket's site.
pub fn view_key(
    actor: &Actor,
    body: &CommandBody,
    current: &ConfigSnapshot,
    ticket_site: Option<Uuid>,
) -> Result<ViewKey, ApiError> {
    match body {
        CommandBody::IssueTicket(issue) => Ok(ViewKey {
            service: Some(issue.service_id),
            ticket: Some(issue.id),
            appointment: issue.appointment_id,
            ..ViewKey::of(issue.site_id)
        }),
        CommandBody::CallNext { window_id }
        | CommandBody::StartBreak { window_id }
        | CommandBody::EndBreak { window_id } => {
            let window = window(actor, current, *window_id)?;
            Ok(ViewKey {
                window: Some(window.id),
                ..ViewKey::of(window.site_id)
            })
        }
        CommandBody::CallTicket {
            window_id,
            ticket_id,
        } => {
            let window = window(actor, current, *window_id)?;
            Ok(ViewKey {
                ticket: Some(*ticket_id),
                window: Some(window.id),
                ..ViewKey::of(window.site_id)
            })
        }
        CommandBody::Recall { ticket_id }
        | CommandBody::NoShow { ticket_id }
        | CommandBody::Finish { ticket_id }
        | CommandBody::Hold { ticket_id }
        | CommandBody::Resume { ticket_id }
        | CommandBody::Transfer { ticket_id, .. } => Ok(ViewKey {
            ticket: Some(*ticket_id),
            ..ViewKey::of(ticket_site.ok_or_else(|| no_ticket(actor))?)
        }),
        CommandBody::BookAppointment(appointment) => Ok(ViewKey {
            booking_day: Some(crate::clock::center_date(appointment.at_ms)),
            appointment: Some(appointment.id),
            ..ViewKey::of(appointment.site_id)
        }),
        _ => Err(ApiError::new(ErrorCode::Internal, "not a queue command")),
    }
}

impl ViewKey {
    fn of(site: Uuid) -> ViewKey {
        ViewKey {
            site,
            service: None,
            ticket: None,
            window: None,
            appointment: None,
            booking_day: None,
        }
    }
}

fn window<'a>(
    actor: &Actor,
    current: &'a ConfigSnapshot,
    id: Uuid,
) -> Result<&'a onetrip_domain::config::Window, ApiError> {
    current.windows.iter().find(|w| w.id == id).ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::NotFound,
            "window_not_found",
            "该窗口不存在或已删除".into(),
            "The window does not exist".into(),
        )
    })
}

fn no_ticket(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::NotFound,
        "ticket_not_found",
        "没有这张号票".into(),
        "No such ticket".into(),
    )
}

/// The write a queue command makes, or why not.
pub fn plan(
    actor: &Actor,
    body: &CommandBody,
    current: &ConfigSnapshot,
    view: &QueueView,
    policy: &FairnessPolicy,
    now_ms: i64,
    day: &str,
) -> Result<Write, ApiError> {
    match body {
        CommandBody::StartBreak { window_id } | CommandBody::EndBreak { window_id } => {
            let window = window(actor, current, *window_id)?;
            may_work_the_queue(actor, window.site_id)?;
            let starting = matches!(body, CommandBody::StartBreak { .. });
            let on_break = view.window_state.as_ref().is_some_and(|s| s.on_break);
            if let (true, Some(current)) = (starting, &view.current) {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "window_busy",
                    format!("请先办结、挂起或过号当前的 {} 号再暂停", current.number),
                    format!(
                        "Finish, hold or mark ticket {} no-show before the break",
                        current.number
                    ),
                ));
            }
            if starting == on_break {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "break_state",
                    if on_break {
                        "窗口已经暂停".into()
                    } else {
                        "窗口没有暂停".into()
                    },
                    if on_break {
                        "The window is on a break already".into()
                    } else {
                        "The window is not on a break".into()
                    },
                ));
            }
            Ok(Write::WindowState(WindowState {
                window_id: window.id,
                site_id: window.site_id,
                on_break: starting,
                since_ms: now_ms,
                clerk: actor.account.username.clone(),
            }))
        }
        CommandBody::BookAppointment(draft) => {
            plan_booking(actor, draft, current, view, now_ms).map(Write::Appointment)
        }
        _ => plan_ticket(actor, body, current, view, policy, now_ms, day).map(Write::Ticket),
    }
}

pub(super) fn served_service<'a>(
    actor: &Actor,
    current: &'a ConfigSnapshot,
    site: Uuid,
    service: Uuid,
) -> Result<&'a onetrip_domain::config::Service, ApiError> {
    let service = current
        .services
        .iter()
        .find(|s| s.id == service)
        .ok_or_else(|| {
            refuse(
                actor,
                ErrorCode::NotFound,
                "service_not_found",
                "没有这个业务类别".into(),
                "No such service".into(),
            )
        })?;
    let served = current
        .windows
        .iter()
        .any(|w| w.site_id == site && w.service_ids.contains(&service.id));
    if !served {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "service_not_served",
            format!("本中心没有办理“{}”的窗口", service.name),
            format!("No window at this site handles {}", service.name),
        ));
    }
    Ok(service)
}

/// The ticket after a ticket command, or why not.
fn plan_ticket(
    actor: &Actor,
    body: &CommandBody,
    current: &ConfigSnapshot,
    view: &QueueView,
    policy: &FairnessPolicy,
    now_ms: i64,
    day: &str,
) -> Result<Ticket, ApiError> {
    match body {
        CommandBody::IssueTicket(issue) => {
            may_work_the_queue(actor, issue.site_id)?;
            if view.ticket.is_some() {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "ticket_exists",
                    "这张号票已经发出".into(),
                    "This ticket was issued already".into(),
                ));
            }
            if issue.appointment_id.is_some() {
                return check_in(actor, issue, current, view, now_ms, day);
            }
            let service = served_service(actor, current, issue.site_id, issue.service_id)?;
            if (issue.source == TicketSource::Appointment) != issue.appointment_at_ms.is_some() {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "appointment_time",
                    "预约号须带预约时间，其他号票不带".into(),
                    "An appointment ticket needs its time, and only it".into(),
                ));
            }
            Ok(Ticket {
                id: issue.id,
                site_id: issue.site_id,
                service_id: service.id,
                day: day.to_owned(),
                seq: view.next_seq,
                number: format!("{}{:03}", service.prefix, view.next_seq),
                class: issue.class,
                source: issue.source,
                status: TicketStatus::Waiting,
                issued_at_ms: now_ms,
                queued_at_ms: now_ms,
                appointment_at_ms: issue.appointment_at_ms,
                called_at_ms: None,
                window_id: None,
                window_number: None,
                recalls: 0,
                called_by: None,
                finished_at_ms: None,
                holder: issue
                    .holder
                    .as_ref()
                    .map(|holder| checked_holder(actor, holder, crate::clock::center_day(now_ms)))
                    .transpose()?
                    .filter(|holder| *holder != TicketHolder::default()),
                appointment_id: None,
            })
        }
        CommandBody::CallNext { window_id } => {
            let window = window(actor, current, *window_id)?;
            may_work_the_queue(actor, window.site_id)?;
            if let Some(current) = &view.current {
                return Err(busy(actor, current));
            }
            not_on_break(actor, view)?;
            let waiting: Vec<Waiting> = view
                .waiting
                .iter()
                .map(|t| Waiting {
                    id: t.id,
                    service_id: t.service_id,
                    class: t.class,
                    queued_at_ms: t.queued_at_ms,
                    seq: t.seq,
                    appointment_at_ms: t.appointment_at_ms,
                })
                .collect();
            let run = view
                .recent_classes
                .iter()
                .take_while(|class| class.is_priority())
                .count();
            let run = u32::try_from(run).unwrap_or(u32::MAX);
            let pick =
                pick_next(&waiting, &window.service_ids, policy, run, now_ms).ok_or_else(|| {
                    refuse(
                        actor,
                        ErrorCode::Invalid,
                        "queue_empty",
                        "当前没有等候本窗口业务的群众".into(),
                        "Nobody is waiting for this window's services".into(),
                    )
                })?;
            let ticket = view
                .waiting
                .iter()
                .find(|t| t.id == pick.ticket)
                .ok_or_else(|| no_ticket(actor))?;
            Ok(called(ticket, window, actor, now_ms))
        }
        CommandBody::Recall { .. } | CommandBody::NoShow { .. } | CommandBody::Finish { .. } => {
            let ticket = view.ticket.as_ref().ok_or_else(|| no_ticket(actor))?;
            may_work_the_queue(actor, ticket.site_id)?;
            if ticket.status != TicketStatus::Called {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "ticket_not_called",
                    format!("{} 号不在窗口办理中", ticket.number),
                    format!("Ticket {} is not being served", ticket.number),
                ));
            }
            Ok(match body {
                CommandBody::Recall { .. } => Ticket {
                    recalls: ticket.recalls + 1,
                    ..ticket.clone()
                },
                CommandBody::NoShow { .. } => {
                    if ticket.recalls < RECALLS_BEFORE_NO_SHOW {
                        return Err(refuse(
                            actor,
                            ErrorCode::Invalid,
                            "recall_first",
                            format!("请至少重呼 {RECALLS_BEFORE_NO_SHOW} 次后再标记过号"),
                            format!(
                                "Recall at least {RECALLS_BEFORE_NO_SHOW} times before marking no-show"
                            ),
                        ));
                    }
                    Ticket {
                        status: TicketStatus::NoShow,
                        finished_at_ms: Some(now_ms),
                        ..ticket.clone()
                    }
                }
                _ => Ticket {
                    status: TicketStatus::Done,
                    finished_at_ms: Some(now_ms),
                    ..ticket.clone()
                },
            })
        }
        CommandBody::CallTicket { window_id, .. } => {
            let window = window(actor, current, *window_id)?;
            may_work_the_queue(actor, window.site_id)?;
            if let Some(current) = &view.current {
                return Err(busy(actor, current));
            }
            not_on_break(actor, view)?;
            let ticket = view.ticket.as_ref().ok_or_else(|| no_ticket(actor))?;
            if ticket.status != TicketStatus::Waiting || ticket.site_id != window.site_id {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "ticket_not_waiting",
                    format!("{} 号不在本中心等候", ticket.number),
                    format!("Ticket {} is not waiting at this site", ticket.number),
                ));
            }
            if !window.service_ids.contains(&ticket.service_id) {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "service_not_at_window",
                    format!("本窗口不办理 {} 号的业务，请转移后再叫", ticket.number),
                    format!(
                        "This window does not handle ticket {}'s service; transfer it first",
                        ticket.number
                    ),
                ));
            }
            Ok(called(ticket, window, actor, now_ms))
        }
        CommandBody::Hold { .. } | CommandBody::Resume { .. } | CommandBody::Transfer { .. } => {
            let ticket = view.ticket.as_ref().ok_or_else(|| no_ticket(actor))?;
            may_work_the_queue(actor, ticket.site_id)?;
            let (wanted, zh, en) = match body {
                CommandBody::Hold { .. } => (
                    ticket.status == TicketStatus::Called,
                    "不在窗口办理中，不能挂起",
                    "is not being served and cannot be held",
                ),
                CommandBody::Resume { .. } => (
                    ticket.status == TicketStatus::Held,
                    "没有被挂起",
                    "is not held",
                ),
                _ => (
                    matches!(ticket.status, TicketStatus::Called | TicketStatus::Waiting),
                    "已办结或过号，不能转移",
                    "is finished or gone and cannot be transferred",
                ),
            };
            if !wanted {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "ticket_state",
                    format!("{} 号{zh}", ticket.number),
                    format!("Ticket {} {en}", ticket.number),
                ));
            }
            // Off the window either way; the place in the queue is the original issue time.
            let off_window = Ticket {
                window_id: None,
                window_number: None,
                ..ticket.clone()
            };
            Ok(match body {
                CommandBody::Hold { .. } => Ticket {
                    status: TicketStatus::Held,
                    ..off_window
                },
                CommandBody::Resume { .. } => Ticket {
                    status: TicketStatus::Waiting,
                    ..off_window
                },
                CommandBody::Transfer { service_id, .. } => {
                    let served = current
                        .windows
                        .iter()
                        .any(|w| w.site_id == ticket.site_id && w.service_ids.contains(service_id));
                    let service = current.services.iter().find(|s| s.id == *service_id);
                    match service {
                        Some(_) if served => Ticket {
                            status: TicketStatus::Waiting,
                            service_id: *service_id,
                            called_at_ms: None,
                            ..off_window
                        },
                        _ => {
                            return Err(refuse(
                                actor,
                                ErrorCode::Invalid,
                                "service_not_served",
                                "本中心没有办理该业务的窗口".into(),
                                "No window at this site handles that service".into(),
                            ));
                        }
                    }
                }
                _ => off_window,
            })
        }
        _ => Err(ApiError::new(ErrorCode::Internal, "not a queue command")),
    }
}

fn not_on_break(actor: &Actor, view: &QueueView) -> Result<(), ApiError> {
    if view.window_state.as_ref().is_some_and(|s| s.on_break) {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "window_on_break",
            "窗口暂停中，请先恢复服务再叫号".into(),
            "The window is on a break; end the break before calling".into(),
        ));
    }
    Ok(())
}

fn busy(actor: &Actor, current: &Ticket) -> ApiError {
    refuse(
        actor,
        ErrorCode::Invalid,
        "window_busy",
        format!("请先办结或过号当前的 {} 号", current.number),
        format!("Finish ticket {} or mark it no-show first", current.number),
    )
}

/// The ticket as called to `window` by `actor` now.
fn called(
    ticket: &Ticket,
    window: &onetrip_domain::config::Window,
    actor: &Actor,
    now_ms: i64,
) -> Ticket {
    Ticket {
        status: TicketStatus::Called,
        called_at_ms: Some(now_ms),
        window_id: Some(window.id),
        window_number: Some(window.number),
        called_by: Some(actor.account.username.clone()),
        ..ticket.clone()
    }
}
