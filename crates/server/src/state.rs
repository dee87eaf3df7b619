//! What every request handler shares.

use std::sync::Arc;

use onetrip_api::command::{Command, CommandOutcome};
use onetrip_api::config::ConfigSnapshot;
use onetrip_print::signing::IssuerKey;

use crate::actor::Actor;
use crate::clock::Clock;
use crate::session_cache::SessionCache;
use crate::storage::{StorageResult, Store, VersionCache};
use crate::uploads::Files;

/// Where commands are applied: at most once each, checked against the domain rules, with
/// their change-log entry and audit line in the same transaction.
#[async_trait::async_trait]
pub trait CommandSink: Send + Sync + 'static {
    async fn apply(
        &self,
        actor: &Actor,
        command: &Command,
        now_ms: i64,
    ) -> StorageResult<CommandOutcome>;
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub commands: Arc<dyn CommandSink>,
    /// The configuration, read again only after a change.
    pub config: Arc<VersionCache<ConfigSnapshot>>,
    pub clock: Arc<dyn Clock>,
    /// A valid argon2id hash of nothing in particular, checked against when the user name is
    /// unknown so that a failed login takes the same time either way.
    pub dummy_hash: String,
    /// Set when the server is shutting down, so that open event streams end and let it stop.
    pub shutting_down: Arc<tokio::sync::watch::Sender<bool>>,
    /// Signs documents' QR codes. A fresh key unless `serve` loads the kept one.
    pub issuer_key: Arc<IssuerKey>,
    /// Sessions read in the last moments, so that a busy window's every request does not read
    /// its session again.
    pub sessions: Arc<SessionCache>,
    /// Uploaded files: blobs, partial uploads, limits and the intake child's bounds. In a
    /// temporary folder unless `serve` gives the data folder.
    pub files: Arc<Files>,
}

impl AppState {
    pub fn new(
        store: Arc<Store>,
        commands: Arc<dyn CommandSink>,
        config: Arc<VersionCache<ConfigSnapshot>>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<AppState> {
        Ok(AppState {
            store,
            commands,
            config,
            clock,
            dummy_hash: crate::password::hash_password("not a password")?,
            shutting_down: Arc::new(tokio::sync::watch::channel(false).0),
            issuer_key: Arc::new(IssuerKey::generate()?),
            sessions: Arc::default(),
            files: Arc::new(Files::temporary()?),
        })
    }
}
