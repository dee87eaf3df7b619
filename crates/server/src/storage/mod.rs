//! The one storage interface of the central API, with a SQLite and a PostgreSQL implementation.

mod postgres;
mod sql;
mod sqlite;

use async_trait::async_trait;
use onetrip_api::command::{Command, CommandOutcome};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::sync::SyncPage;
use onetrip_domain::auth::{LoginAttempts, Role};
use uuid::Uuid;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

use crate::actor::Actor;

/// A stored account with what login needs.
#[derive(Debug, Clone)]
pub struct StoredAccount {
    pub account: onetrip_api::auth::Account,
    pub password_hash: String,
    pub attempts: LoginAttempts,
}

/// An account to create (seeding and administration).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub site_id: Option<Uuid>,
    pub specialty: Option<String>,
    pub password_hash: String,
}

/// A session found by its token hash.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub account: onetrip_api::auth::Account,
    pub expires_at_ms: i64,
}

/// One line of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub account_id: Uuid,
    pub username: String,
    pub command_id: Uuid,
    pub kind: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StorageResult<T> = Result<T, StorageError>;

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    async fn account_by_username(&self, username: &str) -> StorageResult<Option<StoredAccount>>;
    async fn save_login_attempts(
        &self,
        account: Uuid,
        attempts: LoginAttempts,
    ) -> StorageResult<()>;
    async fn insert_account(&self, account: &NewAccount, now_ms: i64) -> StorageResult<()>;
    async fn count_accounts(&self) -> StorageResult<i64>;

    async fn insert_session(
        &self,
        token_hash: &str,
        account: Uuid,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StorageResult<()>;
    async fn session(&self, token_hash: &str) -> StorageResult<Option<StoredSession>>;
    async fn delete_session(&self, token_hash: &str) -> StorageResult<()>;

    /// The whole configuration; callers narrow it to the reader's scope.
    async fn config_snapshot(&self) -> StorageResult<ConfigSnapshot>;

    /// Applies a command at most once: a repeated id returns the first outcome unchanged.
    async fn apply_command(
        &self,
        actor: &Actor,
        command: &Command,
        now_ms: i64,
    ) -> StorageResult<CommandOutcome>;

    /// A site's tickets of one service-center day (`YYYY-MM-DD`), in issue order.
    async fn tickets_of_day(
        &self,
        site: Uuid,
        day: &str,
    ) -> StorageResult<Vec<onetrip_api::queue::Ticket>>;

    /// The site's windows that have been on a break or back from one.
    async fn window_states(
        &self,
        site: Uuid,
    ) -> StorageResult<Vec<onetrip_api::queue::WindowState>>;

    /// The site's appointments of the day found by phone number, ID number or check-in code,
    /// each with whether it has checked in already.
    async fn find_appointments(
        &self,
        site: Uuid,
        day: &str,
        query: &str,
    ) -> StorageResult<Vec<(onetrip_api::queue::Appointment, bool)>>;
    /// Ratings of the days `from` to `to` (`YYYY-MM-DD`, both included) and every rating with
    /// an open follow-up, at `site` (`None`: every site), oldest first.
    async fn ratings(
        &self,
        site: Option<Uuid>,
        from: &str,
        to: &str,
    ) -> StorageResult<Vec<onetrip_api::rating::Rating>>;

    /// The latest ticket finished at `window` on `day`, and whether it has been rated.
    async fn last_finished_at_window(
        &self,
        window: Uuid,
        day: &str,
    ) -> StorageResult<Option<(onetrip_api::queue::Ticket, bool)>>;

    /// What the statistics of `site` over the days `from` to `to` (`YYYY-MM-DD`, inclusive)
    /// are computed from: the tickets' moments, the cases' trips, and the clerks' names.
    async fn stats_rows(
        &self,
        site: Uuid,
        from: &str,
        to: &str,
    ) -> StorageResult<crate::stats::StatsRows>;

    /// The newest audit entries first.
    async fn audit_log(&self, limit: i64) -> StorageResult<Vec<AuditEntry>>;

    /// Up to `limit` changes after `since`, in order, that a reader of `site` may see (`None`:
    /// every site), as the JSON text of a [`SyncPage`]: the database writes each change's JSON
    /// itself, so a large pull never builds a row object per change on the server.
    async fn sync_page_json(
        &self,
        since: i64,
        limit: i64,
        site: Option<Uuid>,
    ) -> StorageResult<String>;

    /// [`Storage::sync_page_json`], read back as a [`SyncPage`].
    async fn changes_since(
        &self,
        since: i64,
        limit: i64,
        site: Option<Uuid>,
    ) -> StorageResult<SyncPage> {
        let json = self.sync_page_json(since, limit, site).await?;
        serde_json::from_str(&json).map_err(|e| StorageError::Corrupt(e.to_string()))
    }

    /// The newest change's seq, 0 when there is none.
    async fn head(&self) -> StorageResult<i64>;

    /// Receives the seq of every change committed from now on, by this process or (PostgreSQL)
    /// any other server process on the same database.
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<i64>;
}

/// The configuration kept in memory by a storage, tagged with the database's configuration
/// version it was read at.
#[derive(Default)]
pub struct ConfigCache(std::sync::Mutex<Option<(i64, std::sync::Arc<ConfigSnapshot>)>>);

impl ConfigCache {
    /// The kept configuration, if it was read at `version`.
    pub fn get(&self, version: i64) -> Option<std::sync::Arc<ConfigSnapshot>> {
        let kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.as_ref()
            .filter(|(at, _)| *at == version)
            .map(|(_, snapshot)| snapshot.clone())
    }

    pub fn put(&self, version: i64, snapshot: std::sync::Arc<ConfigSnapshot>) {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((version, snapshot));
    }
}
