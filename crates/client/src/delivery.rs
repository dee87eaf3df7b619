//! Delivering permits on the desktop: the site's runs and attempts from the local cache (so a
//! courier's laptop reads them offline), planning a run (which needs the server), recording an
//! attempt at the door (kept in the outbox until the server takes it), and what the run sheet
//! and each 送达回证 print.

use onetrip_api::command::{Command, CommandBody, CommandOutcome};
use onetrip_api::delivery::{AttemptDraft, AttemptOutcome, DeliveryAttempt, DeliveryRun, RunDraft};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::sync::EntityKind;
use onetrip_domain::Lang;
use onetrip_domain::permits::check_attempt;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::desktop::Desktop;

/// The template a run sheet prints with.
pub const RUN_SHEET_TEMPLATE: &str = "delivery-run-sheet";
/// The template a 送达回证 prints with.
pub const RECEIPT_TEMPLATE: &str = "delivery-receipt";

pub struct Delivery<'a> {
    pub(crate) desktop: &'a Desktop,
}

impl Delivery<'_> {
    /// The site's runs, newest day first.
    pub async fn runs(&self) -> Result<Vec<DeliveryRun>, ApiError> {
        self.desktop.owner().await?;
        let mut runs: Vec<DeliveryRun> = self
            .desktop
            .sync
            .cache
            .records(EntityKind::DeliveryRun)
            .await?;
        runs.sort_by(|a, b| b.day.cmp(&a.day).then(b.number.cmp(&a.number)));
        Ok(runs)
    }

    /// The attempts the server has taken, in the order they happened at the door.
    pub async fn attempts(&self) -> Result<Vec<DeliveryAttempt>, ApiError> {
        self.desktop.owner().await?;
        let mut attempts: Vec<DeliveryAttempt> = self
            .desktop
            .sync
            .cache
            .records(EntityKind::DeliveryAttempt)
            .await?;
        attempts.sort_by_key(|a| (a.draft.at_ms, a.draft.id));
        Ok(attempts)
    }

    /// Plans a run on the server.
    pub async fn plan(&self, draft: RunDraft) -> Result<DeliveryRun, ApiError> {
        self.desktop
            .permits()
            .send(CommandBody::SaveDeliveryRun(draft))
            .await
    }

    /// Records an attempt at the door: sent at once when the server is reachable, kept in the
    /// outbox otherwise (`Queued`), with the moment it happened.
    pub async fn record(&self, draft: AttemptDraft) -> Result<CommandOutcome, ApiError> {
        // Checked here first, so that what the outcome needs is asked for at the door, not
        // when the server sees it hours later.
        let lang = self.desktop.language().await;
        if let Err(error) = check_attempt(&draft.attempt()) {
            return Err(
                ApiError::new(ErrorCode::Invalid, error.message(lang)).with_reason(error.code())
            );
        }
        self.desktop
            .outbox()
            .send(Command::new(CommandBody::RecordDelivery(draft)))
            .await
    }

    /// What a run's sheet prints.
    pub async fn run_sheet(&self, run_id: Uuid) -> Result<Value, ApiError> {
        let lang = self.desktop.language().await;
        let run = self.run(run_id).await?.ok_or_else(|| not_here(lang))?;
        Ok(run_sheet_record(&run))
    }

    /// What the 送达回证 of a delivered attempt prints.
    pub async fn receipt(&self, attempt_id: Uuid) -> Result<Value, ApiError> {
        let lang = self.desktop.language().await;
        let owner = self.desktop.owner().await?;
        let cache = &self.desktop.sync.cache;
        let attempt: DeliveryAttempt = cache
            .record(EntityKind::DeliveryAttempt, attempt_id)
            .await?
            .filter(|a: &DeliveryAttempt| a.draft.outcome == AttemptOutcome::Delivered)
            .ok_or_else(|| not_here(lang))?;
        let run = self
            .run(attempt.draft.run_id)
            .await?
            .ok_or_else(|| not_here(lang))?;
        let snapshot = cache.config_snapshot(&owner).await?;
        let issuer = onetrip_api::review_documents::issuing_body(&snapshot.sites);
        Ok(receipt_record(&issuer, &run, &attempt))
    }

    async fn run(&self, id: Uuid) -> Result<Option<DeliveryRun>, ApiError> {
        self.desktop.owner().await?;
        self.desktop
            .sync
            .cache
            .record(EntityKind::DeliveryRun, id)
            .await
    }
}

fn not_here(lang: Lang) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        lang.pick(
            "本机还没有这条记录，请等待同步后再试".into(),
            "This record is not on this computer yet; wait for the sync".into(),
        ),
    )
}

/// The `delivery-run-sheet` template's record of a run.
pub fn run_sheet_record(run: &DeliveryRun) -> Value {
    json!({
        "run_no": run.number,
        "area": run.name,
        "courier": run.courier,
        "run_date": run.day,
        "total": run.stops.len(),
        "deliveries": run.stops.iter().map(|stop| json!({
            "permit_no": stop.permit_number,
            "holder": stop.holder,
            "address": match &stop.window {
                Some(window) => format!("{}（{window}）", stop.address),
                None => stop.address.clone(),
            },
            "contact": stop.contact,
        })).collect::<Vec<_>>(),
    })
}

/// The moment of an attempt as the receipt writes it, in the center's time: `2026年12月3日 19:20`.
fn receipt_moment(at_ms: i64) -> String {
    let date = onetrip_print::signing::center_date(at_ms);
    let minutes = (at_ms / 60_000 + 8 * 60).rem_euclid(24 * 60);
    format!(
        "{} {:02}:{:02}",
        onetrip_print::render::chinese_date(&date).unwrap_or(date),
        minutes / 60,
        minutes % 60
    )
}

/// The `delivery-receipt` template's record of a delivered attempt.
pub fn receipt_record(issuer: &str, run: &DeliveryRun, attempt: &DeliveryAttempt) -> Value {
    let stop = run
        .stops
        .iter()
        .find(|s| s.permit_id == attempt.draft.permit_id);
    let relation = attempt
        .draft
        .relation
        .map(|r| r.label(Lang::ZhCn))
        .unwrap_or_default();
    let proof = match (
        attempt.draft.signature_png.is_some(),
        attempt.draft.photo_jpeg.is_some(),
    ) {
        (true, true) => "签名及照片已存档",
        (true, false) => "签名已存档",
        (false, true) => "照片已存档",
        (false, false) => "",
    };
    json!({
        "authority": issuer,
        "number": attempt.receipt_number.clone().unwrap_or_default(),
        "document": format!("城镇污水排入排水管网许可证（{}）", attempt.permit_number),
        "recipient": stop.map(|s| s.holder.clone()).unwrap_or_default(),
        "address": stop.map(|s| s.address.clone()).unwrap_or_default(),
        "method": "直接送达（送证上门）",
        "receiver": format!("{}（{relation}）", attempt.draft.receiver),
        "courier": run.courier,
        "delivered_at": receipt_moment(attempt.draft.at_ms),
        "remark": format!("送达路线 {}；{proof}", run.number),
        "issue_date": onetrip_print::signing::center_date(attempt.draft.at_ms),
    })
}

impl Desktop {
    /// Delivering permits to the door.
    pub fn delivery(&self) -> Delivery<'_> {
        Delivery { desktop: self }
    }
}
