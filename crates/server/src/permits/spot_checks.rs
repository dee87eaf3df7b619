//! Spot checks (事中事后监管): each pledge (告知承诺) a permit was approved on stands in for a
//! report, so an officer later checks on site that it holds and records what they found. A
//! pledge that did not hold is recorded with the finding; the officer then voids the permit,
//! which goes through the void's own rules (and its second officer, where the site needs one).

use onetrip_api::error::ErrorCode;
use onetrip_api::permits::SpotCheckResult;
use uuid::Uuid;

use super::{PermitWrite, invalid, is_officer, officers_only, sql};
use crate::actor::{Actor, refuse};
use crate::clock::center_date;
use crate::storage::{Conn, StorageResult};

/// Longest finding kept.
pub const MAX_FINDING_CHARS: usize = 500;

/// Plans recording a spot check's result.
pub async fn plan_record(
    conn: &mut Conn<'_>,
    actor: &Actor,
    result: &SpotCheckResult,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, onetrip_api::error::ApiError>> {
    if !is_officer(actor) {
        return Ok(Err(officers_only(actor)));
    }
    let found = sql::spot_check(conn, result.check_id)
        .await?
        .filter(|(_, site)| {
            actor
                .account
                .site_id
                .is_none_or(|own| Uuid::parse_str(site).is_ok_and(|site| site == own))
        });
    let Some((mut check, _)) = found else {
        return Ok(Err(refuse(
            actor,
            ErrorCode::NotFound,
            "no_spot_check",
            "没有这项抽查".into(),
            "No such spot check".into(),
        )));
    };
    if check.done_on.is_some() {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Conflict,
            "spot_check_done",
            format!(
                "这项抽查已于 {} 登记",
                check.done_on.as_deref().unwrap_or_default()
            ),
            format!(
                "This spot check was recorded on {}",
                check.done_on.as_deref().unwrap_or_default()
            ),
        )));
    }
    let finding = result.finding.trim();
    if finding.chars().count() > MAX_FINDING_CHARS {
        return Ok(Err(invalid(
            actor,
            "finding_too_long",
            format!("检查情况不超过 {MAX_FINDING_CHARS} 字"),
            format!("The finding has at most {MAX_FINDING_CHARS} characters"),
        )));
    }
    if !result.kept && finding.is_empty() {
        return Ok(Err(invalid(
            actor,
            "finding_required",
            "承诺不实时，请写明现场检查情况".into(),
            "Say what was found when the pledge did not hold".into(),
        )));
    }
    check.done_on = Some(center_date(now_ms));
    check.kept = Some(result.kept);
    check.finding = (!finding.is_empty()).then(|| finding.to_owned());
    check.checked_by_name = Some(actor.account.display_name.clone());
    Ok(Ok(PermitWrite {
        answer: serde_json::to_value(&check).ok(),
        spot_checks: vec![check],
        ..PermitWrite::default()
    }))
}
