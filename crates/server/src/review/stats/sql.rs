//! What review statistics are computed from: every project, round and task, and the opinions
//! released to the applicant with the round number each was raised in. Read only.

use onetrip_api::review::{Opinion, Project, ReviewTask, Round};

use crate::storage::{Conn, StorageResult, Store, all_parsed, on_backend, parsed};

/// The records the figures are computed from.
#[derive(Debug, Clone, Default)]
pub struct ReviewRows {
    pub projects: Vec<Project>,
    pub rounds: Vec<Round>,
    pub tasks: Vec<ReviewTask>,
    /// Each released opinion with the number of the round it was raised in.
    pub opinions: Vec<(u32, Opinion)>,
}

async fn projects(conn: &mut Conn<'_>) -> StorageResult<Vec<Project>> {
    const SQL: &str = "SELECT data FROM review_projects";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).fetch_all(c).await)?;
    all_parsed(&rows)
}

async fn rounds(conn: &mut Conn<'_>) -> StorageResult<Vec<Round>> {
    const SQL: &str = "SELECT data FROM review_rounds";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).fetch_all(c).await)?;
    all_parsed(&rows)
}

async fn tasks(conn: &mut Conn<'_>) -> StorageResult<Vec<ReviewTask>> {
    const SQL: &str = "SELECT data FROM review_tasks";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).fetch_all(c).await)?;
    all_parsed(&rows)
}

/// Opinions past their draft, with the round they were raised in.
async fn released_opinions(conn: &mut Conn<'_>) -> StorageResult<Vec<(u32, Opinion)>> {
    const SQL: &str = "SELECT raised_in, data FROM review_opinions WHERE state <> 'draft'";
    let rows: Vec<(i64, String)> = on_backend!(conn, c => sqlx::query_as(SQL).fetch_all(c).await)?;
    rows.into_iter()
        .map(|(raised_in, data)| {
            let raised_in = u32::try_from(raised_in)
                .map_err(|_| crate::storage::corrupt(format!("raised in round {raised_in}")))?;
            Ok((raised_in, parsed(&data)?))
        })
        .collect()
}

/// Every record the review statistics read, in one connection.
pub async fn review_rows(store: &Store) -> StorageResult<ReviewRows> {
    let mut pooled = store.acquire().await?;
    let conn = &mut pooled.conn();
    Ok(ReviewRows {
        projects: projects(conn).await?,
        rounds: rounds(conn).await?,
        tasks: tasks(conn).await?,
        opinions: released_opinions(conn).await?,
    })
}
