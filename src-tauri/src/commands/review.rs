//! Drawing review: projects and their opinions from the local cache, drawing files from the
//! local blob cache (fetched on demand), and the reviewers the lead may assign.

use onetrip_api::error::ApiError;
use onetrip_api::print::PrintRecord;
use onetrip_api::review::{Project, ProjectView, Reviewer, SheetPage, SheetRegion};
use onetrip_api::review_documents::{ExportForm, ReviewDocument};
use onetrip_api::stats::SavedExport;
use onetrip_client::Desktop;
use tauri::State;
use tauri::ipc::Response;
use uuid::Uuid;

#[tauri::command]
pub async fn review_projects(desktop: State<'_, Desktop>) -> Result<Vec<Project>, ApiError> {
    desktop.review().projects().await
}

#[tauri::command]
pub async fn review_project(
    desktop: State<'_, Desktop>,
    id: Uuid,
) -> Result<ProjectView, ApiError> {
    desktop.review().project(id).await
}

/// The PDF bytes, sent as they are (not as a JSON array of numbers).
#[tauri::command]
pub async fn review_file(desktop: State<'_, Desktop>, id: Uuid) -> Result<Response, ApiError> {
    Ok(Response::new(desktop.review().file(id).await?))
}

/// A sheet's page for the native viewer: its size and transform.
#[tauri::command]
pub async fn review_sheet_page(
    desktop: State<'_, Desktop>,
    file: Uuid,
    page: u32,
) -> Result<SheetPage, ApiError> {
    desktop.review().sheet_page(file, page).await
}

/// A region of a sheet's page drawn natively, as PNG bytes.
#[tauri::command]
pub async fn review_sheet_region(
    desktop: State<'_, Desktop>,
    file: Uuid,
    page: u32,
    region: SheetRegion,
) -> Result<Response, ApiError> {
    Ok(Response::new(
        desktop.review().sheet_region(file, page, region).await?,
    ))
}

#[tauri::command]
pub async fn review_take_offline(desktop: State<'_, Desktop>, id: Uuid) -> Result<u32, ApiError> {
    desktop.review().take_offline(id).await
}

#[tauri::command]
pub async fn review_reviewers(desktop: State<'_, Desktop>) -> Result<Vec<Reviewer>, ApiError> {
    desktop.review().reviewers().await
}

#[tauri::command]
pub fn review_clauses(
    desktop: State<'_, Desktop>,
    query: String,
) -> Vec<onetrip_api::review::ClauseEdition> {
    desktop.review().clauses(&query)
}

/// A project's letter or certificate as PDF bytes, rendered from the cache.
#[tauri::command]
pub async fn review_document(
    desktop: State<'_, Desktop>,
    project: Uuid,
    document: ReviewDocument,
    round: Option<u32>,
) -> Result<Response, ApiError> {
    let (_, pdf) = desktop.review().document(project, document, round).await?;
    Ok(Response::new(pdf))
}

#[tauri::command]
pub async fn review_save_document(
    desktop: State<'_, Desktop>,
    project: Uuid,
    document: ReviewDocument,
    round: Option<u32>,
) -> Result<SavedExport, ApiError> {
    desktop
        .review()
        .save_document(project, document, round)
        .await
}

/// A compared sheet over the one of the round before, as PNG bytes.
#[tauri::command]
pub async fn review_overlay(
    desktop: State<'_, Desktop>,
    sheet: Uuid,
) -> Result<Response, ApiError> {
    Ok(Response::new(desktop.review().overlay(sheet).await?))
}

/// A round's file with the released opinions' markups, saved into the export folder.
#[tauri::command]
pub async fn review_export_file(
    desktop: State<'_, Desktop>,
    file: Uuid,
    form: ExportForm,
) -> Result<SavedExport, ApiError> {
    desktop.review().export_file(file, form).await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)] // the document, and where and how to print it
pub async fn review_print_document(
    desktop: State<'_, Desktop>,
    project: Uuid,
    document: ReviewDocument,
    round: Option<u32>,
    printer: String,
    tray: Option<String>,
    copies: u32,
) -> Result<PrintRecord, ApiError> {
    desktop
        .review()
        .print_document(project, document, round, printer, tray, copies)
        .await
}
