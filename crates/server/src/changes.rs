//! The change log's writer: every applied command appends what it changed, in the same
//! transaction, and readers pull the log in order (see `sync`).

use onetrip_api::sync::{ChangeOp, EntityKind};
use uuid::Uuid;

use crate::storage::{Conn, StorageResult, json, on_backend};

/// How a write appears in the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    pub entity: EntityKind,
    pub id: Uuid,
    pub op: ChangeOp,
    pub data: Option<serde_json::Value>,
    /// The site whose readers may see it; none means everyone.
    pub site_id: Option<Uuid>,
    /// The review project whose readers alone may see it.
    pub project_id: Option<Uuid>,
    /// The one account that may see it (a reviewer's draft).
    pub private_to: Option<Uuid>,
}

impl ChangeRecord {
    /// A record written or rewritten, as its JSON.
    pub fn upsert(
        entity: EntityKind,
        id: Uuid,
        data: &impl serde::Serialize,
        site_id: Option<Uuid>,
    ) -> Result<ChangeRecord, serde_json::Error> {
        Ok(ChangeRecord {
            entity,
            id,
            op: ChangeOp::Upsert,
            data: Some(serde_json::to_value(data)?),
            site_id,
            project_id: None,
            private_to: None,
        })
    }

    /// Only `account` sees the change (a reviewer's draft).
    pub fn private_to(mut self, account: Uuid) -> ChangeRecord {
        self.private_to = Some(account);
        self
    }

    /// The change is about a review project: only its readers see it.
    pub fn in_project(mut self, project: Uuid) -> ChangeRecord {
        self.project_id = Some(project);
        self
    }

    pub fn delete(entity: EntityKind, id: Uuid, site_id: Option<Uuid>) -> ChangeRecord {
        ChangeRecord {
            entity,
            id,
            op: ChangeOp::Delete,
            data: None,
            site_id,
            project_id: None,
            private_to: None,
        }
    }
}

fn op_name(op: ChangeOp) -> &'static str {
    match op {
        ChangeOp::Upsert => "upsert",
        ChangeOp::Delete => "delete",
    }
}

/// The newest change's seq, 0 when there is none.
pub async fn head(conn: &mut Conn<'_>) -> StorageResult<i64> {
    const SQL: &str = "SELECT COALESCE(MAX(seq), 0) FROM changes";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL).fetch_one(c).await)?)
}

/// The record's version: the seq of its latest change, 0 when it never changed.
pub async fn version(conn: &mut Conn<'_>, entity: EntityKind, id: Uuid) -> StorageResult<i64> {
    const SQL: &str =
        "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE entity = $1 AND entity_id = $2";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL)
        .bind(entity.as_str())
        .bind(id.to_string())
        .fetch_one(c)
        .await)?)
}

/// Appends one change; returns its seq.
pub async fn record(
    conn: &mut Conn<'_>,
    change: &ChangeRecord,
    command_id: &str,
    now_ms: i64,
) -> StorageResult<i64> {
    const SQL: &str =
        "INSERT INTO changes (entity, entity_id, op, data, site_id, command_id, at_ms, project_id, private_to)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq";
    let data = change.data.as_ref().map(json).transpose()?;
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL)
        .bind(change.entity.as_str())
        .bind(change.id.to_string())
        .bind(op_name(change.op))
        .bind(&data)
        .bind(change.site_id.map(|id| id.to_string()))
        .bind(command_id)
        .bind(now_ms)
        .bind(change.project_id.map(|id| id.to_string()))
        .bind(change.private_to.map(|id| id.to_string()))
        .fetch_one(c)
        .await)?)
}

/// Appends changes in one statement, each with its command id and time; returns the last seq.
pub async fn record_all(
    conn: &mut Conn<'_>,
    changes: &[(ChangeRecord, String, i64)],
) -> StorageResult<Option<i64>> {
    if changes.is_empty() {
        return Ok(None);
    }
    let mut data = Vec::with_capacity(changes.len());
    for (change, _, _) in changes {
        data.push(change.data.as_ref().map(json).transpose()?);
    }
    let seqs: Vec<i64> = on_backend!(conn, c => {
        let mut query = sqlx::QueryBuilder::new(
            "INSERT INTO changes (entity, entity_id, op, data, site_id, command_id, at_ms, project_id, private_to) ",
        );
        query.push_values(changes.iter().zip(&data), |mut row, ((change, command_id, at_ms), data)| {
            row.push_bind(change.entity.as_str())
                .push_bind(change.id.to_string())
                .push_bind(op_name(change.op))
                .push_bind(data.clone())
                .push_bind(change.site_id.map(|id| id.to_string()))
                .push_bind(command_id.clone())
                .push_bind(*at_ms)
                .push_bind(change.project_id.map(|id| id.to_string()))
                .push_bind(change.private_to.map(|id| id.to_string()));
        });
        query.push(" RETURNING seq");
        query.build_query_scalar().fetch_all(c).await
    })?;
    Ok(seqs.into_iter().max())
}
