//! The queue: today's tickets from the local cache. Calls and issues are commands
//! (`command_send`), online-only.

use onetrip_api::error::ApiError;
use onetrip_api::queue::{Ticket, WindowState};
use onetrip_client::Desktop;
use tauri::State;

#[tauri::command]
pub async fn queue_tickets(desktop: State<'_, Desktop>) -> Result<Vec<Ticket>, ApiError> {
    desktop.queue().tickets().await
}

#[tauri::command]
pub async fn queue_window_states(
    desktop: State<'_, Desktop>,
) -> Result<Vec<WindowState>, ApiError> {
    desktop.queue().window_states().await
}
