//! Commands: sent at once or through the outbox; those the server refused after they waited,
//! to retry or discard; and what the connection indicator shows.

use onetrip_api::command::{Command, CommandOutcome};
use onetrip_api::desktop::{ConnectionStatus, FailedCommand};
use onetrip_api::error::ApiError;
use onetrip_client::Desktop;
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn command_send(
    desktop: State<'_, Desktop>,
    command: Command,
) -> Result<CommandOutcome, ApiError> {
    desktop.outbox().send(command).await
}

#[tauri::command]
pub async fn connection_status(desktop: State<'_, Desktop>) -> Result<ConnectionStatus, ()> {
    Ok(desktop.outbox().status().await)
}

#[tauri::command]
pub async fn outbox_failed(desktop: State<'_, Desktop>) -> Result<Vec<FailedCommand>, ApiError> {
    desktop.outbox().failed().await
}

#[tauri::command]
pub async fn outbox_retry(desktop: State<'_, Desktop>, id: Uuid) -> Result<(), ApiError> {
    desktop.outbox().retry(id).await
}

#[tauri::command]
pub async fn outbox_discard(desktop: State<'_, Desktop>, id: Uuid) -> Result<(), ApiError> {
    desktop.outbox().discard(id).await
}
