//! The site configuration from the local cache, and this desk's settings (standalone or a
//! server URL, and the language).

use onetrip_api::config::ConfigSnapshot;
use onetrip_api::desktop::Settings;
use onetrip_api::error::ApiError;
use onetrip_client::Desktop;
use tauri::State;

#[tauri::command]
pub async fn config_load(desktop: State<'_, Desktop>) -> Result<ConfigSnapshot, ApiError> {
    desktop.config().load().await
}

#[tauri::command]
pub async fn settings_get(desktop: State<'_, Desktop>) -> Result<Settings, ()> {
    Ok(desktop.config().settings().await)
}

#[tauri::command]
pub async fn settings_save(
    desktop: State<'_, Desktop>,
    settings: Settings,
) -> Result<Settings, ApiError> {
    desktop.config().save_settings(settings).await
}
