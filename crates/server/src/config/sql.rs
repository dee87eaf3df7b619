//! The configuration tables: sites, services, matters, windows and their services, the
//! holiday calendar, and the configuration version that tells when to read them again.

use std::sync::Arc;

use onetrip_api::config::ConfigSnapshot;
use onetrip_domain::calendar::CalendarDay;
use onetrip_domain::config::{Matter, Service, Site, SiteKind, Window};

use super::ConfigWrite;
use crate::storage::{
    Conn, StorageError, StorageResult, VersionCache, corrupt, json, on_backend, opt_uuid, uuid,
};

/// The whole configuration; callers narrow it to the reader's scope.
pub async fn snapshot(conn: &mut Conn<'_>) -> StorageResult<ConfigSnapshot> {
    const SITES: &str = "SELECT id, name, kind, parent_id, policy, permit_second_officer FROM sites
         ORDER BY created_seq";
    const SERVICES: &str = "SELECT id, prefix, name FROM services ORDER BY prefix";
    const MATTERS: &str = "SELECT m.id, m.service_id, m.name, m.materials, m.promised_days
         FROM matters m JOIN services s ON s.id = m.service_id
         ORDER BY s.prefix, m.name";
    const LINKS: &str =
        "SELECT window_id, service_id FROM window_services ORDER BY window_id, position";
    const WINDOWS: &str = "SELECT w.id, w.site_id, w.number FROM windows w
         JOIN sites s ON s.id = w.site_id ORDER BY s.created_seq, w.number";
    const CALENDAR: &str = "SELECT date, working, name FROM calendar_days ORDER BY date";

    type SiteRow = (String, String, String, Option<String>, Option<String>, bool);
    let sites: Vec<SiteRow> = on_backend!(conn, c => sqlx::query_as(SITES).fetch_all(c).await)?;
    let sites = sites
        .into_iter()
        .map(
            |(id, name, kind, parent_id, policy, permit_second_officer)| {
                Ok(Site {
                    id: uuid(&id)?,
                    name,
                    kind: SiteKind::parse(&kind)
                        .ok_or_else(|| StorageError::Corrupt(format!("bad site kind {kind:?}")))?,
                    parent_id: opt_uuid(parent_id)?,
                    policy: policy
                        .map(|text| serde_json::from_str(&text))
                        .transpose()
                        .map_err(|e| StorageError::Corrupt(format!("policy of site {id}: {e}")))?,
                    permit_second_officer,
                })
            },
        )
        .collect::<StorageResult<Vec<_>>>()?;

    let services: Vec<(String, String, String)> =
        on_backend!(conn, c => sqlx::query_as(SERVICES).fetch_all(c).await)?;
    let services = services
        .into_iter()
        .map(|(id, prefix, name)| {
            Ok(Service {
                id: uuid(&id)?,
                prefix,
                name,
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;

    let matters: Vec<(String, String, String, String, i64)> =
        on_backend!(conn, c => sqlx::query_as(MATTERS).fetch_all(c).await)?;
    let matters = matters
        .into_iter()
        .map(|(id, service_id, name, materials, promised_days)| {
            Ok(Matter {
                id: uuid(&id)?,
                service_id: uuid(&service_id)?,
                name,
                materials: serde_json::from_str(&materials)
                    .map_err(|e| StorageError::Corrupt(format!("materials of {id}: {e}")))?,
                promised_days: u16::try_from(promised_days)
                    .map_err(|_| StorageError::Corrupt(format!("promised days of {id}")))?,
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;

    let links: Vec<(String, String)> =
        on_backend!(conn, c => sqlx::query_as(LINKS).fetch_all(c).await)?;
    let windows: Vec<(String, String, i64)> =
        on_backend!(conn, c => sqlx::query_as(WINDOWS).fetch_all(c).await)?;
    let windows = windows
        .into_iter()
        .map(|(id, site_id, number)| {
            let service_ids = links
                .iter()
                .filter(|(window, _)| *window == id)
                .map(|(_, service)| uuid(service))
                .collect::<StorageResult<Vec<_>>>()?;
            Ok(Window {
                id: uuid(&id)?,
                site_id: uuid(&site_id)?,
                number: u16::try_from(number)
                    .map_err(|_| StorageError::Corrupt(format!("window number of {id}")))?,
                service_ids,
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;

    let calendar: Vec<(String, bool, String)> =
        on_backend!(conn, c => sqlx::query_as(CALENDAR).fetch_all(c).await)?;
    let calendar = calendar
        .into_iter()
        .map(|(date, working, name)| CalendarDay {
            date,
            working,
            name,
        })
        .collect();

    Ok(ConfigSnapshot {
        sites,
        services,
        matters,
        windows,
        calendar,
    })
}

/// The configuration, from memory while no change has been committed since it was read.
pub async fn cached_snapshot(
    conn: &mut Conn<'_>,
    cache: &VersionCache<ConfigSnapshot>,
) -> StorageResult<Arc<ConfigSnapshot>> {
    const SQL: &str = "SELECT version FROM config_version WHERE id = 1";
    let version = on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL).fetch_one(c).await)?;
    if let Some(kept) = cache.get(version) {
        return Ok(kept);
    }
    // Read after the version: what is kept is at least as new as its tag.
    let fresh = Arc::new(snapshot(conn).await?);
    cache.put(version, fresh.clone());
    Ok(fresh)
}

/// Performs a checked configuration change and counts a new configuration version.
pub async fn write(conn: &mut Conn<'_>, write: &ConfigWrite) -> StorageResult<()> {
    const BUMP: &str = "UPDATE config_version SET version = version + 1 WHERE id = 1";
    on_backend!(conn, c => sqlx::query(BUMP).execute(c).await.map(drop))?;
    match write {
        ConfigWrite::Site(site) => save_site(conn, site).await,
        ConfigWrite::Service(service) => save_service(conn, service).await,
        ConfigWrite::Matter(matter) => save_matter(conn, matter).await,
        ConfigWrite::Window(window) => save_window(conn, window).await,
        ConfigWrite::DeleteWindow(id) => delete_window(conn, &id.to_string()).await,
        ConfigWrite::CalendarDay(day) => save_calendar_day(conn, day).await,
        ConfigWrite::DeleteCalendarDay(date) => {
            const SQL: &str = "DELETE FROM calendar_days WHERE date = $1";
            on_backend!(conn, c => sqlx::query(SQL).bind(date).execute(c).await.map(drop))?;
            Ok(())
        }
    }
}

async fn save_site(conn: &mut Conn<'_>, site: &Site) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO sites
         (id, name, kind, parent_id, policy, permit_second_officer, created_seq)
         VALUES ($1, $2, $3, $4, $5, $6,
             (SELECT COALESCE(MAX(created_seq), 0) + 1 FROM sites))
         ON CONFLICT (id) DO UPDATE
         SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
             policy = excluded.policy, permit_second_officer = excluded.permit_second_officer";
    let policy = site.policy.map(|policy| json(&policy)).transpose()?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(site.id.to_string())
        .bind(&site.name)
        .bind(site.kind.as_str())
        .bind(site.parent_id.map(|id| id.to_string()))
        .bind(&policy)
        .bind(site.permit_second_officer)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

async fn save_service(conn: &mut Conn<'_>, service: &Service) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO services (id, prefix, name) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET prefix = excluded.prefix, name = excluded.name";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(service.id.to_string())
        .bind(&service.prefix)
        .bind(&service.name)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

async fn save_matter(conn: &mut Conn<'_>, matter: &Matter) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO matters (id, service_id, name, materials, promised_days)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id,
             name = excluded.name, materials = excluded.materials,
             promised_days = excluded.promised_days";
    let materials = serde_json::to_string(&matter.materials).map_err(corrupt)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(matter.id.to_string())
        .bind(matter.service_id.to_string())
        .bind(&matter.name)
        .bind(&materials)
        .bind(i64::from(matter.promised_days))
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

async fn save_window(conn: &mut Conn<'_>, window: &Window) -> StorageResult<()> {
    const SAVE: &str = "INSERT INTO windows (id, site_id, number) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, number = excluded.number";
    const UNLINK: &str = "DELETE FROM window_services WHERE window_id = $1";
    const LINK: &str =
        "INSERT INTO window_services (window_id, service_id, position) VALUES ($1, $2, $3)";
    let id = window.id.to_string();
    on_backend!(conn, c => {
        sqlx::query(SAVE)
            .bind(&id)
            .bind(window.site_id.to_string())
            .bind(i64::from(window.number))
            .execute(&mut *c)
            .await?;
        sqlx::query(UNLINK).bind(&id).execute(&mut *c).await?;
        for (position, service) in window.service_ids.iter().enumerate() {
            sqlx::query(LINK)
                .bind(&id)
                .bind(service.to_string())
                .bind(position as i64)
                .execute(&mut *c)
                .await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

async fn delete_window(conn: &mut Conn<'_>, id: &str) -> StorageResult<()> {
    const UNLINK: &str = "DELETE FROM window_services WHERE window_id = $1";
    const DELETE: &str = "DELETE FROM windows WHERE id = $1";
    on_backend!(conn, c => {
        sqlx::query(UNLINK).bind(id).execute(&mut *c).await?;
        sqlx::query(DELETE).bind(id).execute(&mut *c).await.map(drop)
    })?;
    Ok(())
}

async fn save_calendar_day(conn: &mut Conn<'_>, day: &CalendarDay) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO calendar_days (date, working, name) VALUES ($1, $2, $3)
         ON CONFLICT (date) DO UPDATE SET working = excluded.working, name = excluded.name";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(&day.date)
        .bind(day.working)
        .bind(&day.name)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}
