//! A project's documents as PDF: a round's consolidated opinion letter (审查意见书) and the
//! review certificate (审查合格书), for the applicant in the portal and for staff in the
//! browser. They are composed from what the reader may see of the project and rendered by the
//! print engine with the bundled fonts, as the desktop renders them from its cache.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review_documents::{ExportForm, ReviewDocument, compose, export_file};
use onetrip_print::FontSet;
use uuid::Uuid;

use crate::actor::{Actor, refuse};
use crate::auth::Authed;
use crate::extract::{Params, PathParam};
use crate::http_error::{HttpError, internal};
use crate::portal::Applicant;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/review/projects/{id}/letter", get(staff_letter))
        .route(
            "/api/review/projects/{id}/certificate",
            get(staff_certificate),
        )
        .route("/api/portal/projects/{id}/letter", get(portal_letter))
        .route(
            "/api/portal/projects/{id}/certificate",
            get(portal_certificate),
        )
        .route("/api/review/files/{id}/export", get(staff_export))
        .route("/api/portal/files/{id}/export", get(portal_export))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LetterQuery {
    /// The round; the latest round with released opinions when left out.
    #[param(minimum = 1, maximum = 1000)]
    round: Option<u32>,
}

/// The bundled fonts, read once.
fn fonts() -> Result<Arc<FontSet>, String> {
    static FONTS: OnceLock<Result<Arc<FontSet>, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| FontSet::bundled().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
}

async fn render(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    which: ReviewDocument,
    round: Option<u32>,
) -> Result<Response, HttpError> {
    let lang = actor.lang;
    let (view, issuer) = {
        let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
        let conn = &mut pooled.conn();
        let view = super::read_project(conn, actor, id, &state.config, state.clock.now_ms())
            .await
            .map_err(|e| internal(lang, e))?
            .ok_or_else(|| HttpError(super::not_found(actor)))?;
        let issuer = super::certificate::issuer(conn, &state.config)
            .await
            .map_err(|e| internal(lang, e))?;
        (view, issuer)
    };
    let file = compose(&view, which, round, &issuer, lang).map_err(HttpError)?;
    let fonts = fonts().map_err(|e| internal(lang, e))?;
    let title = file.title.clone();
    let pdf = tokio::task::spawn_blocking(move || file.render(&fonts))
        .await
        .map_err(|e| internal(lang, e))?
        .map_err(|e| internal(lang, e))?;
    let disposition = format!(
        "inline; filename=\"{}.pdf\"; filename*=UTF-8''{}.pdf",
        view.project.code,
        percent(&title)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `flattened` (markups drawn on the sheets), `annotated` (PDF annotations named by the
    /// opinion ids) or `xfdf`.
    #[param(inline)]
    form: ExportForm,
}

/// A round's file with the released opinions' markups, in the form asked for.
async fn export(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: ExportForm,
) -> Result<Response, HttpError> {
    let lang = actor.lang;
    let missing = || {
        HttpError(refuse(
            actor,
            ErrorCode::NotFound,
            "file_not_found",
            "没有这个文件，或您无权查看".into(),
            "No such file, or it is not yours to see".into(),
        ))
    };
    let (blob, view) = {
        let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
        let conn = &mut pooled.conn();
        let blob = super::file_blob(conn, actor, id)
            .await
            .map_err(|e| internal(lang, e))?
            .ok_or_else(missing)?;
        let project = super::project_of_file(conn, id)
            .await
            .map_err(|e| internal(lang, e))?
            .ok_or_else(missing)?;
        let view = super::read_project(conn, actor, project, &state.config, state.clock.now_ms())
            .await
            .map_err(|e| internal(lang, e))?
            .ok_or_else(missing)?;
        (blob, view)
    };
    let (mut reader, size) = state
        .files
        .blobs
        .open(blob)
        .await
        .map_err(|e| internal(lang, e))?
        .ok_or_else(missing)?;
    let mut original = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut original)
        .await
        .map_err(|e| internal(lang, e))?;
    let exported = tokio::task::spawn_blocking(move || {
        // The file passed intake, but a PDF library may still panic on what it holds.
        std::panic::catch_unwind(|| export_file(&view, id, &original, form))
    })
    .await
    .map_err(|e| internal(lang, e))?
    .map_err(|_| internal(lang, "the export panicked on the file"))?
    .map_err(|error| {
        HttpError(ApiError::new(ErrorCode::Invalid, error.to_string()).with_reason("export_failed"))
    })?;
    let disposition = format!(
        "attachment; filename=\"export.{}\"; filename*=UTF-8''{}",
        exported.name.rsplit('.').next().unwrap_or("pdf"),
        percent(&exported.name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, exported.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        exported.bytes,
    )
        .into_response())
}

/// `GET /api/review/files/{id}/export`: a drawing file with the released opinions' markups.
#[utoipa::path(get, path = "/api/review/files/{id}/export",
    params(("id" = Uuid, Path, description = "The file"), ExportQuery),
    responses((status = 200, content_type = "application/pdf", description = "The marked-up file, or its XFDF"),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn staff_export(
    State(state): State<AppState>,
    Authed(actor): Authed,
    PathParam(id): PathParam<Uuid>,
    Params(query): Params<ExportQuery>,
) -> Result<Response, HttpError> {
    export(&state, &actor, id, query.form).await
}

/// `GET /api/portal/files/{id}/export`: the applicant's drawing file with the released
/// opinions' markups.
#[utoipa::path(get, path = "/api/portal/files/{id}/export",
    params(("id" = Uuid, Path, description = "The file"), ExportQuery),
    responses((status = 200, content_type = "application/pdf", description = "The marked-up file, or its XFDF"),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn portal_export(
    State(state): State<AppState>,
    applicant: Applicant,
    PathParam(id): PathParam<Uuid>,
    Params(query): Params<ExportQuery>,
) -> Result<Response, HttpError> {
    export(&state, &applicant.actor, id, query.form).await
}

/// Percent-encodes a file name for `filename*`.
fn percent(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `GET /api/review/projects/{id}/letter`: a round's opinion letter, for staff.
#[utoipa::path(get, path = "/api/review/projects/{id}/letter",
    params(("id" = Uuid, Path, description = "The project"), LetterQuery),
    responses((status = 200, content_type = "application/pdf", description = "The letter"),
        (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn staff_letter(
    State(state): State<AppState>,
    Authed(actor): Authed,
    PathParam(id): PathParam<Uuid>,
    Params(query): Params<LetterQuery>,
) -> Result<Response, HttpError> {
    render(&state, &actor, id, ReviewDocument::Letter, query.round).await
}

/// `GET /api/review/projects/{id}/certificate`: the review certificate, for staff.
#[utoipa::path(get, path = "/api/review/projects/{id}/certificate",
    params(("id" = Uuid, Path, description = "The project")),
    responses((status = 200, content_type = "application/pdf", description = "The certificate"),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn staff_certificate(
    State(state): State<AppState>,
    Authed(actor): Authed,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, HttpError> {
    render(&state, &actor, id, ReviewDocument::Certificate, None).await
}

/// `GET /api/portal/projects/{id}/letter`: a round's opinion letter, for the applicant.
#[utoipa::path(get, path = "/api/portal/projects/{id}/letter",
    params(("id" = Uuid, Path, description = "The project"), LetterQuery),
    responses((status = 200, content_type = "application/pdf", description = "The letter"),
        (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn portal_letter(
    State(state): State<AppState>,
    applicant: Applicant,
    PathParam(id): PathParam<Uuid>,
    Params(query): Params<LetterQuery>,
) -> Result<Response, HttpError> {
    render(
        &state,
        &applicant.actor,
        id,
        ReviewDocument::Letter,
        query.round,
    )
    .await
}

/// `GET /api/portal/projects/{id}/certificate`: the review certificate, for the applicant.
#[utoipa::path(get, path = "/api/portal/projects/{id}/certificate",
    params(("id" = Uuid, Path, description = "The project")),
    responses((status = 200, content_type = "application/pdf", description = "The certificate"),
        (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn portal_certificate(
    State(state): State<AppState>,
    applicant: Applicant,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, HttpError> {
    render(
        &state,
        &applicant.actor,
        id,
        ReviewDocument::Certificate,
        None,
    )
    .await
}
