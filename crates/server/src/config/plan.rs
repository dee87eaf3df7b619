//! Plans configuration commands: role and scope checks, then the domain rules against the
//! current configuration.

use onetrip_api::command::CommandBody;
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_domain::config::{self, ConfigError};
use onetrip_domain::input::echo;
use uuid::Uuid;

use super::ConfigWrite as Write;
use crate::actor::Actor;

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

/// Checks a configuration command `body` for `actor` against `current`; returns the write to
/// perform or why not.
pub fn plan(
    actor: &Actor,
    body: &CommandBody,
    current: &ConfigSnapshot,
) -> Result<Write, ApiError> {
    if !actor.role().may_edit_configuration() {
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
                                format!("{} 不是节假日或调休日", echo(date)),
                                format!("{} is not a holiday or swapped day", echo(date)),
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
        // Other areas plan their own commands.
        _ => Err(ApiError::new(
            ErrorCode::Internal,
            "not a configuration command",
        )),
    }
}
