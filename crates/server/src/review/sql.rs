//! Review projects, their rounds, files, sheets, index checks and tasks. Each row keeps its
//! record as JSON beside the columns it is found by.

use onetrip_api::review::{Certificate, Opinion, Project, ReviewTask, Round, RoundFile, Sheet};
use uuid::Uuid;

use super::IndexEntries;
use crate::storage::{Conn, StorageResult, all_parsed, json, on_backend, parsed};

pub async fn project(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Project>> {
    const SQL: &str = "SELECT data FROM review_projects WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

pub async fn project_by_code(conn: &mut Conn<'_>, code: &str) -> StorageResult<Option<Uuid>> {
    const SQL: &str = "SELECT id FROM review_projects WHERE code = $1";
    let row: Option<String> =
        on_backend!(conn, c => sqlx::query_scalar(SQL).bind(code).fetch_optional(c).await)?;
    row.map(|id| crate::storage::uuid(&id)).transpose()
}

/// The organisation's projects, newest first.
pub async fn projects_of(conn: &mut Conn<'_>, organisation: &str) -> StorageResult<Vec<Project>> {
    const SQL: &str = "SELECT data FROM review_projects WHERE organisation = $1
         ORDER BY registered_at_ms DESC, id LIMIT 1000";
    let rows: Vec<String> =
        on_backend!(conn, c => sqlx::query_scalar(SQL).bind(organisation).fetch_all(c).await)?;
    all_parsed(&rows)
}

/// Writes the project, new or changed.
pub async fn save_project(conn: &mut Conn<'_>, project: &Project) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO review_projects (id, code, organisation, registered_at_ms, data)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data";
    let data = json(project)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(project.id.to_string())
        .bind(&project.code)
        .bind(&project.organisation)
        .bind(project.registered_at_ms)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

pub async fn round(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Round>> {
    const SQL: &str = "SELECT data FROM review_rounds WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// The project's rounds, first to last.
pub async fn rounds_of(conn: &mut Conn<'_>, project: Uuid) -> StorageResult<Vec<Round>> {
    const SQL: &str = "SELECT data FROM review_rounds WHERE project_id = $1 ORDER BY number";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(project.to_string()).fetch_all(c).await)?;
    all_parsed(&rows)
}

pub async fn save_round(conn: &mut Conn<'_>, round: &Round) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO review_rounds (id, project_id, number, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data";
    let data = json(round)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(round.id.to_string())
        .bind(round.project_id.to_string())
        .bind(i64::from(round.number))
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// The round's files still in it, in upload order.
pub async fn files_of(conn: &mut Conn<'_>, round: Uuid) -> StorageResult<Vec<RoundFile>> {
    const SQL: &str = "SELECT data FROM review_files WHERE round_id = $1 AND removed = 0
         ORDER BY uploaded_at_ms, id";
    let rows: Vec<String> =
        on_backend!(conn, c => sqlx::query_scalar(SQL).bind(round.to_string()).fetch_all(c).await)?;
    all_parsed(&rows)
}

pub async fn insert_file(conn: &mut Conn<'_>, file: &RoundFile) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO review_files (id, round_id, blob, uploaded_at_ms, data)
         VALUES ($1, $2, $3, $4, $5)";
    let data = json(file)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(file.id.to_string())
        .bind(file.round_id.to_string())
        .bind(&file.blob)
        .bind(file.uploaded_at_ms)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// Takes a file out of its round; its blob stays, as every original does.
pub async fn remove_file(conn: &mut Conn<'_>, file: Uuid) -> StorageResult<()> {
    const SQL_FILE: &str = "UPDATE review_files SET removed = 1 WHERE id = $1";
    const SQL_SHEETS: &str = "DELETE FROM review_sheets WHERE file_id = $1";
    on_backend!(conn, c => {
        sqlx::query(SQL_FILE).bind(file.to_string()).execute(&mut *c).await?;
        sqlx::query(SQL_SHEETS).bind(file.to_string()).execute(c).await.map(drop)
    })?;
    Ok(())
}

/// The round's sheets in file and page order.
pub async fn sheets_of(conn: &mut Conn<'_>, round: Uuid) -> StorageResult<Vec<Sheet>> {
    const SQL: &str = "SELECT s.data FROM review_sheets s JOIN review_files f ON f.id = s.file_id
         WHERE s.round_id = $1 ORDER BY f.uploaded_at_ms, f.id, s.page";
    let rows: Vec<String> =
        on_backend!(conn, c => sqlx::query_scalar(SQL).bind(round.to_string()).fetch_all(c).await)?;
    all_parsed(&rows)
}

pub async fn sheet(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Sheet>> {
    const SQL: &str = "SELECT data FROM review_sheets WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

pub async fn count_sheets(conn: &mut Conn<'_>, round: Uuid) -> StorageResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM review_sheets WHERE round_id = $1";
    Ok(on_backend!(conn, c => sqlx::query_scalar(SQL).bind(round.to_string()).fetch_one(c).await)?)
}

/// Writes sheets, new or changed.
pub async fn save_sheets(conn: &mut Conn<'_>, sheets: &[Sheet]) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO review_sheets (id, round_id, file_id, page, data) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data";
    for sheet in sheets {
        let data = json(sheet)?;
        on_backend!(conn, c => sqlx::query(SQL)
            .bind(sheet.id.to_string())
            .bind(sheet.round_id.to_string())
            .bind(sheet.file_id.to_string())
            .bind(i64::from(sheet.page))
            .bind(&data)
            .execute(c)
            .await
            .map(drop))?;
    }
    Ok(())
}

pub async fn index_entries(
    conn: &mut Conn<'_>,
    round: Uuid,
) -> StorageResult<Option<IndexEntries>> {
    const SQL: &str = "SELECT data FROM review_index_checks WHERE round_id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(round.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

pub async fn save_index_entries(
    conn: &mut Conn<'_>,
    round: Uuid,
    entries: Option<&IndexEntries>,
) -> StorageResult<()> {
    const DELETE: &str = "DELETE FROM review_index_checks WHERE round_id = $1";
    const INSERT: &str = "INSERT INTO review_index_checks (round_id, data) VALUES ($1, $2)";
    let data = entries.map(json).transpose()?;
    on_backend!(conn, c => {
        sqlx::query(DELETE).bind(round.to_string()).execute(&mut *c).await?;
        match &data {
            Some(data) => sqlx::query(INSERT).bind(round.to_string()).bind(data).execute(c).await.map(drop),
            None => Ok(()),
        }
    })?;
    Ok(())
}

pub async fn task(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<ReviewTask>> {
    const SQL: &str = "SELECT data FROM review_tasks WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// The project's tasks, round by round, each round's specialties in their usual order.
pub async fn tasks_of(conn: &mut Conn<'_>, project: Uuid) -> StorageResult<Vec<ReviewTask>> {
    const SQL: &str = "SELECT r.number, t.data FROM review_tasks t
         JOIN review_rounds r ON r.id = t.round_id WHERE t.project_id = $1";
    let rows: Vec<(i64, String)> = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(project.to_string())
        .fetch_all(c)
        .await)?;
    let mut tasks = Vec::with_capacity(rows.len());
    for (round, data) in rows {
        let task: ReviewTask = parsed(&data)?;
        tasks.push((round, task));
    }
    tasks.sort_by_key(|(round, task)| (*round, task.specialty));
    Ok(tasks.into_iter().map(|(_, task)| task).collect())
}

pub async fn save_task(conn: &mut Conn<'_>, task: &ReviewTask) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO review_tasks (id, project_id, round_id, specialty, reviewer_id, data)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET reviewer_id = excluded.reviewer_id, data = excluded.data";
    let data = json(task)?;
    let specialty = json(&task.specialty)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(task.id.to_string())
        .bind(task.project_id.to_string())
        .bind(task.round_id.to_string())
        .bind(specialty.trim_matches('"'))
        .bind(task.reviewer.map(|id| id.to_string()))
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

pub async fn opinion(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Opinion>> {
    const SQL: &str = "SELECT data FROM review_opinions WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// Every opinion of the project, in the order of their ids (specialty, round, number).
pub async fn opinions_of(conn: &mut Conn<'_>, project: Uuid) -> StorageResult<Vec<Opinion>> {
    const SQL: &str = "SELECT data FROM review_opinions WHERE project_id = $1";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(project.to_string()).fetch_all(c).await)?;
    let mut opinions: Vec<Opinion> = all_parsed(&rows)?;
    opinions.sort_by(|a, b| {
        (a.specialty, a.code.len(), &a.code).cmp(&(b.specialty, b.code.len(), &b.code))
    });
    Ok(opinions)
}

/// How many opinions the specialty raised in the project's round `number`.
pub async fn count_raised(
    conn: &mut Conn<'_>,
    project: Uuid,
    specialty: &str,
    number: u32,
) -> StorageResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM review_opinions
         WHERE project_id = $1 AND specialty = $2 AND raised_in = $3";
    Ok(on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(project.to_string())
        .bind(specialty)
        .bind(i64::from(number))
        .fetch_one(c)
        .await)?)
}

pub async fn save_opinion(
    conn: &mut Conn<'_>,
    opinion: &Opinion,
    raised_in: u32,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO review_opinions (id, project_id, round_id, specialty, raised_in, author_id, state, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET round_id = excluded.round_id, state = excluded.state, data = excluded.data";
    let data = json(opinion)?;
    let specialty = json(&opinion.specialty)?;
    let state = json(&opinion.state)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(opinion.id.to_string())
        .bind(opinion.project_id.to_string())
        .bind(opinion.round_id.to_string())
        .bind(specialty.trim_matches('"'))
        .bind(i64::from(raised_in))
        .bind(opinion.author.to_string())
        .bind(state.trim_matches('"'))
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// Every project, newest first (for the review leads).
pub async fn all_projects(conn: &mut Conn<'_>) -> StorageResult<Vec<Project>> {
    const SQL: &str =
        "SELECT data FROM review_projects ORDER BY registered_at_ms DESC, id LIMIT 5000";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).fetch_all(c).await)?;
    all_parsed(&rows)
}

/// The projects a reviewer has a task in, newest first.
pub async fn projects_of_reviewer(
    conn: &mut Conn<'_>,
    reviewer: Uuid,
) -> StorageResult<Vec<Project>> {
    const SQL: &str = "SELECT p.data FROM review_projects p
         WHERE p.id IN (SELECT project_id FROM review_tasks WHERE reviewer_id = $1)
         ORDER BY p.registered_at_ms DESC, p.id";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(reviewer.to_string()).fetch_all(c).await)?;
    all_parsed(&rows)
}

/// A kept file of a round, whether or not it was later taken out.
pub async fn file(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<RoundFile>> {
    const SQL: &str = "SELECT data FROM review_files WHERE id = $1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// Reviewer accounts, and the leads who may take a specialty on themselves: id, display name
/// and the specialty they are kept with.
pub async fn reviewers(
    conn: &mut Conn<'_>,
) -> StorageResult<Vec<(String, String, Option<String>)>> {
    const SQL: &str = "SELECT id, display_name, specialty FROM accounts
         WHERE role IN ('reviewer', 'supervisor', 'admin') ORDER BY role DESC, display_name, id";
    Ok(on_backend!(conn, c => sqlx::query_as(SQL).fetch_all(c).await)?)
}

/// The project's certificate issued last, revoked or not.
pub async fn certificate_of(
    conn: &mut Conn<'_>,
    project: Uuid,
) -> StorageResult<Option<Certificate>> {
    const SQL: &str = "SELECT data FROM review_certificates WHERE project_id = $1
         ORDER BY issued_at_ms DESC, number DESC LIMIT 1";
    let row: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL).bind(project.to_string()).fetch_optional(c).await)?;
    row.map(|data| parsed(&data)).transpose()
}

/// How many certificates were numbered in `year`: the next is one more.
pub async fn certificates_in(conn: &mut Conn<'_>, year: i32) -> StorageResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM review_certificates WHERE year = $1";
    Ok(on_backend!(conn, c => sqlx::query_scalar(SQL).bind(i64::from(year)).fetch_one(c).await)?)
}

/// Writes a certificate, new or revoked.
pub async fn save_certificate(
    conn: &mut Conn<'_>,
    certificate: &Certificate,
    year: i32,
) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO review_certificates (id, project_id, year, number, issued_at_ms, data)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data";
    let data = json(certificate)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(certificate.id.to_string())
        .bind(certificate.project_id.to_string())
        .bind(i64::from(year))
        .bind(&certificate.number)
        .bind(certificate.issued_at_ms)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}
