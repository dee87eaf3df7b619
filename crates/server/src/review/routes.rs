//! The portal's drawing-review routes: the organisation's projects, one project with its
//! rounds, the upload limits, and the resumable uploads.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{
    ClauseEdition, NewUpload, Project, ProjectView, UploadLimits, UploadStatus,
};
use uuid::Uuid;

use crate::auth::Authed;
use crate::extract::{Body, Params, PathParam};
use crate::http_error::{HttpError, internal};
use crate::portal::Applicant;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/portal/projects", get(projects))
        .route("/api/portal/projects/{id}", get(project))
        .route("/api/portal/limits", get(limits))
        .route("/api/portal/uploads", post(start_upload))
        .route(
            "/api/portal/uploads/{id}",
            get(upload_status).patch(append_upload),
        )
        .route("/api/review/clauses", get(clauses))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClauseQuery {
    /// Part of a standard's code or title: `50016`, `防火`; every edition when left out.
    #[param(max_length = 40)]
    q: Option<String>,
}

/// `GET /api/review/clauses`: the clause library's editions matching `q`, current ones first,
/// each with what superseded it.
#[utoipa::path(get, path = "/api/review/clauses", params(ClauseQuery),
    responses((status = 200, body = Vec<ClauseEdition>)))]
pub async fn clauses(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(query): Params<ClauseQuery>,
) -> Result<Json<Vec<ClauseEdition>>, HttpError> {
    let query = query.q.unwrap_or_default();
    if query.chars().count() > 40 {
        return Err(HttpError(ApiError::new(
            ErrorCode::BadRequest,
            actor.lang.pick(
                "查找条文的关键词不超过 40 个字".into(),
                "Search for a clause with at most 40 characters".into(),
            ),
        )));
    }
    let today = crate::clock::center_date(state.clock.now_ms());
    Ok(Json(ClauseEdition::find(&query, &today)))
}

/// `GET /api/portal/projects`: the organisation's projects, newest first.
#[utoipa::path(get, path = "/api/portal/projects",
    responses((status = 200, body = Vec<Project>), (status = 403, body = ApiError)))]
pub async fn projects(
    State(state): State<AppState>,
    applicant: Applicant,
) -> Result<Json<Vec<Project>>, HttpError> {
    let lang = applicant.actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let projects = super::sql::projects_of(&mut pooled.conn(), &applicant.profile.credit_code)
        .await
        .map_err(|e| internal(lang, e))?;
    Ok(Json(projects))
}

/// `GET /api/portal/projects/{id}`: a project of the organisation with its rounds and tasks.
#[utoipa::path(get, path = "/api/portal/projects/{id}", params(("id" = Uuid, Path, description = "The project")),
    responses((status = 200, body = ProjectView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn project(
    State(state): State<AppState>,
    applicant: Applicant,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<ProjectView>, HttpError> {
    let actor = &applicant.actor;
    let lang = actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let view = super::read_project(
        &mut pooled.conn(),
        actor,
        id,
        &state.config,
        state.clock.now_ms(),
    )
    .await
    .map_err(|e| internal(lang, e))?
    .ok_or_else(|| HttpError(super::not_found(actor)))?;
    Ok(Json(view))
}

/// `GET /api/portal/limits`: what an upload may be.
#[utoipa::path(get, path = "/api/portal/limits",
    responses((status = 200, body = UploadLimits), (status = 403, body = ApiError)))]
pub async fn limits(State(state): State<AppState>, _applicant: Applicant) -> Json<UploadLimits> {
    Json(state.files.limits.clone())
}

/// `POST /api/portal/uploads`: starts a resumable upload of one file into a round.
#[utoipa::path(post, path = "/api/portal/uploads", request_body = NewUpload,
    responses((status = 201, body = UploadStatus), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 413, body = ApiError, description = "Over the per-file limit"), (status = 422, body = ApiError)))]
pub async fn start_upload(
    State(state): State<AppState>,
    applicant: Applicant,
    Body(request): Body<NewUpload>,
) -> Result<(StatusCode, Json<UploadStatus>), HttpError> {
    let status = super::upload::start(&state, &applicant.actor, &request).await?;
    Ok((StatusCode::CREATED, Json(status)))
}

/// `GET /api/portal/uploads/{id}`: how much has arrived, to resume from.
#[utoipa::path(get, path = "/api/portal/uploads/{id}", params(("id" = Uuid, Path, description = "The upload")),
    responses((status = 200, body = UploadStatus), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn upload_status(
    State(state): State<AppState>,
    applicant: Applicant,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<UploadStatus>, HttpError> {
    Ok(Json(
        super::upload::get(&state, &applicant.actor, id).await?,
    ))
}

/// The header naming where the bytes of a request start.
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// `PATCH /api/portal/uploads/{id}`: the next bytes of the file, from `Upload-Offset`; the
/// request that brings the last byte also gets intake's verdict.
#[utoipa::path(patch, path = "/api/portal/uploads/{id}",
    params(("id" = Uuid, Path, description = "The upload"),
        ("Upload-Offset" = u64, Header, description = "Where these bytes start: the `received` the server last reported")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = UploadStatus), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, body = ApiError, description = "The offset is not where the upload stands"),
        (status = 413, body = ApiError, description = "More bytes than the declared size")))]
pub async fn append_upload(
    State(state): State<AppState>,
    applicant: Applicant,
    PathParam(id): PathParam<Uuid>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Json<UploadStatus>, HttpError> {
    let actor = &applicant.actor;
    let offset = headers
        .get(UPLOAD_OFFSET)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            HttpError(ApiError::new(
                ErrorCode::BadRequest,
                actor.lang.pick(
                    "缺少 Upload-Offset（本段内容的起始字节）".into(),
                    "Upload-Offset (where these bytes start) is missing".into(),
                ),
            ))
        })?;
    Ok(Json(
        super::upload::append(&state, actor, id, offset, body).await?,
    ))
}
