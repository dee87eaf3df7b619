//! The rating pad (评价器): a touch page on the tablet at a window, served by the central API
//! without a login like the kiosk. It shows the ticket just finished at its window and lets
//! the citizen rate it; the endpoints accept a rating only for the ticket the window offers
//! at that moment (see [`crate::ratings::offered`]), so nobody can rate other tickets from it.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::rating::{Rating, RatingDraft, RatingSource};
use onetrip_domain::Lang;
use onetrip_domain::rating::RatingReason;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::extract::{Body, PathParam};
use crate::http_error::HttpError;
use crate::lang::ClientLang;
use crate::state::AppState;

/// The ticket the pad offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PadTicket {
    pub id: Uuid,
    pub number: String,
    pub service: String,
    pub finished_at_ms: i64,
}

/// What the pad shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PadState {
    pub site_id: Uuid,
    pub site: String,
    pub window: u16,
    /// The ticket waiting for its rating, if any.
    pub ticket: Option<PadTicket>,
}

/// What the pad sends. `id` is made by the page for each rating, so that a retried request
/// is applied once.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PadRating {
    pub id: Option<Uuid>,
    pub ticket_id: Uuid,
    /// 5 非常满意 … 1 非常不满意.
    #[schema(minimum = 1, maximum = 5)]
    pub score: u8,
    #[serde(default)]
    pub reasons: Vec<RatingReason>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The answer to a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PadRated {
    pub number: String,
    pub score: u8,
    /// A bad rating: a supervisor will call back.
    pub follow_up: bool,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/rate/{window}", get(page)).route(
        "/api/public/windows/{window}/rating",
        get(pad_state).post(rate),
    )
}

fn internal(lang: Lang, error: impl std::fmt::Display) -> HttpError {
    HttpError(crate::http_error::internal(lang, error))
}

/// The window, its site and the ticket it offers now.
async fn offer(state: &AppState, window: Uuid, lang: Lang) -> Result<PadState, HttpError> {
    let snapshot = crate::config::current(state)
        .await
        .map_err(|e| internal(lang, e))?;
    let not_found = || {
        HttpError(ApiError::new(
            ErrorCode::NotFound,
            lang.pick("没有这个窗口".into(), "No such window".into()),
        ))
    };
    let at = snapshot
        .windows
        .iter()
        .find(|w| w.id == window)
        .ok_or_else(not_found)?;
    let site = snapshot
        .sites
        .iter()
        .find(|s| s.id == at.site_id)
        .ok_or_else(not_found)?;
    let now = state.clock.now_ms();
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let latest =
        super::sql::last_finished(&mut pooled.conn(), window, &crate::clock::center_date(now))
            .await
            .map_err(|e| internal(lang, e))?;
    let (latest, rated) = match latest {
        Some((ticket, rated)) => (Some(ticket), rated),
        None => (None, false),
    };
    let ticket = super::plan::offered(latest, rated, now).map(|ticket| PadTicket {
        service: snapshot
            .services
            .iter()
            .find(|s| s.id == ticket.service_id)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        id: ticket.id,
        number: ticket.number,
        finished_at_ms: ticket.finished_at_ms.unwrap_or(now),
    });
    Ok(PadState {
        site_id: site.id,
        site: site.name.clone(),
        window: at.number,
        ticket,
    })
}

/// `GET /api/public/windows/{window}/rating`: the window, and the ticket its pad offers now.
#[utoipa::path(get, path = "/api/public/windows/{window}/rating", params(("window" = Uuid, Path, description = "The window's id, from `GET /api/config`")),
    responses((status = 200, body = PadState), (status = 404, body = ApiError)))]
pub async fn pad_state(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    PathParam(window): PathParam<Uuid>,
) -> Result<Json<PadState>, HttpError> {
    Ok(Json(offer(&state, window, lang).await?))
}

/// `POST /api/public/windows/{window}/rating`: the citizen rates the ticket the pad offers.
#[utoipa::path(post, path = "/api/public/windows/{window}/rating", params(("window" = Uuid, Path, description = "The window's id, from `GET /api/config`")), request_body = PadRating,
    responses((status = 200, body = PadRated), (status = 400, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn rate(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    PathParam(window): PathParam<Uuid>,
    body: Result<Body<PadRating>, HttpError>,
) -> Result<Json<PadRated>, HttpError> {
    let Body(request) = body.map_err(|_| {
        HttpError(ApiError::new(
            ErrorCode::BadRequest,
            lang.pick("请选择评价".into(), "Choose a rating".into()),
        ))
    })?;
    let site = offer(&state, window, lang).await?.site_id;
    // Whether the ticket is the one offered is checked again in the command's transaction.
    let command = Command {
        id: request.id.unwrap_or_else(Uuid::new_v4),
        body: CommandBody::RateTicket(RatingDraft {
            id: Uuid::new_v4(),
            ticket_id: request.ticket_id,
            window_id: Some(window),
            score: request.score,
            reasons: request.reasons,
            comment: request.comment,
            source: RatingSource::Pad,
        }),
        base_version: None,
    };
    let outcome = state
        .commands
        .apply(
            &super::plan::pad_actor(site, lang),
            &command,
            state.clock.now_ms(),
        )
        .await
        .map_err(|e| internal(lang, e))?;
    let rating: Rating = match (outcome.status, outcome.record, outcome.error) {
        (CommandStatus::Applied, Some(record), _) => {
            serde_json::from_value(record).map_err(|e| internal(lang, e))?
        }
        (_, _, Some(error)) => return Err(HttpError(error)),
        _ => return Err(internal(lang, "the pad's rating was not recorded")),
    };
    Ok(Json(PadRated {
        number: rating.ticket_number,
        score: rating.score.get(),
        follow_up: rating.follow_up.is_some(),
    }))
}

/// `GET /rate/{window}`: the rating pad page.
#[utoipa::path(get, path = "/rate/{window}", params(("window" = Uuid, Path, description = "The window's id, from `GET /api/config`")),
    responses((status = 200, description = "The rating pad, a self-contained HTML page", content_type = "text/html")))]
pub async fn page(PathParam(window): PathParam<Uuid>) -> Response {
    crate::public_page::html(PAGE.replace("{{WINDOW}}", &window.to_string()))
}

const PAGE: &str = include_str!("pad.html");
