//! `/api/review/…`: the projects as the center's staff see them (review leads every project,
//! reviewers those they are assigned to), a kept drawing file, and the reviewers to assign.
//! The desktop reads the same records from its synced cache; the browser build reads these.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{Project, ProjectView, Reviewer};
use uuid::Uuid;

use super::opinions::is_lead;
use crate::actor::refuse;
use crate::auth::Authed;
use crate::extract::PathParam;
use crate::http_error::{HttpError, internal};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/review/projects", get(projects))
        .route("/api/review/projects/{id}", get(project))
        .route("/api/review/files/{id}", get(file))
        .route("/api/review/reviewers", get(reviewers))
        .route("/api/review/sheets/{id}/overlay", get(overlay))
}

/// `GET /api/review/projects`: every project for a lead, a reviewer's assigned ones.
#[utoipa::path(get, path = "/api/review/projects",
    responses((status = 200, body = Vec<Project>), (status = 403, body = ApiError)))]
pub async fn projects(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<Vec<Project>>, HttpError> {
    let lang = actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let conn = &mut pooled.conn();
    let projects = if is_lead(&actor) {
        super::sql::all_projects(conn).await
    } else if actor.role() == onetrip_domain::auth::Role::Reviewer {
        super::sql::projects_of_reviewer(conn, actor.account.id).await
    } else {
        return Err(HttpError(refuse(
            &actor,
            ErrorCode::Forbidden,
            "review_forbidden",
            "联合审图仅供审图人员和审查负责人使用".into(),
            "Drawing review is for reviewers and review leads".into(),
        )));
    };
    Ok(Json(projects.map_err(|e| internal(lang, e))?))
}

/// `GET /api/review/projects/{id}`: a project with its rounds, tasks and the opinions the
/// reader may see (released ones, and their own drafts).
#[utoipa::path(get, path = "/api/review/projects/{id}", params(("id" = Uuid, Path, description = "The project")),
    responses((status = 200, body = ProjectView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn project(
    State(state): State<AppState>,
    Authed(actor): Authed,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<ProjectView>, HttpError> {
    let lang = actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let view = super::read_project(
        &mut pooled.conn(),
        &actor,
        id,
        &state.config,
        state.clock.now_ms(),
    )
    .await
    .map_err(|e| internal(lang, e))?
    .ok_or_else(|| HttpError(super::not_found(&actor)))?;
    Ok(Json(view))
}

/// `GET /api/review/files/{id}`: a round's file as it was uploaded, for the viewer.
#[utoipa::path(get, path = "/api/review/files/{id}", params(("id" = Uuid, Path, description = "The file")),
    responses((status = 200, content_type = "application/pdf", description = "The file's bytes, never changed"),
        (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn file(
    State(state): State<AppState>,
    Authed(actor): Authed,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, HttpError> {
    let lang = actor.lang;
    let missing = || {
        HttpError(refuse(
            &actor,
            ErrorCode::NotFound,
            "file_not_found",
            "没有这个文件，或您无权查看".into(),
            "No such file, or it is not yours to see".into(),
        ))
    };
    let blob = {
        let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
        super::file_blob(&mut pooled.conn(), &actor, id)
            .await
            .map_err(|e| internal(lang, e))?
            .ok_or_else(missing)?
    };
    let (reader, size) = state
        .files
        .blobs
        .open(blob)
        .await
        .map_err(|e| internal(lang, e))?
        .ok_or_else(missing)?;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_LENGTH, size.to_string()),
            // The bytes under an id never change.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
            (header::ETAG, format!("\"{blob}\"")),
        ],
        body,
    )
        .into_response())
}

/// `GET /api/review/reviewers`: the reviewers and their specialties (review leads).
#[utoipa::path(get, path = "/api/review/reviewers",
    responses((status = 200, body = Vec<Reviewer>), (status = 403, body = ApiError)))]
pub async fn reviewers(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<Vec<Reviewer>>, HttpError> {
    if !is_lead(&actor) {
        return Err(HttpError(refuse(
            &actor,
            ErrorCode::Forbidden,
            "review_lead_only",
            "只有审查负责人可以查看审图人员名单".into(),
            "Only review leads see the list of reviewers".into(),
        )));
    }
    let lang = actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let reviewers = super::reviewers(&mut pooled.conn())
        .await
        .map_err(|e| internal(lang, e))?;
    Ok(Json(reviewers))
}

/// `GET /api/review/sheets/{id}/overlay`: a compared sheet over the same sheet of the round
/// before, old in red, new in green, common linework dark, as a PNG at 100 dpi.
#[utoipa::path(get, path = "/api/review/sheets/{id}/overlay", params(("id" = Uuid, Path, description = "The sheet")),
    responses((status = 200, content_type = "image/png", description = "The overlay"),
        (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn overlay(
    State(state): State<AppState>,
    Authed(actor): Authed,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, HttpError> {
    let lang = actor.lang;
    let png = super::compare::overlay(&state, &actor, id)
        .await
        .map_err(|e| internal(lang, e))?
        .ok_or_else(|| {
            HttpError(refuse(
                &actor,
                ErrorCode::NotFound,
                "overlay_unavailable",
                "这张图纸没有可对比的上一轮图纸".into(),
                "This sheet has no sheet of the round before to compare with".into(),
            ))
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        ],
        png,
    )
        .into_response())
}
