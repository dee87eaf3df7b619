//! What the statistics of a site and a range of days are computed from: the tickets' moments
//! (answered from the `tickets_stats` index), the cases' trips, the clerks' names and the
//! ratings' scores.

use onetrip_api::queue::TicketStatus;
use uuid::Uuid;

use super::{CaseTrip, StatsRows, TicketTimes};
use crate::storage::{Conn, StorageError, StorageResult, Store, on_backend};

async fn ticket_times(
    conn: &mut Conn<'_>,
    site: &str,
    from: &str,
    to: &str,
) -> StorageResult<Vec<TicketTimes>> {
    const SQL: &str = "SELECT service_id, window_id, called_by, status, queued_at_ms, called_at_ms, finished_at_ms
         FROM tickets WHERE site_id = $1 AND day >= $2 AND day <= $3";
    type Row = (
        String,
        Option<String>,
        Option<String>,
        String,
        i64,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?;
    rows.into_iter()
        .map(
            |(
                service_id,
                window_id,
                called_by,
                status,
                queued_at_ms,
                called_at_ms,
                finished_at_ms,
            )| {
                Ok(TicketTimes {
                    service_id,
                    window_id,
                    called_by,
                    status: TicketStatus::parse(&status).ok_or_else(|| {
                        StorageError::Corrupt(format!("ticket status {status:?}"))
                    })?,
                    queued_at_ms,
                    called_at_ms,
                    finished_at_ms,
                })
            },
        )
        .collect()
}

/// The rows of `site` over the days `from` to `to` (`YYYY-MM-DD`, inclusive).
pub async fn stats_rows(
    store: &Store,
    site: Uuid,
    from: &str,
    to: &str,
) -> StorageResult<StatsRows> {
    let mut pooled = store.acquire().await?;
    let conn = &mut pooled.conn();
    let tickets = ticket_times(conn, &site.to_string(), from, to).await?;
    let cases = crate::cases::sql::trips(conn, site, from, to)
        .await?
        .into_iter()
        .map(|(outcome, trip)| CaseTrip { outcome, trip })
        .collect();
    let clerks = crate::auth::sql::display_names(conn).await?;
    let scores = crate::ratings::sql::scores(conn, site, from, to).await?;
    Ok(StatsRows {
        tickets,
        cases,
        clerks,
        scores,
    })
}
