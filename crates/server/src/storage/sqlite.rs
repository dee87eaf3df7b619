//! SQLite storage: one file in the data folder, WAL mode, writers serialised by `BEGIN IMMEDIATE`.
//! One process owns the file, so change events are published in-process after each commit.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::broadcast;

use super::StorageResult;
use super::sql::sql_storage;

pub struct SqliteStorage {
    pool: sqlx::SqlitePool,
    events: broadcast::Sender<i64>,
    /// Writers of this process take turns here instead of in SQLite's busy handler, which
    /// sleeps in steps of up to 100 ms while another transaction holds the file.
    writers: tokio::sync::Mutex<()>,
    /// The configuration, read again only after a change.
    config: super::ConfigCache,
    /// The day's queues in memory, and queue commands waiting to be written together.
    queue: crate::queue_state::QueueMemory,
}

impl SqliteStorage {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> StorageResult<SqliteStorage> {
        Self::connect(SqliteConnectOptions::new().filename(path)).await
    }

    /// Opens a `sqlite://` URL.
    pub async fn open_url(url: &str) -> StorageResult<SqliteStorage> {
        Self::connect(SqliteConnectOptions::from_str(url)?).await
    }

    async fn connect(options: SqliteConnectOptions) -> StorageResult<SqliteStorage> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStorage {
            pool,
            events: broadcast::channel(1024).0,
            writers: tokio::sync::Mutex::new(()),
            config: super::ConfigCache::default(),
            queue: crate::queue_state::QueueMemory::default(),
        })
    }

    async fn notify_in_transaction(
        &self,
        _: &mut sqlx::SqliteConnection,
        _: i64,
    ) -> StorageResult<()> {
        Ok(())
    }

    fn after_commit(&self, seq: i64) {
        // No receiver is fine: nobody is listening.
        let _ = self.events.send(seq);
    }
}

sql_storage!(
    SqliteStorage,
    sqlx::Sqlite,
    backend = "sqlite",
    begin = "BEGIN IMMEDIATE",
    serialize = "SELECT 1"
);
