//! Issued documents (licences, permits, receipts) signed with the authority's key, and checking
//! their QR codes: `/api/verify` and the public `/verify` page.

pub mod keys;
pub mod routes;
pub mod verify_page;

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::sync::EntityKind;
use onetrip_api::verify::{IssuedDocument, VerifyResponse, Withdrawal};
use onetrip_print::signing::IssuerKey;

use crate::actor::{Actor, refuse};
use crate::changes::ChangeRecord;
use crate::storage::{Conn, StorageResult, json, on_backend};

/// An issued document, signed by the server (the HTTP handler fills in the payload with the
/// authority's key before the command is applied).
pub fn plan(
    actor: &Actor,
    document: &onetrip_api::verify::DocumentToSign,
    now_ms: i64,
) -> Result<IssuedDocument, ApiError> {
    use onetrip_domain::auth::Role;
    if !matches!(
        actor.role(),
        Role::PermitOfficer | Role::Supervisor | Role::Admin
    ) {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "sign_forbidden",
            "您的角色无权签发证件".into(),
            "Your role may not issue documents".into(),
        ));
    }
    let payload = document
        .payload
        .clone()
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the document was not signed"))?;
    Ok(IssuedDocument {
        id: document.id,
        claim: document.claim.clone(),
        payload,
        signed_by: actor.account.username.clone(),
        signed_at_ms: now_ms,
    })
}

pub fn change(document: &IssuedDocument) -> Result<ChangeRecord, serde_json::Error> {
    ChangeRecord::upsert(EntityKind::Document, document.id, document, None)
}

pub async fn write(conn: &mut Conn<'_>, document: &IssuedDocument) -> StorageResult<()> {
    const SQL: &str =
        "INSERT INTO issued_documents (id, kind, number, payload, signed_by, signed_at_ms, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING";
    let data = json(document)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(document.id.to_string())
        .bind(&document.claim.kind)
        .bind(&document.claim.number)
        .bind(&document.payload)
        .bind(&document.signed_by)
        .bind(document.signed_at_ms)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// Checks a payload read from a QR code against the server's key, on the center's day, and
/// against the records: a genuine document since revoked or superseded is reported so.
pub async fn verify(
    store: &crate::storage::Store,
    key: &IssuerKey,
    payload: &str,
    now_ms: i64,
) -> StorageResult<VerifyResponse> {
    let response = VerifyResponse::check(
        &key.public_key(),
        payload,
        crate::clock::center_date(now_ms),
    );
    let Some(claim) = &response.claim else {
        return Ok(response);
    };
    let mut pooled = store.acquire().await?;
    Ok(
        match withdrawal(&mut pooled.conn(), &claim.kind, &claim.number).await? {
            Some(withdrawal) => response.withdrawn(withdrawal),
            None => response,
        },
    )
}

/// Whether the issued document of that kind and number was withdrawn, and why.
pub async fn withdrawal(
    conn: &mut Conn<'_>,
    kind: &str,
    number: &str,
) -> StorageResult<Option<Withdrawal>> {
    const SQL: &str =
        "SELECT withdrawn_on, withdrawn_reason_zh, withdrawn_reason_en FROM issued_documents
         WHERE kind = $1 AND number = $2 AND withdrawn_on IS NOT NULL LIMIT 1";
    let row: Option<(String, Option<String>, Option<String>)> = on_backend!(conn, c =>
        sqlx::query_as(SQL).bind(kind).bind(number).fetch_optional(c).await)?;
    Ok(row.map(|(on, zh, en)| Withdrawal {
        on,
        reason_zh: zh.unwrap_or_default(),
        reason_en: en.unwrap_or_default(),
    }))
}

/// Marks an issued document withdrawn (revoked, superseded); its number stays used.
pub async fn withdraw(
    conn: &mut Conn<'_>,
    id: uuid::Uuid,
    withdrawal: &Withdrawal,
) -> StorageResult<()> {
    const SQL: &str = "UPDATE issued_documents
         SET withdrawn_on = $2, withdrawn_reason_zh = $3, withdrawn_reason_en = $4 WHERE id = $1";
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(id.to_string())
        .bind(&withdrawal.on)
        .bind(&withdrawal.reason_zh)
        .bind(&withdrawal.reason_en)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// Signs the document a `SignDocument` command carries with the authority's key, which only
/// the server holds. Ed25519 signatures are deterministic, so a replayed command carries the
/// same payload.
pub fn sign(
    key: &IssuerKey,
    actor: &Actor,
    document: &mut onetrip_api::verify::DocumentToSign,
) -> Result<(), ApiError> {
    let claim = document.claim.clone().into();
    let payload = key.sign(&claim).map_err(|error| {
        ApiError::new(
            ErrorCode::Invalid,
            actor.lang.pick(
                format!("证件信息不能签发：{error}"),
                format!("The document cannot be signed: {error}"),
            ),
        )
    })?;
    document.payload = Some(payload);
    Ok(())
}
