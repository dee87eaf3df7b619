//! Ratings (好差评) from the local cache: today's, for the clerk's workstation, and the report
//! of a date range with the follow-ups, for supervisors. Ratings and follow-up steps are
//! commands (`command_send`).

use onetrip_api::error::ApiError;
use onetrip_api::rating::{Rating, RatingsReport};
use onetrip_client::Desktop;
use tauri::State;

#[tauri::command]
pub async fn queue_ratings(desktop: State<'_, Desktop>) -> Result<Vec<Rating>, ApiError> {
    desktop.ratings().today().await
}

#[tauri::command]
pub async fn ratings_report(
    desktop: State<'_, Desktop>,
    from: String,
    to: String,
) -> Result<RatingsReport, ApiError> {
    desktop.ratings().report(&from, &to).await
}
