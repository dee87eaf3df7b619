//! Turns a command into the validated writes it stands for: role and scope checks, then the
//! domain rules against the current configuration. Storage then only executes the writes.

use onetrip_api::command::CommandBody;
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
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
    }
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
