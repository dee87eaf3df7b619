//! Applicants' organisations and the registrations waiting for approval.

use onetrip_api::portal::{ApplicantProfile, Registration, RegistrationState};
use uuid::Uuid;

use crate::storage::{Conn, StorageError, StorageResult, on_backend, opt_uuid, uuid};

/// The organisation an applicant account acts for.
pub async fn profile(
    conn: &mut Conn<'_>,
    account: Uuid,
) -> StorageResult<Option<ApplicantProfile>> {
    const SQL: &str =
        "SELECT a.id, a.username, a.display_name, p.organisation_name, p.credit_code, p.phone
         FROM applicants p JOIN accounts a ON a.id = p.account_id WHERE p.account_id = $1";
    let row: Option<(String, String, String, String, String, String)> = on_backend!(conn, c => sqlx::query_as(SQL).bind(account.to_string()).fetch_optional(c).await)?;
    row.map(
        |(id, username, display_name, organisation_name, credit_code, phone)| {
            Ok(ApplicantProfile {
                account_id: uuid(&id)?,
                username,
                display_name,
                organisation_name,
                credit_code,
                phone,
            })
        },
    )
    .transpose()
}

pub async fn insert_profile(conn: &mut Conn<'_>, profile: &ApplicantProfile) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO applicants (account_id, credit_code, organisation_name, phone)
         VALUES ($1, $2, $3, $4)";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(profile.account_id.to_string())
        .bind(&profile.credit_code)
        .bind(&profile.organisation_name)
        .bind(&profile.phone)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// Whether the user name belongs to an account or to a registration waiting for approval.
pub async fn username_taken(conn: &mut Conn<'_>, username: &str) -> StorageResult<bool> {
    const SQL: &str = "SELECT (SELECT COUNT(*) FROM accounts WHERE username = $1)
              + (SELECT COUNT(*) FROM applicant_registrations WHERE username = $1 AND state = 'pending')";
    let count: i64 =
        on_backend!(conn, c => sqlx::query_scalar(SQL).bind(username).fetch_one(c).await)?;
    Ok(count > 0)
}

pub async fn insert_registration(
    conn: &mut Conn<'_>,
    registration: &Registration,
    password_hash: &str,
) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO applicant_registrations
            (id, username, display_name, organisation_name, credit_code, phone, password_hash, state, submitted_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(registration.id.to_string())
        .bind(&registration.username)
        .bind(&registration.display_name)
        .bind(&registration.organisation_name)
        .bind(&registration.credit_code)
        .bind(&registration.phone)
        .bind(password_hash)
        .bind(registration.state.as_str())
        .bind(registration.submitted_at_ms)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

type RegistrationRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    String,
);

fn registration(row: RegistrationRow) -> StorageResult<(Registration, String)> {
    let (
        id,
        username,
        display_name,
        organisation_name,
        credit_code,
        phone,
        state,
        at,
        account,
        hash,
    ) = row;
    Ok((
        Registration {
            id: uuid(&id)?,
            username,
            display_name,
            organisation_name,
            credit_code,
            phone,
            state: RegistrationState::parse(&state)
                .ok_or_else(|| StorageError::Corrupt(format!("registration state {state:?}")))?,
            submitted_at_ms: at,
            account_id: opt_uuid(account)?,
        },
        hash,
    ))
}

/// The columns a [`RegistrationRow`] is read from.
macro_rules! registration_columns {
    () => {
        "id, username, display_name, organisation_name, credit_code, phone, state,
         submitted_at_ms, account_id, password_hash"
    };
}

/// A registration and its password hash.
pub async fn registration_by_id(
    conn: &mut Conn<'_>,
    id: Uuid,
) -> StorageResult<Option<(Registration, String)>> {
    const SQL: &str = concat!(
        "SELECT ",
        registration_columns!(),
        " FROM applicant_registrations WHERE id = $1"
    );
    let row: Option<RegistrationRow> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(id.to_string()).fetch_optional(c).await)?;
    row.map(registration).transpose()
}

/// Registrations in `state`, oldest first.
pub async fn registrations(
    conn: &mut Conn<'_>,
    state: RegistrationState,
) -> StorageResult<Vec<Registration>> {
    const SQL: &str = concat!(
        "SELECT ",
        registration_columns!(),
        " FROM applicant_registrations WHERE state = $1 ORDER BY submitted_at_ms, id LIMIT 1000"
    );
    let rows: Vec<RegistrationRow> =
        on_backend!(conn, c => sqlx::query_as(SQL).bind(state.as_str()).fetch_all(c).await)?;
    rows.into_iter()
        .map(|row| registration(row).map(|(registration, _)| registration))
        .collect()
}

/// Records the decision on a pending registration; false when it was no longer pending.
pub async fn decide(
    conn: &mut Conn<'_>,
    id: Uuid,
    state: RegistrationState,
    by: Uuid,
    at_ms: i64,
    account: Option<Uuid>,
) -> StorageResult<bool> {
    const SQL: &str = "UPDATE applicant_registrations
         SET state = $2, decided_by = $3, decided_at_ms = $4, account_id = $5
         WHERE id = $1 AND state = 'pending'";
    let done = on_backend!(conn, c => sqlx::query(SQL)
        .bind(id.to_string())
        .bind(state.as_str())
        .bind(by.to_string())
        .bind(at_ms)
        .bind(account.map(|id| id.to_string()))
        .execute(c)
        .await
        .map(|result| result.rows_affected()))?;
    Ok(done == 1)
}
