//! Keeping the cache in step with the server: push the outbox, pull the change log, and wake
//! up on live events from the server, with a periodic pull as a backstop. Runs in the
//! background for as long as someone is signed in; everything it needs survives a restart.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use onetrip_api::command::{Command, CommandOutcome, CommandStatus};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::sync::MAX_PAGE;
use tokio::sync::{Mutex, Notify, watch};
use uuid::Uuid;

use crate::api_client::ApiClient;
use crate::cache::{Cache, OutboxEntry};
use crate::secrets::Sensitive;

/// How often the cache pulls even when no live event arrived.
pub const BACKSTOP: Duration = Duration::from_secs(30);
/// The longest wait between attempts while the server is unreachable.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What the engine needs to talk to the server for the signed-in user.
#[derive(Clone)]
pub struct SyncContext {
    pub client: ApiClient,
    pub token: Sensitive<String>,
    /// The server and account the cache belongs to.
    pub owner: String,
}

/// What the engine tells the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncEvent {
    /// Online state, pending or failed counts changed.
    Status,
    /// The cached data changed.
    Data,
    /// The server no longer knows the session.
    SessionEnded,
}

pub type SyncObserver = Arc<dyn Fn(SyncEvent) + Send + Sync>;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Whether a refusal is final (the command will never apply as it is) rather than passing.
fn is_final(error: &ApiError) -> bool {
    matches!(
        error.code,
        ErrorCode::Invalid
            | ErrorCode::Forbidden
            | ErrorCode::NotFound
            | ErrorCode::BadRequest
            | ErrorCode::PayloadTooLarge
            | ErrorCode::Conflict
    )
}

pub struct SyncEngine {
    pub cache: Arc<Cache>,
    context: watch::Sender<Option<SyncContext>>,
    wake: Notify,
    online: AtomicBool,
    /// One push or pull at a time, so the outbox goes out in order and pages apply in order.
    busy: Mutex<()>,
    observer: SyncObserver,
    page_size: std::sync::atomic::AtomicI64,
}

impl SyncEngine {
    /// Creates the engine and starts its background loops (sync and live events).
    pub fn start(cache: Arc<Cache>, observer: SyncObserver) -> Arc<SyncEngine> {
        let engine = Arc::new(SyncEngine {
            cache,
            context: watch::channel(None).0,
            wake: Notify::new(),
            online: AtomicBool::new(false),
            busy: Mutex::new(()),
            observer,
            page_size: std::sync::atomic::AtomicI64::new(MAX_PAGE),
        });
        tokio::spawn(sync_loop(Arc::downgrade(&engine)));
        tokio::spawn(event_loop(
            Arc::downgrade(&engine),
            engine.context.subscribe(),
        ));
        engine
    }

    /// Points the engine at a signed-in user, or stops it (`None`).
    pub async fn set_context(&self, context: Option<SyncContext>) -> Result<(), ApiError> {
        if let Some(context) = &context
            && self.cache.claim(&context.owner).await?
        {
            (self.observer)(SyncEvent::Data);
        }
        self.context.send_replace(context);
        self.wake.notify_one();
        Ok(())
    }

    pub fn context(&self) -> Option<SyncContext> {
        self.context.borrow().clone()
    }

    pub fn is_online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    fn set_online(&self, online: bool) {
        if self.online.swap(online, Ordering::SeqCst) != online {
            (self.observer)(SyncEvent::Status);
        }
    }

    /// How many changes one pull asks for (at most the server's page size).
    pub fn set_page_size(&self, size: i64) {
        self.page_size
            .store(size.clamp(1, MAX_PAGE), Ordering::SeqCst);
    }

    /// Asks the background loop to sync now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Sends the outbox in order. Stops at the first command that could not be delivered
    /// (offline, or a passing server failure); returns what the server answered.
    pub async fn push(&self) -> Result<Vec<(Uuid, Result<CommandOutcome, ApiError>)>, ApiError> {
        let Some(context) = self.context() else {
            return Ok(Vec::new());
        };
        let _busy = self.busy.lock().await;
        let mut answers = Vec::new();
        for command in self.cache.pending(&context.owner).await? {
            self.cache.record_attempt(command.id, now_ms()).await?;
            let answer = context.client.send_command(&context.token, &command).await;
            match &answer {
                Ok(_) => self.cache.remove(command.id).await?,
                Err(error) if is_final(error) => {
                    let status = if error.code == ErrorCode::Conflict {
                        CommandStatus::Conflict
                    } else {
                        CommandStatus::Rejected
                    };
                    self.cache.fail(command.id, status, error).await?;
                }
                Err(error) => {
                    self.note_failure(error);
                    return Err(error.clone());
                }
            }
            self.set_online(true);
            (self.observer)(SyncEvent::Status);
            answers.push((command.id, answer));
        }
        Ok(answers)
    }

    /// Pulls every change after the cursor into the cache, page by page. The next page is
    /// fetched while the current one is written, so the network and the disk work together.
    pub async fn pull(&self) -> Result<(), ApiError> {
        let Some(context) = self.context() else {
            return Ok(());
        };
        let _busy = self.busy.lock().await;
        let size = self.page_size.load(Ordering::SeqCst);
        let fetch = |since: i64| {
            let context = context.clone();
            tokio::spawn(async move { context.client.sync_page(&context.token, since, size).await })
        };
        let mut next = fetch(self.cache.cursor().await?);
        loop {
            let page = match (&mut next).await {
                Ok(Ok(page)) => page,
                Ok(Err(error)) => {
                    self.note_failure(&error);
                    return Err(error);
                }
                Err(join) => return Err(ApiError::new(ErrorCode::Internal, join.to_string())),
            };
            self.set_online(true);
            if page.has_more {
                next = fetch(page.next);
            }
            let (changed, more) = (!page.changes.is_empty(), page.has_more);
            self.cache.apply_page(page, now_ms()).await?;
            if changed {
                (self.observer)(SyncEvent::Data);
            }
            if !more {
                (self.observer)(SyncEvent::Status);
                return Ok(());
            }
        }
    }

    /// Push, then pull.
    pub async fn sync_once(&self) -> Result<(), ApiError> {
        self.push().await?;
        self.pull().await
    }

    fn note_failure(&self, error: &ApiError) {
        match error.code {
            ErrorCode::Offline => self.set_online(false),
            ErrorCode::Unauthorized | ErrorCode::SessionExpired => {
                (self.observer)(SyncEvent::SessionEnded)
            }
            _ => {}
        }
    }

    /// Stores a command in the outbox and tries to deliver it at once. Returns the server's
    /// answer, or `Queued` when it could not be reached (the command goes out later).
    pub async fn submit(&self, command: Command) -> Result<CommandOutcome, ApiError> {
        let Some(context) = self.context() else {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                "请先登录 / Please log in",
            ));
        };
        self.cache
            .enqueue(&context.owner, &command, now_ms())
            .await?;
        (self.observer)(SyncEvent::Data);
        let answers = match self.push().await {
            Ok(answers) => answers,
            Err(error) if error.code == ErrorCode::Offline || !is_final(&error) => Vec::new(),
            Err(error) => return Err(error),
        };
        let answer = match answers.into_iter().find(|(id, _)| *id == command.id) {
            Some((_, answer)) => Some(answer),
            // The background loop may have sent it first: the outbox tells what became of it.
            None => match self.cache.outbox_entry(command.id).await? {
                None => Ok(CommandOutcome {
                    command_id: command.id,
                    status: CommandStatus::Applied,
                    error: None,
                    record: None,
                })
                .into(),
                Some(OutboxEntry::Failed(error)) => Some(Err(error)),
                Some(OutboxEntry::Pending) => None,
            },
        };
        match answer {
            Some(Ok(outcome)) => {
                // The command left the outbox; pull its change now, so that whoever made it
                // sees it at once rather than after the background loop's next turn.
                if let Err(error) = self.pull().await {
                    tracing::info!(%error, "pull after an applied command failed");
                    self.wake();
                }
                Ok(outcome)
            }
            Some(Err(error)) => {
                // The user sees this refusal right away, so it need not wait in the failed list.
                self.cache.remove(command.id).await?;
                (self.observer)(SyncEvent::Data);
                Err(error)
            }
            None => {
                self.wake();
                Ok(CommandOutcome {
                    command_id: command.id,
                    status: CommandStatus::Queued,
                    error: None,
                    record: None,
                })
            }
        }
    }
}

/// The background loop: sync when woken, at least every `BACKSTOP`, backing off while offline.
async fn sync_loop(engine: std::sync::Weak<SyncEngine>) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let Some(engine) = engine.upgrade() else {
            return;
        };
        let wait = if engine.context().is_none() {
            BACKSTOP
        } else {
            match engine.sync_once().await {
                Ok(()) => {
                    backoff = Duration::from_secs(1);
                    BACKSTOP
                }
                Err(error) => {
                    tracing::info!(%error, "sync failed; retrying in {backoff:?}");
                    let wait = backoff;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    wait
                }
            }
        };
        let _ = tokio::time::timeout(wait, engine.wake.notified()).await;
    }
}

/// Listens to the server's live events for the current context and wakes the sync loop when
/// the change log moves past the cursor. Reconnects with `Last-Event-ID` after a drop.
async fn event_loop(
    engine: std::sync::Weak<SyncEngine>,
    mut context: watch::Receiver<Option<SyncContext>>,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let current = context.borrow_and_update().clone();
        let Some(current) = current else {
            if context.changed().await.is_err() {
                return;
            }
            continue;
        };
        let last_seen = match engine.upgrade() {
            Some(engine) => engine.cache.cursor().await.unwrap_or(0),
            None => return,
        };
        let listen = listen_once(&engine, &current, last_seen);
        tokio::select! {
            result = listen => {
                if let Err(error) = result {
                    tracing::debug!(%error, "event stream ended");
                    if let Some(engine) = engine.upgrade() {
                        engine.note_failure(&error);
                    }
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            changed = context.changed() => {
                backoff = Duration::from_secs(1);
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

async fn listen_once(
    engine: &std::sync::Weak<SyncEngine>,
    context: &SyncContext,
    last_seen: i64,
) -> Result<(), ApiError> {
    let mut stream = context.client.events(&context.token, last_seen).await?;
    while let Some(seq) = stream.next_change().await? {
        let Some(engine) = engine.upgrade() else {
            return Ok(());
        };
        engine.set_online(true);
        if seq > engine.cache.cursor().await.unwrap_or(0) {
            engine.wake();
        }
    }
    Ok(())
}
