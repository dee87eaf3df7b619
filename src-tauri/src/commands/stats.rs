//! Statistics for supervisors and review leads: asked of the central API, and exported as CSV
//! or XLSX into the user's Downloads folder (or `exports/` in the data folder).

use onetrip_api::error::ApiError;
use onetrip_api::review_stats::{ReviewStats, ReviewStatsQuery};
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

#[tauri::command]
pub async fn review_stats_load(
    desktop: State<'_, Desktop>,
    query: ReviewStatsQuery,
) -> Result<ReviewStats, ApiError> {
    desktop.stats().review_figures(query).await
}

#[tauri::command]
pub async fn review_stats_export(
    desktop: State<'_, Desktop>,
    query: ReviewStatsQuery,
    format: ExportFormat,
) -> Result<SavedExport, ApiError> {
    desktop.stats().review_export(query, format).await
}
