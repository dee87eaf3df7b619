//! Delivering permits to the door (送证上门): the officer plans runs of issued permits, each
//! stop with its time window; the courier records each attempt where it happens, often
//! offline, and the attempt reaches the server later through the outbox. An attempt names its
//! run and permit and is refused unless that permit is a stop of that run, so a signature can
//! land on no other permit whatever order attempts arrive in; a permit delivered once is not
//! delivered again, and a failed attempt sends it back for a later run.

pub mod sql;

use base64::Engine;
use onetrip_api::command::CommandBody;
use onetrip_api::delivery::{
    AttemptDraft, AttemptOutcome, DeliveryAttempt, DeliveryRun, MAX_PROOF_BYTES, MAX_STOPS,
    RunDraft, Stop,
};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::permits::PermitState;
use onetrip_api::sync::EntityKind;
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::Day;
use onetrip_domain::permits::{TimeWindow, check_attempt};

use crate::actor::{Actor, refuse};
use crate::changes::ChangeRecord;
use crate::clock::center_date;
use crate::storage::{Conn, StorageResult};

/// How far ahead of the server's clock an attempt's moment may be (a laptop's clock runs fast).
const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

/// A checked change to runs and attempts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliveryWrite {
    pub runs: Vec<DeliveryRun>,
    pub attempts: Vec<DeliveryAttempt>,
    pub answer: Option<serde_json::Value>,
}

impl DeliveryWrite {
    pub async fn store(&self, conn: &mut Conn<'_>) -> StorageResult<()> {
        for run in &self.runs {
            sql::save_run(conn, run).await?;
        }
        for attempt in &self.attempts {
            sql::save_attempt(conn, attempt).await?;
        }
        Ok(())
    }

    /// Runs and attempts are seen by their site's staff.
    pub fn changes(&self) -> Result<Vec<ChangeRecord>, serde_json::Error> {
        let mut changes = Vec::new();
        for run in &self.runs {
            changes.push(ChangeRecord::upsert(
                EntityKind::DeliveryRun,
                run.id,
                run,
                Some(run.site_id),
            )?);
        }
        for attempt in &self.attempts {
            changes.push(ChangeRecord::upsert(
                EntityKind::DeliveryAttempt,
                attempt.draft.id,
                attempt,
                Some(attempt.site_id),
            )?);
        }
        Ok(changes)
    }

    pub fn record(&self) -> Option<serde_json::Value> {
        self.answer.clone()
    }
}

fn invalid(actor: &Actor, reason: &str, zh: String, en: String) -> ApiError {
    refuse(actor, ErrorCode::Invalid, reason, zh, en)
}

fn may_deliver(actor: &Actor) -> bool {
    matches!(
        actor.role(),
        Role::PermitOfficer | Role::PrintDelivery | Role::Supervisor | Role::Admin
    )
}

fn forbidden(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::Forbidden,
        "delivery_staff_only",
        "只有排水许可和打证送达人员可以办理送达".into(),
        "Only permit and delivery staff may do this".into(),
    )
}

/// Plans a run: every stop an active permit of the actor's site, not delivered and not waiting
/// in another run; windows read as typed.
pub async fn plan_run(
    conn: &mut Conn<'_>,
    actor: &Actor,
    draft: &RunDraft,
    now_ms: i64,
) -> StorageResult<Result<DeliveryWrite, ApiError>> {
    if !may_deliver(actor) {
        return Ok(Err(forbidden(actor)));
    }
    let name = draft.name.trim();
    let courier = draft.courier.trim();
    if name.is_empty() || courier.is_empty() {
        return Ok(Err(invalid(
            actor,
            "run_fields",
            "请填写片区（线路）和送达人".into(),
            "Give the run's area or route and its courier".into(),
        )));
    }
    if name.chars().count() > 100 || courier.chars().count() > 100 {
        return Ok(Err(invalid(
            actor,
            "field_too_long",
            "片区或送达人过长（100 字以内）".into(),
            "The area or the courier is too long (up to 100 characters)".into(),
        )));
    }
    let Some(day) = Day::parse(&draft.day) else {
        return Ok(Err(invalid(
            actor,
            "run_day",
            "送达日期应为 YYYY-MM-DD".into(),
            "The run's day should be YYYY-MM-DD".into(),
        )));
    };
    if draft.stops.is_empty() || draft.stops.len() > MAX_STOPS {
        return Ok(Err(invalid(
            actor,
            "run_stops",
            format!("一条路线须有 1 至 {MAX_STOPS} 个送达点"),
            format!("A run has 1 to {MAX_STOPS} stops"),
        )));
    }
    if sql::run(conn, draft.id).await?.is_some() {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Conflict,
            "run_exists",
            "这条送达路线已经建立".into(),
            "This delivery run exists already".into(),
        )));
    }
    let mut stops = Vec::with_capacity(draft.stops.len());
    let mut site = actor.account.site_id;
    for stop in &draft.stops {
        let permit = crate::permits::sql::permit(conn, stop.permit_id).await?;
        let Some(permit) = permit.filter(|p| site.is_none_or(|s| s == p.site_id)) else {
            return Ok(Err(refuse(
                actor,
                ErrorCode::NotFound,
                "not_found",
                "没有这份许可证".into(),
                "No such permit".into(),
            )));
        };
        site = Some(permit.site_id);
        if permit.state != PermitState::Active {
            return Ok(Err(invalid(
                actor,
                "permit_not_active",
                format!("许可证 {} 已作废或被替代，不能送达", permit.number),
                format!(
                    "Permit {} was voided or superseded and is not delivered",
                    permit.number
                ),
            )));
        }
        if stops.iter().any(|s: &Stop| s.permit_id == permit.id) {
            return Ok(Err(invalid(
                actor,
                "stop_twice",
                format!("许可证 {} 在路线中出现了两次", permit.number),
                format!("Permit {} is in the run twice", permit.number),
            )));
        }
        match sql::standing(conn, permit.id).await? {
            sql::Standing::Delivered => {
                return Ok(Err(invalid(
                    actor,
                    "already_delivered",
                    format!("许可证 {} 已经送达", permit.number),
                    format!("Permit {} was delivered already", permit.number),
                )));
            }
            sql::Standing::Waiting(run) => {
                return Ok(Err(invalid(
                    actor,
                    "in_another_run",
                    format!("许可证 {} 已在送达路线 {run} 中", permit.number),
                    format!("Permit {} is in delivery run {run} already", permit.number),
                )));
            }
            sql::Standing::Free => {}
        }
        let window = match stop.window.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match TimeWindow::parse(text) {
                Some(window) => Some(window.to_string()),
                None => {
                    return Ok(Err(invalid(
                        actor,
                        "stop_window",
                        format!("送达时段“{text}”应如 9:00-11:30 或 18:00-02:00"),
                        format!(
                            "The time window “{text}” should be like 9:00-11:30 or 18:00-02:00"
                        ),
                    )));
                }
            },
        };
        let d = &permit.discharger;
        stops.push(Stop {
            permit_id: permit.id,
            permit_number: permit.number.clone(),
            holder: d.name.clone(),
            address: d.address.clone(),
            contact: format!("{} {}", d.legal_representative, d.contact_phone),
            window,
        });
    }
    let Some(site_id) = site else {
        return Ok(Err(forbidden(actor)));
    };
    let day_text = day.to_string();
    let count = sql::runs_on(conn, site_id, &day_text).await?;
    let run = DeliveryRun {
        id: draft.id,
        site_id,
        number: format!("SD-{}-{:02}", day_text.replace('-', ""), count + 1),
        name: name.to_owned(),
        day: day_text,
        courier: courier.to_owned(),
        stops,
        created_by: actor.account.username.clone(),
        created_at_ms: now_ms,
    };
    Ok(Ok(DeliveryWrite {
        answer: serde_json::to_value(&run).ok(),
        runs: vec![run],
        ..DeliveryWrite::default()
    }))
}

/// A signature or photo: base64 of a whole PNG or JPEG of a bounded size.
fn proof_ok(text: &str, magic: &[u8]) -> bool {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text.trim()) else {
        return false;
    };
    bytes.len() <= MAX_PROOF_BYTES && bytes.starts_with(magic)
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = b"\xff\xd8\xff";

/// Plans an attempt: the permit must be a stop of the run, not delivered yet; what its outcome
/// needs is there; the signature a PNG and the photo a JPEG.
pub async fn plan_attempt(
    conn: &mut Conn<'_>,
    actor: &Actor,
    draft: &AttemptDraft,
    now_ms: i64,
) -> StorageResult<Result<DeliveryWrite, ApiError>> {
    if !may_deliver(actor) {
        return Ok(Err(forbidden(actor)));
    }
    let Some(run) = sql::run(conn, draft.run_id).await? else {
        return Ok(Err(refuse(
            actor,
            ErrorCode::NotFound,
            "no_run",
            "没有这条送达路线".into(),
            "No such delivery run".into(),
        )));
    };
    let Some(stop) = run.stops.iter().find(|s| s.permit_id == draft.permit_id) else {
        return Ok(Err(invalid(
            actor,
            "not_in_run",
            format!("这份许可证不在送达路线 {} 中", run.number),
            format!("That permit is not a stop of delivery run {}", run.number),
        )));
    };
    if actor.account.site_id.is_some_and(|s| s != run.site_id) {
        return Ok(Err(forbidden(actor)));
    }
    if draft.at_ms > now_ms + CLOCK_SKEW_MS || draft.at_ms < run.created_at_ms - CLOCK_SKEW_MS {
        return Ok(Err(invalid(
            actor,
            "attempt_time",
            "送达时间不在路线建立之后到现在之间，请核对本机时间".into(),
            "The attempt's time is not between the run's planning and now: check this computer's clock"
                .into(),
        )));
    }
    if let Some(signature) = &draft.signature_png
        && !proof_ok(signature, PNG)
    {
        return Ok(Err(invalid(
            actor,
            "signature_invalid",
            "签名图片无效或过大".into(),
            "The signature image is not valid or too large".into(),
        )));
    }
    if let Some(photo) = &draft.photo_jpeg
        && !proof_ok(photo, JPEG)
    {
        return Ok(Err(invalid(
            actor,
            "photo_invalid",
            "照片无效或过大（请用 JPEG，不超过 512 KB）".into(),
            "The photo is not valid or too large (a JPEG of up to 512 KB)".into(),
        )));
    }
    if let Err(error) = check_attempt(&draft.attempt()) {
        return Ok(Err(ApiError::new(
            ErrorCode::Invalid,
            error.message(actor.lang),
        )
        .with_reason(error.code())));
    }
    if sql::standing(conn, draft.permit_id).await? == sql::Standing::Delivered {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Conflict,
            "already_delivered",
            format!("许可证 {} 已经送达，不能再次登记", stop.permit_number),
            format!("Permit {} was delivered already", stop.permit_number),
        )));
    }
    let receipt_number = match draft.outcome {
        AttemptOutcome::Delivered => {
            let year = receipt_year(draft.at_ms);
            let count = sql::receipts_in(conn, &year).await?;
            Some(format!("SDHZ-{year}-{:04}", count + 1))
        }
        _ => None,
    };
    let mut clean = draft.clone();
    clean.receiver = draft.receiver.trim().to_owned();
    clean.witness = draft.witness.trim().to_owned();
    clean.reason = draft.reason.trim().to_owned();
    let recorded = DeliveryAttempt {
        draft: clean,
        site_id: run.site_id,
        permit_number: stop.permit_number.clone(),
        receipt_number,
        recorded_by: actor.account.username.clone(),
        recorded_at_ms: now_ms,
    };
    Ok(Ok(DeliveryWrite {
        answer: serde_json::to_value(&recorded).ok(),
        attempts: vec![recorded],
        ..DeliveryWrite::default()
    }))
}

/// The year a delivery's 送达回证 is numbered in: that of the moment at the door, in the
/// center's time.
pub fn receipt_year(at_ms: i64) -> String {
    center_date(at_ms).chars().take(4).collect()
}

pub async fn plan_command(
    conn: &mut Conn<'_>,
    actor: &Actor,
    body: &CommandBody,
    now_ms: i64,
) -> StorageResult<Result<DeliveryWrite, ApiError>> {
    match body {
        CommandBody::SaveDeliveryRun(draft) => plan_run(conn, actor, draft, now_ms).await,
        CommandBody::RecordDelivery(draft) => plan_attempt(conn, actor, draft, now_ms).await,
        _ => Ok(Err(ApiError::new(
            ErrorCode::Internal,
            "not a delivery command",
        ))),
    }
}
