//! The cases table: each decision at a window, with the applicant and the trip it was.

use onetrip_api::case::{Case, CaseOutcome};
use uuid::Uuid;

use crate::clock::center_date;
use crate::storage::{Conn, StorageError, StorageResult, json, on_backend, parsed};

/// How many cases the applicant (by [`super::applicant_key`]) has had for the matter.
pub async fn count_cases(conn: &mut Conn<'_>, applicant: &str, matter: Uuid) -> StorageResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM cases WHERE applicant = $1 AND matter_id = $2";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL)
        .bind(applicant)
        .bind(matter.to_string())
        .fetch_one(c)
        .await)?)
}

/// How many cases the site decided on `day`.
pub async fn decided_on(conn: &mut Conn<'_>, site: &str, day: &str) -> StorageResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM cases WHERE site_id = $1 AND day = $2";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL)
        .bind(site)
        .bind(day)
        .fetch_one(c)
        .await)?)
}

/// One case, by id.
pub async fn case(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Case>> {
    const SQL: &str = "SELECT data FROM cases WHERE id = $1";
    let data: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(id.to_string())
        .fetch_optional(c)
        .await)?;
    data.map(|text| parsed(&text)).transpose()
}

pub async fn write(conn: &mut Conn<'_>, case: &Case) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO cases (id, site_id, day, applicant, matter_id, outcome, decided_at_ms, data, trip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    let data = json(case)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(case.id.to_string())
        .bind(case.site_id.to_string())
        .bind(center_date(case.decided_at_ms))
        .bind(super::applicant_key(&case.applicant))
        .bind(case.matter_id.to_string())
        .bind(case.outcome.as_str())
        .bind(case.decided_at_ms)
        .bind(&data)
        .bind(i64::from(case.trip))
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// The outcome and trip of each case the site decided over the days `from` to `to`.
pub async fn trips(
    conn: &mut Conn<'_>,
    site: Uuid,
    from: &str,
    to: &str,
) -> StorageResult<Vec<(CaseOutcome, u32)>> {
    const SQL: &str =
        "SELECT outcome, trip FROM cases WHERE site_id = $1 AND day >= $2 AND day <= $3";
    let rows: Vec<(String, i64)> = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(site.to_string())
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?;
    rows.into_iter()
        .map(|(outcome, trip)| {
            let outcome = [
                CaseOutcome::Accepted,
                CaseOutcome::Completed,
                CaseOutcome::Incomplete,
            ]
            .into_iter()
            .find(|o| o.as_str() == outcome)
            .ok_or_else(|| StorageError::Corrupt(format!("case outcome {outcome:?}")))?;
            let trip = u32::try_from(trip)
                .map_err(|_| StorageError::Corrupt(format!("case trip {trip}")))?;
            Ok((outcome, trip))
        })
        .collect()
}
