//! Statistics for supervisors: asked of the central API, and exported as CSV or XLSX into the
//! user's Downloads folder (or `exports/` in the data folder).

use onetrip_api::error::ApiError;
use onetrip_api::stats::{ExportFormat, QueueStats, SavedExport, StatsQuery};
use onetrip_client::Desktop;
use tauri::State;

#[tauri::command]
pub async fn stats_load(
    desktop: State<'_, Desktop>,
    query: StatsQuery,
) -> Result<QueueStats, ApiError> {
    desktop.stats().figures(query).await
}

#[tauri::command]
pub async fn stats_export(
    desktop: State<'_, Desktop>,
    query: StatsQuery,
    format: ExportFormat,
) -> Result<SavedExport, ApiError> {
    desktop.stats().export(query, format).await
}
