//! Planning a window's decision on a case: the applicant's identifier checked with its check
//! character, the matter's checklist ticked, the outcome consistent with what is missing, the
//! trip counted and the receipt or notice numbered.

use onetrip_api::case::{Case, CaseDraft, CaseMaterial, CaseOutcome};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::sync::EntityKind;
use onetrip_domain::auth::Role;
use onetrip_domain::identity::ApplicantId;
use onetrip_domain::input::echo;
use uuid::Uuid;

pub mod sql;

use crate::actor::{Actor, refuse};
use crate::changes::ChangeRecord;
use crate::clock::center_date;
use crate::config::working_calendar;
use crate::storage::{Conn, StorageResult};

/// What the decision is planned against, read in the command's transaction.
#[derive(Debug, Clone, Default)]
pub struct CaseView {
    /// The site of the ticket the draft names.
    pub ticket_site: Option<Uuid>,
    /// Earlier cases of the same applicant for the same matter.
    pub earlier_trips: u32,
    /// Cases the site decided today before this one.
    pub decided_today: u32,
}

/// How cases of an applicant are found: kind and normalised identifier.
pub fn applicant_key(id: &ApplicantId) -> String {
    match id {
        ApplicantId::Person(id) => format!("person:{id}"),
        ApplicantId::Organisation(id) => format!("organisation:{id}"),
    }
}

/// The case after the decision, or why not.
pub fn plan(
    actor: &Actor,
    draft: &CaseDraft,
    current: &ConfigSnapshot,
    view: &CaseView,
    now_ms: i64,
    day: &str,
) -> Result<Case, ApiError> {
    let calendar = working_calendar(current);
    let site = view.ticket_site.or(actor.account.site_id).ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::Invalid,
            "case_site",
            "请在窗口叫号后受理，或用所在中心的账号受理".into(),
            "Decide a case for a called ticket, or with an account of the site".into(),
        )
    })?;
    let role_may = matches!(actor.role(), Role::Clerk | Role::Supervisor | Role::Admin);
    if !role_may || !actor.scope().covers_site(site) {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "case_forbidden",
            "您无权在该中心受理办件".into(),
            "You may not decide cases at this site".into(),
        ));
    }
    let applicant = draft
        .applicant
        .normalised(crate::clock::center_day(now_ms))
        .map_err(|error| {
            ApiError::new(
                ErrorCode::Invalid,
                error.message(draft.applicant.kind(), actor.lang),
            )
            .with_reason(error.code())
        })?;
    let name = draft.applicant_name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "applicant_name",
            "请填写申请人姓名或单位名称（100 字以内）".into(),
            "Enter the applicant's name (up to 100 characters)".into(),
        ));
    }
    let matter = current
        .matters
        .iter()
        .find(|m| m.id == draft.matter_id)
        .ok_or_else(|| {
            refuse(
                actor,
                ErrorCode::NotFound,
                "matter_not_found",
                "没有这个事项".into(),
                "No such matter".into(),
            )
        })?;
    if let Some(unknown) = draft
        .provided
        .iter()
        .find(|p| !matter.materials.contains(p))
    {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "material_unknown",
            format!("“{}”不在该事项的材料清单中", echo(unknown)),
            format!("“{}” is not on the matter's checklist", echo(unknown)),
        ));
    }
    let materials: Vec<CaseMaterial> = matter
        .materials
        .iter()
        .map(|name| CaseMaterial {
            name: name.clone(),
            provided: draft.provided.contains(name),
        })
        .collect();
    let missing: Vec<&str> = materials
        .iter()
        .filter(|m| !m.provided)
        .map(|m| m.name.as_str())
        .collect();
    match (draft.outcome, missing.is_empty()) {
        (CaseOutcome::Incomplete, true) => {
            return Err(refuse(
                actor,
                ErrorCode::Invalid,
                "nothing_missing",
                "材料齐全，无需出具一次性告知书".into(),
                "Nothing is missing; no one-time notice is needed".into(),
            ));
        }
        (CaseOutcome::Accepted | CaseOutcome::Completed, false) => {
            return Err(refuse(
                actor,
                ErrorCode::Invalid,
                "materials_missing",
                format!("材料不全，不能受理：缺少{}", missing.join("、")),
                format!("Materials are missing: {}", missing.join(", ")),
            ));
        }
        _ => {}
    }
    let prefix = match draft.outcome {
        CaseOutcome::Incomplete => "GZ",
        _ => "SL",
    };
    Ok(Case {
        id: draft.id,
        site_id: site,
        ticket_id: draft.ticket_id,
        matter_id: matter.id,
        applicant,
        applicant_name: name.to_owned(),
        materials,
        outcome: draft.outcome,
        trip: view.earlier_trips + 1,
        number: format!(
            "{prefix}-{}-{:04}",
            day.replace('-', ""),
            view.decided_today + 1
        ),
        clerk: actor.account.username.clone(),
        decided_at_ms: now_ms,
        due_date: (draft.outcome == CaseOutcome::Accepted)
            .then(|| onetrip_domain::calendar::Day::parse(day))
            .flatten()
            .map(|today| {
                calendar
                    .add_working_days(today, u32::from(matter.promised_days))
                    .to_string()
            }),
    })
}

pub fn change(case: &Case) -> Result<ChangeRecord, serde_json::Error> {
    ChangeRecord::upsert(EntityKind::Case, case.id, case, Some(case.site_id))
}

/// Reads what a case decision needs and plans it.
pub async fn plan_command(
    conn: &mut Conn<'_>,
    actor: &Actor,
    draft: &CaseDraft,
    current: &ConfigSnapshot,
    now_ms: i64,
) -> StorageResult<Result<Case, ApiError>> {
    let day = center_date(now_ms);
    let ticket_site = match draft.ticket_id {
        Some(ticket) => crate::queue::sql::ticket_site(conn, ticket).await?,
        None => None,
    };
    let earlier_trips = match draft.applicant.normalised(crate::clock::center_day(now_ms)) {
        Ok(applicant) => {
            sql::count_cases(conn, &applicant_key(&applicant), draft.matter_id).await?
        }
        // Refused by the plan with the reason.
        Err(_) => 0,
    };
    let site = ticket_site
        .or(actor.account.site_id)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let decided_today = sql::decided_on(conn, &site, &day).await?;
    let view = CaseView {
        ticket_site,
        earlier_trips: u32::try_from(earlier_trips).unwrap_or(u32::MAX),
        decided_today: u32::try_from(decided_today).unwrap_or(u32::MAX),
    };
    Ok(plan(actor, draft, current, &view, now_ms, &day))
}
