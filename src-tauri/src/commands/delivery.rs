//! Delivering permits to the door: the runs and attempts from the local cache, planning a run,
//! recording an attempt (kept in the outbox while offline), and what the run sheet and a
//! 送达回证 print.

use onetrip_api::command::CommandOutcome;
use onetrip_api::delivery::{AttemptDraft, DeliveryAttempt, DeliveryRun, RunDraft};
use onetrip_api::error::ApiError;
use onetrip_client::Desktop;
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn delivery_runs(desktop: State<'_, Desktop>) -> Result<Vec<DeliveryRun>, ApiError> {
    desktop.delivery().runs().await
}

#[tauri::command]
pub async fn delivery_attempts(
    desktop: State<'_, Desktop>,
) -> Result<Vec<DeliveryAttempt>, ApiError> {
    desktop.delivery().attempts().await
}

#[tauri::command]
pub async fn delivery_plan(
    desktop: State<'_, Desktop>,
    draft: RunDraft,
) -> Result<DeliveryRun, ApiError> {
    desktop.delivery().plan(draft).await
}

#[tauri::command]
pub async fn delivery_record(
    desktop: State<'_, Desktop>,
    draft: AttemptDraft,
) -> Result<CommandOutcome, ApiError> {
    desktop.delivery().record(draft).await
}

#[tauri::command]
pub async fn delivery_run_sheet(
    desktop: State<'_, Desktop>,
    run: Uuid,
) -> Result<serde_json::Value, ApiError> {
    desktop.delivery().run_sheet(run).await
}

#[tauri::command]
pub async fn delivery_receipt(
    desktop: State<'_, Desktop>,
    attempt: Uuid,
) -> Result<serde_json::Value, ApiError> {
    desktop.delivery().receipt(attempt).await
}
