//! `GET /api/config`: the configuration the reader may see.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::ApiError;

use crate::auth::Authed;
use crate::http_error::{HttpError, internal};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/config", get(config))
}

#[utoipa::path(get, path = "/api/config", responses((status = 200, body = ConfigSnapshot), (status = 401, body = ApiError)))]
pub async fn config(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<ConfigSnapshot>, HttpError> {
    let snapshot = super::current(&state)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    Ok(Json(super::visible_to(&actor, (*snapshot).clone())))
}
