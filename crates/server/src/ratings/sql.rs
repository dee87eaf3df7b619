//! The ratings table, and the finished tickets a window's pad offers.

use onetrip_api::queue::Ticket;
use onetrip_api::rating::Rating;
use uuid::Uuid;

use crate::storage::{Conn, StorageResult, all_parsed, json, on_backend, parsed};

/// Whether the ticket has a rating.
pub async fn is_rated(conn: &mut Conn<'_>, ticket: Uuid) -> StorageResult<bool> {
    const SQL: &str = "SELECT COUNT(*) FROM ratings WHERE ticket_id = $1";
    let count = on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL)
        .bind(ticket.to_string())
        .fetch_one(c)
        .await)?;
    Ok(count > 0)
}

pub async fn rating(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Rating>> {
    const SQL: &str = "SELECT data FROM ratings WHERE id = $1";
    let data: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(id.to_string())
        .fetch_optional(c)
        .await)?;
    data.map(|data| parsed(&data)).transpose()
}

/// The latest ticket finished at a window on a day, and whether it has a rating.
pub async fn last_finished(
    conn: &mut Conn<'_>,
    window: Uuid,
    day: &str,
) -> StorageResult<Option<(Ticket, bool)>> {
    const SQL: &str = "SELECT t.data, (SELECT COUNT(*) FROM ratings r WHERE r.ticket_id = t.id)
         FROM tickets t WHERE t.window_id = $1 AND t.day = $2 AND t.status = 'done'
         ORDER BY t.called_at_ms DESC LIMIT 1";
    let row: Option<(String, i64)> = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(window.to_string())
        .bind(day)
        .fetch_optional(c)
        .await)?;
    row.map(|(data, ratings)| Ok((parsed(&data)?, ratings > 0)))
        .transpose()
}

/// Ratings of the days `from` to `to` (`YYYY-MM-DD`, both included) and every rating with an
/// open follow-up, at `site` (`None`: every site), oldest first.
pub async fn ratings(
    conn: &mut Conn<'_>,
    site: Option<Uuid>,
    from: &str,
    to: &str,
) -> StorageResult<Vec<Rating>> {
    const SQL: &str = "SELECT data FROM ratings
         WHERE (CAST($1 AS TEXT) IS NULL OR site_id = $1)
           AND ((day >= $2 AND day <= $3) OR follow_up = 'open')
         ORDER BY rated_at_ms, id";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(site.map(|id| id.to_string()))
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?;
    all_parsed(&rows)
}

/// Scores of the site's ratings over the days `from` to `to`.
pub async fn scores(
    conn: &mut Conn<'_>,
    site: Uuid,
    from: &str,
    to: &str,
) -> StorageResult<Vec<u8>> {
    const SQL: &str = "SELECT score FROM ratings WHERE site_id = $1 AND day >= $2 AND day <= $3";
    let scores: Vec<i64> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(site.to_string())
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?;
    Ok(scores
        .into_iter()
        .filter_map(|score| u8::try_from(score).ok())
        .collect())
}

/// Stores a rating as it now is (a follow-up step rewrites it).
pub async fn write(conn: &mut Conn<'_>, rating: &Rating) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO ratings (id, ticket_id, site_id, window_id, day, score, follow_up,
             rated_at_ms, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET follow_up = excluded.follow_up, data = excluded.data";
    let data = json(rating)?;
    let follow_up = rating
        .follow_up
        .as_ref()
        .map(|f| if f.is_closed() { "closed" } else { "open" });
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(rating.id.to_string())
        .bind(rating.ticket_id.to_string())
        .bind(rating.site_id.to_string())
        .bind(rating.window_id.to_string())
        .bind(&rating.day)
        .bind(i64::from(rating.score.get()))
        .bind(follow_up)
        .bind(rating.rated_at_ms)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}
