//! `POST /api/commands`: every write from a desktop or the web UI.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use onetrip_api::command::{Command, CommandBody, CommandOutcome, CommandStatus};
use onetrip_api::error::ApiError;

use crate::auth::Authed;
use crate::extract::Body;
use crate::http_error::{HttpError, internal};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/commands", post(command))
}

#[utoipa::path(post, path = "/api/commands", request_body = Command,
    responses((status = 200, body = CommandOutcome, description = "Applied, or queued behind the command it repeats"),
        (status = 403, body = ApiError, description = "The role or the site may not do this"),
        (status = 404, body = ApiError, description = "The command names a record that does not exist"),
        (status = 409, body = ApiError, description = "The record changed since `base_version`"),
        (status = 422, body = ApiError, description = "A rule refused the command; `reason` says which")))]
pub async fn command(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Body(mut command): Body<Command>,
) -> Result<Json<CommandOutcome>, HttpError> {
    let now = state.clock.now_ms();
    if let CommandBody::SignDocument(document) = &mut command.body {
        crate::documents::sign(&state.issuer_key, &actor, document)?;
    }
    let outcome = state
        .commands
        .apply(&actor, &command, now)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    match (outcome.status, outcome.error) {
        (CommandStatus::Rejected | CommandStatus::Conflict, Some(error)) => Err(HttpError(error)),
        (status, error) => Ok(Json(CommandOutcome {
            command_id: outcome.command_id,
            status,
            error,
            record: outcome.record,
        })),
    }
}
