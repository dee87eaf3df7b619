//! What only the SQLite backend does: checkpoints in the background.

use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_domain::config::Window;
use onetrip_server::actor::Actor;
use onetrip_server::seed::seed_demo;
use sqlx::Connection;
use uuid::Uuid;

use crate::support::sqlite;

const NOW: i64 = 1_790_000_000_000;

/// Commits never copy the WAL into the database file themselves; a background task does it
/// within a second, so the WAL holds nothing that is not in the file by then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_in_the_background() {
    let db = sqlite().await;
    assert!(seed_demo(&db.storage, NOW).await.unwrap());
    let snapshot = db.storage.config_snapshot().await.unwrap();
    for number in 0..200u16 {
        let window = Window {
            id: Uuid::new_v4(),
            site_id: snapshot.sites[0].id,
            number: 300 + number,
            service_ids: vec![snapshot.services[0].id],
        };
        let outcome = db
            .storage
            .apply_command(
                &Actor::system(),
                &Command::new(CommandBody::SaveWindow(window)),
                NOW,
            )
            .await
            .unwrap();
        assert_eq!(outcome.status, CommandStatus::Applied);
    }
    let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    // (busy, frames in the WAL, frames checkpointed), without checkpointing (NOOP). These
    // commits are far fewer than the 1,000 pages at which a commit would checkpoint by
    // itself, so only the background task copies them.
    let mut settled = false;
    for _ in 0..30 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (_, log, checkpointed): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(NOOP)")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        if log > 0 && log == checkpointed {
            settled = true;
            break;
        }
    }
    assert!(settled, "the WAL was not checkpointed within 3 s");
}
