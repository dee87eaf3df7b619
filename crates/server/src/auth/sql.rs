//! Accounts, login attempts and sessions.

use onetrip_api::auth::Account;
use onetrip_domain::auth::{LoginAttempts, Role};
use uuid::Uuid;

use crate::session_cache::StoredSession;
use crate::storage::{Conn, StorageError, StorageResult, on_backend, opt_uuid, uuid};

/// A stored account with what login needs.
#[derive(Debug, Clone)]
pub struct StoredAccount {
    pub account: Account,
    pub password_hash: String,
    pub attempts: LoginAttempts,
}

/// An account to create (seeding and administration).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub site_id: Option<Uuid>,
    pub specialty: Option<String>,
    pub password_hash: String,
}

type AccountRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn account(row: AccountRow) -> StorageResult<Account> {
    let (id, username, display_name, role, site_id, specialty) = row;
    Ok(Account {
        id: uuid(&id)?,
        role: Role::parse(&role)
            .ok_or_else(|| StorageError::Corrupt(format!("bad role {role:?}")))?,
        username,
        display_name,
        site_id: opt_uuid(site_id)?,
        specialty,
    })
}

pub async fn account_by_username(
    conn: &mut Conn<'_>,
    username: &str,
) -> StorageResult<Option<StoredAccount>> {
    const SQL: &str = "SELECT id, username, display_name, role, site_id, specialty, password_hash,
                failed_logins, locked_until_ms
         FROM accounts WHERE username = $1";
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        i64,
        Option<i64>,
    );
    let row: Option<Row> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(username).fetch_optional(c).await)?;
    let Some((
        id,
        username,
        display_name,
        role,
        site_id,
        specialty,
        password_hash,
        failed,
        locked_until_ms,
    )) = row
    else {
        return Ok(None);
    };
    Ok(Some(StoredAccount {
        account: account((id, username, display_name, role, site_id, specialty))?,
        password_hash,
        attempts: LoginAttempts {
            failed,
            locked_until_ms,
        },
    }))
}

pub async fn save_login_attempts(
    conn: &mut Conn<'_>,
    account: Uuid,
    attempts: LoginAttempts,
) -> StorageResult<()> {
    const SQL: &str = "UPDATE accounts SET failed_logins = $1, locked_until_ms = $2 WHERE id = $3";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(attempts.failed)
        .bind(attempts.locked_until_ms)
        .bind(account.to_string())
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

pub async fn insert_account(
    conn: &mut Conn<'_>,
    account: &NewAccount,
    now_ms: i64,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO accounts (id, username, display_name, role, site_id, specialty,
                               password_hash, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(account.id.to_string())
        .bind(&account.username)
        .bind(&account.display_name)
        .bind(account.role.as_str())
        .bind(account.site_id.map(|id| id.to_string()))
        .bind(&account.specialty)
        .bind(&account.password_hash)
        .bind(now_ms)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

pub async fn count_accounts(conn: &mut Conn<'_>) -> StorageResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM accounts";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL).fetch_one(c).await)?)
}

/// The display names of every account, by user name.
pub async fn display_names(conn: &mut Conn<'_>) -> StorageResult<Vec<(String, String)>> {
    const SQL: &str = "SELECT username, display_name FROM accounts";
    Ok(on_backend!(conn, c => sqlx::query_as(SQL).fetch_all(c).await)?)
}

/// The display name of the account `username`.
pub async fn display_name(conn: &mut Conn<'_>, username: &str) -> StorageResult<Option<String>> {
    const SQL: &str = "SELECT display_name FROM accounts WHERE username = $1";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, String>(SQL)
        .bind(username)
        .fetch_optional(c)
        .await)?)
}

pub async fn insert_session(
    conn: &mut Conn<'_>,
    token_hash: &str,
    account: Uuid,
    now_ms: i64,
    expires_at_ms: i64,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO sessions (token_hash, account_id, created_at_ms, expires_at_ms)
         VALUES ($1, $2, $3, $4)";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(token_hash)
        .bind(account.to_string())
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

pub async fn session(
    conn: &mut Conn<'_>,
    token_hash: &str,
) -> StorageResult<Option<StoredSession>> {
    const SQL: &str =
        "SELECT a.id, a.username, a.display_name, a.role, a.site_id, a.specialty, s.expires_at_ms
         FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = $1";
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
    );
    let row: Option<Row> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(token_hash).fetch_optional(c).await)?;
    let Some((id, username, display_name, role, site_id, specialty, expires_at_ms)) = row else {
        return Ok(None);
    };
    Ok(Some(StoredSession {
        account: account((id, username, display_name, role, site_id, specialty))?,
        expires_at_ms,
    }))
}

pub async fn delete_session(conn: &mut Conn<'_>, token_hash: &str) -> StorageResult<()> {
    const SQL: &str = "DELETE FROM sessions WHERE token_hash = $1";
    on_backend!(conn, c => sqlx::query(SQL).bind(token_hash).execute(c).await.map(drop))?;
    Ok(())
}

/// The account with this id.
pub async fn account_by_id(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Account>> {
    const SQL: &str = "SELECT id, username, display_name, role, site_id, specialty
         FROM accounts WHERE id = $1";
    let row: Option<AccountRow> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(account).transpose()
}
