//! What every request handler shares.

use std::sync::Arc;

use onetrip_print::signing::IssuerKey;

use crate::clock::Clock;
use crate::storage::Storage;

#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
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
    pub sessions: Arc<crate::auth::SessionCache>,
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
        Ok(AppState {
            storage,
            clock,
            dummy_hash: crate::auth::hash_password("not a password")?,
            shutting_down: Arc::new(tokio::sync::watch::channel(false).0),
            issuer_key: Arc::new(IssuerKey::generate()?),
            sessions: Arc::default(),
        })
    }
}
