//! The local cache: a SQLite replica of what the signed-in user may see, the sync cursor, and
//! the outbox of commands not yet acknowledged. Screens read from here, so they are instant and
//! keep working without a network.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::desktop::FailedCommand;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::print::PrintRecord;
use onetrip_api::queue::Ticket;
use onetrip_api::sync::{ChangeOp, EntityKind, SyncPage};
use onetrip_domain::calendar::CalendarDay;
use onetrip_domain::config::{Matter, Service, Site, SiteKind, Window};
use serde::de::DeserializeOwned;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use uuid::Uuid;

pub struct Cache {
    pool: sqlx::SqlitePool,
    /// The connection that writes pulled pages: synchronous, with prepared statements kept
    /// between pages, run on the blocking pool. A page is thousands of single-row upserts,
    /// and going through the async pool would cost a round trip to its worker thread each.
    writer: Arc<Mutex<rusqlite::Connection>>,
}

/// Where a command stands in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxEntry {
    Pending,
    /// Refused by the server, with the reason.
    Failed(ApiError),
}

/// Records kept as JSON text, read back.
fn parsed<T: DeserializeOwned>(rows: &[String]) -> Result<Vec<T>> {
    rows.iter()
        .map(|data| serde_json::from_str(data).map_err(cache_error))
        .collect()
}

fn cache_error(error: impl std::fmt::Display) -> ApiError {
    tracing::error!(%error, "local cache failure");
    ApiError::new(
        ErrorCode::Internal,
        format!("本地缓存出错 / Local cache error: {error}"),
    )
}

type Result<T> = std::result::Result<T, ApiError>;

/// 32 MiB of page cache per connection (negative means KiB): a large pull's pages stay in
/// memory until commit instead of spilling to the log mid-transaction.
pub const CACHE_SIZE: &str = "-32768";
/// Checkpoint the log into the file every 32 MiB instead of every 4 MiB: a pull commits page
/// after page, and each early checkpoint rewrote the same pages again.
pub const WAL_AUTOCHECKPOINT: &str = "8192";

/// A record read from the replica: its key, and its position and data.
type CachedRecord = ((EntityKind, Uuid), (i64, serde_json::Value));

/// What a command does to the cache while it waits to be acknowledged: the record it saves
/// (`Some(data)`) or removes (`None`). Queue and case commands never wait (they are
/// online-only) and have none.
fn local_effect(body: &CommandBody) -> Option<(EntityKind, Uuid, Option<serde_json::Value>)> {
    let (kind, id) = body.target();
    let data = match body {
        CommandBody::SaveSite(site) => serde_json::to_value(site).ok(),
        CommandBody::SaveService(service) => serde_json::to_value(service).ok(),
        CommandBody::SaveMatter(matter) => serde_json::to_value(matter).ok(),
        CommandBody::SaveWindow(window) => serde_json::to_value(window).ok(),
        CommandBody::DeleteWindow { .. } => None,
        CommandBody::RecordPrint(record) => serde_json::to_value(record).ok(),
        // Queue, case, signing and rating commands are online-only: they never wait in the
        // outbox. The follow-up steps do, but what they record is the server's to write (who,
        // when, the rating as it stands): they show once the server has taken them.
        _ => return None,
    };
    Some((kind, id, data))
}

impl Cache {
    /// Opens (creating if needed) the cache file.
    pub async fn open(path: &Path) -> Result<Cache> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(cache_error)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", CACHE_SIZE)
            .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(cache_error)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(cache_error)?;
        let writer = rusqlite::Connection::open(path).map_err(cache_error)?;
        writer
            .busy_timeout(Duration::from_secs(10))
            .map_err(cache_error)?;
        for (pragma, value) in [
            ("synchronous", "NORMAL"),
            ("cache_size", CACHE_SIZE),
            ("wal_autocheckpoint", WAL_AUTOCHECKPOINT),
        ] {
            writer
                .pragma_update(None, pragma, value)
                .map_err(cache_error)?;
        }
        Ok(Cache {
            pool,
            writer: Arc::new(Mutex::new(writer)),
        })
    }

    async fn meta(&self, key: &str) -> Result<Option<String>> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(cache_error)
    }

    /// Makes the replica belong to `owner` (a server and an account). Another owner's replica
    /// is cleared; their outbox stays, filed under them. Returns whether it cleared anything.
    pub async fn claim(&self, owner: &str) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(cache_error)?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'owner'")
                .fetch_optional(&mut *tx)
                .await
                .map_err(cache_error)?;
        if current.as_deref() == Some(owner) {
            return Ok(false);
        }
        sqlx::query("DELETE FROM entities")
            .execute(&mut *tx)
            .await
            .map_err(cache_error)?;
        sqlx::query("DELETE FROM meta")
            .execute(&mut *tx)
            .await
            .map_err(cache_error)?;
        sqlx::query("INSERT INTO meta (key, value) VALUES ('owner', $1)")
            .bind(owner)
            .execute(&mut *tx)
            .await
            .map_err(cache_error)?;
        tx.commit().await.map_err(cache_error)?;
        Ok(current.is_some())
    }

    pub async fn cursor(&self) -> Result<i64> {
        Ok(self
            .meta("cursor")
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    pub async fn last_sync_at(&self) -> Result<Option<i64>> {
        Ok(self
            .meta("last_sync_at_ms")
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// Applies one pulled page and moves the cursor, in one transaction: after a crash the
    /// cache holds either the whole page or none of it.
    pub async fn apply_page(&self, page: SyncPage, now_ms: i64) -> Result<()> {
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = writer.lock().map_err(cache_error)?;
            write_page(&mut conn, &page, now_ms).map_err(cache_error)
        })
        .await
        .map_err(cache_error)?
    }

    /// Whether the replica holds this record.
    pub async fn contains(&self, kind: EntityKind, id: Uuid) -> Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT version FROM entities WHERE kind = $1 AND id = $2")
                .bind(kind.as_str())
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(cache_error)?;
        Ok(found.is_some())
    }

    /// The tickets of one service-center day (`YYYY-MM-DD`) the replica holds, in issue order.
    pub async fn tickets(&self, day: &str) -> Result<Vec<Ticket>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM entities WHERE kind = 'ticket' AND data ->> '$.day' = $1
             ORDER BY data ->> '$.issued_at_ms', position",
        )
        .bind(day)
        .fetch_all(&self.pool)
        .await
        .map_err(cache_error)?;
        parsed(&rows)
    }

    /// Whether each window of the sites the account may see is open or on a break.
    pub async fn window_states(&self) -> Result<Vec<onetrip_api::queue::WindowState>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM entities WHERE kind = 'window_state'")
                .fetch_all(&self.pool)
                .await
                .map_err(cache_error)?;
        parsed(&rows)
    }

    /// The ratings the replica holds of the days `from` to `to` (`YYYY-MM-DD`, both included),
    /// and every rating whose follow-up is still open, oldest first.
    pub async fn ratings(&self, from: &str, to: &str) -> Result<Vec<onetrip_api::rating::Rating>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM entities WHERE kind = 'rating'
               AND ((data ->> '$.day' BETWEEN $1 AND $2)
                    OR (json_type(data, '$.follow_up') = 'object'
                        AND json_type(data, '$.follow_up.closing') = 'null'))
             ORDER BY data ->> '$.rated_at_ms', position",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(cache_error)?;
        parsed(&rows)
    }

    /// Every record of `kind` the replica holds, in the order they arrived.
    pub async fn records<T: DeserializeOwned>(&self, kind: EntityKind) -> Result<Vec<T>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM entities WHERE kind = $1 ORDER BY position")
                .bind(kind.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(cache_error)?;
        parsed(&rows)
    }

    /// The records of `kind` whose `project_id` is `project`, in the order they arrived.
    pub async fn project_records<T: DeserializeOwned>(
        &self,
        kind: EntityKind,
        project: Uuid,
    ) -> Result<Vec<T>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM entities WHERE kind = $1 AND data ->> '$.project_id' = $2
             ORDER BY position",
        )
        .bind(kind.as_str())
        .bind(project.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(cache_error)?;
        parsed(&rows)
    }

    /// The record of `kind` with this id.
    pub async fn record<T: DeserializeOwned>(
        &self,
        kind: EntityKind,
        id: Uuid,
    ) -> Result<Option<T>> {
        let row: Option<String> =
            sqlx::query_scalar("SELECT data FROM entities WHERE kind = $1 AND id = $2")
                .bind(kind.as_str())
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(cache_error)?;
        row.map(|data| serde_json::from_str(&data).map_err(cache_error))
            .transpose()
    }

    /// How many records of each kind the replica holds (for tests and diagnostics).
    pub async fn count(&self, kind: EntityKind) -> Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM entities WHERE kind = $1")
            .bind(kind.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(cache_error)
    }

    /// The configuration as the server last sent it, with the owner's waiting commands applied
    /// on top. A command the server refuses leaves the outbox, and with it its effect.
    pub async fn config_snapshot(&self, owner: &str) -> Result<ConfigSnapshot> {
        let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT kind, id, position, data FROM entities
                 WHERE kind IN ('site', 'service', 'matter', 'window', 'calendar_day')
                 ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(cache_error)?;
        let mut records: Vec<CachedRecord> = Vec::with_capacity(rows.len());
        let mut index: HashMap<(EntityKind, Uuid), usize> = HashMap::with_capacity(rows.len());
        for (kind, id, position, data) in rows {
            let key = (
                EntityKind::parse(&kind)
                    .ok_or_else(|| cache_error(format!("unknown kind {kind}")))?,
                Uuid::parse_str(&id).map_err(cache_error)?,
            );
            index.insert(key, records.len());
            records.push((
                key,
                (position, serde_json::from_str(&data).map_err(cache_error)?),
            ));
        }
        let mut removed = std::collections::HashSet::new();
        for command in self.pending(owner).await? {
            let Some((kind, id, data)) = local_effect(&command.body) else {
                continue;
            };
            match data {
                Some(data) => {
                    removed.remove(&(kind, id));
                    match index.get(&(kind, id)) {
                        Some(&at) => records[at].1.1 = data,
                        None => {
                            index.insert((kind, id), records.len());
                            records.push(((kind, id), (i64::MAX, data)));
                        }
                    }
                }
                None => {
                    removed.insert((kind, id));
                }
            }
        }
        fn typed<T: DeserializeOwned>(
            records: &[CachedRecord],
            removed: &std::collections::HashSet<(EntityKind, Uuid)>,
            kind: EntityKind,
        ) -> Result<Vec<T>> {
            records
                .iter()
                .filter(|(key, _)| key.0 == kind && !removed.contains(key))
                .map(|(_, (_, data))| serde_json::from_value(data.clone()).map_err(cache_error))
                .collect()
        }
        let mut sites: Vec<Site> = typed(&records, &removed, EntityKind::Site)?;
        let mut services: Vec<Service> = typed(&records, &removed, EntityKind::Service)?;
        let mut matters: Vec<Matter> = typed(&records, &removed, EntityKind::Matter)?;
        let mut windows: Vec<Window> = typed(&records, &removed, EntityKind::Window)?;
        let mut calendar: Vec<CalendarDay> = typed(&records, &removed, EntityKind::CalendarDay)?;
        calendar.sort_by(|a, b| a.date.cmp(&b.date));
        // The server's orders: sites as created (centers first), services by prefix, matters
        // by service and name, windows by site and number.
        sites.sort_by_key(|site| site.kind != SiteKind::Center);
        services.sort_by(|a, b| a.prefix.cmp(&b.prefix));
        let prefix_of = |service: Uuid| {
            services
                .iter()
                .find(|s| s.id == service)
                .map(|s| s.prefix.clone())
        };
        matters.sort_by(|a, b| {
            (prefix_of(a.service_id), &a.name).cmp(&(prefix_of(b.service_id), &b.name))
        });
        let site_rank = |site: Uuid| {
            sites
                .iter()
                .position(|s| s.id == site)
                .unwrap_or(usize::MAX)
        };
        windows.sort_by_key(|w| (site_rank(w.site_id), w.number));
        Ok(ConfigSnapshot {
            calendar,
            sites,
            services,
            matters,
            windows,
        })
    }

    /// The newest `limit` entries of the print log: the owner's prints still waiting to be
    /// sent first, then what the server has on record for this site.
    pub async fn print_log(&self, owner: &str, limit: i64) -> Result<Vec<PrintRecord>> {
        let mut log: Vec<PrintRecord> = self
            .pending(owner)
            .await?
            .into_iter()
            .rev()
            .filter_map(|command| match command.body {
                CommandBody::RecordPrint(record) => Some(record),
                _ => None,
            })
            .collect();
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM entities WHERE kind = 'print_record' ORDER BY position DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(cache_error)?;
        for data in rows {
            let record: PrintRecord = serde_json::from_str(&data).map_err(cache_error)?;
            if !log.iter().any(|r| r.id == record.id) {
                log.push(record);
            }
        }
        log.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(log)
    }

    /// Stores a command before it is sent.
    pub async fn enqueue(&self, owner: &str, command: &Command, now_ms: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO outbox (id, owner, command, state, created_at_ms) VALUES ($1, $2, $3, 'pending', $4)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(command.id.to_string())
        .bind(owner)
        .bind(serde_json::to_string(command).map_err(cache_error)?)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(cache_error)?;
        Ok(())
    }

    /// The owner's commands waiting to be sent, oldest first.
    pub async fn pending(&self, owner: &str) -> Result<Vec<Command>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT command FROM outbox WHERE owner = $1 AND state = 'pending' ORDER BY seq",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await
        .map_err(cache_error)?;
        rows.iter()
            .map(|text| serde_json::from_str(text).map_err(cache_error))
            .collect()
    }

    pub async fn record_attempt(&self, id: Uuid, now_ms: i64) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_attempt_ms = $1 WHERE id = $2",
        )
        .bind(now_ms)
        .bind(id.to_string())
        .execute(&self.pool)
        .await
        .map_err(cache_error)?;
        Ok(())
    }

    /// Forgets a command: acknowledged by the server, or discarded by the user.
    pub async fn remove(&self, id: Uuid) -> Result<()> {
        sqlx::query("DELETE FROM outbox WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(cache_error)?;
        Ok(())
    }

    /// Keeps a refused command, with the reason, for the user to retry or discard.
    pub async fn fail(&self, id: Uuid, status: CommandStatus, error: &ApiError) -> Result<()> {
        sqlx::query("UPDATE outbox SET state = 'failed', status = $1, error = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(serde_json::to_string(error).map_err(cache_error)?)
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(cache_error)?;
        Ok(())
    }

    pub async fn failed(&self, owner: &str) -> Result<Vec<FailedCommand>> {
        let rows: Vec<(String, Option<String>, Option<String>, i64)> = sqlx::query_as(
            "SELECT command, status, error, created_at_ms FROM outbox WHERE owner = $1 AND state = 'failed' ORDER BY seq",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await
        .map_err(cache_error)?;
        rows.into_iter()
            .map(|(command, status, error, created_at_ms)| {
                Ok(FailedCommand {
                    command: serde_json::from_str(&command).map_err(cache_error)?,
                    status: if status.as_deref() == Some("conflict") {
                        CommandStatus::Conflict
                    } else {
                        CommandStatus::Rejected
                    },
                    error: error
                        .map(|e| serde_json::from_str(&e))
                        .transpose()
                        .map_err(cache_error)?
                        .unwrap_or_else(|| ApiError::new(ErrorCode::Internal, "")),
                    created_at_ms,
                })
            })
            .collect()
    }

    /// The command's place in the outbox; `None` once acknowledged (or discarded).
    pub async fn outbox_entry(&self, id: Uuid) -> Result<Option<OutboxEntry>> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT state, error FROM outbox WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(cache_error)?;
        Ok(match row {
            None => None,
            Some((state, _)) if state == "pending" => Some(OutboxEntry::Pending),
            Some((_, error)) => Some(OutboxEntry::Failed(
                error
                    .map(|e| serde_json::from_str(&e))
                    .transpose()
                    .map_err(cache_error)?
                    .unwrap_or_else(|| ApiError::new(ErrorCode::Internal, "")),
            )),
        })
    }

    /// Pending and failed counts of the owner's outbox.
    pub async fn outbox_counts(&self, owner: &str) -> Result<(u32, u32)> {
        let (pending, failed): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'failed'), 0) FROM outbox WHERE owner = $1",
        )
        .bind(owner)
        .fetch_one(&self.pool)
        .await
        .map_err(cache_error)?;
        Ok((
            u32::try_from(pending).unwrap_or(u32::MAX),
            u32::try_from(failed).unwrap_or(u32::MAX),
        ))
    }

    /// Queues a refused command again under a fresh id (the old id keeps its refusal on the
    /// server). Returns the new id.
    pub async fn retry(&self, id: Uuid, now_ms: i64) -> Result<Uuid> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT owner, command FROM outbox WHERE id = $1 AND state = 'failed'")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(cache_error)?;
        let Some((owner, command)) = row else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                "该命令不在失败列表中 / The command is not in the failed list",
            ));
        };
        let mut command: Command = serde_json::from_str(&command).map_err(cache_error)?;
        command.id = Uuid::new_v4();
        // A conflict is retried against whatever the record is now.
        command.base_version = None;
        let mut tx = self.pool.begin().await.map_err(cache_error)?;
        sqlx::query("DELETE FROM outbox WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(cache_error)?;
        sqlx::query("INSERT INTO outbox (id, owner, command, state, created_at_ms) VALUES ($1, $2, $3, 'pending', $4)")
            .bind(command.id.to_string())
            .bind(owner)
            .bind(serde_json::to_string(&command).map_err(cache_error)?)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(cache_error)?;
        tx.commit().await.map_err(cache_error)?;
        Ok(command.id)
    }
}

/// Writes one page and its cursor in one transaction.
fn write_page(
    conn: &mut rusqlite::Connection,
    page: &SyncPage,
    now_ms: i64,
) -> rusqlite::Result<()> {
    // Within a page only the last change of each record counts.
    let mut last: HashMap<(EntityKind, Uuid), usize> = HashMap::with_capacity(page.changes.len());
    for (index, change) in page.changes.iter().enumerate() {
        last.insert((change.entity, change.id), index);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    {
        // A record keeps the position at which it first arrived; its JSON is stored as it came.
        let mut upsert = tx.prepare_cached(
            "INSERT INTO entities (position, kind, id, version, data) VALUES (?1, ?2, ?3, ?1, ?4)
             ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, data = excluded.data",
        )?;
        let mut delete = tx.prepare_cached("DELETE FROM entities WHERE kind = ?1 AND id = ?2")?;
        let mut id = Uuid::encode_buffer();
        for (index, change) in page.changes.iter().enumerate() {
            if last.get(&(change.entity, change.id)) != Some(&index) {
                continue;
            }
            let kind = change.entity.as_str();
            let id: &str = change.id.hyphenated().encode_lower(&mut id);
            match (&change.op, &change.data) {
                (ChangeOp::Upsert, Some(data)) => {
                    upsert.execute(rusqlite::params![change.seq, kind, id, data.get()])?;
                }
                _ => {
                    delete.execute(rusqlite::params![kind, id])?;
                }
            }
        }
        let mut meta = tx.prepare_cached(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?;
        meta.execute(rusqlite::params!["cursor", page.next.to_string()])?;
        meta.execute(rusqlite::params!["last_sync_at_ms", now_ms.to_string()])?;
    }
    tx.commit()
}
