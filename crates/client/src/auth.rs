//! Signing in and out: the token kept in the OS keychain, the session restored after a restart.

use onetrip_api::auth::{Account, LoginRequest};
use onetrip_api::error::ApiError;

use crate::desktop::{Session, ends_session};
use crate::secrets::{self, Sensitive};

use crate::desktop::Desktop;

/// The signed-in session of the desktop.
pub struct Auth<'a> {
    pub(crate) desktop: &'a Desktop,
}

impl Auth<'_> {
    /// Signs in and keeps the token in the OS keychain.
    pub async fn login(&self, username: &str, password: &str) -> Result<Account, ApiError> {
        let mut state = self.desktop.state.lock().await;
        let client = self.desktop.client(&state.settings).await?;
        let response = client
            .login(&LoginRequest {
                username: username.to_owned(),
                password: password.to_owned(),
            })
            .await?;
        let token = Sensitive(response.token);
        if let Err(error) = secrets::persist(
            &self.desktop.keychain_key(&state.settings),
            &token,
            state.settings.language,
        ) {
            // A session that cannot be kept safely is not kept at all.
            let _ = client.logout(&token).await;
            return Err(error);
        }
        let session = Session {
            token,
            account: response.account.clone(),
        };
        self.desktop
            .start_sync(&state.settings, client, &session)
            .await?;
        state.session = Some(session);
        Ok(response.account)
    }

    /// Signs out: ends the session on the server when reachable and deletes the token.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let mut state = self.desktop.state.lock().await;
        self.desktop.end_session(&mut state).await
    }

    /// The signed-in account, restoring the session from the keychain after a restart.
    pub async fn current_account(&self) -> Result<Option<Account>, ApiError> {
        let mut state = self.desktop.state.lock().await;
        if let Some(session) = &state.session {
            return Ok(Some(session.account.clone()));
        }
        let key = self.desktop.keychain_key(&state.settings);
        let Some(token) = secrets::retrieve(&key, state.settings.language)? else {
            return Ok(None);
        };
        let client = self.desktop.client(&state.settings).await?;
        match client.me(&token).await {
            Ok(account) => {
                let session = Session {
                    token,
                    account: account.clone(),
                };
                self.desktop
                    .start_sync(&state.settings, client, &session)
                    .await?;
                state.session = Some(session);
                Ok(Some(account))
            }
            Err(error) if ends_session(&error) => {
                secrets::delete(&key, state.settings.language)?;
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }
}

impl Desktop {
    /// Signing in and out.
    pub fn auth(&self) -> Auth<'_> {
        Auth { desktop: self }
    }
}
