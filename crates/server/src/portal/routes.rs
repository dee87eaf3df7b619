//! `/api/portal/sign-up`, `/api/portal/me`, and staff's `/api/applicants…` routes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use onetrip_api::error::ApiError;
use onetrip_api::portal::{ApplicantProfile, ApplicantSignUp, Registration, RegistrationState};
use uuid::Uuid;

use super::Applicant;
use crate::auth::Authed;
use crate::extract::{Body, Params, PathParam};
use crate::http_error::HttpError;
use crate::lang::ClientLang;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/portal/sign-up", post(sign_up))
        .route("/api/portal/me", get(me))
        .route("/api/applicants", post(create_applicant))
        .route("/api/applicants/registrations", get(registrations))
        .route("/api/applicants/registrations/{id}/approve", post(approve))
        .route("/api/applicants/registrations/{id}/refuse", post(refuse))
}

/// `POST /api/portal/sign-up`: an organisation asks for an applicant account; staff approve it.
#[utoipa::path(post, path = "/api/portal/sign-up", request_body = ApplicantSignUp,
    responses((status = 201, body = Registration, description = "Waiting for approval"),
        (status = 409, body = ApiError, description = "The user name is taken"),
        (status = 422, body = ApiError, description = "A field is wrong; `reason` says which")))]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    Body(request): Body<ApplicantSignUp>,
) -> Result<(StatusCode, Json<Registration>), HttpError> {
    let registration = super::sign_up(&state, &super::visitor(lang), &request).await?;
    Ok((StatusCode::CREATED, Json(registration)))
}

/// `GET /api/portal/me`: the signed-in applicant and their organisation.
#[utoipa::path(get, path = "/api/portal/me",
    responses((status = 200, body = ApplicantProfile), (status = 403, body = ApiError)))]
pub async fn me(applicant: Applicant) -> Json<ApplicantProfile> {
    Json(applicant.profile)
}

/// `POST /api/applicants`: staff create an applicant's account directly.
#[utoipa::path(post, path = "/api/applicants", request_body = ApplicantSignUp,
    responses((status = 201, body = ApplicantProfile), (status = 403, body = ApiError),
        (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_applicant(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Body(request): Body<ApplicantSignUp>,
) -> Result<(StatusCode, Json<ApplicantProfile>), HttpError> {
    let profile = super::create_applicant(&state, &actor, &request).await?;
    Ok((StatusCode::CREATED, Json(profile)))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationParams {
    /// `pending` (the default), `approved` or `refused`.
    #[param(value_type = Option<RegistrationState>)]
    state: Option<RegistrationState>,
}

/// `GET /api/applicants/registrations`: self-registrations by state, oldest first.
#[utoipa::path(get, path = "/api/applicants/registrations", params(RegistrationParams),
    responses((status = 200, body = Vec<Registration>), (status = 403, body = ApiError)))]
pub async fn registrations(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(params): Params<RegistrationParams>,
) -> Result<Json<Vec<Registration>>, HttpError> {
    let wanted = params.state.unwrap_or(RegistrationState::Pending);
    Ok(Json(super::registrations(&state, &actor, wanted).await?))
}

/// `POST /api/applicants/registrations/{id}/approve`: the account is created.
#[utoipa::path(post, path = "/api/applicants/registrations/{id}/approve",
    params(("id" = Uuid, Path, description = "The registration")),
    responses((status = 200, body = Registration), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn approve(
    State(state): State<AppState>,
    Authed(actor): Authed,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Registration>, HttpError> {
    Ok(Json(super::decide(&state, &actor, id, true).await?))
}

/// `POST /api/applicants/registrations/{id}/refuse`.
#[utoipa::path(post, path = "/api/applicants/registrations/{id}/refuse",
    params(("id" = Uuid, Path, description = "The registration")),
    responses((status = 200, body = Registration), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn refuse(
    State(state): State<AppState>,
    Authed(actor): Authed,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Registration>, HttpError> {
    Ok(Json(super::decide(&state, &actor, id, false).await?))
}
