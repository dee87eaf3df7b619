//! Maker and checker (审核与复核分离): a site may require that each drainage-permit batch and
//! each void made by one officer takes effect only once a second officer confirms it. Until
//! then a batch numbers nothing and a void changes nothing, so a held batch sent back leaves no
//! gap in the numbers. The confirmation plans the batch afresh: an application decided
//! meanwhile, or no longer eligible, is reported as an exception and left as it is.

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::permits::{
    BatchApproval, BatchOutcome, CheckAction, CheckState, DryRunRow, PermitCheck,
};
use onetrip_domain::config::Site;
use uuid::Uuid;

use super::{Issuing, PermitWrite, is_officer, officers_only, plan_approve, plan_void, sql};
use crate::actor::{Actor, refuse};
use crate::storage::{Conn, StorageResult};

/// Who decides a batch or a void.
#[derive(Debug, Clone, Copy)]
pub enum Decider<'a> {
    /// The officer making it: held where its site needs a second officer.
    Maker { sites: &'a [Site] },
    /// A second officer confirming what `maker` made: it takes effect.
    Checker { maker: Uuid },
}

/// Whether the site needs a second officer to confirm batches and voids.
pub fn needs_second_officer(sites: &[Site], site: Uuid) -> bool {
    sites
        .iter()
        .any(|s| s.id == site && s.permit_second_officer)
}

/// Why `id` cannot name a new held batch: a check already has it (a command's batch id sent
/// again), which must never be reset to pending.
pub async fn unusable_id(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
) -> StorageResult<Option<ApiError>> {
    Ok(sql::check(conn, id).await?.map(|_| {
        refuse(
            actor,
            ErrorCode::Conflict,
            "batch_id_used",
            "这一批次编号已使用，请重新试算后再提交".into(),
            "This batch id was used already; run the dry run again and resubmit".into(),
        )
    }))
}

/// Holds a batch or a void for a second officer.
pub fn hold(
    actor: &Actor,
    id: Uuid,
    site_id: Uuid,
    action: CheckAction,
    exceptions: Vec<DryRunRow>,
    now_ms: i64,
) -> PermitWrite {
    let check = PermitCheck {
        id,
        site_id,
        action,
        made_by: actor.account.id,
        made_by_name: actor.account.display_name.clone(),
        made_at_ms: now_ms,
        state: CheckState::Pending,
        checked_by_name: None,
        checked_at_ms: None,
        reject_reason: None,
    };
    PermitWrite {
        answer: serde_json::to_value(BatchOutcome {
            batch_id: id,
            permits: Vec::new(),
            exceptions,
            held: Some(check.clone()),
        })
        .ok(),
        checks: vec![check],
        ..PermitWrite::default()
    }
}

/// The pending check, seen by an officer of its site.
async fn pending(
    conn: &mut Conn<'_>,
    actor: &Actor,
    check_id: Uuid,
) -> StorageResult<Result<PermitCheck, ApiError>> {
    if !is_officer(actor) {
        return Ok(Err(officers_only(actor)));
    }
    let check = sql::check(conn, check_id).await?.filter(|check| {
        actor
            .account
            .site_id
            .is_none_or(|site| site == check.site_id)
    });
    let Some(check) = check else {
        return Ok(Err(refuse(
            actor,
            ErrorCode::NotFound,
            "no_check",
            "没有这项待复核的审批".into(),
            "No such batch or void waiting for a second officer".into(),
        )));
    };
    if check.state != CheckState::Pending {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Conflict,
            "check_decided",
            format!(
                "这项审批已由{}复核",
                check.checked_by_name.as_deref().unwrap_or("他人")
            ),
            format!(
                "This was already checked by {}",
                check.checked_by_name.as_deref().unwrap_or("someone else")
            ),
        )));
    }
    Ok(Ok(check))
}

/// Plans a second officer's confirmation: the batch is approved, or the permit voided, now.
pub async fn plan_confirm(
    conn: &mut Conn<'_>,
    actor: &Actor,
    issuing: &Issuing<'_>,
    check_id: Uuid,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    let mut check = match pending(conn, actor, check_id).await? {
        Ok(check) => check,
        Err(error) => return Ok(Err(error)),
    };
    if check.made_by == actor.account.id {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "same_officer",
            "复核须由另一名审批人员办理，不能复核自己提交的审批".into(),
            "A second officer must confirm this; you cannot confirm your own".into(),
        )));
    }
    let checker = Decider::Checker {
        maker: check.made_by,
    };
    let planned = match &check.action {
        CheckAction::Batch { application_ids } => {
            let batch = BatchApproval {
                batch_id: check.id,
                application_ids: application_ids.clone(),
            };
            plan_approve(conn, actor, issuing, &batch, checker, now_ms).await?
        }
        CheckAction::Void {
            permit_id, reason, ..
        } => plan_void(conn, actor, *permit_id, reason, checker, now_ms).await?,
    };
    let mut write = match planned {
        Ok(write) => write,
        Err(error) => return Ok(Err(error)),
    };
    check.state = CheckState::Confirmed;
    check.checked_by_name = Some(actor.account.display_name.clone());
    check.checked_at_ms = Some(now_ms);
    write.checks.push(check);
    Ok(Ok(write))
}

/// Plans sending a held batch or void back, with why: nothing of it takes effect. The officer
/// who made it may also withdraw it so.
pub async fn plan_reject(
    conn: &mut Conn<'_>,
    actor: &Actor,
    check_id: Uuid,
    reason: &str,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    let mut check = match pending(conn, actor, check_id).await? {
        Ok(check) => check,
        Err(error) => return Ok(Err(error)),
    };
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Invalid,
            "reject_reason",
            "请写明退回原因（200 字以内）".into(),
            "Give the reason for sending it back (up to 200 characters)".into(),
        )));
    }
    check.state = CheckState::Rejected;
    check.checked_by_name = Some(actor.account.display_name.clone());
    check.checked_at_ms = Some(now_ms);
    check.reject_reason = Some(reason.to_owned());
    Ok(Ok(PermitWrite {
        answer: serde_json::to_value(&check).ok(),
        checks: vec![check],
        ..PermitWrite::default()
    }))
}
