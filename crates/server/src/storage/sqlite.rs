//! SQLite: one file in the data folder, WAL mode, writers serialised by `BEGIN IMMEDIATE`. One
//! process owns the file, so change events are published in-process after each commit.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{broadcast, oneshot};

use super::{Pool, StorageResult, Store};

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open_sqlite(path: &Path) -> StorageResult<Store> {
        connect(SqliteConnectOptions::new().filename(path)).await
    }

    /// Opens a `sqlite://` URL.
    pub async fn open_sqlite_url(url: &str) -> StorageResult<Store> {
        connect(SqliteConnectOptions::from_str(url)?).await
    }
}

async fn connect(options: SqliteConnectOptions) -> StorageResult<Store> {
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        // Checkpoints run in the background (below), so that no commit waits while the WAL
        // is copied into the database file and that file is synced.
        .pragma("wal_autocheckpoint", "0");
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    let (stop, stopped) = oneshot::channel();
    tokio::spawn(checkpoint_in_background(pool.clone(), stopped));
    Ok(Store {
        pool: Pool::Sqlite(pool),
        events: broadcast::channel(1024).0,
        _stop: Some(stop),
    })
}

/// How often the WAL is copied into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies what the WAL holds into the database file every [`CHECKPOINT_EVERY`], without
/// waiting for readers or writers (`PASSIVE`), until the store is dropped; then once more.
async fn checkpoint_in_background(pool: sqlx::SqlitePool, mut stopped: oneshot::Receiver<()>) {
    loop {
        let stopping = tokio::select! {
            _ = &mut stopped => true,
            () = tokio::time::sleep(CHECKPOINT_EVERY) => false,
        };
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(%error, "WAL checkpoint failed; trying again later");
        }
        if stopping {
            return;
        }
    }
}
