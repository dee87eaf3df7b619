//! PostgreSQL storage: for production, shared by several API instances. Command transactions
//! take a transaction-scoped advisory lock so that a check-then-write never interleaves and
//! change seqs become visible in order. Each commit sends `NOTIFY onetrip_changes`, and every
//! process LISTENs, so live events reach clients of every instance.

use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use tokio::sync::{broadcast, oneshot};

use super::StorageResult;
use super::sql::sql_storage;

const CHANNEL: &str = "onetrip_changes";

pub struct PostgresStorage {
    pool: sqlx::PgPool,
    events: broadcast::Sender<i64>,
    /// Writers of this process take turns here before the advisory lock, so that waiting
    /// commands do not each hold a pooled connection and an open transaction.
    writers: tokio::sync::Mutex<()>,
    /// The configuration, read again only after a change.
    config: super::ConfigCache,
    /// The day's queues in memory, and queue commands waiting to be written together.
    queue: crate::queue_state::QueueMemory,
    /// Dropping the storage stops its listener.
    _stop: oneshot::Sender<()>,
}

impl PostgresStorage {
    /// Connects, brings the schema up to date and starts listening for changes.
    pub async fn connect(url: &str) -> StorageResult<PostgresStorage> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let events = broadcast::channel(1024).0;
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(forward_notifications(listener, events.clone(), stopped));
        Ok(PostgresStorage {
            pool,
            events,
            writers: tokio::sync::Mutex::new(()),
            config: super::ConfigCache::default(),
            queue: crate::queue_state::QueueMemory::default(),
            _stop: stop,
        })
    }

    async fn notify_in_transaction(
        &self,
        conn: &mut sqlx::PgConnection,
        seq: i64,
    ) -> StorageResult<()> {
        // Delivered by PostgreSQL at commit, to every listening process, this one included.
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(seq.to_string())
            .execute(conn)
            .await?;
        Ok(())
    }

    fn after_commit(&self, _: i64) {}
}

/// Passes notifications on until the storage is dropped. `PgListener` reconnects by itself
/// after a lost connection; an error here means it could not, so wait and try again.
async fn forward_notifications(
    mut listener: PgListener,
    events: broadcast::Sender<i64>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            received = listener.recv() => match received {
                Ok(notification) => {
                    if let Ok(seq) = notification.payload().parse::<i64>() {
                        let _ = events.send(seq);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "change notifications interrupted; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            },
        }
    }
}

sql_storage!(
    PostgresStorage,
    sqlx::Postgres,
    backend = "postgres",
    begin = "BEGIN",
    serialize = "SELECT pg_advisory_xact_lock(7431001)"
);
