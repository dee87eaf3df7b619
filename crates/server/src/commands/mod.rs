//! Where every command is applied: at most once (a repeated id returns the first outcome),
//! planned by its area against the database inside one serialised transaction, written with
//! its change-log entry and audit line. Hot queue commands that arrive together are planned
//! from memory and written in one transaction (group commit).

pub mod routes;
mod write;

use std::sync::Arc;

use onetrip_api::command::{Command, CommandBody, CommandOutcome, CommandStatus};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};

pub use write::Write;

use onetrip_print::signing::IssuerKey;

use crate::actor::Actor;
use crate::command_log::{self, Logged};
use crate::queue::memory::{Pending, QueueMemory, batched, lock};
use crate::state::CommandSink;
use crate::storage::{Conn, StorageError, StorageResult, Store, VersionCache};

/// The command pipeline of one server process.
pub struct Commands {
    store: Arc<Store>,
    config: Arc<VersionCache<ConfigSnapshot>>,
    /// Writers of this process take turns here instead of in the database (SQLite's busy
    /// handler sleeps in steps of up to 100 ms; on PostgreSQL a waiting command would hold a
    /// pooled connection and an open transaction).
    writers: tokio::sync::Mutex<()>,
    /// The day's queues in memory, and queue commands waiting to be written together.
    queue: QueueMemory,
    /// Signs what commands issue (permits' QR codes): the server's key, set with its state.
    key: std::sync::RwLock<Option<Arc<IssuerKey>>>,
}

/// The refusal of a command made against an older version of its record.
pub fn conflict(actor: &Actor) -> ApiError {
    ApiError::new(
        ErrorCode::Conflict,
        actor.lang.pick(
            "该记录已被他人修改，请查看最新内容后重新保存".into(),
            "Someone else changed this record; check the latest version and save again".into(),
        ),
    )
}

/// Plans `body` by the area it belongs to; the inner result is the write or the refusal.
async fn plan(
    conn: &mut Conn<'_>,
    actor: &Actor,
    body: &CommandBody,
    current: &ConfigSnapshot,
    key: Option<&IssuerKey>,
    now_ms: i64,
) -> StorageResult<Result<Write, ApiError>> {
    Ok(match body {
        body if body.is_permits() => {
            let Some(key) = key else {
                return Ok(Err(ApiError::new(
                    ErrorCode::Internal,
                    "the server has no key to sign documents with",
                )));
            };
            crate::permits::plan_command(conn, actor, body, key, current, now_ms)
                .await?
                .map(|write| Write::Permits(Box::new(write)))
        }
        body if body.is_delivery() => crate::delivery::plan_command(conn, actor, body, now_ms)
            .await?
            .map(|write| Write::Delivery(Box::new(write))),
        body if body.is_queue() => crate::queue::plan_command(conn, actor, body, current, now_ms)
            .await?
            .map(Write::Queue),
        CommandBody::DecideCase(draft) => {
            crate::cases::plan_command(conn, actor, draft, current, now_ms)
                .await?
                .map(Write::Case)
        }
        body if body.is_rating() => {
            crate::ratings::plan_command(conn, actor, body, current, now_ms)
                .await?
                .map(|rating| Write::Rating(Box::new(rating)))
        }
        body if body.is_review() => {
            let calendar = crate::config::working_calendar(current);
            crate::review::plan_command(conn, actor, body, &calendar, now_ms)
                .await?
                .map(Write::Review)
        }
        CommandBody::RecordPrint(record) => crate::printing::plan(actor, record).map(Write::Print),
        CommandBody::SignDocument(document) => {
            crate::documents::plan(actor, document, now_ms).map(Write::Document)
        }
        body => crate::config::plan::plan(actor, body, current).map(Write::Config),
    })
}

impl Commands {
    pub fn new(store: Arc<Store>, config: Arc<VersionCache<ConfigSnapshot>>) -> Commands {
        Commands {
            store,
            config,
            writers: tokio::sync::Mutex::new(()),
            queue: QueueMemory::default(),
            key: std::sync::RwLock::new(None),
        }
    }

    /// The key documents are signed with, once set.
    pub fn key(&self) -> Option<Arc<IssuerKey>> {
        self.key.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Signs with `key` from now on: the server state's, which `serve` loads from the data
    /// folder.
    pub fn set_key(&self, key: Arc<IssuerKey>) {
        *self.key.write().unwrap_or_else(|e| e.into_inner()) = Some(key);
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn config(&self) -> &Arc<VersionCache<ConfigSnapshot>> {
        &self.config
    }

    /// Applies a command at most once: a repeated id returns the first outcome unchanged.
    pub async fn apply(
        &self,
        actor: &Actor,
        command: &Command,
        now_ms: i64,
    ) -> StorageResult<CommandOutcome> {
        if !batched(command) {
            let writer = self.writers.lock().await;
            let outcome = self.apply_single(actor, command, now_ms).await;
            drop(writer);
            self.queue.idle.notify_waiters();
            return outcome;
        }
        // Group commit: whoever gets the writer applies every queue command waiting by then in
        // one transaction; the others wait for their answer, or for the writer to be free
        // again to take what came in meanwhile.
        let (reply, mut outcome) = tokio::sync::oneshot::channel();
        self.queue.push(Pending {
            actor: actor.clone(),
            command: command.clone(),
            now_ms,
            reply,
        });
        loop {
            // Listening before trying the lock, so that a release in between is heard.
            let idle = self.queue.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            if let Ok(writer) = self.writers.try_lock() {
                let batch = self.queue.take();
                if !batch.is_empty() {
                    self.apply_batch(batch).await;
                }
                drop(writer);
                self.queue.idle.notify_waiters();
            } else {
                tokio::select! {
                    answer = &mut outcome => {
                        return answer.map_err(|_| {
                            StorageError::Corrupt("a queue command was dropped unanswered".into())
                        })?;
                    }
                    () = &mut idle => {}
                }
            }
            if let Ok(answer) = outcome.try_recv() {
                return answer;
            }
        }
    }

    /// Applies one command in its own transaction; the caller holds the writer lock.
    async fn apply_single(
        &self,
        actor: &Actor,
        command: &Command,
        now_ms: i64,
    ) -> StorageResult<CommandOutcome> {
        let mut tx = self.store.begin_write().await?;
        match command_log::outcome(&mut tx.conn(), command.id, command.body.kind()).await? {
            Some(command_log::Recorded::Outcome(outcome)) => return Ok(outcome),
            Some(command_log::Recorded::OtherKind(kind)) => {
                return Ok(command_log::reused_id(actor.lang, command.id, &kind));
            }
            None => {}
        }
        let current = crate::config::sql::cached_snapshot(&mut tx.conn(), &self.config).await?;
        let (entity, entity_id) = command.body.target();
        // Only a command made against a version needs the record's current one.
        let version = match command.base_version {
            Some(_) => crate::changes::version(&mut tx.conn(), entity, entity_id).await?,
            None => 0,
        };
        let mut committed_seq = None;
        let outcome = match command.base_version {
            Some(base) if base != version => CommandOutcome {
                command_id: command.id,
                status: CommandStatus::Conflict,
                error: Some(conflict(actor)),
                record: None,
            },
            _ => match plan(
                &mut tx.conn(),
                actor,
                &command.body,
                &current,
                self.key().as_deref(),
                now_ms,
            )
            .await?
            {
                Ok(write) => {
                    write.store(&mut tx.conn()).await?;
                    // The queue moved outside the batch: every process reads it again.
                    if let Write::Queue(queue_write) = &write {
                        let site = queue_write.site();
                        if !matches!(queue_write, crate::queue::QueueWrite::Appointment(_)) {
                            crate::queue::sql::bump_queue_version(&mut tx.conn(), site).await?;
                            lock(&self.queue.sites).remove(&site);
                        }
                    }
                    let changes: Vec<_> = write
                        .changes(&mut tx.conn(), &current)
                        .await?
                        .into_iter()
                        .map(|change| (change, command.id.to_string(), now_ms))
                        .collect();
                    if let Some(seq) = crate::changes::record_all(&mut tx.conn(), &changes).await? {
                        self.store.notify(&mut tx, seq).await?;
                        committed_seq = Some(seq);
                    }
                    CommandOutcome {
                        command_id: command.id,
                        status: CommandStatus::Applied,
                        error: None,
                        record: write.record(),
                    }
                }
                Err(error) => CommandOutcome {
                    command_id: command.id,
                    status: CommandStatus::Rejected,
                    error: Some(error),
                    record: None,
                },
            },
        };
        let logged = Logged {
            actor,
            command,
            now_ms,
            outcome: &outcome,
        };
        command_log::write(&mut tx.conn(), &[logged]).await?;
        tx.commit().await?;
        if let Some(seq) = committed_seq {
            self.store.committed(seq);
        }
        Ok(outcome)
    }

    /// Applies queue commands that arrived together. When the batch fails as a whole, each
    /// command is applied again on its own, so one bad command costs the others nothing but
    /// time. The caller holds the writer lock.
    async fn apply_batch(&self, batch: Vec<Pending>) {
        let mut replies = Vec::with_capacity(batch.len());
        let mut items = Vec::with_capacity(batch.len());
        for pending in batch {
            replies.push(pending.reply);
            items.push((pending.actor, pending.command, pending.now_ms));
        }
        let outcomes = match crate::queue::batch::apply(
            &self.store,
            &self.queue,
            &self.config,
            &items,
        )
        .await
        {
            Ok(outcomes) => outcomes,
            Err(error) => {
                tracing::warn!(%error, "a queue batch failed; applying its commands one by one");
                self.queue.forget();
                vec![None; items.len()]
            }
        };
        for ((reply, (actor, command, now_ms)), outcome) in
            replies.into_iter().zip(items).zip(outcomes)
        {
            let outcome = match outcome {
                Some(outcome) => Ok(outcome),
                None => self.apply_single(&actor, &command, now_ms).await,
            };
            // A caller that went away needs no answer.
            let _ = reply.send(outcome);
        }
    }
}

#[async_trait::async_trait]
impl CommandSink for Commands {
    async fn apply(
        &self,
        actor: &Actor,
        command: &Command,
        now_ms: i64,
    ) -> StorageResult<CommandOutcome> {
        Commands::apply(self, actor, command, now_ms).await
    }
}
