//! Commands from the desk: sent at once or kept in the outbox, the ones the server refused,
//! and the state of the connection.

use onetrip_api::command::{Command, CommandOutcome};
use onetrip_api::desktop::{ConnectionStatus, FailedCommand};
use onetrip_api::error::ApiError;
use uuid::Uuid;

pub use crate::sync_engine::*;

use crate::desktop::Desktop;

/// Commands and the connection.
pub struct Outbox<'a> {
    pub(crate) desktop: &'a Desktop,
}

impl Outbox<'_> {
    /// Sends a command. Online-only commands go straight to the server and fail at once when it
    /// cannot be reached; the others are stored in the outbox first and sent as soon as they
    /// can be (`Queued` when the server is out of reach now).
    pub async fn send(&self, command: Command) -> Result<CommandOutcome, ApiError> {
        if command.body.online_only() {
            let outcome = self
                .desktop
                .with_session(
                    |client, token| async move { client.send_command(&token, &command).await },
                )
                .await?;
            // Bring the change into the cache now, so screens reading it see it at once.
            if let Err(error) = self.desktop.sync.pull().await {
                tracing::info!(%error, "pull after an online command failed");
                self.desktop.sync.wake();
            }
            return Ok(outcome);
        }
        self.desktop.owner().await?;
        self.desktop.sync.submit(command).await
    }

    /// Commands the server refused after they waited in the outbox.
    pub async fn failed(&self) -> Result<Vec<FailedCommand>, ApiError> {
        self.desktop
            .sync
            .cache
            .failed(&self.desktop.owner().await?)
            .await
    }

    /// Queues a refused command again (under a fresh id).
    pub async fn retry(&self, id: Uuid) -> Result<(), ApiError> {
        self.desktop.sync.cache.retry(id, now_ms()).await?;
        self.desktop.sync.wake();
        Ok(())
    }

    /// Drops a refused command for good.
    pub async fn discard(&self, id: Uuid) -> Result<(), ApiError> {
        self.desktop.sync.cache.remove(id).await
    }

    pub async fn status(&self) -> ConnectionStatus {
        let settings = self.desktop.state.lock().await.settings.clone();
        let client = self.desktop.client(&settings).await;
        let (server_url, health) = match &client {
            Ok(client) => (client.base().to_owned(), client.health().await.ok()),
            Err(_) => (settings.server_url.clone().unwrap_or_default(), None),
        };
        let (pending, failed) = match self.desktop.sync.context() {
            Some(context) => self
                .desktop
                .sync
                .cache
                .outbox_counts(&context.owner)
                .await
                .unwrap_or_default(),
            None => (0, 0),
        };
        ConnectionStatus {
            online: health.is_some(),
            mode: settings.mode,
            server_url,
            database: health.map(|h| h.database),
            pending,
            failed,
            last_sync_at_ms: self
                .desktop
                .sync
                .cache
                .last_sync_at()
                .await
                .unwrap_or_default(),
        }
    }
}

impl Desktop {
    /// Commands, the outbox and the connection.
    pub fn outbox(&self) -> Outbox<'_> {
        Outbox { desktop: self }
    }
}
