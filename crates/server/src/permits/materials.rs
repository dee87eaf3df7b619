//! An application's materials (一表一图一承诺): a PDF or a scan (JPEG, PNG) uploaded from the
//! portal, or scanned at the window, checked and kept in the blob store beside the drawings.

use axum::Json;
use axum::extract::State;
use futures::StreamExt;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::permits::MaterialFile;
use onetrip_domain::permits::Material;
use serde::Deserialize;

use crate::actor::{Actor, refuse};
use crate::auth::Authed;
use crate::extract::Params;
use crate::http_error::{HttpError, internal};
use crate::portal::Applicant;
use crate::state::AppState;

/// Largest material file: a scanned pledge or a shop's drainage drawing.
pub const MAX_MATERIAL_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MaterialQuery {
    #[param(inline)]
    kind: Material,
    /// The file's name as the user chose it.
    #[param(max_length = 200)]
    name: String,
}

/// What a file is, by its first bytes.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else {
        None
    }
}

/// A whole file: a PDF ends with `%%EOF` (after at most a little trailing space), a JPEG with
/// its end-of-image marker, a PNG with its `IEND` chunk. A cut upload is refused.
fn whole(kind: &str, bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    match kind {
        "pdf" => tail.windows(5).any(|w| w == b"%%EOF"),
        "jpeg" => {
            let trimmed = tail
                .iter()
                .rposition(|b| *b != 0 && !b.is_ascii_whitespace())
                .map_or(&tail[..0], |end| &tail[..=end]);
            trimmed.ends_with(&[0xFF, 0xD9])
        }
        "png" => tail.windows(4).any(|w| w == b"IEND"),
        _ => false,
    }
}

fn refused(actor: &Actor, reason: &str, zh: String, en: String) -> HttpError {
    HttpError(refuse(actor, ErrorCode::Invalid, reason, zh, en))
}

/// Reads, checks and keeps one material file.
async fn keep(
    state: &AppState,
    actor: &Actor,
    query: MaterialQuery,
    body: axum::body::Body,
) -> Result<Json<MaterialFile>, HttpError> {
    let name = query.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(refused(
            actor,
            "material_name",
            "文件名应为 1 到 200 个字".into(),
            "A file name has 1 to 200 characters".into(),
        ));
    }
    let too_large = || {
        HttpError(
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                actor.lang.pick(
                    format!("材料文件不能超过 {} MB", MAX_MATERIAL_BYTES / 1024 / 1024),
                    format!(
                        "A material file may be at most {} MB",
                        MAX_MATERIAL_BYTES / 1024 / 1024
                    ),
                ),
            )
            .with_reason("material_too_large"),
        )
    };
    let mut bytes = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            refused(
                actor,
                "material_cut",
                "上传中断，请重新上传".into(),
                "The upload was cut off; upload the file again".into(),
            )
        })?;
        if bytes.len() as u64 + chunk.len() as u64 > MAX_MATERIAL_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    let Some(kind) = sniff(&bytes) else {
        return Err(refused(
            actor,
            "material_type",
            "请上传 PDF 文件或 JPG、PNG 扫描件".into(),
            "Upload a PDF, or a scan as JPG or PNG".into(),
        ));
    };
    if !whole(kind, &bytes) {
        return Err(refused(
            actor,
            "material_truncated",
            "文件不完整（可能上传中断或文件已损坏），请重新上传".into(),
            "The file is incomplete (the upload was cut off or the file is damaged); upload it again"
                .into(),
        ));
    }
    let stored = state
        .files
        .blobs
        .put(&mut bytes.as_slice(), MAX_MATERIAL_BYTES)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    Ok(Json(MaterialFile {
        kind: query.kind,
        blob: stored.id.to_string(),
        name,
        size: stored.size,
    }))
}

/// Checks that each material an application names was uploaded whole: a blob of that id and
/// size is in the store. A material sent without its upload is refused by name.
pub async fn check_stored(
    state: &AppState,
    actor: &Actor,
    materials: &[MaterialFile],
) -> Result<(), HttpError> {
    for material in materials {
        let missing = || {
            refused(
                actor,
                "material_missing",
                format!("材料“{}”未上传成功，请重新上传", material.name),
                format!("“{}” was not uploaded; upload it again", material.name),
            )
        };
        let Some(id) = crate::blobs::BlobId::parse(&material.blob) else {
            return Err(missing());
        };
        match state.files.blobs.open(id).await {
            Ok(Some((_, size))) if size == material.size => {}
            Ok(_) => return Err(missing()),
            Err(error) => return Err(HttpError(internal(actor.lang, error))),
        }
    }
    Ok(())
}

/// `POST /api/portal/materials`: an applicant's material file, the body as it is.
#[utoipa::path(post, path = "/api/portal/materials", params(MaterialQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = MaterialFile), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 422, body = ApiError)))]
pub async fn portal_material(
    State(state): State<AppState>,
    applicant: Applicant,
    Params(query): Params<MaterialQuery>,
    body: axum::body::Body,
) -> Result<Json<MaterialFile>, HttpError> {
    keep(&state, &applicant.actor, query, body).await
}

/// `POST /api/permits/materials`: a material scanned at the window.
#[utoipa::path(post, path = "/api/permits/materials", params(MaterialQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = MaterialFile), (status = 403, body = ApiError),
        (status = 413, body = ApiError), (status = 422, body = ApiError)))]
pub async fn staff_material(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(query): Params<MaterialQuery>,
    body: axum::body::Body,
) -> Result<Json<MaterialFile>, HttpError> {
    super::routes::staff(&actor)?;
    keep(&state, &actor, query, body).await
}
