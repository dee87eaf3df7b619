//! Turns a command into the validated writes it stands for: role and scope checks, then the
//! domain rules against the current configuration. Storage then only executes the writes.

use onetrip_api::command::CommandBody;
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::print::{MAX_COPIES, MAX_TITLE_CHARS, PrintRecord};
use onetrip_api::sync::{ChangeOp, EntityKind};
use onetrip_domain::calendar::CalendarDay;
use onetrip_domain::config::{self, ConfigError, Matter, Service, Site, Window};
use uuid::Uuid;

use crate::actor::Actor;

/// A change to stored rows, already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Site(Site),
    Service(Service),
    Matter(Matter),
    Window(Window),
    DeleteWindow(Uuid),
    PrintRecord(PrintRecord),
    Ticket(onetrip_api::queue::Ticket),
    Case(onetrip_api::case::Case),
    Document(onetrip_api::verify::IssuedDocument),
    WindowState(onetrip_api::queue::WindowState),
    Appointment(onetrip_api::queue::Appointment),
    CalendarDay(CalendarDay),
    DeleteCalendarDay(String),
    Rating(Box<onetrip_api::rating::Rating>),
}

/// A refusal in the actor's language with the rule's own code as the reason.
pub(crate) fn refuse(
    actor: &Actor,
    code: ErrorCode,
    reason: &str,
    zh: String,
    en: String,
) -> ApiError {
    ApiError::new(code, actor.lang.pick(zh, en)).with_reason(reason)
}

fn invalid(actor: &Actor, error: ConfigError) -> ApiError {
    ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
}

fn forbidden(actor: &Actor) -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        actor.lang.pick(
            "您的角色无权修改站点配置".into(),
            "Your role may not change the site configuration".into(),
        ),
    )
}

fn check_site_scope(actor: &Actor, site: Uuid) -> Result<(), ApiError> {
    if actor.scope().covers_site(site) {
        Ok(())
    } else {
        Err(forbidden(actor))
    }
}

/// Checks `body` for `actor` against `current`; returns the write to perform or why not.
pub fn plan(
    actor: &Actor,
    body: &CommandBody,
    current: &ConfigSnapshot,
    now_ms: i64,
) -> Result<Write, ApiError> {
    // Every role prints; only the configuration needs the right to edit it.
    let configures = !matches!(
        body,
        CommandBody::RecordPrint(_) | CommandBody::DecideCase(_) | CommandBody::SignDocument(_)
    ) && !body.is_queue();
    if configures && !actor.role().may_edit_configuration() {
        return Err(forbidden(actor));
    }
    match body {
        CommandBody::SaveSite(draft) => {
            // Sites themselves are county-wide configuration.
            if actor.scope().site.is_some() {
                return Err(forbidden(actor));
            }
            config::check_site(draft, &current.sites)
                .map(Write::Site)
                .map_err(|e| invalid(actor, e))
        }
        CommandBody::SaveService(draft) => {
            if actor.scope().site.is_some() {
                return Err(forbidden(actor));
            }
            config::check_service(draft, &current.services)
                .map(Write::Service)
                .map_err(|e| invalid(actor, e))
        }
        CommandBody::SaveMatter(draft) => {
            if actor.scope().site.is_some() {
                return Err(forbidden(actor));
            }
            config::check_matter(draft, &current.services)
                .map(Write::Matter)
                .map_err(|e| invalid(actor, e))
        }
        CommandBody::SaveWindow(draft) => {
            check_site_scope(actor, draft.site_id)?;
            if let Some(existing) = current.windows.iter().find(|w| w.id == draft.id) {
                check_site_scope(actor, existing.site_id)?;
            }
            config::check_window(draft, &current.sites, &current.services, &current.windows)
                .map(Write::Window)
                .map_err(|e| invalid(actor, e))
        }
        CommandBody::RecordPrint(record) => {
            plan_print_record(actor, record).map(Write::PrintRecord)
        }
        CommandBody::SignDocument(document) => plan_signed_document(actor, document, now_ms),
        CommandBody::SaveCalendarDay(_) | CommandBody::DeleteCalendarDay { .. } => {
            // The holiday calendar is county-wide, like the services.
            if actor.scope().site.is_some() {
                return Err(forbidden(actor));
            }
            match body {
                CommandBody::SaveCalendarDay(day) => config::check_calendar_day(day)
                    .map(Write::CalendarDay)
                    .map_err(|e| invalid(actor, e)),
                CommandBody::DeleteCalendarDay { date } => {
                    match current.calendar.iter().find(|day| day.date == *date) {
                        Some(day) => Ok(Write::DeleteCalendarDay(day.date.clone())),
                        None => Err(ApiError::new(
                            ErrorCode::NotFound,
                            actor.lang.pick(
                                format!("{date} 不是节假日或调休日"),
                                format!("{date} is not a holiday or swapped day"),
                            ),
                        )),
                    }
                }
                _ => unreachable!("matched above"),
            }
        }
        CommandBody::DeleteWindow { id } => {
            let Some(existing) = current.windows.iter().find(|w| w.id == *id) else {
                return Err(ApiError::new(
                    ErrorCode::NotFound,
                    actor.lang.pick(
                        "该窗口不存在或已删除".into(),
                        "The window does not exist".into(),
                    ),
                ));
            };
            check_site_scope(actor, existing.site_id)?;
            Ok(Write::DeleteWindow(*id))
        }
        // Queue, case and rating commands read the database to plan: crate::queue,
        // crate::cases and crate::ratings.
        _ => Err(ApiError::new(
            ErrorCode::Internal,
            "queue, case and rating commands are planned by crate::queue, crate::cases and crate::ratings",
        )),
    }
}

/// Checks a print record; the printing account and its site are the signed-in ones, whatever
/// the desktop sent.
fn plan_print_record(actor: &Actor, record: &PrintRecord) -> Result<PrintRecord, ApiError> {
    let refuse = |zh: &str, en: &str| {
        Err(ApiError::new(
            ErrorCode::Invalid,
            actor.lang.pick(zh.into(), en.into()),
        ))
    };
    if record.template.trim().is_empty() || record.title.trim().is_empty() {
        return refuse(
            "打印记录缺少文书名称",
            "The print record does not name the document",
        );
    }
    if record.title.chars().count() > MAX_TITLE_CHARS {
        return refuse(
            "打印记录的文书名称过长",
            "The print record's document title is too long",
        );
    }
    if record.printer.trim().is_empty() {
        return refuse(
            "打印记录缺少打印机",
            "The print record does not name the printer",
        );
    }
    if record.copies == 0 || record.copies > MAX_COPIES || record.pages == 0 {
        return refuse(
            "打印份数或页数不正确",
            "The number of copies or pages is wrong",
        );
    }
    Ok(PrintRecord {
        printed_by: actor.account.username.clone(),
        site_id: actor.account.site_id,
        ..record.clone()
    })
}

/// An issued document, signed by the server (the HTTP handler fills in the payload with the
/// authority's key before the command is applied).
fn plan_signed_document(
    actor: &Actor,
    document: &onetrip_api::verify::DocumentToSign,
    now_ms: i64,
) -> Result<Write, ApiError> {
    use onetrip_domain::auth::Role;
    if !matches!(
        actor.role(),
        Role::PermitOfficer | Role::Supervisor | Role::Admin
    ) {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "sign_forbidden",
            "您的角色无权签发证件".into(),
            "Your role may not issue documents".into(),
        ));
    }
    let payload = document
        .payload
        .clone()
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the document was not signed"))?;
    Ok(Write::Document(onetrip_api::verify::IssuedDocument {
        id: document.id,
        claim: document.claim.clone(),
        payload,
        signed_by: actor.account.username.clone(),
        signed_at_ms: now_ms,
    }))
}

/// What the account may read of the configuration.
pub fn visible_to(actor: &Actor, snapshot: ConfigSnapshot) -> ConfigSnapshot {
    let scope = actor.scope();
    ConfigSnapshot {
        sites: snapshot
            .sites
            .into_iter()
            .filter(|s| scope.covers_site(s.id))
            .collect(),
        windows: snapshot
            .windows
            .into_iter()
            .filter(|w| scope.covers_site(w.site_id))
            .collect(),
        ..snapshot
    }
}

/// How a write appears in the change log.
pub struct ChangeRecord {
    pub entity: EntityKind,
    pub id: Uuid,
    pub op: ChangeOp,
    pub data: Option<serde_json::Value>,
    /// The site whose readers may see it; none means everyone.
    pub site_id: Option<Uuid>,
}

impl Write {
    /// Whether the write changes the site configuration (sites, services, matters, windows).
    pub fn changes_configuration(&self) -> bool {
        matches!(
            self,
            Write::Site(_)
                | Write::Service(_)
                | Write::Matter(_)
                | Write::Window(_)
                | Write::DeleteWindow(_)
                | Write::CalendarDay(_)
                | Write::DeleteCalendarDay(_)
        )
    }

    /// What the caller gets back at once: the ticket a queue command issued or moved.
    pub fn record(&self) -> Option<serde_json::Value> {
        match self {
            Write::Ticket(ticket) => serde_json::to_value(ticket).ok(),
            Write::Case(case) => serde_json::to_value(case).ok(),
            Write::Document(document) => serde_json::to_value(document).ok(),
            Write::Appointment(appointment) => serde_json::to_value(appointment).ok(),
            Write::Rating(rating) => serde_json::to_value(rating).ok(),
            _ => None,
        }
    }

    pub fn change(&self, current: &ConfigSnapshot) -> Result<ChangeRecord, serde_json::Error> {
        let upsert = |entity, id, data: serde_json::Value, site_id| ChangeRecord {
            entity,
            id,
            op: ChangeOp::Upsert,
            data: Some(data),
            site_id,
        };
        Ok(match self {
            Write::Site(site) => upsert(
                EntityKind::Site,
                site.id,
                serde_json::to_value(site)?,
                Some(site.id),
            ),
            Write::Service(service) => upsert(
                EntityKind::Service,
                service.id,
                serde_json::to_value(service)?,
                None,
            ),
            Write::Matter(matter) => upsert(
                EntityKind::Matter,
                matter.id,
                serde_json::to_value(matter)?,
                None,
            ),
            Write::Window(window) => upsert(
                EntityKind::Window,
                window.id,
                serde_json::to_value(window)?,
                Some(window.site_id),
            ),
            Write::Ticket(ticket) => upsert(
                EntityKind::Ticket,
                ticket.id,
                serde_json::to_value(ticket)?,
                Some(ticket.site_id),
            ),
            Write::Document(document) => upsert(
                EntityKind::Document,
                document.id,
                serde_json::to_value(document)?,
                None,
            ),
            Write::Case(case) => upsert(
                EntityKind::Case,
                case.id,
                serde_json::to_value(case)?,
                Some(case.site_id),
            ),
            Write::Rating(rating) => upsert(
                EntityKind::Rating,
                rating.id,
                serde_json::to_value(rating)?,
                Some(rating.site_id),
            ),
            Write::PrintRecord(record) => upsert(
                EntityKind::PrintRecord,
                record.id,
                serde_json::to_value(record)?,
                record.site_id,
            ),
            Write::WindowState(state) => upsert(
                EntityKind::WindowState,
                state.window_id,
                serde_json::to_value(state)?,
                Some(state.site_id),
            ),
            Write::Appointment(appointment) => upsert(
                EntityKind::Appointment,
                appointment.id,
                serde_json::to_value(appointment)?,
                Some(appointment.site_id),
            ),
            Write::CalendarDay(day) => upsert(
                EntityKind::CalendarDay,
                onetrip_api::command::calendar_day_id(&day.date),
                serde_json::to_value(day)?,
                None,
            ),
            Write::DeleteCalendarDay(date) => ChangeRecord {
                entity: EntityKind::CalendarDay,
                id: onetrip_api::command::calendar_day_id(date),
                op: ChangeOp::Delete,
                data: None,
                site_id: None,
            },
            Write::DeleteWindow(id) => ChangeRecord {
                entity: EntityKind::Window,
                id: *id,
                op: ChangeOp::Delete,
                data: None,
                site_id: current
                    .windows
                    .iter()
                    .find(|w| w.id == *id)
                    .map(|w| w.site_id),
            },
        })
    }
}

/// The refusal of a command made against an older version of its record.
pub fn conflict(actor: &Actor) -> ApiError {
    ApiError::new(
        ErrorCode::Conflict,
        actor.lang.pick(
            "该记录已被他人修改，请查看最新内容后重新保存".into(),
            "Someone else changed this record; check the latest version and save again".into(),
        ),
    )
}
