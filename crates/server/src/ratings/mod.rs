//! Ratings (好差评) and the follow-ups of bad ratings (差评整改): the rating pad at each window,
//! ratings recorded by the clerk, working-day clocks, and the supervisors' report.

pub mod pad;
pub mod plan;
pub mod report;
pub mod routes;
pub mod sql;

use onetrip_api::command::CommandBody;
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::ApiError;
use onetrip_api::rating::Rating;
use onetrip_api::sync::EntityKind;

pub use plan::{OFFER_MS, RATING_PAD, offered, pad_actor};
pub use report::report;

use crate::actor::Actor;
use crate::changes::ChangeRecord;
use crate::clock::center_date;
use crate::storage::{Conn, StorageResult};

pub fn change(rating: &Rating) -> Result<ChangeRecord, serde_json::Error> {
    ChangeRecord::upsert(EntityKind::Rating, rating.id, rating, Some(rating.site_id))
}

/// Reads what a rating command needs and plans it; the inner result is the rating as it will
/// be stored, or the refusal.
pub async fn plan_command(
    conn: &mut Conn<'_>,
    actor: &Actor,
    body: &CommandBody,
    current: &ConfigSnapshot,
    now_ms: i64,
) -> StorageResult<Result<Rating, ApiError>> {
    let day = center_date(now_ms);
    let key = plan::view_key(body);
    let (ticket, ticket_rated) = match key.ticket {
        Some(id) => (
            crate::queue::sql::ticket(conn, id).await?,
            sql::is_rated(conn, id).await?,
        ),
        None => (None, false),
    };
    let (latest_at_window, latest_rated) = match key.window {
        Some(window) => match sql::last_finished(conn, window, &day).await? {
            Some((ticket, rated)) => (Some(ticket), rated),
            None => (None, false),
        },
        None => (None, false),
    };
    let clerk_name = match ticket.as_ref().and_then(|t| t.called_by.as_deref()) {
        Some(username) => crate::auth::sql::display_name(conn, username).await?,
        None => None,
    };
    let rating = match key.rating {
        Some(id) => sql::rating(conn, id).await?,
        None => None,
    };
    let view = plan::RatingView {
        ticket,
        ticket_rated,
        latest_at_window,
        latest_rated,
        clerk_name,
        rating,
        calendar: crate::config::working_calendar(current),
    };
    Ok(plan::plan(actor, body, &view, now_ms, &day))
}
