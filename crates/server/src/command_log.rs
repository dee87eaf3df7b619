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

/// The outcome a command got the first time, if it was applied before.
pub async fn outcome(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<CommandOutcome>> {
    const SQL: &str = "SELECT status, error, record FROM commands WHERE id = $1";
    let id = id.to_string();
    let row: Option<(String, Option<String>, Option<String>)> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(&id).fetch_optional(c).await)?;
    row.map(|(status, error, record)| stored_row(&id, &status, error, record))
        .transpose()
}

/// The outcomes of those of `ids` that were applied before, by id.
pub async fn outcomes(
    conn: &mut Conn<'_>,
    ids: &[Uuid],
) -> StorageResult<HashMap<Uuid, CommandOutcome>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, Option<String>, Option<String>)> = on_backend!(conn, c => {
        let mut query =
            sqlx::QueryBuilder::new("SELECT id, status, error, record FROM commands WHERE id IN (");
        let mut separated = query.separated(", ");
        for id in ids {
            separated.push_bind(id.to_string());
        }
        separated.push_unseparated(")");
        query.build_query_as().fetch_all(c).await
    })?;
    rows.into_iter()
        .map(|(id, status, error, record)| {
            let outcome = stored_row(&id, &status, error, record)?;
            Ok((outcome.command_id, outcome))
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
