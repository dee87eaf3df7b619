//! Site configuration: sites, services, matters, windows and the holiday calendar. Read by
//! every area; changed by administrators (and supervisors for their own site's windows).

pub mod plan;
pub mod routes;
pub mod sql;

use onetrip_api::config::ConfigSnapshot;
use onetrip_api::sync::EntityKind;
use onetrip_domain::calendar::CalendarDay;
use onetrip_domain::config::{Matter, Service, Site, Window};
use uuid::Uuid;

use crate::actor::Actor;
use crate::changes::ChangeRecord;

/// A change to the configuration, already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigWrite {
    Site(Site),
    Service(Service),
    Matter(Matter),
    Window(Window),
    DeleteWindow(Uuid),
    CalendarDay(CalendarDay),
    DeleteCalendarDay(String),
}

impl ConfigWrite {
    /// How the write appears in the change log; `current` is the configuration before it.
    pub fn change(&self, current: &ConfigSnapshot) -> Result<ChangeRecord, serde_json::Error> {
        Ok(match self {
            ConfigWrite::Site(site) => {
                ChangeRecord::upsert(EntityKind::Site, site.id, site, Some(site.id))?
            }
            ConfigWrite::Service(service) => {
                ChangeRecord::upsert(EntityKind::Service, service.id, service, None)?
            }
            ConfigWrite::Matter(matter) => {
                ChangeRecord::upsert(EntityKind::Matter, matter.id, matter, None)?
            }
            ConfigWrite::Window(window) => {
                ChangeRecord::upsert(EntityKind::Window, window.id, window, Some(window.site_id))?
            }
            ConfigWrite::CalendarDay(day) => ChangeRecord::upsert(
                EntityKind::CalendarDay,
                onetrip_api::command::calendar_day_id(&day.date),
                day,
                None,
            )?,
            ConfigWrite::DeleteCalendarDay(date) => ChangeRecord::delete(
                EntityKind::CalendarDay,
                onetrip_api::command::calendar_day_id(date),
                None,
            ),
            ConfigWrite::DeleteWindow(id) => ChangeRecord::delete(
                EntityKind::Window,
                *id,
                current
                    .windows
                    .iter()
                    .find(|w| w.id == *id)
                    .map(|w| w.site_id),
            ),
        })
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

/// The working-day calendar every promised time and clock counts in: the county's holidays
/// and swapped working days from the configuration. Days were checked when saved; one that no
/// longer reads as a date is skipped rather than stopping the counter.
pub fn working_calendar(current: &ConfigSnapshot) -> onetrip_domain::calendar::Calendar {
    let days: Vec<_> = current
        .calendar
        .iter()
        .filter(|day| onetrip_domain::calendar::Day::parse(&day.date).is_some())
        .cloned()
        .collect();
    onetrip_domain::calendar::Calendar::new(&days).unwrap_or_default()
}

/// The whole configuration as it is now (from memory while nothing changed).
pub async fn current(
    state: &crate::state::AppState,
) -> crate::storage::StorageResult<std::sync::Arc<ConfigSnapshot>> {
    let mut pooled = state.store.acquire().await?;
    sql::cached_snapshot(&mut pooled.conn(), &state.config).await
}
