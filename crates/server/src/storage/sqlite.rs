//! SQLite: one file in the data folder, WAL mode, writers serialised by `BEGIN IMMEDIATE`. One
//! process owns the file, so change events are published in-process after each commit.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::broadcast;

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
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    Ok(Store {
        pool: Pool::Sqlite(pool),
        events: broadcast::channel(1024).0,
        _stop: None,
    })
}
