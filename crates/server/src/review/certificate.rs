//! The review certificate (施工图审查合格书). The lead issues it once nothing blocks it; it is
//! numbered per year (施审合字〔2026〕第0001号), names every specialty's reviewer, and carries a
//! QR code signed with the authority's key. Reopening an opinion of a certified project revokes
//! it, and `/verify` reports it revoked from then on.
//!
//! The signature needs the number, and the number is the count of the year's certificates
//! plus one, so the HTTP handler numbers and signs the command ([`prepare`]) just before it is
//! applied, with this process's issuing serialised; the plan checks the number is still the
//! next one, and the table's unique number guards several server instances.

use onetrip_api::command::CommandBody;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{
    Certificate, CertificateReviewer, CertificateToIssue, Opinion, Project, ProjectState,
    ReviewTask, Revocation, Round, RoundState, certificate_blockers, certificate_claim,
    certificate_number,
};
use onetrip_api::verify::Withdrawal;
use onetrip_print::signing::IssuerKey;

use super::{ReviewWrite, not_found, sql, visible_project};
use crate::actor::{Actor, refuse};
use crate::storage::{Conn, StorageResult};

/// Issuing is serialised within a process, so that two leads do not take the same number.
static ISSUING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What a certificate's issuing body is called: the center's top-level site.
pub async fn issuer(
    conn: &mut Conn<'_>,
    config: &crate::storage::VersionCache<onetrip_api::config::ConfigSnapshot>,
) -> StorageResult<String> {
    let snapshot = crate::config::sql::cached_snapshot(conn, config).await?;
    Ok(onetrip_api::review_documents::issuing_body(&snapshot.sites))
}

fn year_of(day: &str) -> i32 {
    day.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// Numbers the certificate the command asks for and signs its QR claim, in place.
async fn prepare(
    conn: &mut Conn<'_>,
    config: &crate::storage::VersionCache<onetrip_api::config::ConfigSnapshot>,
    key: &IssuerKey,
    actor: &Actor,
    draft: &mut CertificateToIssue,
    now_ms: i64,
) -> StorageResult<Result<(), ApiError>> {
    let project = match visible_project(conn, actor, draft.project_id).await? {
        Ok(project) => project,
        Err(error) => return Ok(Err(error)),
    };
    let issued_on = crate::clock::center_date(now_ms);
    let year = year_of(&issued_on);
    let next = sql::certificates_in(conn, year).await? + 1;
    let number = certificate_number(year, u32::try_from(next).unwrap_or(u32::MAX));
    let issuer = issuer(conn, config).await?;
    let claim = certificate_claim(&project.name, &number, &issued_on, &issuer);
    let payload = match key.sign(&claim.into()) {
        Ok(payload) => payload,
        Err(error) => {
            return Ok(Err(ApiError::new(
                ErrorCode::Invalid,
                actor.lang.pick(
                    format!("合格书信息不能签发：{error}"),
                    format!("The certificate cannot be signed: {error}"),
                ),
            )));
        }
    };
    draft.number = Some(number);
    draft.issued_on = Some(issued_on);
    draft.issuer = Some(issuer);
    draft.payload = Some(payload);
    Ok(Ok(()))
}

/// Plans issuing: the lead alone, nothing blocking, the number still the next one.
pub async fn plan_issue(
    conn: &mut Conn<'_>,
    actor: &Actor,
    draft: &CertificateToIssue,
    now_ms: i64,
) -> StorageResult<Result<ReviewWrite, ApiError>> {
    if !super::opinions::is_lead(actor) {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "lead_only",
            "只有审查负责人可以签发合格书".into(),
            "Only the review lead issues the certificate".into(),
        )));
    }
    let project = match visible_project(conn, actor, draft.project_id).await? {
        Ok(project) => project,
        Err(error) => return Ok(Err(error)),
    };
    let (Some(number), Some(issued_on), Some(issuer), Some(payload)) = (
        draft.number.clone(),
        draft.issued_on.clone(),
        draft.issuer.clone(),
        draft.payload.clone(),
    ) else {
        return Ok(Err(ApiError::new(
            ErrorCode::Internal,
            "the certificate was not numbered and signed",
        )));
    };
    let rounds = sql::rounds_of(conn, project.id).await?;
    let tasks = sql::tasks_of(conn, project.id).await?;
    let opinions = sql::opinions_of(conn, project.id).await?;
    let current = sql::certificate_of(conn, project.id).await?;
    let year = year_of(&issued_on);
    let taken = sql::certificates_in(conn, year).await?;
    let expected = certificate_number(year, u32::try_from(taken + 1).unwrap_or(u32::MAX));
    let context = IssueContext {
        project: &project,
        rounds: &rounds,
        tasks: &tasks,
        opinions: &opinions,
        current: current.as_ref(),
    };
    Ok(
        issue(actor, &context, draft, now_ms).and_then(|certificate| {
            if number != expected || certificate.issued_on != crate::clock::center_date(now_ms) {
                return Err(refuse(
                    actor,
                    ErrorCode::Conflict,
                    "certificate_number_moved",
                    "合格书编号刚被占用，请再签发一次".into(),
                    "The certificate number was just taken; issue it again".into(),
                ));
            }
            let certificate = Certificate {
                number,
                issuer,
                payload,
                ..certificate
            };
            // The certified round's tasks end with the certificate, if its opinions were
            // never released again.
            let done: Vec<ReviewTask> = tasks
                .iter()
                .filter(|t| t.round == certificate.round && t.done_on.is_none())
                .map(|t| ReviewTask {
                    done_on: Some(certificate.issued_on.clone()),
                    ..t.clone()
                })
                .collect();
            Ok(ReviewWrite {
                tasks: done,
                projects: vec![Project {
                    state: ProjectState::Certified,
                    ..project.clone()
                }],
                answer: serde_json::to_value(&certificate).ok(),
                certificates: vec![(certificate, year)],
                ..ReviewWrite::new(project.id)
            })
        }),
    )
}

/// What issuing is checked against.
pub struct IssueContext<'a> {
    pub project: &'a Project,
    pub rounds: &'a [Round],
    pub tasks: &'a [ReviewTask],
    pub opinions: &'a [Opinion],
    pub current: Option<&'a Certificate>,
}

/// The certificate, if nothing blocks it; its number, issuer and payload come from `draft`.
pub fn issue(
    actor: &Actor,
    context: &IssueContext<'_>,
    draft: &CertificateToIssue,
    now_ms: i64,
) -> Result<Certificate, ApiError> {
    if context.current.is_some_and(|c| c.revoked.is_none()) {
        return Err(refuse(
            actor,
            ErrorCode::Conflict,
            "already_certified",
            "该项目已签发合格书".into(),
            "The project's certificate is already issued".into(),
        ));
    }
    let blockers = certificate_blockers(
        context.project,
        context.rounds,
        context.tasks,
        context.opinions,
    );
    if !blockers.is_empty() {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "certificate_blocked",
            format!("还有 {} 项未完成，暂不能签发合格书", blockers.len()),
            format!(
                "{} things still keep the certificate from being issued",
                blockers.len()
            ),
        ));
    }
    let Some(round) = context
        .rounds
        .iter()
        .filter(|r| r.state == RoundState::Accepted)
        .max_by_key(|r| r.number)
    else {
        return Err(not_found(actor));
    };
    let reviewers = context
        .project
        .specialties
        .iter()
        .map(|specialty| CertificateReviewer {
            specialty: *specialty,
            reviewer: context
                .tasks
                .iter()
                .find(|t| t.round_id == round.id && t.specialty == *specialty)
                .and_then(|t| t.reviewer_name.clone())
                .unwrap_or_default(),
        })
        .collect();
    Ok(Certificate {
        id: draft.id,
        project_id: context.project.id,
        number: draft.number.clone().unwrap_or_default(),
        holder: context.project.name.clone(),
        round: round.number,
        issued_on: draft.issued_on.clone().unwrap_or_default(),
        issuer: draft.issuer.clone().unwrap_or_default(),
        issued_by: actor.account.id,
        issued_by_name: actor.account.display_name.clone(),
        issued_at_ms: now_ms,
        reviewers,
        payload: draft.payload.clone().unwrap_or_default(),
        revoked: None,
    })
}

/// The certificate revoked because `opinion` was reopened, and the project back in review.
pub fn revoke(
    write: &mut ReviewWrite,
    project: &Project,
    certificate: &Certificate,
    opinion: &Opinion,
    now_ms: i64,
) {
    let revoked = Certificate {
        revoked: Some(Revocation {
            on: crate::clock::center_date(now_ms),
            at_ms: now_ms,
            opinion_code: Some(opinion.code.clone()),
        }),
        ..certificate.clone()
    };
    write.projects.push(Project {
        state: ProjectState::InReview,
        ..project.clone()
    });
    write
        .certificates
        .push((revoked, year_of(&certificate.issued_on)));
}

/// How `/verify` explains a revoked certificate.
pub fn withdrawal(revocation: &Revocation) -> Withdrawal {
    let code = revocation.opinion_code.as_deref().unwrap_or("");
    Withdrawal {
        on: revocation.on.clone(),
        reason_zh: format!("项目重新审查（意见 {code} 已重新打开）"),
        reason_en: format!("the project is under review again (opinion {code} was reopened)"),
    }
}

/// Writes the certificates of a change: new ones as issued documents for `/verify`, revoked
/// ones marked withdrawn there.
pub async fn store(conn: &mut Conn<'_>, certificates: &[(Certificate, i32)]) -> StorageResult<()> {
    for (certificate, year) in certificates {
        sql::save_certificate(conn, certificate, *year).await?;
        match &certificate.revoked {
            None => {
                let document = onetrip_api::verify::IssuedDocument {
                    id: certificate.id,
                    claim: certificate.claim(),
                    payload: certificate.payload.clone(),
                    signed_by: certificate.issued_by_name.clone(),
                    signed_at_ms: certificate.issued_at_ms,
                };
                crate::documents::write(conn, &document).await?;
            }
            Some(revocation) => {
                crate::documents::withdraw(conn, certificate.id, &withdrawal(revocation)).await?;
            }
        }
    }
    Ok(())
}

/// When `body` issues a certificate: numbers and signs it, and holds this process's issuing
/// turn until the returned guard is dropped (after the command is applied).
pub async fn number_and_sign(
    state: &crate::state::AppState,
    actor: &Actor,
    body: &mut CommandBody,
    now_ms: i64,
) -> Result<Option<tokio::sync::MutexGuard<'static, ()>>, crate::http_error::HttpError> {
    let CommandBody::IssueCertificate(draft) = body else {
        return Ok(None);
    };
    let internal = |e| crate::http_error::internal(actor.lang, e);
    let guard = ISSUING.lock().await;
    let mut pooled = state.store.acquire().await.map_err(internal)?;
    prepare(
        &mut pooled.conn(),
        &state.config,
        &state.issuer_key,
        actor,
        draft,
        now_ms,
    )
    .await
    .map_err(internal)?
    .map_err(crate::http_error::HttpError)?;
    Ok(Some(guard))
}
