//! Reading the change log in pages.

use onetrip_api::sync::SyncPage;
use uuid::Uuid;

use crate::storage::{Conn, StorageResult, corrupt, on_backend};

/// Who reads the change log, and so which changes reach them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// The reader's site; `None` means every site.
    pub site: Option<Uuid>,
    /// The reader's account: their own drafts, and the review projects they are assigned to.
    pub account: Option<Uuid>,
    /// Review leads see every review project.
    pub all_projects: bool,
}

impl Reader {
    /// A reader of one site's (or every site's) records, and of no review project.
    pub fn of_site(site: Option<Uuid>) -> Reader {
        Reader {
            site,
            account: None,
            all_projects: false,
        }
    }
}

/// Up to `limit` changes after `since`, in order, that `reader` may see: their site's (or
/// every site's), the review projects they lead or are assigned to, and their own drafts; as
/// the JSON text of a [`SyncPage`]: the database writes each change's JSON
/// itself, so a large pull never builds a row object per change on the server.
pub async fn sync_page_json(
    conn: &mut Conn<'_>,
    since: i64,
    limit: i64,
    reader: &Reader,
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
               AND (private_to IS NULL OR private_to = $5)
               AND (project_id IS NULL OR $6
                    OR project_id IN (SELECT project_id FROM review_tasks WHERE reviewer_id = $5))
             ORDER BY seq LIMIT $4) AS page"#;
    // The head first: rows up to it are all visible already (writers commit in seq order).
    let head = crate::changes::head(conn).await?;
    let site = reader.site.map(|id| id.to_string());
    let account = reader.account.map(|id| id.to_string());
    let (changes, count, last): (String, i64, i64) = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(since)
        .bind(head)
        .bind(&site)
        .bind(limit)
        .bind(&account)
        .bind(reader.all_projects)
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
    reader: &Reader,
) -> StorageResult<SyncPage> {
    let json = sync_page_json(conn, since, limit, reader).await?;
    serde_json::from_str(&json).map_err(corrupt)
}
