//! Drainage permits: the cohort's applications and the permits from the local cache, the dry
//! run and the batch approval through the server, and what the permits print.

use onetrip_api::command::CommandBody;
use onetrip_api::error::ApiError;
use onetrip_api::permits::{
    BatchOutcome, Cohort, DryRun, FormLedgerView, FormPrintOutcome, FormPrintRequest, Permit,
    PermitApplication, PermitCheck, PermitStats, PermitStatsQuery, RenewalRow, SpotCheck,
};
use onetrip_api::stats::{ExportFormat, SavedExport};
use onetrip_client::Desktop;
use onetrip_domain::permits::ConditionTemplate;
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn permits_applications(
    desktop: State<'_, Desktop>,
    cohort: Cohort,
) -> Result<Vec<PermitApplication>, ApiError> {
    desktop.permits().applications(cohort).await
}

#[tauri::command]
pub async fn permits_list(desktop: State<'_, Desktop>) -> Result<Vec<Permit>, ApiError> {
    desktop.permits().permits().await
}

#[tauri::command]
pub async fn permits_templates(
    desktop: State<'_, Desktop>,
) -> Result<Vec<ConditionTemplate>, ApiError> {
    desktop.permits().templates().await
}

#[tauri::command]
pub async fn permits_dry_run(
    desktop: State<'_, Desktop>,
    cohort: Cohort,
) -> Result<DryRun, ApiError> {
    desktop.permits().dry_run(cohort).await
}

#[tauri::command]
pub async fn permits_approve(
    desktop: State<'_, Desktop>,
    application_ids: Vec<Uuid>,
) -> Result<BatchOutcome, ApiError> {
    desktop.permits().approve(application_ids).await
}

/// The print records of the permits, for the print dialog.
#[tauri::command]
pub async fn permits_print_records(
    desktop: State<'_, Desktop>,
    ids: Vec<Uuid>,
) -> Result<Vec<serde_json::Value>, ApiError> {
    desktop.permits().print_records(&ids).await
}

/// Prints permits onto the official forms, page by page, taking and giving back form serials.
#[tauri::command]
pub async fn permits_print_on_forms(
    desktop: State<'_, Desktop>,
    request: FormPrintRequest,
) -> Result<FormPrintOutcome, ApiError> {
    desktop.permits().print_on_forms(request).await
}

/// The site's blank-form ledger.
#[tauri::command]
pub async fn permits_forms(desktop: State<'_, Desktop>) -> Result<FormLedgerView, ApiError> {
    desktop.permits().forms().await
}

/// The batches and voids waiting for a second officer.
#[tauri::command]
pub async fn permits_checks(desktop: State<'_, Desktop>) -> Result<Vec<PermitCheck>, ApiError> {
    desktop.permits().checks().await
}

/// An officer's permit command (void, confirm or send back, a spot check's result), online.
#[tauri::command]
pub async fn permits_command(
    desktop: State<'_, Desktop>,
    body: CommandBody,
) -> Result<serde_json::Value, ApiError> {
    desktop.permits().command(body).await
}

/// The open spot checks of pledges.
#[tauri::command]
pub async fn permits_spot_checks(desktop: State<'_, Desktop>) -> Result<Vec<SpotCheck>, ApiError> {
    desktop.permits().spot_checks().await
}

/// Permits near expiry, their reminders and renewals.
#[tauri::command]
pub async fn permits_renewals(desktop: State<'_, Desktop>) -> Result<Vec<RenewalRow>, ApiError> {
    desktop.permits().renewals().await
}

/// The permit figures over a range of approval days.
#[tauri::command]
pub async fn permits_stats(
    desktop: State<'_, Desktop>,
    query: PermitStatsQuery,
) -> Result<PermitStats, ApiError> {
    desktop.permits().stats(query).await
}

/// The cohort's dry-run exceptions, saved as a file in the export folder.
#[tauri::command]
pub async fn permits_export_exceptions(
    desktop: State<'_, Desktop>,
    cohort: Cohort,
    format: ExportFormat,
) -> Result<SavedExport, ApiError> {
    desktop.permits().export_exceptions(cohort, format).await
}
