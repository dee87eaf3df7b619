//! `GET /api/verify/key`, `POST /api/verify`, and the public `/verify` page.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use onetrip_api::error::ApiError;
use onetrip_api::verify::{VerifyKey, VerifyRequest, VerifyResponse};

use crate::extract::Body;
use crate::http_error::{HttpError, internal};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/verify/key", get(verify_key))
        .route("/api/verify", post(verify_payload))
        .route(super::verify_page::PATH, get(super::verify_page::page))
}

#[utoipa::path(get, path = "/api/verify/key", responses((status = 200, body = VerifyKey)))]
pub async fn verify_key(State(state): State<AppState>) -> Json<VerifyKey> {
    Json(VerifyKey {
        key: state.issuer_key.public_key().to_text(),
    })
}

#[utoipa::path(post, path = "/api/verify", request_body = VerifyRequest,
    responses((status = 200, body = VerifyResponse), (status = 400, body = ApiError)))]
pub async fn verify_payload(
    State(state): State<AppState>,
    crate::lang::ClientLang(lang): crate::lang::ClientLang,
    Body(request): Body<VerifyRequest>,
) -> Result<Json<VerifyResponse>, HttpError> {
    let response = super::verify(
        &state.store,
        &state.issuer_key,
        &request.payload,
        state.clock.now_ms(),
    )
    .await
    .map_err(|e| internal(lang, e))?;
    Ok(Json(response))
}
