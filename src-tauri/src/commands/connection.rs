//! What the connection indicator shows.

use onetrip_api::desktop::ConnectionStatus;
use onetrip_client::Desktop;
use tauri::State;

#[tauri::command]
pub async fn connection_status(desktop: State<'_, Desktop>) -> Result<ConnectionStatus, ()> {
    Ok(desktop.connection_status().await)
}
