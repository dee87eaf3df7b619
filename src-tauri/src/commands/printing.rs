//! Printing and documents: checking a document's signed QR code.

use onetrip_api::error::ApiError;
use onetrip_api::verify::VerifyResponse;
use onetrip_client::Desktop;
use tauri::State;

#[tauri::command]
pub async fn verify_document(
    desktop: State<'_, Desktop>,
    payload: String,
) -> Result<VerifyResponse, ApiError> {
    desktop.verify_document(&payload).await
}
