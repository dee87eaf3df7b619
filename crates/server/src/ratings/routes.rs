//! `GET /api/ratings/report`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use onetrip_api::error::ApiError;
use onetrip_api::rating::RatingsReport;

use crate::auth::Authed;
use crate::extract::Params;
use crate::http_error::HttpError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/ratings/report", get(ratings_report))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First day of the range, `YYYY-MM-DD`.
    from: String,
    /// Last day of the range, `YYYY-MM-DD`, included.
    to: String,
}

/// `GET /api/ratings/report`: the ratings of a date range at the reader's sites, by window and
/// by clerk, and the follow-ups of bad ratings with their clocks (supervisors and
/// administrators). The desktop builds the same report from its local cache.
#[utoipa::path(get, path = "/api/ratings/report", params(ReportQuery),
    responses((status = 200, body = RatingsReport), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn ratings_report(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(query): Params<ReportQuery>,
) -> Result<Json<RatingsReport>, HttpError> {
    let now = state.clock.now_ms();
    Ok(Json(
        super::report(&state.store, &actor, &query.from, &query.to, now).await?,
    ))
}
