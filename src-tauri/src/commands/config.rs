//! Site configuration: reading it and sending changes as commands.

use onetrip_api::command::{Command, CommandOutcome};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::ApiError;
use onetrip_client::Desktop;
use tauri::State;

#[tauri::command]
pub async fn config_load(desktop: State<'_, Desktop>) -> Result<ConfigSnapshot, ApiError> {
    desktop.load_config().await
}

#[tauri::command]
pub async fn command_send(
    desktop: State<'_, Desktop>,
    command: Command,
) -> Result<CommandOutcome, ApiError> {
    desktop.send_command(command).await
}
