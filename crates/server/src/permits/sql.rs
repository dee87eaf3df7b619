//! Permit applications, permits, the numbers each authority has used per year, the condition
//! templates and the spot checks.

use onetrip_api::permits::{ApplicationState, Cohort, Permit, PermitApplication};
use onetrip_domain::permits::{ConditionTemplate, Industry};
use uuid::Uuid;

use super::SpotCheck;
use crate::storage::{Conn, StorageResult, all_parsed, json, on_backend, parsed};

/// How many applications a cohort or a list holds at most.
pub const LIST_LIMIT: i64 = 5000;

fn industry_key(industry: Industry) -> StorageResult<String> {
    match serde_json::to_value(industry).map_err(crate::storage::corrupt)? {
        serde_json::Value::String(key) => Ok(key),
        other => Err(crate::storage::corrupt(format!(
            "industry is not a string: {other}"
        ))),
    }
}

pub async fn application(
    conn: &mut Conn<'_>,
    id: Uuid,
) -> StorageResult<Option<PermitApplication>> {
    const SQL: &str = "SELECT data FROM permit_applications WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// The applications in a cohort, oldest first.
pub async fn cohort(
    conn: &mut Conn<'_>,
    site: Option<Uuid>,
    cohort: &Cohort,
) -> StorageResult<Vec<PermitApplication>> {
    const SQL: &str = "SELECT data FROM permit_applications
         WHERE ($1 IS NULL OR site_id = $1) AND state = $2
           AND ($3 IS NULL OR industry = $3) AND ($4 IS NULL OR town = $4)
         ORDER BY submitted_at_ms, id LIMIT $5";
    let state = cohort.state.unwrap_or(ApplicationState::Submitted).as_str();
    let industry = cohort.industry.map(industry_key).transpose()?;
    let site = site.map(|s| s.to_string());
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(&site)
        .bind(state)
        .bind(&industry)
        .bind(&cohort.town)
        .bind(LIST_LIMIT)
        .fetch_all(c)
        .await)?;
    let all: Vec<PermitApplication> = all_parsed(&rows)?;
    Ok(match cohort.complete {
        Some(complete) => all
            .into_iter()
            .filter(|a| a.complete() == complete)
            .collect(),
        None => all,
    })
}

/// The open or approved applications of one discharger.
pub async fn of_discharger(
    conn: &mut Conn<'_>,
    key: &str,
) -> StorageResult<Vec<PermitApplication>> {
    const SQL: &str = "SELECT data FROM permit_applications
         WHERE discharger_key = $1 AND state <> 'refused' ORDER BY submitted_at_ms LIMIT 200";
    let rows: Vec<String> =
        on_backend!(conn, c => sqlx::query_scalar(SQL).bind(key).fetch_all(c).await)?;
    all_parsed(&rows)
}

/// An organisation's applications, newest first.
pub async fn of_organisation(
    conn: &mut Conn<'_>,
    organisation: &str,
) -> StorageResult<Vec<PermitApplication>> {
    const SQL: &str = "SELECT data FROM permit_applications WHERE organisation = $1
         ORDER BY submitted_at_ms DESC, id LIMIT 1000";
    let rows: Vec<String> =
        on_backend!(conn, c => sqlx::query_scalar(SQL).bind(organisation).fetch_all(c).await)?;
    all_parsed(&rows)
}

/// Writes an application, new or changed.
pub async fn save_application(
    conn: &mut Conn<'_>,
    application: &PermitApplication,
    discharger_key: &str,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO permit_applications
         (id, site_id, organisation, state, industry, town, discharger_key, submitted_at_ms, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, data = excluded.data";
    let data = json(application)?;
    let industry = industry_key(application.draft.discharger.industry)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(application.id.to_string())
        .bind(application.site_id.to_string())
        .bind(&application.organisation)
        .bind(application.state.as_str())
        .bind(&industry)
        .bind(&application.draft.discharger.town)
        .bind(discharger_key)
        .bind(application.submitted_at_ms)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// The next sequence number of an authority's year (1 when none was used).
pub async fn next_seq(conn: &mut Conn<'_>, prefix: &str, year: i64) -> StorageResult<u32> {
    const SQL: &str = "SELECT next_seq FROM permit_numbers WHERE prefix = $1 AND year = $2";
    let row: Option<i64> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(prefix).bind(year).fetch_optional(c).await)?;
    Ok(row.map_or(1, |seq| u32::try_from(seq).unwrap_or(u32::MAX)))
}

pub async fn set_next_seq(
    conn: &mut Conn<'_>,
    prefix: &str,
    year: i64,
    next: u32,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO permit_numbers (prefix, year, next_seq) VALUES ($1, $2, $3)
         ON CONFLICT (prefix, year) DO UPDATE SET next_seq = excluded.next_seq";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(prefix)
        .bind(year)
        .bind(i64::from(next))
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

pub async fn permit(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Permit>> {
    const SQL: &str = "SELECT data FROM permits WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// A site's permits (every site's when none), by number.
pub async fn permits(conn: &mut Conn<'_>, site: Option<Uuid>) -> StorageResult<Vec<Permit>> {
    const SQL: &str = "SELECT data FROM permits WHERE ($1 IS NULL OR site_id = $1)
         ORDER BY prefix, year, seq LIMIT $2";
    let site = site.map(|s| s.to_string());
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(&site).bind(LIST_LIMIT).fetch_all(c).await)?;
    all_parsed(&rows)
}

/// Writes a permit, new or changed (voided, superseded).
pub async fn save_permit(
    conn: &mut Conn<'_>,
    permit: &Permit,
    prefix: &str,
    year: i64,
    seq: u32,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO permits
         (id, application_id, site_id, prefix, year, seq, number, state, batch_id, expires_on, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, data = excluded.data";
    let data = json(permit)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(permit.id.to_string())
        .bind(permit.application_id.to_string())
        .bind(permit.site_id.to_string())
        .bind(prefix)
        .bind(year)
        .bind(i64::from(seq))
        .bind(&permit.number)
        .bind(permit.state.as_str())
        .bind(permit.batch_id.to_string())
        .bind(&permit.expires_on)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// The templates admins changed; the defaults stand for the rest.
pub async fn templates(conn: &mut Conn<'_>) -> StorageResult<Vec<ConditionTemplate>> {
    const SQL: &str = "SELECT data FROM permit_templates ORDER BY industry";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).fetch_all(c).await)?;
    all_parsed(&rows)
}

pub async fn save_template(
    conn: &mut Conn<'_>,
    template: &ConditionTemplate,
    now_ms: i64,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO permit_templates (industry, updated_at_ms, data)
         VALUES ($1, $2, $3)
         ON CONFLICT (industry) DO UPDATE SET updated_at_ms = excluded.updated_at_ms, data = excluded.data";
    let data = json(template)?;
    let industry = industry_key(template.industry)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(&industry)
        .bind(now_ms)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

pub async fn save_spot_check(conn: &mut Conn<'_>, check: &SpotCheck) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO permit_spot_checks (id, permit_id, material, due_on, state, data)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, data = excluded.data";
    let data = json(check)?;
    let material = match serde_json::to_value(check.material).map_err(crate::storage::corrupt)? {
        serde_json::Value::String(key) => key,
        other => other.to_string(),
    };
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(check.id.to_string())
        .bind(check.permit_id.to_string())
        .bind(&material)
        .bind(&check.due_on)
        .bind(if check.done_on.is_some() { "done" } else { "open" })
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// Open spot checks, soonest first.
pub async fn open_spot_checks(conn: &mut Conn<'_>) -> StorageResult<Vec<SpotCheck>> {
    const SQL: &str = "SELECT data FROM permit_spot_checks WHERE state = 'open'
         ORDER BY due_on, id LIMIT $1";
    let rows: Vec<String> =
        on_backend!(conn, c => sqlx::query_scalar(SQL).bind(LIST_LIMIT).fetch_all(c).await)?;
    all_parsed(&rows)
}
