//! Drainage permits (排水许可): a discharger applies at a window (一窗受理, one trip) or in the
//! portal (none); each application is checked against its industry's condition template; an
//! officer chooses a cohort, sees its dry run, and approves the eligible in one transaction,
//! each numbered in order (town, then address) per authority and year, valid five years and
//! signed for its QR code. A failure anywhere leaves nothing approved and no number used.
//! A voided permit keeps its number; a changed permit is superseded by the new one, and
//! `/verify` reports both so.

use std::collections::BTreeMap;

use onetrip_api::case::{Case, CaseOutcome};
use onetrip_api::command::CommandBody;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::permits::{
    ApplicationDraft, ApplicationState, BatchApproval, BatchOutcome, Channel, CheckAction, Cohort,
    DryRun, DryRunRow, PERMIT_KIND, PERMIT_MATTER, Permit, PermitApplication, PermitState,
    SpotCheck,
};
use onetrip_api::sync::EntityKind;
use onetrip_api::verify::{DocumentClaim, IssuedDocument, Withdrawal};
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::{Calendar, Day};
use onetrip_domain::identity::{ApplicantId, IdError};
use onetrip_domain::permits::{
    ApplicationFacts, Candidate, ConditionTemplate, NumberBook, PermitNumber, Reason, check,
    decision_clock, delivery_clock, expiry, plan as plan_batch, templates_in_force,
};
use onetrip_print::signing::IssuerKey;
use uuid::Uuid;

pub mod checks;
pub mod export;
pub mod forms;
pub mod materials;
pub mod renewals;
pub mod routes;
pub mod spot_checks;
pub mod sql;
pub mod stats;

use crate::actor::{Actor, refuse};
use crate::changes::ChangeRecord;
use crate::clock::{center_date, center_day};
use crate::storage::{Conn, StorageResult, corrupt};

/// The issuing authority's permit-number prefix (玉排许字〔2026〕第0001号).
pub const PERMIT_PREFIX: &str = "玉排许字";
/// Most applications one batch approves.
pub const MAX_BATCH: usize = 2000;
/// Working days after approval by which a pledge's spot check is due.
pub const SPOT_CHECK_DAYS: u32 = 60;

/// A permit with where its number sits in its authority's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    pub permit: Permit,
    pub number: PermitNumber,
}

/// A checked change to applications and permits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PermitWrite {
    /// With the key its discharger is found by.
    pub applications: Vec<(PermitApplication, String)>,
    pub permits: Vec<Numbered>,
    pub documents: Vec<IssuedDocument>,
    /// Issued documents withdrawn (a voided or superseded permit's QR).
    pub withdrawn: Vec<(Uuid, Withdrawal)>,
    /// The authority's year and its next number after this write.
    pub next_number: Option<(String, i64, u32)>,
    pub spot_checks: Vec<SpotCheck>,
    /// A template an admin changed, and when.
    pub template: Option<(ConditionTemplate, i64)>,
    /// Changes to a site's blank-form ledger.
    pub forms: Option<forms::FormsWrite>,
    /// Batches and voids held for a second officer, or decided by one.
    pub checks: Vec<onetrip_api::permits::PermitCheck>,
    /// Renewal reminders sent.
    pub reminders: Vec<sql::Reminder>,
    pub answer: Option<serde_json::Value>,
}

impl PermitWrite {
    pub async fn store(&self, conn: &mut Conn<'_>) -> StorageResult<()> {
        for (application, key) in &self.applications {
            sql::save_application(conn, application, key).await?;
        }
        for numbered in &self.permits {
            let n = &numbered.number;
            sql::save_permit(
                conn,
                &numbered.permit,
                n.prefix(),
                i64::from(n.year()),
                n.seq(),
            )
            .await?;
        }
        for document in &self.documents {
            crate::documents::write(conn, document).await?;
        }
        for (id, withdrawal) in &self.withdrawn {
            crate::documents::withdraw(conn, *id, withdrawal).await?;
        }
        if let Some((prefix, year, next)) = &self.next_number {
            sql::set_next_seq(conn, prefix, *year, *next).await?;
        }
        for check in &self.spot_checks {
            sql::save_spot_check(conn, check).await?;
        }
        if let Some((template, at_ms)) = &self.template {
            sql::save_template(conn, template, *at_ms).await?;
        }
        if let Some(forms) = &self.forms {
            forms.store(conn).await?;
        }
        for check in &self.checks {
            sql::save_check(conn, check).await?;
        }
        for reminder in &self.reminders {
            sql::save_reminder(conn, reminder).await?;
        }
        Ok(())
    }

    /// Applications and permits are seen by their site's staff.
    pub fn changes(&self) -> Result<Vec<ChangeRecord>, serde_json::Error> {
        let mut changes = Vec::new();
        for (application, _) in &self.applications {
            changes.push(ChangeRecord::upsert(
                EntityKind::PermitApplication,
                application.id,
                application,
                Some(application.site_id),
            )?);
        }
        for numbered in &self.permits {
            let permit = &numbered.permit;
            changes.push(ChangeRecord::upsert(
                EntityKind::Permit,
                permit.id,
                permit,
                Some(permit.site_id),
            )?);
        }
        if let Some((template, _)) = &self.template {
            changes.push(ChangeRecord::upsert(
                EntityKind::PermitTemplate,
                template_id(template),
                template,
                None,
            )?);
        }
        Ok(changes)
    }

    pub fn record(&self) -> Option<serde_json::Value> {
        self.answer.clone()
    }
}

/// The key a discharger's applications are found by: its normalised credit code or ID.
pub fn discharger_key(id: &ApplicantId, today: Day) -> Result<ApplicantId, IdError> {
    id.normalised(today)
}

fn key_text(id: &ApplicantId) -> String {
    match id {
        ApplicantId::Person(text) | ApplicantId::Organisation(text) => text.clone(),
    }
}

/// The templates in force: the defaults, as admins changed them.
pub async fn templates(conn: &mut Conn<'_>) -> StorageResult<Vec<ConditionTemplate>> {
    Ok(templates_in_force(sql::templates(conn).await?))
}

fn facts(draft: &ApplicationDraft) -> ApplicationFacts {
    ApplicationFacts {
        industry: draft.discharger.industry,
        pretreatment: draft.pretreatment.clone(),
        sampling_well: draft.sampling_well,
        materials: draft
            .materials
            .iter()
            .map(|m| m.kind)
            .chain(draft.paper_materials.iter().copied())
            .collect(),
        outfalls: draft.outfalls.clone(),
        volume_m3_per_day: f64::from(draft.daily_volume_litres) / 1000.0,
        pollutants: draft.pollutants.clone(),
        construction_ends: draft.construction_ends.as_deref().and_then(Day::parse),
    }
}

fn invalid(actor: &Actor, reason: &str, zh: String, en: String) -> ApiError {
    refuse(actor, ErrorCode::Invalid, reason, zh, en)
}

fn not_found(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::NotFound,
        "not_found",
        "没有这份排水许可申请或许可证".into(),
        "No such drainage permit application or permit".into(),
    )
}

fn is_officer(actor: &Actor) -> bool {
    matches!(
        actor.role(),
        Role::PermitOfficer | Role::Supervisor | Role::Admin
    )
}

fn officers_only(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::Forbidden,
        "permit_officers_only",
        "只有排水许可审批人员可以办理".into(),
        "Only permit officers may do this".into(),
    )
}

/// Whether the actor may see an application: its site's staff, or its organisation.
pub fn may_see(actor: &Actor, application: &PermitApplication, organisation: Option<&str>) -> bool {
    match actor.role() {
        Role::Applicant => {
            organisation.is_some() && application.organisation.as_deref() == organisation
        }
        Role::Admin => true,
        _ => actor
            .account
            .site_id
            .is_none_or(|site| site == application.site_id),
    }
}

/// Plans an application: checked fields, its template's check and whether it repeats another.
pub async fn plan_submit(
    conn: &mut Conn<'_>,
    actor: &Actor,
    draft: &ApplicationDraft,
    organisation: Option<String>,
    config: &onetrip_api::config::ConfigSnapshot,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    // Online applications go to the center itself.
    let default_site = center(config);
    let calendar = crate::config::working_calendar(config);
    let today = center_day(now_ms);
    let channel = match actor.role() {
        Role::Applicant => Channel::Portal,
        Role::Clerk | Role::PermitOfficer | Role::Supervisor | Role::Admin => Channel::Window,
        _ => return Ok(Err(officers_only(actor))),
    };
    if sql::application(conn, draft.id).await?.is_some() {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Conflict,
            "already_submitted",
            "这份申请已经提交".into(),
            "This application was already submitted".into(),
        )));
    }
    let id = match discharger_key(&draft.discharger.id, today) {
        Ok(id) => id,
        Err(error) => {
            let kind = draft.discharger.id.kind();
            return Ok(Err(ApiError::new(
                ErrorCode::Invalid,
                error.message(kind, actor.lang),
            )
            .with_reason(error.code())));
        }
    };
    let key = key_text(&id);
    if let Err(error) = check_fields(actor, draft) {
        return Ok(Err(error));
    }
    if channel == Channel::Portal && (!draft.paper_materials.is_empty() || draft.case_id.is_some())
    {
        return Ok(Err(invalid(
            actor,
            "window_only",
            "纸质材料和受理件只能在窗口登记，网上申请请上传材料".into(),
            "Paper materials and window cases are for the window; online, upload the materials"
                .into(),
        )));
    }
    // A window application belongs to the case the clerk accepted: the case's site decides it
    // and its acceptance starts the clock.
    let case = match (channel, draft.case_id) {
        (Channel::Window, Some(case_id)) => {
            match window_case(conn, actor, config, case_id).await? {
                Ok(case) => Some(case),
                Err(error) => return Ok(Err(error)),
            }
        }
        _ => None,
    };
    // A renewal goes to the authority that issued the permit it renews.
    let renewed_site = match draft.renews {
        Some(permit_id) => match renewable(conn, actor, draft, permit_id, &key, today).await? {
            Ok(site) => Some(site),
            Err(error) => return Ok(Err(error)),
        },
        None => None,
    };
    let site = match channel {
        _ if renewed_site.is_some() => renewed_site,
        Channel::Portal => draft.site_id.or(default_site),
        Channel::Window => case
            .as_ref()
            .map(|c| c.site_id)
            .or(actor.account.site_id)
            .or(draft.site_id)
            .or(default_site),
    };
    let Some(site_id) = site else {
        return Ok(Err(invalid(
            actor,
            "no_site",
            "请选择受理申请的服务中心".into(),
            "Choose the center that decides the application".into(),
        )));
    };
    let accepted = center_day(case.as_ref().map_or(now_ms, |c| c.decided_at_ms));
    let decision = decision_clock(accepted);
    let templates = templates(conn).await?;
    let Some(template) = templates
        .iter()
        .find(|t| t.industry == draft.discharger.industry)
    else {
        return Ok(Err(corrupt_template(actor)));
    };
    let checked = check(template, &facts(draft));
    // The same discharger's open application for one of these outfalls.
    let codes: Vec<String> = draft.outfalls.iter().map(|o| o.code.clone()).collect();
    let duplicate_of = sql::of_discharger(conn, &key)
        .await?
        .into_iter()
        .filter(|other| other.state == ApplicationState::Submitted)
        .find(|other| other.draft.outfalls.iter().any(|o| codes.contains(&o.code)))
        .map(|other| other.id);
    let mut draft = draft.clone();
    draft.discharger.id = id;
    draft.site_id = Some(site_id);
    let application = PermitApplication {
        id: draft.id,
        site_id,
        channel,
        case_id: draft.case_id,
        organisation: match channel {
            Channel::Portal => organisation,
            Channel::Window => None,
        },
        draft,
        state: ApplicationState::Submitted,
        accepted_on: accepted.to_string(),
        submitted_at_ms: now_ms,
        reasons: checked.reasons,
        pledges_used: checked.pledges_used,
        duplicate_of,
        decided_on: None,
        permit_id: None,
        decision_due: Some(decision.due(&calendar).to_string()),
        decision_due_soon: Some(decision.due_soon_from(&calendar).to_string()),
    };
    Ok(Ok(PermitWrite {
        answer: serde_json::to_value(&application).ok(),
        applications: vec![(application, key)],
        ..PermitWrite::default()
    }))
}

/// Whether the permit an application renews may be renewed by it: the discharger's own permit,
/// still active, not renewed already, and not changed at the same time. Its site, where the
/// renewal is decided.
async fn renewable(
    conn: &mut Conn<'_>,
    actor: &Actor,
    draft: &ApplicationDraft,
    permit_id: Uuid,
    key: &str,
    today: Day,
) -> StorageResult<Result<Uuid, ApiError>> {
    if draft.supersedes.is_some() {
        return Ok(Err(invalid(
            actor,
            "renew_and_change",
            "延续申请不能同时变更排放口、排水量或污染物，请分别申请".into(),
            "A renewal cannot change outfalls, volume or pollutants; apply for each separately"
                .into(),
        )));
    }
    let Some(permit) = sql::permit(conn, permit_id).await? else {
        return Ok(Err(not_found(actor)));
    };
    let same_holder = discharger_key(&permit.discharger.id, today)
        .map(|id| key_text(&id) == key)
        .unwrap_or(false);
    if !same_holder {
        return Ok(Err(invalid(
            actor,
            "renew_other_holder",
            format!("{}不是本排水户的许可证", permit.number),
            format!("{} is not this discharger's permit", permit.number),
        )));
    }
    if permit.state != PermitState::Active || permit.renewed_by.is_some() {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Conflict,
            "not_active",
            format!("{}已作废、已被替代或已延续，不能再延续", permit.number),
            format!(
                "{} was voided, replaced or renewed already and cannot be renewed",
                permit.number
            ),
        )));
    }
    Ok(Ok(permit.site_id))
}

fn corrupt_template(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::Internal,
        "no_template",
        "该行业没有审批条件模板".into(),
        "The industry has no condition template".into(),
    )
}

/// Field rules the template does not cover: names present, lengths bounded.
/// The accepted window case of the drainage-permit matter an application is tied to.
async fn window_case(
    conn: &mut Conn<'_>,
    actor: &Actor,
    config: &onetrip_api::config::ConfigSnapshot,
    case_id: Uuid,
) -> StorageResult<Result<Case, ApiError>> {
    let Some(case) = crate::cases::sql::case(conn, case_id).await? else {
        return Ok(Err(invalid(
            actor,
            "no_case",
            "没有这个受理件".into(),
            "No such window case".into(),
        )));
    };
    let matter = config.matters.iter().find(|m| m.id == case.matter_id);
    if matter.is_none_or(|m| m.name != PERMIT_MATTER) {
        return Ok(Err(invalid(
            actor,
            "case_other_matter",
            "这个受理件办理的不是排水许可".into(),
            "That window case is not for a drainage permit".into(),
        )));
    }
    if case.outcome != CaseOutcome::Accepted {
        return Ok(Err(invalid(
            actor,
            "case_not_accepted",
            "这个受理件未予受理，不能登记许可申请".into(),
            "That window case was not accepted, so it opens no application".into(),
        )));
    }
    Ok(Ok(case))
}

fn check_fields(actor: &Actor, draft: &ApplicationDraft) -> Result<(), ApiError> {
    let d = &draft.discharger;
    let required = [
        (d.name.as_str(), "排水户名称", "the discharger's name"),
        (
            d.legal_representative.as_str(),
            "法定代表人",
            "the legal representative",
        ),
        (d.address.as_str(), "地址", "the address"),
        (d.town.as_str(), "乡镇（街道）", "the town"),
        (d.contact_phone.as_str(), "联系电话", "the contact phone"),
    ];
    for (value, zh, en) in required {
        if value.trim().is_empty() {
            return Err(invalid(
                actor,
                "missing_field",
                format!("请填写{zh}"),
                format!("Fill in {en}"),
            ));
        }
        if value.chars().count() > 200 {
            return Err(invalid(
                actor,
                "field_too_long",
                format!("{zh}过长"),
                format!("{en} is too long"),
            ));
        }
    }
    if draft.outfalls.len() > 50
        || draft.pollutants.len() > 50
        || draft.materials.len() > 50
        || draft.paper_materials.len() > 50
    {
        return Err(invalid(
            actor,
            "too_many",
            "排放口、污染物或材料过多".into(),
            "Too many outfalls, pollutants or materials".into(),
        ));
    }
    if let Some(day) = &draft.construction_ends
        && Day::parse(day).is_none()
    {
        return Err(invalid(
            actor,
            "bad_date",
            format!("施工结束日期“{day}”不正确"),
            format!("The end of works “{day}” is not a date"),
        ));
    }
    Ok(())
}

/// The authority's year a day falls in.
fn year_of(day: &str) -> i64 {
    day.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// The dry run of a cohort: who would be approved, in numbering order with the numbers they
/// would get, and who would not, with why. Nothing is written.
pub async fn dry_run(
    conn: &mut Conn<'_>,
    actor: &Actor,
    cohort: &Cohort,
    now_ms: i64,
) -> StorageResult<DryRun> {
    let cohort = Cohort {
        state: Some(ApplicationState::Submitted),
        ..cohort.clone()
    };
    let applications = sql::cohort(conn, actor.account.site_id, &cohort).await?;
    let planned = plan_of(&applications);
    let year = year_of(&center_date(now_ms));
    let next = sql::next_seq(conn, PERMIT_PREFIX, year).await?;
    let numbers = NumberBook::new(PERMIT_PREFIX, u32::try_from(year).unwrap_or(0), next)
        .and_then(|mut book| book.take(planned.eligible.len()))
        .unwrap_or_default();
    let by_id: BTreeMap<Uuid, &PermitApplication> =
        applications.iter().map(|a| (a.id, a)).collect();
    let row = |id: &Uuid, reasons: Vec<Reason>, number: Option<String>| {
        by_id.get(id).map(|a| DryRunRow {
            application_id: a.id,
            discharger: a.draft.discharger.name.clone(),
            town: a.draft.discharger.town.clone(),
            address: a.draft.discharger.address.clone(),
            industry: a.draft.discharger.industry,
            reasons,
            number,
        })
    };
    Ok(DryRun {
        eligible: planned
            .eligible
            .iter()
            .enumerate()
            .filter_map(|(i, id)| row(id, Vec::new(), numbers.get(i).map(ToString::to_string)))
            .collect(),
        exceptions: planned
            .exceptions
            .iter()
            .filter_map(|(id, reasons)| row(id, reasons.clone(), None))
            .collect(),
    })
}

fn plan_of(applications: &[PermitApplication]) -> onetrip_domain::permits::BatchPlan<Uuid> {
    plan_batch(
        applications
            .iter()
            .map(|a| Candidate {
                id: a.id,
                town: a.draft.discharger.town.clone(),
                address: a.draft.discharger.address.clone(),
                check: onetrip_domain::permits::CheckResult {
                    reasons: a.reasons.clone(),
                    pledges_used: a.pledges_used.clone(),
                },
                duplicate_of: a.duplicate_of,
            })
            .collect(),
    )
}

/// What signs and dates the permits: the authority's key and name, and its working calendar.
#[derive(Clone, Copy)]
pub struct Issuing<'a> {
    pub key: &'a IssuerKey,
    pub issuer: &'a str,
    pub calendar: &'a Calendar,
}

/// Plans a batch: the applications asked for that are still eligible, numbered in order from
/// the authority's next number, each valid five years (a construction site's until its works
/// end) and signed; the others are left as they are and reported.
pub async fn plan_approve(
    conn: &mut Conn<'_>,
    actor: &Actor,
    issuing: &Issuing<'_>,
    batch: &BatchApproval,
    decider: checks::Decider<'_>,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    if !is_officer(actor) {
        return Ok(Err(officers_only(actor)));
    }
    if batch.application_ids.is_empty() || batch.application_ids.len() > MAX_BATCH {
        return Ok(Err(invalid(
            actor,
            "batch_size",
            format!("一批应有 1 到 {MAX_BATCH} 份申请"),
            format!("A batch holds 1 to {MAX_BATCH} applications"),
        )));
    }
    let mut applications = Vec::with_capacity(batch.application_ids.len());
    let mut gone = Vec::new();
    for id in &batch.application_ids {
        match sql::application(conn, *id).await? {
            Some(a) if may_see(actor, &a, None) && a.state == ApplicationState::Submitted => {
                applications.push(a)
            }
            Some(a) if may_see(actor, &a, None) => gone.push(a),
            _ => return Ok(Err(not_found(actor))),
        }
    }
    // The permits these renew or change, which must still stand: one voided or replaced
    // meanwhile leaves its application as an exception.
    let mut replaced: BTreeMap<Uuid, Permit> = BTreeMap::new();
    let mut stale = Vec::new();
    let mut standing = Vec::with_capacity(applications.len());
    for application in applications {
        let Some(old) = application.draft.supersedes.or(application.draft.renews) else {
            standing.push(application);
            continue;
        };
        match sql::permit(conn, old).await? {
            Some(previous)
                if previous.state == PermitState::Active && previous.renewed_by.is_none() =>
            {
                replaced.insert(application.id, previous);
                standing.push(application);
            }
            Some(_) => stale.push(application),
            None => return Ok(Err(not_found(actor))),
        }
    }
    let applications = standing;
    let planned = plan_of(&applications);
    let mut exceptions: Vec<DryRunRow> = planned
        .exceptions
        .iter()
        .filter_map(|(id, reasons)| {
            applications
                .iter()
                .find(|a| a.id == *id)
                .map(|a| exception_row(a, reasons.clone()))
        })
        .collect();
    exceptions.extend(
        gone.iter()
            .map(|a| exception_row(a, vec![Reason::AlreadyDecided])),
    );
    exceptions.extend(
        stale
            .iter()
            .map(|a| exception_row(a, vec![Reason::PermitNotActive])),
    );
    let (approved_by, checked_by) = match decider {
        checks::Decider::Maker { sites } => {
            if let Some(error) = checks::unusable_id(conn, actor, batch.batch_id).await? {
                return Ok(Err(error));
            }
            // A site that needs a second officer holds the batch: nothing is numbered yet.
            if let Some(site_id) = applications
                .iter()
                .map(|a| a.site_id)
                .find(|site| checks::needs_second_officer(sites, *site))
            {
                if planned.eligible.is_empty() {
                    return Ok(Err(invalid(
                        actor,
                        "nothing_eligible",
                        "本批没有可批准的申请，无需提交复核".into(),
                        "Nothing in this batch can be approved; there is nothing to confirm".into(),
                    )));
                }
                let action = CheckAction::Batch {
                    application_ids: planned.eligible.clone(),
                };
                return Ok(Ok(checks::hold(
                    actor,
                    batch.batch_id,
                    site_id,
                    action,
                    exceptions,
                    now_ms,
                )));
            }
            (actor.account.id, None)
        }
        checks::Decider::Checker { maker } => (maker, Some(actor.account.id)),
    };
    let issued_on = center_date(now_ms);
    let today = center_day(now_ms);
    let year = year_of(&issued_on);
    let next = sql::next_seq(conn, PERMIT_PREFIX, year).await?;
    let numbers = match NumberBook::new(PERMIT_PREFIX, u32::try_from(year).unwrap_or(0), next)
        .and_then(|mut book| {
            book.take(planned.eligible.len())
                .map(|n| (n, book.next_seq()))
        }) {
        Ok(numbers) => numbers,
        Err(error) => {
            return Ok(Err(ApiError::new(
                ErrorCode::Invalid,
                error.message(actor.lang),
            )
            .with_reason(error.code())));
        }
    };
    let (numbers, next_seq) = numbers;
    let by_id: BTreeMap<Uuid, PermitApplication> =
        applications.into_iter().map(|a| (a.id, a)).collect();
    let mut write = PermitWrite {
        next_number: Some((PERMIT_PREFIX.to_owned(), year, next_seq)),
        ..PermitWrite::default()
    };
    let mut issued = Vec::with_capacity(numbers.len());
    // The same for every permit of the batch: decided today.
    let delivery = delivery_clock(today);
    let Issuing {
        key,
        issuer,
        calendar,
    } = *issuing;
    let delivery_due = delivery.due(calendar).to_string();
    let delivery_due_soon = delivery.due_soon_from(calendar).to_string();
    let spot_check_due = calendar
        .add_working_days(today, SPOT_CHECK_DAYS)
        .to_string();
    for (id, number) in planned.eligible.iter().zip(numbers) {
        let Some(application) = by_id.get(id) else {
            return Ok(Err(ApiError::new(
                ErrorCode::Internal,
                "planned an unknown application",
            )));
        };
        let draft = &application.draft;
        let ends = draft.construction_ends.as_deref().and_then(Day::parse);
        // A change supersedes its permit; a renewal runs on from the old one's last day.
        let replaced = replaced.remove(id);
        let starts = match (&replaced, draft.renews) {
            (Some(previous), Some(_)) => {
                Day::parse(&previous.expires_on).map_or(today, |last| last.next().max(today))
            }
            _ => today,
        };
        let expires_on = expiry(starts, ends).to_string();
        let valid_from = (starts != today).then(|| starts.to_string());
        let claim = DocumentClaim {
            kind: PERMIT_KIND.into(),
            number: number.to_string(),
            holder: draft.discharger.name.clone(),
            valid_from: valid_from.clone().unwrap_or_else(|| issued_on.clone()),
            valid_until: expires_on.clone(),
            issuer: issuer.to_owned(),
        };
        let payload = match key.sign(&claim.clone().into()) {
            Ok(payload) => payload,
            Err(error) => {
                return Ok(Err(invalid(
                    actor,
                    "unsigned",
                    format!("许可证不能签发：{error}"),
                    format!("The permit cannot be signed: {error}"),
                )));
            }
        };
        let permit = Permit {
            id: Uuid::new_v5(&batch.batch_id, id.as_bytes()),
            application_id: *id,
            site_id: application.site_id,
            number: number.to_string(),
            discharger: draft.discharger.clone(),
            outfalls: draft.outfalls.clone(),
            daily_volume_litres: draft.daily_volume_litres,
            pollutants: draft.pollutants.clone(),
            issued_on: issued_on.clone(),
            expires_on,
            issuer: issuer.to_owned(),
            payload: payload.clone(),
            state: PermitState::Active,
            void_reason: None,
            superseded_by: None,
            valid_from,
            renewed_by: None,
            batch_id: batch.batch_id,
            approved_by,
            approved_at_ms: now_ms,
            checked_by,
            delivery_due: Some(delivery_due.clone()),
            delivery_due_soon: Some(delivery_due_soon.clone()),
        };
        write.documents.push(IssuedDocument {
            id: permit.id,
            claim,
            payload,
            signed_by: actor.account.username.clone(),
            signed_at_ms: now_ms,
        });
        for material in &application.pledges_used {
            write.spot_checks.push(SpotCheck {
                id: Uuid::new_v5(&permit.id, format!("{material:?}").as_bytes()),
                permit_id: permit.id,
                permit_number: permit.number.clone(),
                discharger: draft.discharger.name.clone(),
                town: draft.discharger.town.clone(),
                address: draft.discharger.address.clone(),
                material: *material,
                due_on: spot_check_due.clone(),
                done_on: None,
                kept: None,
                finding: None,
                checked_by_name: None,
            });
        }
        // A renewed permit stays valid until its last day, the new one running on from the
        // next; a change of outfall, volume or pollutants replaces the old permit at once.
        if let Some(mut previous) = replaced {
            if draft.renews.is_some() {
                previous.renewed_by = Some(permit.id);
            } else {
                previous.state = PermitState::Superseded;
                previous.superseded_by = Some(permit.id);
                write.withdrawn.push((
                    previous.id,
                    Withdrawal {
                        on: issued_on.clone(),
                        reason_zh: format!("已被 {} 替代", permit.number),
                        reason_en: format!("Superseded by {}", permit.number),
                    },
                ));
            }
            let number =
                PermitNumber::parse(&previous.number).map_err(|e| corrupt(e.to_string()))?;
            write.permits.push(Numbered {
                permit: previous,
                number,
            });
        }
        let mut approved = application.clone();
        approved.state = ApplicationState::Approved;
        approved.decided_on = Some(issued_on.clone());
        approved.permit_id = Some(permit.id);
        let key = key_text(&approved.draft.discharger.id);
        write.applications.push((approved, key));
        issued.push(permit.clone());
        write.permits.push(Numbered { permit, number });
    }
    write.answer = serde_json::to_value(BatchOutcome {
        batch_id: batch.batch_id,
        permits: issued,
        exceptions,
        held: None,
    })
    .ok();
    Ok(Ok(write))
}

fn exception_row(application: &PermitApplication, reasons: Vec<Reason>) -> DryRunRow {
    DryRunRow {
        application_id: application.id,
        discharger: application.draft.discharger.name.clone(),
        town: application.draft.discharger.town.clone(),
        address: application.draft.discharger.address.clone(),
        industry: application.draft.discharger.industry,
        reasons,
        number: None,
    }
}

/// Plans a void: the permit keeps its number and records why; its QR reads as withdrawn.
pub async fn plan_void(
    conn: &mut Conn<'_>,
    actor: &Actor,
    permit_id: Uuid,
    reason: &str,
    decider: checks::Decider<'_>,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    if !is_officer(actor) {
        return Ok(Err(officers_only(actor)));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Ok(Err(invalid(
            actor,
            "void_reason",
            "请写明作废原因（200 字以内）".into(),
            "Give the reason for the void (up to 200 characters)".into(),
        )));
    }
    let Some(mut permit) = sql::permit(conn, permit_id).await? else {
        return Ok(Err(not_found(actor)));
    };
    if actor
        .account
        .site_id
        .is_some_and(|site| site != permit.site_id)
    {
        return Ok(Err(not_found(actor)));
    }
    if permit.state != PermitState::Active {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Conflict,
            "not_active",
            "该许可证已作废或已被替代".into(),
            "The permit was already voided or superseded".into(),
        )));
    }
    if let checks::Decider::Maker { sites } = decider
        && checks::needs_second_officer(sites, permit.site_id)
    {
        let action = CheckAction::Void {
            permit_id: permit.id,
            permit_number: permit.number.clone(),
            discharger: permit.discharger.name.clone(),
            reason: reason.to_owned(),
        };
        let id = Uuid::new_v4();
        let mut write = checks::hold(actor, id, permit.site_id, action, Vec::new(), now_ms);
        write.answer = write
            .checks
            .first()
            .and_then(|check| serde_json::to_value(check).ok());
        return Ok(Ok(write));
    }
    let on = center_date(now_ms);
    permit.state = PermitState::Voided;
    permit.void_reason = Some(reason.to_owned());
    let number = PermitNumber::parse(&permit.number).map_err(|e| corrupt(e.to_string()))?;
    Ok(Ok(PermitWrite {
        withdrawn: vec![(
            permit.id,
            Withdrawal {
                on,
                reason_zh: format!("许可证已作废：{reason}"),
                reason_en: format!("The permit was voided: {reason}"),
            },
        )],
        answer: serde_json::to_value(&permit).ok(),
        permits: vec![Numbered { permit, number }],
        ..PermitWrite::default()
    }))
}

/// The id a template's changes are kept under: one per industry.
pub fn template_id(template: &ConditionTemplate) -> Uuid {
    CommandBody::SavePermitTemplate(template.clone()).target().1
}

/// Plans an admin's change to an industry's template.
pub fn plan_template(
    actor: &Actor,
    template: &ConditionTemplate,
    now_ms: i64,
) -> Result<PermitWrite, ApiError> {
    if actor.role() != Role::Admin {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "admins_only",
            "只有管理员可以修改审批条件模板".into(),
            "Only admins may change condition templates".into(),
        ));
    }
    template.validate().map_err(|error| {
        ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
    })?;
    Ok(PermitWrite {
        template: Some((template.clone(), now_ms)),
        ..PermitWrite::default()
    })
}

/// Plans a permit command by its kind.
/// The center itself: the top-level site.
pub fn center(config: &onetrip_api::config::ConfigSnapshot) -> Option<Uuid> {
    config
        .sites
        .iter()
        .find(|s| s.parent_id.is_none())
        .map(|s| s.id)
}

pub async fn plan_command(
    conn: &mut Conn<'_>,
    actor: &Actor,
    body: &CommandBody,
    key: &IssuerKey,
    config: &onetrip_api::config::ConfigSnapshot,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    let issuer = onetrip_api::review_documents::issuing_body(&config.sites);
    let calendar = crate::config::working_calendar(config);
    let issuing = Issuing {
        key,
        issuer: issuer.as_str(),
        calendar: &calendar,
    };
    match body {
        CommandBody::SubmitPermitApplication(draft) => {
            let organisation = match actor.role() {
                Role::Applicant => crate::portal::sql::profile(conn, actor.account.id)
                    .await?
                    .map(|profile| profile.credit_code),
                _ => None,
            };
            plan_submit(conn, actor, draft, organisation, config, now_ms).await
        }
        CommandBody::ApprovePermits(batch) => {
            let maker = checks::Decider::Maker {
                sites: &config.sites,
            };
            plan_approve(conn, actor, &issuing, batch, maker, now_ms).await
        }
        CommandBody::VoidPermit { permit_id, reason } => {
            let maker = checks::Decider::Maker {
                sites: &config.sites,
            };
            plan_void(conn, actor, *permit_id, reason, maker, now_ms).await
        }
        CommandBody::ConfirmPermitCheck { check_id } => {
            checks::plan_confirm(conn, actor, &issuing, *check_id, now_ms).await
        }
        CommandBody::RejectPermitCheck { check_id, reason } => {
            checks::plan_reject(conn, actor, *check_id, reason, now_ms).await
        }
        CommandBody::RecordSpotCheck(result) => {
            spot_checks::plan_record(conn, actor, result, now_ms).await
        }
        CommandBody::RecordReminders { permit_ids } => {
            renewals::plan_reminders(conn, actor, permit_ids, now_ms).await
        }
        CommandBody::SavePermitTemplate(template) => Ok(plan_template(actor, template, now_ms)),
        CommandBody::ReceiveForms(receipt) => {
            let site = forms::site_of(actor, center(config));
            forms::plan_receive(conn, actor, receipt, site, now_ms).await
        }
        CommandBody::PrintOnForms(print) => {
            let site = forms::site_of(actor, center(config));
            forms::plan_print(conn, actor, print, site, now_ms).await
        }
        CommandBody::GiveBackForms { print_id, serials } => {
            let site = forms::site_of(actor, center(config));
            forms::plan_give_back(conn, actor, *print_id, serials, site).await
        }
        CommandBody::SpoilForm { serial, reason } => {
            let site = forms::site_of(actor, center(config));
            forms::plan_spoil(conn, actor, serial, reason, site, now_ms).await
        }
        _ => Ok(Err(ApiError::new(
            ErrorCode::Internal,
            "not a permit command",
        ))),
    }
}
