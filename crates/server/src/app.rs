//! The HTTP face of the central API: the areas' routers composed, the OpenAPI description of
//! them, and the web build of the UI.

use std::path::Path;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::health::Health;
use tower_http::services::{ServeDir, ServeFile};
use utoipa::OpenApi;

use crate::clock::Clock;
use crate::commands::Commands;
use crate::extract::MAX_BODY_BYTES;
use crate::http_error::HttpError;
use crate::lang::ClientLang;
use crate::openapi::CommonResponses;
use crate::state::AppState;

/// The state of a server over `commands`' database.
pub fn state(commands: Arc<Commands>, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
    let state = AppState::new(
        commands.store().clone(),
        commands.clone(),
        commands.config().clone(),
        clock,
    )?;
    // Commands that issue documents sign with the same key `/verify` checks against.
    commands.set_key(state.issuer_key.clone());
    Ok(state)
}

#[utoipa::path(get, path = "/api/health", responses((status = 200, body = Health)))]
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: state.store.backend().into(),
    })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OneTrip central API",
        description = "Accounts, site configuration and commands of the service center"
    ),
    paths(
        health,
        crate::auth::routes::login,
        crate::auth::routes::logout,
        crate::auth::routes::me,
        crate::config::routes::config,
        crate::commands::routes::command,
        crate::sync::routes::sync,
        crate::sync::routes::events,
        crate::ratings::routes::ratings_report,
        crate::documents::routes::verify_key,
        crate::documents::routes::verify_payload,
        crate::stats::routes::stats,
        crate::stats::routes::stats_export,
        crate::queue::hall::hall_page,
        crate::queue::hall::hall_state,
        crate::queue::hall::hall_events,
        crate::queue::kiosk::kiosk_page,
        crate::queue::kiosk::kiosk_state,
        crate::queue::kiosk::kiosk_issue,
        crate::queue::kiosk::kiosk_check_in,
        crate::ratings::pad::page,
        crate::ratings::pad::pad_state,
        crate::ratings::pad::rate,
        crate::documents::verify_page::page,
        crate::portal::routes::sign_up,
        crate::portal::routes::me,
        crate::portal::routes::create_applicant,
        crate::portal::routes::registrations,
        crate::portal::routes::approve,
        crate::portal::routes::refuse,
        crate::commands::routes::portal_command,
        crate::review::routes::projects,
        crate::review::routes::project,
        crate::review::routes::limits,
        crate::review::routes::start_upload,
        crate::review::routes::upload_status,
        crate::review::routes::append_upload,
        crate::review::routes::clauses,
        crate::review::staff::projects,
        crate::review::staff::project,
        crate::review::staff::file,
        crate::review::staff::reviewers,
        crate::review::staff::overlay,
        crate::review::documents::staff_letter,
        crate::review::documents::staff_certificate,
        crate::review::documents::portal_letter,
        crate::review::documents::portal_certificate,
        crate::review::documents::staff_export,
        crate::review::documents::portal_export,
        crate::review::stats::routes::review_stats,
        crate::review::stats::routes::review_stats_export,
        crate::permits::routes::applications,
        crate::permits::routes::dry_run,
        crate::permits::routes::exceptions_export,
        crate::permits::routes::permits,
        crate::permits::routes::templates,
        crate::permits::routes::forms,
        crate::permits::routes::checks,
        crate::permits::routes::spot_checks,
        crate::permits::routes::renewals,
        crate::permits::routes::stats,
        crate::permits::routes::portal_applications,
        crate::permits::routes::portal_templates,
        crate::permits::materials::portal_material,
        crate::permits::materials::staff_material,
        openapi
    ),
    modifiers(&CommonResponses)
)]
pub struct ApiDoc;

#[utoipa::path(get, path = "/api/openapi.json", responses((status = 200, description = "This description, OpenAPI 3.1")))]
async fn openapi() -> Json<serde_json::Value> {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    Json(
        DOCUMENT
            .get_or_init(|| crate::openapi::document(ApiDoc::openapi()))
            .clone(),
    )
}

async fn api_not_found(ClientLang(lang): ClientLang) -> Response {
    HttpError(ApiError::new(
        ErrorCode::NotFound,
        lang.pick("接口不存在".into(), "No such endpoint".into()),
    ))
    .into_response()
}

/// The API routes, plus the web build of the UI when `web_dir` is given.
pub fn router(state: AppState, web_dir: Option<&Path>) -> Router {
    let router = Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .merge(crate::auth::routes::routes())
        .merge(crate::config::routes::routes())
        .merge(crate::commands::routes::routes())
        .merge(crate::sync::routes::routes())
        .merge(crate::queue::hall::routes())
        .merge(crate::queue::kiosk::routes())
        .merge(crate::ratings::routes::routes())
        .merge(crate::ratings::pad::routes())
        .merge(crate::stats::routes::routes())
        .merge(crate::documents::routes::routes())
        .merge(crate::portal::routes::routes())
        .merge(crate::review::routes::routes())
        .merge(crate::review::staff::routes())
        .merge(crate::review::documents::routes())
        .merge(crate::review::stats::routes::routes())
        .merge(crate::permits::routes::routes())
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", axum::routing::any(api_not_found));
    let router = match web_dir {
        Some(dir) => router
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => router,
    };
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
