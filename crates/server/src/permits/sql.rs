//! Permit applications, permits, the numbers each authority has used per year, the condition
//! templates, the spot checks, and the batches and voids waiting for a second officer.

use onetrip_api::permits::{
    ApplicationState, Cohort, Permit, PermitApplication, PermitCheck, SpotCheck,
};
use onetrip_domain::permits::{ConditionTemplate, Industry};
use uuid::Uuid;

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
         (id, site_id, organisation, state, industry, town, discharger_key, submitted_at_ms,
          case_id, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
        .bind(application.case_id.map(|id| id.to_string()))
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
         (id, application_id, site_id, prefix, year, seq, number, state, batch_id, expires_on,
          issued_on, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
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
        .bind(&permit.issued_on)
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

/// A site's open spot checks of its active permits (every site's when `site` is none), soonest
/// due first: a permit voided or replaced has nothing left to check.
pub async fn open_spot_checks(
    conn: &mut Conn<'_>,
    site: Option<Uuid>,
) -> StorageResult<Vec<SpotCheck>> {
    const SQL: &str = "SELECT c.data FROM permit_spot_checks c JOIN permits p ON p.id = c.permit_id
         WHERE c.state = 'open' AND p.state = 'active' AND ($1 IS NULL OR p.site_id = $1)
         ORDER BY c.due_on, c.id LIMIT $2";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(site.map(|s| s.to_string()))
        .bind(LIST_LIMIT)
        .fetch_all(c)
        .await)?;
    all_parsed(&rows)
}

/// A spot check with the site of its permit.
pub async fn spot_check(
    conn: &mut Conn<'_>,
    id: Uuid,
) -> StorageResult<Option<(SpotCheck, String)>> {
    const SQL: &str = "SELECT c.data, p.site_id FROM permit_spot_checks c
         JOIN permits p ON p.id = c.permit_id WHERE c.id = $1";
    let row: Option<(String, String)> = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(id.to_string())
        .fetch_optional(c)
        .await)?;
    row.map(|(data, site)| Ok((parsed(&data)?, site)))
        .transpose()
}

pub async fn check(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<PermitCheck>> {
    const SQL: &str = "SELECT data FROM permit_checks WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(id.to_string())
        .fetch_optional(c)
        .await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// A site's checks waiting for a second officer (every site's when `site` is none), oldest
/// first.
pub async fn pending_checks(
    conn: &mut Conn<'_>,
    site: Option<Uuid>,
) -> StorageResult<Vec<PermitCheck>> {
    const SQL: &str = "SELECT data FROM permit_checks
         WHERE state = 'pending' AND ($1 IS NULL OR site_id = $1)
         ORDER BY made_at_ms, id LIMIT $2";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(site.map(|s| s.to_string()))
        .bind(LIST_LIMIT)
        .fetch_all(c)
        .await)?;
    all_parsed(&rows)
}

pub async fn save_check(conn: &mut Conn<'_>, check: &PermitCheck) -> StorageResult<()> {
    // A decided check is never reopened or changed.
    const SQL: &str = "INSERT INTO permit_checks (id, site_id, state, made_at_ms, data)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, data = excluded.data
         WHERE permit_checks.state = 'pending'";
    let data = json(check)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(check.id.to_string())
        .bind(check.site_id.to_string())
        .bind(check.state.as_str())
        .bind(check.made_at_ms)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// A site's active permits whose last day is from `from` to `until`, soonest first.
pub async fn expiring(
    conn: &mut Conn<'_>,
    site: Option<Uuid>,
    from: &str,
    until: &str,
) -> StorageResult<Vec<Permit>> {
    const SQL: &str = "SELECT data FROM permits
         WHERE state = 'active' AND ($1 IS NULL OR site_id = $1)
           AND expires_on >= $2 AND expires_on <= $3
         ORDER BY expires_on, prefix, year, seq LIMIT $4";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(site.map(|s| s.to_string()))
        .bind(from)
        .bind(until)
        .bind(LIST_LIMIT)
        .fetch_all(c)
        .await)?;
    all_parsed(&rows)
}

/// The day the last renewal reminder went out for each of a site's active permits expiring
/// on or before `until`.
pub async fn last_reminded(
    conn: &mut Conn<'_>,
    site: Option<Uuid>,
    until: &str,
) -> StorageResult<Vec<(String, String)>> {
    const SQL: &str = "SELECT r.permit_id, MAX(r.sent_on) FROM permit_reminders r
         JOIN permits p ON p.id = r.permit_id
         WHERE p.state = 'active' AND ($1 IS NULL OR p.site_id = $1) AND p.expires_on <= $2
         GROUP BY r.permit_id";
    Ok(on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(site.map(|s| s.to_string()))
        .bind(until)
        .fetch_all(c)
        .await)?)
}

/// A renewal reminder sent for a permit today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub permit_id: Uuid,
    pub sent_on: String,
    /// Its days before expiry: 30, 14 or 1.
    pub stage: i64,
    pub sent_by: String,
    pub sent_at_ms: i64,
}

pub async fn save_reminder(conn: &mut Conn<'_>, reminder: &Reminder) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO permit_reminders (permit_id, sent_on, stage, sent_by, sent_at_ms)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (permit_id, sent_on) DO UPDATE SET stage = excluded.stage,
             sent_by = excluded.sent_by, sent_at_ms = excluded.sent_at_ms";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(reminder.permit_id.to_string())
        .bind(&reminder.sent_on)
        .bind(reminder.stage)
        .bind(&reminder.sent_by)
        .bind(reminder.sent_at_ms)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// What the statistics read of the permits a site issued over a range of days.
#[derive(Debug, Clone, Default)]
pub struct IssuedRows {
    pub permits: Vec<Permit>,
    pub applications: Vec<PermitApplication>,
    /// Each permit's first print on an official form, and first delivery at the door.
    pub printed_at_ms: Vec<(String, i64)>,
    pub delivered_at_ms: Vec<(String, i64)>,
    /// The window cases the applications came from.
    pub cases: Vec<onetrip_api::case::Case>,
}

/// The permits a site issued from `from` to `to` (every site's when `site` is none), with what
/// the statistics read of them.
pub async fn issued(
    conn: &mut Conn<'_>,
    site: Option<Uuid>,
    from: &str,
    to: &str,
) -> StorageResult<IssuedRows> {
    const PERMITS: &str = "SELECT data FROM permits
         WHERE ($1 IS NULL OR site_id = $1) AND issued_on >= $2 AND issued_on <= $3";
    const APPLICATIONS: &str = "SELECT data FROM permit_applications WHERE id IN
         (SELECT application_id FROM permits
          WHERE ($1 IS NULL OR site_id = $1) AND issued_on >= $2 AND issued_on <= $3)";
    const PRINTED: &str = "SELECT permit_id, MIN(used_at_ms) FROM permit_forms
         WHERE kind = 'printed' AND permit_id IN (SELECT id FROM permits
          WHERE ($1 IS NULL OR site_id = $1) AND issued_on >= $2 AND issued_on <= $3)
         GROUP BY permit_id";
    const DELIVERED: &str = "SELECT permit_id, MIN(at_ms) FROM delivery_attempts
         WHERE outcome = 'delivered' AND permit_id IN (SELECT id FROM permits
          WHERE ($1 IS NULL OR site_id = $1) AND issued_on >= $2 AND issued_on <= $3)
         GROUP BY permit_id";
    const CASES: &str = "SELECT data FROM cases WHERE id IN
         (SELECT a.case_id FROM permit_applications a
          WHERE a.case_id IS NOT NULL AND a.id IN (SELECT application_id FROM permits
          WHERE ($1 IS NULL OR site_id = $1) AND issued_on >= $2 AND issued_on <= $3))";
    let site = site.map(|s| s.to_string());
    let permits: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(PERMITS)
        .bind(&site).bind(from).bind(to).fetch_all(c).await)?;
    let applications: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(APPLICATIONS)
        .bind(&site).bind(from).bind(to).fetch_all(c).await)?;
    let printed_at_ms = on_backend!(conn, c => sqlx::query_as(PRINTED)
        .bind(&site).bind(from).bind(to).fetch_all(c).await)?;
    let delivered_at_ms = on_backend!(conn, c => sqlx::query_as(DELIVERED)
        .bind(&site).bind(from).bind(to).fetch_all(c).await)?;
    let cases: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(CASES)
        .bind(&site).bind(from).bind(to).fetch_all(c).await)?;
    Ok(IssuedRows {
        permits: all_parsed(&permits)?,
        applications: all_parsed(&applications)?,
        printed_at_ms,
        delivered_at_ms,
        cases: all_parsed(&cases)?,
    })
}
