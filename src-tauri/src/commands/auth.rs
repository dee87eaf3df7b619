//! Signing in and out.

use onetrip_api::auth::Account;
use onetrip_api::error::ApiError;
use onetrip_client::Desktop;
use tauri::State;

#[tauri::command]
pub async fn auth_login(
    desktop: State<'_, Desktop>,
    username: String,
    password: String,
) -> Result<Account, ApiError> {
    desktop.auth().login(&username, &password).await
}

#[tauri::command]
pub async fn auth_logout(desktop: State<'_, Desktop>) -> Result<(), ApiError> {
    desktop.auth().logout().await
}

#[tauri::command]
pub async fn auth_current(desktop: State<'_, Desktop>) -> Result<Option<Account>, ApiError> {
    desktop.auth().current_account().await
}
