//! `GET /api/review/stats` and `GET /api/review/stats/export`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use onetrip_api::error::ApiError;
use onetrip_api::review_stats::{ReviewStats, ReviewStatsQuery};
use onetrip_api::stats::ExportFormat;

use crate::auth::Authed;
use crate::extract::Params;
use crate::http_error::HttpError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/review/stats", get(review_stats))
        .route("/api/review/stats/export", get(review_stats_export))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewStatsParams {
    /// First acceptance day, `YYYY-MM-DD`; with neither day, every round.
    from: Option<String>,
    /// Last acceptance day, `YYYY-MM-DD`, included.
    to: Option<String>,
    /// `csv` or `xlsx`; exports only.
    #[param(value_type = Option<String>)]
    format: Option<ExportFormat>,
}

impl ReviewStatsParams {
    fn query(&self) -> ReviewStatsQuery {
        ReviewStatsQuery {
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// `GET /api/review/stats`: projects, opinions, the clauses cited most and the specialties'
/// working days over a range of acceptance dates (review leads).
#[utoipa::path(get, path = "/api/review/stats", params(ReviewStatsParams),
    responses((status = 200, body = ReviewStats), (status = 403, body = ApiError),
        (status = 422, body = ApiError)))]
pub async fn review_stats(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(params): Params<ReviewStatsParams>,
) -> Result<Json<ReviewStats>, HttpError> {
    Ok(Json(
        super::review_stats(&state, &actor, &params.query()).await?,
    ))
}

/// `GET /api/review/stats/export?format=csv|xlsx`: the same figures as a file to download.
#[utoipa::path(get, path = "/api/review/stats/export", params(ReviewStatsParams),
    responses((status = 200, description = "text/csv or an XLSX workbook, as an attachment"),
        (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn review_stats_export(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(params): Params<ReviewStatsParams>,
) -> Result<Response, HttpError> {
    let file = super::export_file(&state, &actor, &params.query(), params.format).await?;
    Ok(file.into_response())
}
