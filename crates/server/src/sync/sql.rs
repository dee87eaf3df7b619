//! Reading the change log in pages.

use onetrip_api::sync::SyncPage;
use uuid::Uuid;

use crate::storage::{Conn, StorageResult, corrupt, on_backend};

/// Up to `limit` changes after `since`, in order, that a reader of `site` may see (`None`:
/// every site), leaving out review projects' changes, which the desktop does not keep yet,
/// as the JSON text of a [`SyncPage`]: the database writes each change's JSON
/// itself, so a large pull never builds a row object per change on the server.
pub async fn sync_page_json(
    conn: &mut Conn<'_>,
    since: i64,
    limit: i64,
    site: Option<Uuid>,
) -> StorageResult<String> {
    // Each change is written as the JSON of `onetrip_api::sync::Change`. Only server-written
    // values go in unescaped: kind and op names, UUIDs, and `data`, which holds the JSON the
    // server serialised when it applied the command.
    const SQL: &str = r#"SELECT COALESCE(string_agg(
              '{"seq":' || seq || ',"entity":"' || entity || '","id":"' || entity_id
              || '","op":"' || op || '","data":' || COALESCE(data, 'null') || '}',
              ',' ORDER BY seq), ''),
            COUNT(*), COALESCE(MAX(seq), 0)
       FROM (SELECT seq, entity, entity_id, op, data FROM changes
             WHERE seq > $1 AND seq <= $2
               AND (CAST($3 AS TEXT) IS NULL OR site_id IS NULL OR site_id = $3)
               AND project_id IS NULL AND private_to IS NULL
             ORDER BY seq LIMIT $4) AS page"#;
    // The head first: rows up to it are all visible already (writers commit in seq order).
    let head = crate::changes::head(conn).await?;
    let site = site.map(|id| id.to_string());
    let (changes, count, last): (String, i64, i64) = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(since)
        .bind(head)
        .bind(&site)
        .bind(limit)
        .fetch_one(c)
        .await)?;
    let has_more = count == limit;
    let next = if has_more { last } else { head.max(since) };
    Ok(format!(
        r#"{{"changes":[{changes}],"next":{next},"has_more":{has_more}}}"#
    ))
}

/// [`sync_page_json`], read back as a [`SyncPage`].
pub async fn changes_since(
    conn: &mut Conn<'_>,
    since: i64,
    limit: i64,
    site: Option<Uuid>,
) -> StorageResult<SyncPage> {
    let json = sync_page_json(conn, since, limit, site).await?;
    serde_json::from_str(&json).map_err(corrupt)
}
