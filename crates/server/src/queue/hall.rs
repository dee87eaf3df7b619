//! The hall display (大屏), served without a login: the ticket at each window, recent calls
//! and windows on a break, live over Server-Sent Events, the call spoken by the browser.
//!
//! Each public page is one self-contained HTML document reading the JSON endpoints below.

use axum::extract::State;
use axum::response::Response;
use axum::response::sse::{Event, Sse};
use axum::{Json, Router, routing::get};
use futures::Stream;
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::queue::{Ticket, TicketStatus};
use onetrip_domain::Lang;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::extract::PathParam;
use crate::http_error::HttpError;
use crate::lang::ClientLang;
use crate::state::AppState;

/// A ticket being served or just called, as the hall shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HallCall {
    pub number: String,
    /// The holder's name masked (张*明), when the ticket knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub window: u16,
    pub called_at_ms: i64,
    pub recalls: u32,
}

/// What the hall display shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HallState {
    pub site: String,
    /// The ticket at each window now, by window number.
    pub current: Vec<HallCall>,
    /// The latest calls, newest first.
    pub recent: Vec<HallCall>,
    pub waiting: usize,
    /// Windows on a break (暂停服务), by number.
    pub paused: Vec<u16>,
}

/// Latest calls the display lists.
const RECENT_CALLS: usize = 8;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hall/{site}", get(hall_page))
        .route("/api/public/sites/{site}/hall", get(hall_state))
        .route("/api/public/sites/{site}/events", get(hall_events))
}

fn not_found(lang: Lang) -> HttpError {
    HttpError(ApiError::new(
        ErrorCode::NotFound,
        lang.pick("没有这个中心".into(), "No such site".into()),
    ))
}

pub(super) fn internal(lang: Lang, error: impl std::fmt::Display) -> HttpError {
    tracing::error!(%error, "hall screen failed");
    HttpError(ApiError::new(
        ErrorCode::Internal,
        lang.pick(
            "服务器内部错误，请稍后重试".into(),
            "Internal server error; try again later".into(),
        ),
    ))
}

/// The site's name and today's tickets.
pub(super) async fn site_day(
    state: &AppState,
    site: Uuid,
    lang: Lang,
) -> Result<(std::sync::Arc<ConfigSnapshot>, String, Vec<Ticket>), HttpError> {
    let snapshot = crate::config::current(state)
        .await
        .map_err(|e| internal(lang, e))?;
    let name = snapshot
        .sites
        .iter()
        .find(|s| s.id == site)
        .map(|s| s.name.clone())
        .ok_or_else(|| not_found(lang))?;
    let day = crate::clock::center_date(state.clock.now_ms());
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let tickets = super::sql::tickets_of_day(&mut pooled.conn(), site, &day)
        .await
        .map_err(|e| internal(lang, e))?;
    Ok((snapshot, name, tickets))
}

/// What the hall display shows for a site's tickets of the day and its windows on a break.
pub fn hall(site: String, tickets: &[Ticket], paused: Vec<u16>) -> HallState {
    let call = |t: &Ticket| {
        Some(HallCall {
            number: t.number.clone(),
            name: t.public_name(),
            window: t.window_number?,
            called_at_ms: t.called_at_ms?,
            recalls: t.recalls,
        })
    };
    let mut current: Vec<HallCall> = tickets
        .iter()
        .filter(|t| t.status == TicketStatus::Called)
        .filter_map(call)
        .collect();
    current.sort_by_key(|c| c.window);
    let mut recent: Vec<HallCall> = tickets.iter().filter_map(call).collect();
    recent.sort_by_key(|c| std::cmp::Reverse(c.called_at_ms));
    recent.truncate(RECENT_CALLS);
    HallState {
        site,
        current,
        recent,
        waiting: tickets
            .iter()
            .filter(|t| t.status == TicketStatus::Waiting)
            .count(),
        paused,
    }
}

/// Numbers of the site's windows on a break, in order.
pub(super) async fn paused_windows(
    state: &AppState,
    snapshot: &ConfigSnapshot,
    site: Uuid,
    lang: Lang,
) -> Result<Vec<u16>, HttpError> {
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let states = super::sql::window_states(&mut pooled.conn(), site)
        .await
        .map_err(|e| internal(lang, e))?;
    let mut paused: Vec<u16> = snapshot
        .windows
        .iter()
        .filter(|w| states.iter().any(|s| s.window_id == w.id && s.on_break))
        .map(|w| w.number)
        .collect();
    paused.sort_unstable();
    Ok(paused)
}

/// `GET /api/public/sites/{site}/hall`: what the hall display shows now.
#[utoipa::path(get, path = "/api/public/sites/{site}/hall", params(("site" = Uuid, Path, description = "The site's id, from `GET /api/config`")),
    responses((status = 200, body = HallState), (status = 404, body = ApiError)))]
pub async fn hall_state(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    PathParam(site): PathParam<Uuid>,
) -> Result<Json<HallState>, HttpError> {
    let (snapshot, name, tickets) = site_day(&state, site, lang).await?;
    let paused = paused_windows(&state, &snapshot, site, lang).await?;
    Ok(Json(hall(name, &tickets, paused)))
}

/// Tells open displays that something changed; they fetch the hall state again. Pings carry
/// no data of any site, so they are safe to publish.
#[utoipa::path(get, path = "/api/public/sites/{site}/events", params(("site" = Uuid, Path, description = "The site's id, from `GET /api/config`")),
    responses((status = 200, description = "text/event-stream: a `changed` event whenever the hall may have changed", content_type = "text/event-stream")))]
pub async fn hall_events(
    State(state): State<AppState>,
    PathParam(_site): PathParam<Uuid>,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    let receiver = state.store.subscribe();
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(seq) => {
                    return Some((
                        Ok(Event::default().event("changed").data(seq.to_string())),
                        receiver,
                    ));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    crate::events::until_shutdown(&state, stream)
}

/// `GET /hall/{site}`: the hall display page.
#[utoipa::path(get, path = "/hall/{site}", params(("site" = Uuid, Path, description = "The site's id, from `GET /api/config`")),
    responses((status = 200, description = "The hall display, a self-contained HTML page", content_type = "text/html")))]
pub async fn hall_page(PathParam(site): PathParam<Uuid>) -> Response {
    crate::public_page::html(HALL_PAGE.replace("{{SITE}}", &site.to_string()))
}

const HALL_PAGE: &str = include_str!("hall.html");

#[cfg(test)]
pub(super) mod tests {
    use onetrip_api::queue::TicketSource;
    use onetrip_domain::queue::PriorityClass;

    use super::*;

    pub(crate) fn ticket(
        n: i64,
        status: TicketStatus,
        window: Option<u16>,
        called: Option<i64>,
    ) -> Ticket {
        Ticket {
            id: Uuid::from_u128(n as u128),
            site_id: Uuid::nil(),
            service_id: Uuid::nil(),
            day: "2026-11-27".into(),
            seq: n,
            number: format!("A{n:03}"),
            class: PriorityClass::Normal,
            source: TicketSource::Kiosk,
            status,
            issued_at_ms: n,
            queued_at_ms: n,
            appointment_at_ms: None,
            called_at_ms: called,
            window_id: window.map(|_| Uuid::from_u128(99)),
            window_number: window,
            recalls: 0,
            called_by: None,
            finished_at_ms: called.map(|at| at + 10 * 60_000),
            holder: None,
            appointment_id: None,
        }
    }

    #[test]
    fn the_display_shows_current_calls_by_window_and_the_latest_first() {
        let tickets = vec![
            ticket(1, TicketStatus::Done, Some(3), Some(1_000)),
            ticket(2, TicketStatus::Called, Some(5), Some(3_000)),
            ticket(3, TicketStatus::Called, Some(2), Some(2_000)),
            ticket(4, TicketStatus::Waiting, None, None),
        ];
        let state = hall("中心".into(), &tickets, vec![]);
        assert_eq!(
            state.current.iter().map(|c| c.window).collect::<Vec<_>>(),
            [2, 5]
        );
        assert_eq!(
            state
                .recent
                .iter()
                .map(|c| c.number.as_str())
                .collect::<Vec<_>>(),
            ["A002", "A003", "A001"]
        );
        assert_eq!(state.waiting, 1);
    }
}
