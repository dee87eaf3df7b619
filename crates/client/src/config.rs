//! The site configuration from the local cache, and this desk's settings.

use onetrip_api::config::ConfigSnapshot;
use onetrip_api::desktop::Settings;
use onetrip_api::error::{ApiError, ErrorCode};

use crate::settings;

use crate::desktop::Desktop;

/// The configuration the desk works with.
pub struct Config<'a> {
    pub(crate) desktop: &'a Desktop,
}

impl Config<'_> {
    /// The configuration from the local cache, with commands still waiting applied on top.
    /// A cache that never synced pulls first.
    pub async fn load(&self) -> Result<ConfigSnapshot, ApiError> {
        let owner = self.desktop.owner().await?;
        if self.desktop.sync.cache.cursor().await? == 0 {
            self.desktop.sync.pull().await.map_err(|error| match error.code {
                ErrorCode::Offline => ApiError::new(
                    ErrorCode::Offline,
                    format!("本机尚未从服务器同步过数据。{} / Nothing has been synced to this computer yet.", error.message),
                ),
                _ => error,
            })?;
        }
        self.desktop.sync.cache.config_snapshot(&owner).await
    }

    pub async fn settings(&self) -> Settings {
        self.desktop.state.lock().await.settings.clone()
    }

    /// Saves new settings. Moving to another server signs out of the old one first.
    pub async fn save_settings(&self, new: Settings) -> Result<Settings, ApiError> {
        let new = settings::check(new)?;
        let mut state = self.desktop.state.lock().await;
        if self.desktop.keychain_key(&new) != self.desktop.keychain_key(&state.settings)
            && let Err(error) = self.desktop.end_session(&mut state).await
        {
            tracing::warn!(%error, "could not end the previous session");
        }
        settings::save(&self.desktop.data_dir, &new)?;
        state.settings = new.clone();
        Ok(new)
    }
}

impl Desktop {
    /// The site configuration and this desk's settings.
    pub fn config(&self) -> Config<'_> {
        Config { desktop: self }
    }
}
