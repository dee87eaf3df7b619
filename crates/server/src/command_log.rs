//! What became of each command, kept with it: the `commands` table answers a repeated command
//! id with its first outcome, and the append-only audit log records who did what and when.

use std::collections::HashMap;

use onetrip_api::command::{Command, CommandOutcome, CommandStatus};
use uuid::Uuid;

use crate::actor::Actor;
use crate::storage::{Conn, StorageResult, corrupt, json, on_backend, uuid};

/// One line of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub account_id: Uuid,
    pub username: String,
    pub command_id: Uuid,
    pub kind: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub error: Option<String>,
}

/// A command with its outcome, to be written to the log.
pub struct Logged<'a> {
    pub actor: &'a Actor,
    pub command: &'a Command,
    pub now_ms: i64,
    pub outcome: &'a CommandOutcome,
}

/// The stored outcome of a command from its row.
fn stored_row(
    id: &str,
    status: &str,
    error: Option<String>,
    record: Option<String>,
) -> StorageResult<CommandOutcome> {
    let command_id = Uuid::parse_str(id).map_err(corrupt)?;
    let record = record
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(corrupt)?;
    let error = error
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(corrupt)?;
    let status = match status {
        "applied" => CommandStatus::Applied,
        "conflict" => CommandStatus::Conflict,
        _ => CommandStatus::Rejected,
    };
    Ok(CommandOutcome {
        command_id,
        status,
        error,
        record,
    })
}

/// What is on record for a command id: the first outcome of the same kind of command, or the
/// kind of another command that used the id first (a client that reused an id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Outcome(CommandOutcome),
    OtherKind(String),
}

/// A stored command's kind, status, error and record.
type StoredRow = (String, String, Option<String>, Option<String>);

/// The answer to a command whose id another kind of command used first: refused, and not put
/// on record (the id is taken).
pub fn reused_id(lang: onetrip_domain::Lang, id: Uuid, other_kind: &str) -> CommandOutcome {
    use onetrip_api::command::CommandStatus;
    use onetrip_api::error::{ApiError, ErrorCode};
    CommandOutcome {
        command_id: id,
        status: CommandStatus::Rejected,
        error: Some(
            ApiError::new(
                ErrorCode::Conflict,
                lang.pick(
                    format!("命令编号已被另一条命令（{other_kind}）使用，请换一个编号重新发送"),
                    format!(
                        "The command id was used by another command ({other_kind}); send it again with a new id"
                    ),
                ),
            )
            .with_reason("command_id_reused"),
        ),
        record: None,
    }
}

fn recorded(
    id: &str,
    kind: &str,
    (stored_kind, status, error, record): StoredRow,
) -> StorageResult<Recorded> {
    if stored_kind != kind {
        return Ok(Recorded::OtherKind(stored_kind));
    }
    stored_row(id, &status, error, record).map(Recorded::Outcome)
}

pub async fn outcome(conn: &mut Conn<'_>, id: Uuid, kind: &str) -> StorageResult<Option<Recorded>> {
    const SQL: &str = "SELECT kind, status, error, record FROM commands WHERE id = $1";
    let id = id.to_string();
    let row: Option<StoredRow> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(&id).fetch_optional(c).await)?;
    row.map(|row| recorded(&id, kind, row)).transpose()
}

/// What is on record for those of `commands` (id and kind) that were applied before, by id.
pub async fn outcomes(
    conn: &mut Conn<'_>,
    commands: &[(Uuid, &str)],
) -> StorageResult<HashMap<Uuid, Recorded>> {
    if commands.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, StoredRow)> = on_backend!(conn, c => {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT id, kind, status, error, record FROM commands WHERE id IN (",
        );
        let mut separated = query.separated(", ");
        for (id, _) in commands {
            separated.push_bind(id.to_string());
        }
        separated.push_unseparated(")");
        query
            .build_query_as::<(String, String, String, Option<String>, Option<String>)>()
            .fetch_all(c)
            .await
            .map(|rows| {
                rows.into_iter()
                    .map(|(id, kind, status, error, record)| (id, (kind, status, error, record)))
                    .collect()
            })
    })?;
    rows.into_iter()
        .map(|(id, (stored_kind, status, error, record))| {
            let uuid = crate::storage::uuid(&id)?;
            let kind = commands
                .iter()
                .find(|(c, _)| *c == uuid)
                .map_or("", |(_, kind)| *kind);
            Ok((
                uuid,
                recorded(&id, kind, (stored_kind, status, error, record))?,
            ))
        })
        .collect()
}

/// Writes commands' outcomes and their audit lines, two statements for all of them.
pub async fn write(conn: &mut Conn<'_>, logged: &[Logged<'_>]) -> StorageResult<()> {
    if logged.is_empty() {
        return Ok(());
    }
    let mut texts = Vec::with_capacity(logged.len());
    for entry in logged {
        texts.push((
            json(&entry.command.body)?,
            entry.outcome.error.as_ref().map(json).transpose()?,
            entry.outcome.record.as_ref().map(json).transpose()?,
        ));
    }
    on_backend!(conn, c => {
        let mut query = sqlx::QueryBuilder::new(
            "INSERT INTO commands (id, account_id, kind, received_at_ms, status, error, record) ",
        );
        query.push_values(logged.iter().zip(&texts), |mut row, (entry, (_, error, record))| {
            row.push_bind(entry.command.id.to_string())
                .push_bind(entry.actor.account.id.to_string())
                .push_bind(entry.command.body.kind())
                .push_bind(entry.now_ms)
                .push_bind(entry.outcome.status.as_str())
                .push_bind(error.clone())
                .push_bind(record.clone());
        });
        query.build().execute(&mut *c).await?;
        let mut query = sqlx::QueryBuilder::new(
            "INSERT INTO audit_log (at_ms, account_id, username, command_id, kind, payload, status, error) ",
        );
        query.push_values(logged.iter().zip(&texts), |mut row, (entry, (payload, error, _))| {
            row.push_bind(entry.now_ms)
                .push_bind(entry.actor.account.id.to_string())
                .push_bind(entry.actor.account.username.clone())
                .push_bind(entry.command.id.to_string())
                .push_bind(entry.command.body.kind())
                .push_bind(payload.clone())
                .push_bind(entry.outcome.status.as_str())
                .push_bind(error.clone());
        });
        query.build().execute(c).await.map(drop)
    })?;
    Ok(())
}

/// The newest audit entries first.
pub async fn audit_log(conn: &mut Conn<'_>, limit: i64) -> StorageResult<Vec<AuditEntry>> {
    const SQL: &str =
        "SELECT seq, at_ms, account_id, username, command_id, kind, payload, status, error
         FROM audit_log ORDER BY seq DESC LIMIT $1";
    type Row = (
        i64,
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(limit).fetch_all(c).await)?;
    rows.into_iter()
        .map(
            |(seq, at_ms, account_id, username, command_id, kind, payload, status, error)| {
                Ok(AuditEntry {
                    seq,
                    at_ms,
                    account_id: uuid(&account_id)?,
                    username,
                    command_id: uuid(&command_id)?,
                    kind,
                    payload: serde_json::from_str(&payload).map_err(corrupt)?,
                    status,
                    error,
                })
            },
        )
        .collect()
}

/// Puts an action that is not a command on the audit log (an upload kept, an applicant
/// approved), under a fresh id.
pub async fn audit_action(
    conn: &mut Conn<'_>,
    actor: &crate::actor::Actor,
    kind: &str,
    payload: &impl serde::Serialize,
    at_ms: i64,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO audit_log (at_ms, account_id, username, command_id, kind, payload, status, error)
         VALUES ($1, $2, $3, $4, $5, $6, 'applied', NULL)";
    let payload = json(payload)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(at_ms)
        .bind(actor.account.id.to_string())
        .bind(&actor.account.username)
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(kind)
        .bind(&payload)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}
