//! `GET /api/sync` and `GET /api/events`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, Sse};
use axum::routing::get;
use futures::Stream;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::sync::{MAX_PAGE, SyncPage};

use crate::auth::Authed;
use crate::extract::Params;
use crate::http_error::{HttpError, internal};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sync", get(sync))
        .route("/api/events", get(events))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// The cursor from the previous page; 0 for everything.
    #[serde(default)]
    #[param(minimum = 0)]
    since: i64,
    /// Most changes to return: 1 to 5,000, 5,000 when left out.
    #[param(minimum = 1, maximum = 5000)]
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/sync", params(SyncQuery),
    responses((status = 200, body = SyncPage), (status = 400, body = ApiError)))]
pub async fn sync(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(query): Params<SyncQuery>,
) -> Result<impl IntoResponse, HttpError> {
    let limit = query.limit.unwrap_or(MAX_PAGE);
    if query.since < 0 || !(1..=MAX_PAGE).contains(&limit) {
        return Err(HttpError(ApiError::new(
            ErrorCode::BadRequest,
            actor.lang.pick(
                format!("同步参数不正确：since 不能小于 0，limit 须在 1 到 {MAX_PAGE} 之间"),
                format!(
                    "Wrong sync parameters: since must not be negative, limit must be 1 to {MAX_PAGE}"
                ),
            ),
        )));
    }
    let page = async {
        let mut pooled = state.store.acquire().await?;
        let reader = super::Reader {
            site: actor.scope().site,
            account: Some(actor.account.id),
            all_projects: crate::review::opinions::is_lead(&actor),
        };
        super::sync_page_json(&mut pooled.conn(), query.since, limit, &reader).await
    }
    .await
    .map_err(|e| internal(actor.lang, e))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], page))
}

/// `GET /api/events`: Server-Sent Events whose ids are change-log positions. A client that
/// reconnects with `Last-Event-ID` behind the head gets the head at once.
#[utoipa::path(get, path = "/api/events", responses((status = 200, description = "text/event-stream of change positions")))]
pub async fn events(
    State(state): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, HttpError> {
    // Subscribe before reading the head so that nothing committed in between is missed.
    let receiver = state.store.subscribe();
    let head = async {
        let mut pooled = state.store.acquire().await?;
        crate::changes::head(&mut pooled.conn()).await
    }
    .await
    .map_err(|e| internal(actor.lang, e))?;
    let last_seen = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok());
    let first = (last_seen.is_none_or(|seen| seen < head)).then_some(head);
    let stream = futures::stream::unfold(
        (first, receiver, head),
        |(first, mut receiver, mut sent)| async move {
            if let Some(seq) = first {
                return Some((change_event(seq), (None, receiver, sent)));
            }
            loop {
                match receiver.recv().await {
                    Ok(seq) if seq > sent => {
                        sent = seq;
                        return Some((change_event(seq), (None, receiver, sent)));
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        },
    );
    Ok(crate::events::until_shutdown(&state, stream))
}

fn change_event(seq: i64) -> Result<Event, std::convert::Infallible> {
    Ok(Event::default()
        .event("change")
        .id(seq.to_string())
        .data(format!("{{\"seq\":{seq}}}")))
}
