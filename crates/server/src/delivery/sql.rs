//! Delivery runs and the attempts at the door.

use onetrip_api::delivery::{AttemptOutcome, DeliveryAttempt, DeliveryRun};
use uuid::Uuid;

use crate::storage::{Conn, StorageResult, all_parsed, json, on_backend, parsed};

fn outcome_key(outcome: AttemptOutcome) -> &'static str {
    match outcome {
        AttemptOutcome::Delivered => "delivered",
        AttemptOutcome::Failed => "failed",
        AttemptOutcome::Refused => "refused",
    }
}

pub async fn save_run(conn: &mut Conn<'_>, run: &DeliveryRun) -> StorageResult<()> {
    const RUN: &str = "INSERT INTO delivery_runs (id, site_id, day, data) VALUES ($1, $2, $3, $4)";
    const STOP: &str = "INSERT INTO delivery_stops (run_id, permit_id) VALUES ($1, $2)";
    let data = json(run)?;
    on_backend!(conn, c => sqlx::query(RUN)
        .bind(run.id.to_string())
        .bind(run.site_id.to_string())
        .bind(&run.day)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    for stop in &run.stops {
        on_backend!(conn, c => sqlx::query(STOP)
            .bind(run.id.to_string())
            .bind(stop.permit_id.to_string())
            .execute(c)
            .await
            .map(drop))?;
    }
    Ok(())
}

pub async fn run(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<DeliveryRun>> {
    const SQL: &str = "SELECT data FROM delivery_runs WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(id.to_string())
        .fetch_optional(c)
        .await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// How many runs the site has on `day`, for numbering.
pub async fn runs_on(conn: &mut Conn<'_>, site: Uuid, day: &str) -> StorageResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM delivery_runs WHERE site_id = $1 AND day = $2";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL)
        .bind(site.to_string())
        .bind(day)
        .fetch_one(c)
        .await)?)
}

/// How many receipts (送达回证) were numbered in `year`.
pub async fn receipts_in(conn: &mut Conn<'_>, year: &str) -> StorageResult<i64> {
    const SQL: &str =
        "SELECT COUNT(*) FROM delivery_attempts WHERE outcome = 'delivered' AND year = $1";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL)
        .bind(year)
        .fetch_one(c)
        .await)?)
}

pub async fn save_attempt(conn: &mut Conn<'_>, attempt: &DeliveryAttempt) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO delivery_attempts (id, run_id, permit_id, outcome, at_ms, year, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let draft = &attempt.draft;
    let data = json(attempt)?;
    // Only deliveries are numbered; the others count in no year.
    let year = match draft.outcome {
        AttemptOutcome::Delivered => super::receipt_year(draft.at_ms),
        _ => String::new(),
    };
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(draft.id.to_string())
        .bind(draft.run_id.to_string())
        .bind(draft.permit_id.to_string())
        .bind(outcome_key(draft.outcome))
        .bind(draft.at_ms)
        .bind(&year)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// The attempts at a permit, in the order they happened at the door.
pub async fn attempts_at(conn: &mut Conn<'_>, permit: Uuid) -> StorageResult<Vec<DeliveryAttempt>> {
    const SQL: &str = "SELECT data FROM delivery_attempts WHERE permit_id = $1 ORDER BY at_ms, id";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(permit.to_string())
        .fetch_all(c)
        .await)?;
    all_parsed(&rows)
}

/// Where a permit stands for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Not in a run, or its last run's attempt failed: it can go on a run.
    Free,
    /// A stop of this run (by number) with no attempt yet.
    Waiting(String),
    /// Delivered.
    Delivered,
}

/// Where a permit stands: delivered once any attempt delivered it; waiting while a run holds
/// it without an attempt there; free otherwise (never planned, failed or refused).
pub async fn standing(conn: &mut Conn<'_>, permit: Uuid) -> StorageResult<Standing> {
    const RUNS: &str = "SELECT r.data FROM delivery_stops s JOIN delivery_runs r ON r.id = s.run_id
         WHERE s.permit_id = $1";
    let attempts = attempts_at(conn, permit).await?;
    if attempts
        .iter()
        .any(|a| a.draft.outcome == AttemptOutcome::Delivered)
    {
        return Ok(Standing::Delivered);
    }
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(RUNS)
        .bind(permit.to_string())
        .fetch_all(c)
        .await)?;
    let runs: Vec<DeliveryRun> = all_parsed(&rows)?;
    let waiting = runs
        .iter()
        .find(|run| !attempts.iter().any(|a| a.draft.run_id == run.id));
    Ok(match waiting {
        Some(run) => Standing::Waiting(run.number.clone()),
        None => Standing::Free,
    })
}
