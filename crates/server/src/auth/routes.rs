//! `/api/auth`: login, logout and who is signed in.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use onetrip_api::auth::{Account, LoginRequest, LoginResponse};
use onetrip_api::error::ApiError;

use super::Signed;
use crate::extract::Body;
use crate::http_error::HttpError;
use crate::lang::{ClientLang, bearer, lang_of};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/me", get(me))
}

#[utoipa::path(post, path = "/api/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ApiError), (status = 423, body = ApiError)))]
pub async fn login(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    Body(request): Body<LoginRequest>,
) -> Result<Json<LoginResponse>, HttpError> {
    Ok(Json(super::login(&state, &request, lang).await?))
}

#[utoipa::path(post, path = "/api/auth/logout", responses((status = 204, description = "Signed out (also when the session was unknown)")))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, HttpError> {
    if let Some(token) = bearer(&headers) {
        super::logout(&state, token, lang_of(&headers)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/auth/me", responses((status = 200, body = Account), (status = 401, body = ApiError)))]
pub async fn me(Signed(actor): Signed) -> Json<Account> {
    Json(super::me(&actor))
}
