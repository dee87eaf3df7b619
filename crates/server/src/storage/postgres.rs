//! PostgreSQL: for production, shared by several API instances. Write transactions take a
//! transaction-scoped advisory lock; each commit sends `NOTIFY onetrip_changes`, and every
//! process LISTENs, so live events reach clients of every instance.

use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use tokio::sync::{broadcast, oneshot};

use super::{Pool, StorageResult, Store};

const CHANNEL: &str = "onetrip_changes";

impl Store {
    /// Connects, brings the schema up to date and starts listening for changes.
    pub async fn connect_postgres(url: &str) -> StorageResult<Store> {
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
        Ok(Store {
            pool: Pool::Postgres(pool),
            events,
            _stop: Some(stop),
        })
    }
}

/// Makes the transaction the only writer until it ends.
pub(super) async fn serialize(conn: &mut sqlx::PgConnection) -> StorageResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(7431001)")
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn notify(conn: &mut sqlx::PgConnection, seq: i64) -> StorageResult<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(seq.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Passes notifications on until the store is dropped. `PgListener` reconnects by itself after
/// a lost connection; an error here means it could not, so wait and try again.
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
