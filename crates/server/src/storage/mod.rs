//! The central database: a pool of SQLite or PostgreSQL, its write transactions, and the change
//! events it publishes. Each area keeps its own SQL next to it (`<area>/sql.rs`), written once
//! for both backends through [`Conn`] and [`on_backend!`].

mod conn;
mod postgres;
mod sqlite;

use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, oneshot};

pub(crate) use conn::on_backend;
pub use conn::{Conn, Pooled, Tx};

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

/// A stored value that is not what the server wrote: data corruption, not user error.
pub fn corrupt(error: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(error.to_string())
}

/// The JSON text of a value the server stores.
pub fn json(value: &impl serde::Serialize) -> StorageResult<String> {
    serde_json::to_string(value).map_err(corrupt)
}

/// A value read back from JSON text the server stored.
pub fn parsed<T: serde::de::DeserializeOwned>(data: &str) -> StorageResult<T> {
    serde_json::from_str(data).map_err(corrupt)
}

/// Values read back from JSON texts the server stored.
pub fn all_parsed<T: serde::de::DeserializeOwned>(rows: &[String]) -> StorageResult<Vec<T>> {
    rows.iter().map(|data| parsed(data)).collect()
}

/// An id stored as text.
pub fn uuid(text: &str) -> StorageResult<uuid::Uuid> {
    uuid::Uuid::parse_str(text).map_err(|_| StorageError::Corrupt(format!("bad id {text:?}")))
}

pub fn opt_uuid(text: Option<String>) -> StorageResult<Option<uuid::Uuid>> {
    text.as_deref().map(uuid).transpose()
}

enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// The open database.
pub struct Store {
    pool: Pool,
    events: broadcast::Sender<i64>,
    /// Dropping the store stops the PostgreSQL listener.
    _stop: Option<oneshot::Sender<()>>,
}

impl Store {
    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// A connection for reading.
    pub async fn acquire(&self) -> StorageResult<Pooled> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Pooled::Sqlite(pool.acquire().await?),
            Pool::Postgres(pool) => Pooled::Postgres(pool.acquire().await?),
        })
    }

    /// Begins a write transaction that no other writer interleaves with: SQLite's `BEGIN
    /// IMMEDIATE`, or on PostgreSQL a transaction-scoped advisory lock, so that a check-then-write
    /// never interleaves and change seqs become visible in order.
    pub async fn begin_write(&self) -> StorageResult<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                postgres::serialize(&mut tx).await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// Announces, inside the transaction that wrote it, the change log's new head `seq`.
    pub async fn notify(&self, tx: &mut Tx, seq: i64) -> StorageResult<()> {
        match tx {
            // Published by [`Store::committed`]: one process owns the file.
            Tx::Sqlite(_) => Ok(()),
            // Delivered by PostgreSQL at commit to every listening process, this one included.
            Tx::Postgres(tx) => postgres::notify(tx, seq).await,
        }
    }

    /// Tells this process's subscribers, after the commit, of a change written at `seq`.
    pub fn committed(&self, seq: i64) {
        if let Pool::Sqlite(_) = self.pool {
            // No receiver is fine: nobody is listening.
            let _ = self.events.send(seq);
        }
    }

    /// Receives the seq of every change committed from now on, by this process or (PostgreSQL)
    /// any other server process on the same database.
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.events.subscribe()
    }
}

/// A value kept in memory, tagged with the database version it was read at.
pub struct VersionCache<T>(Mutex<Option<(i64, Arc<T>)>>);

impl<T> Default for VersionCache<T> {
    fn default() -> Self {
        VersionCache(Mutex::new(None))
    }
}

impl<T> VersionCache<T> {
    /// The kept value, if it was read at `version`.
    pub fn get(&self, version: i64) -> Option<Arc<T>> {
        let kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.as_ref()
            .filter(|(at, _)| *at == version)
            .map(|(_, value)| value.clone())
    }

    pub fn put(&self, version: i64, value: Arc<T>) {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((version, value));
    }
}
