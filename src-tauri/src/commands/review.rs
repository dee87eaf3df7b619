//! Drawing review: projects and their opinions from the local cache, drawing files from the
//! local blob cache (fetched on demand), and the reviewers the lead may assign.

use onetrip_api::error::ApiError;
use onetrip_api::review::{Project, ProjectView, Reviewer};
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
