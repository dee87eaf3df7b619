//! `POST /api/commands`: every write from a desktop or the web UI.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use onetrip_api::command::{Command, CommandBody, CommandOutcome, CommandStatus};
use onetrip_api::error::{ApiError, ErrorCode};

use crate::actor::refuse;
use crate::auth::Authed;
use crate::extract::Body;
use crate::http_error::{HttpError, internal};
use crate::portal::Applicant;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/commands", post(command))
        .route("/api/portal/commands", post(portal_command))
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
    // Numbered and signed just before it is applied, one at a time in this process.
    let _issuing =
        crate::review::certificate::number_and_sign(&state, &actor, &mut command.body, now).await?;
    if command.body.is_applicants() {
        return Err(HttpError(refuse(
            &actor,
            ErrorCode::Forbidden,
            "applicants_only",
            "该操作由申请人在网上申报平台办理".into(),
            "Applicants do this in the portal".into(),
        )));
    }
    apply(&state, &actor, &command, now).await
}

/// `POST /api/portal/commands`: an applicant's write from the portal (registering a project,
/// confirming sheets, submitting a round).
#[utoipa::path(post, path = "/api/portal/commands", request_body = Command,
    responses((status = 200, body = CommandOutcome, description = "Applied"),
        (status = 403, body = ApiError, description = "Not an applicant's command, or not their project"),
        (status = 404, body = ApiError, description = "The command names a record that does not exist"),
        (status = 409, body = ApiError, description = "Already registered, or changed since `base_version`"),
        (status = 422, body = ApiError, description = "A rule refused the command; `reason` says which")))]
pub async fn portal_command(
    State(state): State<AppState>,
    applicant: Applicant,
    Body(command): Body<Command>,
) -> Result<Json<CommandOutcome>, HttpError> {
    let actor = applicant.actor;
    if !command.body.from_portal() {
        return Err(HttpError(refuse(
            &actor,
            ErrorCode::Forbidden,
            "staff_only",
            "该操作只能由中心工作人员办理".into(),
            "Only the center's staff do this".into(),
        )));
    }
    let answer = apply(&state, &actor, &command, state.clock.now_ms()).await?;
    // A later round is compared with the one before once its acceptance is committed.
    if let CommandBody::SubmitRound { round_id } = command.body
        && answer.0.status == CommandStatus::Applied
    {
        tokio::spawn(crate::review::compare::mark_round(state.clone(), round_id));
    }
    Ok(answer)
}

/// Applies the command and answers with its outcome, or its refusal as an error status.
async fn apply(
    state: &AppState,
    actor: &crate::actor::Actor,
    command: &Command,
    now: i64,
) -> Result<Json<CommandOutcome>, HttpError> {
    // The blob store is outside the database: an application's uploads are checked first.
    if let CommandBody::SubmitPermitApplication(draft) = &command.body {
        crate::permits::materials::check_stored(state, actor, &draft.materials).await?;
    }
    let outcome = state
        .commands
        .apply(actor, command, now)
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
