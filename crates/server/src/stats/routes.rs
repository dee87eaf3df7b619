//! `GET /api/stats` and `GET /api/stats/export`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use onetrip_api::error::ApiError;
use onetrip_api::stats::{ExportFormat, QueueStats, StatsQuery};

use crate::auth::Authed;
use crate::extract::Params;
use crate::http_error::HttpError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/stats", get(stats))
        .route("/api/stats/export", get(stats_export))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// The site; the account's own when left out.
    site: Option<uuid::Uuid>,
    /// First day, `YYYY-MM-DD`; today when left out.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`, included; today when left out.
    to: Option<String>,
    /// `csv` or `xlsx`; exports only.
    #[param(value_type = Option<String>)]
    format: Option<ExportFormat>,
}

impl StatsParams {
    fn query(&self) -> StatsQuery {
        StatsQuery {
            site: self.site,
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// `GET /api/stats`: a site's queue and case figures over a range of days (supervisors and
/// administrators).
#[utoipa::path(get, path = "/api/stats", params(StatsParams),
    responses((status = 200, body = QueueStats), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 422, body = ApiError)))]
pub async fn stats(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(params): Params<StatsParams>,
) -> Result<Json<QueueStats>, HttpError> {
    Ok(Json(
        super::queue_stats(&state, &actor, &params.query()).await?,
    ))
}

/// `GET /api/stats/export?format=csv|xlsx`: the same figures as a file to download.
#[utoipa::path(get, path = "/api/stats/export", params(StatsParams),
    responses((status = 200, description = "text/csv or an XLSX workbook, as an attachment"),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn stats_export(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(params): Params<StatsParams>,
) -> Result<Response, HttpError> {
    let file = super::export_file(&state, &actor, &params.query(), params.format).await?;
    Ok(file.into_response())
}
