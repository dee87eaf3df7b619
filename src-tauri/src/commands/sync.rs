//! The outbox: commands the server refused after they waited, to retry or discard.

use onetrip_api::desktop::FailedCommand;
use onetrip_api::error::ApiError;
use onetrip_client::Desktop;
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn outbox_failed(desktop: State<'_, Desktop>) -> Result<Vec<FailedCommand>, ApiError> {
    desktop.failed_commands().await
}

#[tauri::command]
pub async fn outbox_retry(desktop: State<'_, Desktop>, id: Uuid) -> Result<(), ApiError> {
    desktop.retry_command(id).await
}

#[tauri::command]
pub async fn outbox_discard(desktop: State<'_, Desktop>, id: Uuid) -> Result<(), ApiError> {
    desktop.discard_command(id).await
}
