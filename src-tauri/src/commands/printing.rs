//! Printing and documents: templates, preview, printers, printing with the print log,
//! reprints, calibration, and checking a document's signed QR code.

use onetrip_api::error::ApiError;
use onetrip_api::print::{JobStatus, PrintRecord, PrintRequest, PrintTemplateInfo, Printer};
use onetrip_api::verify::VerifyResponse;
use onetrip_client::Desktop;
use onetrip_print::Calibration;
use serde_json::Value;
use tauri::State;
use tauri::ipc::Response;
use uuid::Uuid;

#[tauri::command]
pub async fn verify_document(
    desktop: State<'_, Desktop>,
    payload: String,
) -> Result<VerifyResponse, ApiError> {
    desktop.printing().verify_document(&payload).await
}

#[tauri::command]
pub fn print_templates(desktop: State<'_, Desktop>) -> Vec<PrintTemplateInfo> {
    desktop.printing().print_templates()
}

#[tauri::command]
pub fn print_sample(desktop: State<'_, Desktop>, template: String) -> Result<Vec<Value>, ApiError> {
    desktop.printing().sample_records(&template)
}

/// The PDF bytes, sent as they are (not as a JSON array of numbers).
#[tauri::command]
pub async fn print_preview(
    desktop: State<'_, Desktop>,
    template: String,
    records: Vec<Value>,
    overlay: bool,
) -> Result<Response, ApiError> {
    Ok(Response::new(
        desktop
            .printing()
            .preview_document(&template, records, overlay)
            .await?,
    ))
}

#[tauri::command]
pub async fn printers_list(desktop: State<'_, Desktop>) -> Result<Vec<Printer>, ApiError> {
    desktop.printing().printers().await
}

#[tauri::command]
pub async fn print_document(
    desktop: State<'_, Desktop>,
    request: PrintRequest,
) -> Result<PrintRecord, ApiError> {
    desktop.printing().print_document(request).await
}

#[tauri::command]
pub async fn print_reprint(
    desktop: State<'_, Desktop>,
    id: Uuid,
    printer: Option<String>,
    copies: Option<u32>,
) -> Result<PrintRecord, ApiError> {
    desktop.printing().reprint(id, printer, copies).await
}

#[tauri::command]
pub async fn print_jobs(
    desktop: State<'_, Desktop>,
    jobs: Vec<(String, String)>,
) -> Result<Vec<JobStatus>, ApiError> {
    desktop.printing().print_jobs(jobs).await
}

#[tauri::command]
pub async fn print_log(desktop: State<'_, Desktop>) -> Result<Vec<PrintRecord>, ApiError> {
    desktop.printing().print_log().await
}

#[tauri::command]
pub fn calibration_get(
    desktop: State<'_, Desktop>,
    printer: String,
    tray: Option<String>,
) -> Result<Calibration, ApiError> {
    desktop.printing().calibration(&printer, tray.as_deref())
}

#[tauri::command]
pub fn calibration_save(
    desktop: State<'_, Desktop>,
    profile: Calibration,
) -> Result<Calibration, ApiError> {
    desktop.printing().save_calibration(&profile)
}

#[tauri::command]
pub async fn calibration_print_grid(
    desktop: State<'_, Desktop>,
    printer: String,
    tray: Option<String>,
) -> Result<JobStatus, ApiError> {
    desktop
        .printing()
        .print_calibration_grid(printer, tray)
        .await
}
