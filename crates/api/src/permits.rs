//! Drainage permits (排水许可) on the wire: applications, from the window or the portal, checked
//! against their industry's condition template; the cohort an officer chooses and its dry run;
//! batch approval; and the permits it issues, numbered 玉排许字〔2026〕第0001号 and signed.

use onetrip_domain::identity::ApplicantId;
use onetrip_domain::permits::{Industry, Material, Outfall, Pretreatment, Reason};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The matter a window case opens a permit application for.
pub const PERMIT_MATTER: &str = "城镇污水排入排水管网许可";
/// The kind of issued document a permit's QR code is recorded as.
pub const PERMIT_KIND: &str = "drainage-permit";

/// The discharger (排水户) a permit is issued to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Discharger {
    #[schema(max_length = 100)]
    pub name: String,
    /// 统一社会信用代码, or the owner's 身份证号 for a sole trader; full-width characters are
    /// accepted and stored normalised.
    pub id: ApplicantId,
    /// 法定代表人 (or the owner).
    #[schema(max_length = 50)]
    pub legal_representative: String,
    #[schema(max_length = 200)]
    pub address: String,
    /// 乡镇（街道）.
    #[schema(max_length = 50)]
    pub town: String,
    pub industry: Industry,
    #[schema(max_length = 30)]
    pub contact_phone: String,
}

/// One uploaded or scanned material, in the blob store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct MaterialFile {
    pub kind: Material,
    /// SHA-256 of the file, hex.
    #[schema(max_length = 64)]
    pub blob: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// An application as the discharger (portal) or the window clerk gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ApplicationDraft {
    pub id: Uuid,
    /// The site whose authority decides it; the portal takes the center's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub site_id: Option<Uuid>,
    /// The window case it was accepted in (一窗受理); none online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub case_id: Option<Uuid>,
    pub discharger: Discharger,
    pub outfalls: Vec<Outfall>,
    /// Litres a day (the form asks for m³ a day, to three decimals).
    pub daily_volume_litres: u32,
    /// 主要污染物: COD, 氨氮, 动植物油 …
    pub pollutants: Vec<String>,
    pub pretreatment: Vec<Pretreatment>,
    pub sampling_well: bool,
    pub materials: Vec<MaterialFile>,
    /// Materials handed in on paper at the window and checked there by the clerk; none online.
    #[serde(default)]
    pub paper_materials: Vec<Material>,
    /// A construction site's end of works, `YYYY-MM-DD`: its permit ends then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub construction_ends: Option<String>,
    /// The permit this application changes (new outfall, volume or pollutants): approving it
    /// supersedes that permit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub supersedes: Option<Uuid>,
    /// The permit this application renews (延续), unchanged: approving it issues a permit valid
    /// for five years from the day after the old one's last (from the day of approval when that
    /// has passed); the old one stays valid until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub renews: Option<Uuid>,
}

/// Where an application came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// At a window (一窗受理): the applicant came once.
    Window,
    /// In the portal: nobody came.
    Portal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// 待审批.
    Submitted,
    /// 已批准: a permit was issued.
    Approved,
    /// 不予许可.
    Refused,
}

impl ApplicationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationState::Submitted => "submitted",
            ApplicationState::Approved => "approved",
            ApplicationState::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<ApplicationState> {
        [Self::Submitted, Self::Approved, Self::Refused]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// A stored application, with what its template check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct PermitApplication {
    pub id: Uuid,
    pub site_id: Uuid,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub case_id: Option<Uuid>,
    /// The applicant account's organisation (credit code) for portal applications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub organisation: Option<String>,
    pub draft: ApplicationDraft,
    pub state: ApplicationState,
    /// The day it was accepted: the decision clock starts here.
    pub accepted_on: String,
    #[ts(type = "number")]
    pub submitted_at_ms: i64,
    /// Every condition of the template it fails; empty when complete.
    pub reasons: Vec<Reason>,
    /// Pledges standing in for reports: each becomes a spot check once approved.
    pub pledges_used: Vec<Material>,
    /// An earlier application of the same discharger for the same outfall, still open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub duplicate_of: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub decided_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub permit_id: Option<Uuid>,
    /// The decision's statutory clock (15 working days from acceptance in the center's
    /// calendar): its last day, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub decision_due: Option<String>,
    /// The first day the decision clock shows as 即将到期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub decision_due_soon: Option<String>,
}

impl PermitApplication {
    /// Whether nothing stands in the way of approving it.
    pub fn complete(&self) -> bool {
        self.reasons.is_empty() && self.duplicate_of.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PermitState {
    /// 有效.
    Active,
    /// 已作废: keeps its number, with why.
    Voided,
    /// 已被新证替代 (a change of outfall, volume or pollutants).
    Superseded,
}

impl PermitState {
    pub fn as_str(self) -> &'static str {
        match self {
            PermitState::Active => "active",
            PermitState::Voided => "voided",
            PermitState::Superseded => "superseded",
        }
    }
}

/// An issued permit (城镇污水排入排水管网许可证).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Permit {
    pub id: Uuid,
    pub application_id: Uuid,
    pub site_id: Uuid,
    /// 玉排许字〔2026〕第0001号.
    pub number: String,
    pub discharger: Discharger,
    pub outfalls: Vec<Outfall>,
    pub daily_volume_litres: u32,
    pub pollutants: Vec<String>,
    pub issued_on: String,
    /// The last valid day.
    pub expires_on: String,
    /// 发证机关.
    pub issuer: String,
    /// The QR code's signed payload.
    pub payload: String,
    pub state: PermitState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub void_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub superseded_by: Option<Uuid>,
    /// The first valid day, where it is not the day of issue: a renewal approved before the old
    /// permit ends runs on from the day after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub valid_from: Option<String>,
    /// The permit that renews this one from the day after its last: this one stays valid
    /// until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub renewed_by: Option<Uuid>,
    pub batch_id: Uuid,
    pub approved_by: Uuid,
    #[ts(type = "number")]
    pub approved_at_ms: i64,
    /// The second officer who confirmed the batch, where the site needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub checked_by: Option<Uuid>,
    /// The issue-and-delivery clock (10 working days from the decision, 行政许可法 art. 44):
    /// its last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub delivery_due: Option<String>,
    /// The first day the delivery clock shows as 即将到期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub delivery_due_soon: Option<String>,
}

/// Which applications an officer looks at for a batch.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema, IntoParams,
)]
#[into_params(parameter_in = Query)]
pub struct Cohort {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[param(inline)]
    pub industry: Option<Industry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub town: Option<String>,
    /// Submitted when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[param(inline)]
    pub state: Option<ApplicationState>,
    /// Only complete (true) or only incomplete (false) applications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub complete: Option<bool>,
}

/// One application of a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct DryRunRow {
    pub application_id: Uuid,
    pub discharger: String,
    pub town: String,
    pub address: String,
    pub industry: Industry,
    /// Why it cannot be approved; empty for the eligible.
    pub reasons: Vec<Reason>,
    /// The number it would get, in order, for the eligible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub number: Option<String>,
}

/// What approving a cohort would do: nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct DryRun {
    /// In numbering order: town, then address.
    pub eligible: Vec<DryRunRow>,
    pub exceptions: Vec<DryRunRow>,
}

/// Approves these applications, those still eligible, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct BatchApproval {
    pub batch_id: Uuid,
    /// As the dry run listed them.
    pub application_ids: Vec<Uuid>,
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct BatchOutcome {
    pub batch_id: Uuid,
    pub permits: Vec<Permit>,
    /// Left untouched, with their reasons (no longer eligible, or decided meanwhile).
    pub exceptions: Vec<DryRunRow>,
    /// Where the site needs a second officer: the batch waits for them, nothing numbered yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub held: Option<PermitCheck>,
}

/// What a held check does once confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckAction {
    /// Approves these applications, those still eligible when confirmed.
    Batch { application_ids: Vec<Uuid> },
    /// Voids this permit, with why.
    Void {
        permit_id: Uuid,
        permit_number: String,
        discharger: String,
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// 待复核.
    Pending,
    /// 已复核: it took effect.
    Confirmed,
    /// 已退回, with why.
    Rejected,
}

impl CheckState {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckState::Pending => "pending",
            CheckState::Confirmed => "confirmed",
            CheckState::Rejected => "rejected",
        }
    }
}

/// A batch or void one officer made, waiting for a second to confirm it (审核与复核分离).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct PermitCheck {
    /// The batch's id, or the void's.
    pub id: Uuid,
    pub site_id: Uuid,
    pub action: CheckAction,
    pub made_by: Uuid,
    pub made_by_name: String,
    #[ts(type = "number")]
    pub made_at_ms: i64,
    pub state: CheckState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub checked_by_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub checked_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reject_reason: Option<String>,
}

/// `text` escaped for a URL's query (every byte but letters, digits and `-_.`).
fn escaped(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Cohort {
    /// The cohort as URL parameters, leaving out what is not set.
    pub fn to_query_string(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(industry) = self.industry {
            pairs.push(format!("industry={}", industry.code()));
        }
        if let Some(town) = &self.town {
            pairs.push(format!("town={}", escaped(town)));
        }
        if let Some(state) = self.state {
            pairs.push(format!("state={}", state.as_str()));
        }
        if let Some(complete) = self.complete {
            pairs.push(format!("complete={complete}"));
        }
        pairs.join("&")
    }

    /// Whether an application belongs to the cohort (submitted ones when no state is set).
    pub fn holds(&self, application: &PermitApplication) -> bool {
        application.state == self.state.unwrap_or(ApplicationState::Submitted)
            && self
                .industry
                .is_none_or(|i| i == application.draft.discharger.industry)
            && self
                .town
                .as_ref()
                .is_none_or(|t| *t == application.draft.discharger.town)
            && self.complete.is_none_or(|c| c == application.complete())
    }
}

/// A later check (事中事后监管) that a pledge made in place of a report holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct SpotCheck {
    pub id: Uuid,
    pub permit_id: Uuid,
    pub permit_number: String,
    pub discharger: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub address: String,
    /// The pledge to check.
    pub material: Material,
    pub due_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub done_on: Option<String>,
    /// Whether the pledge held, once checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kept: Option<bool>,
    /// What the officer found on site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub finding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub checked_by_name: Option<String>,
}

/// What a spot check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct SpotCheckResult {
    pub check_id: Uuid,
    /// The pledge held (承诺属实).
    pub kept: bool,
    /// What was found; required when the pledge did not hold.
    #[schema(max_length = 500)]
    pub finding: String,
}

/// A permit near its expiry: the renewal reminder due, and any renewal pending for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct RenewalRow {
    pub permit: Permit,
    /// Days from today to its last valid day; negative once expired.
    #[ts(type = "number")]
    pub days_left: i64,
    /// The reminder to send now, by its days before expiry (30, 14 or 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub reminder: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_reminded_on: Option<String>,
    /// The renewal application waiting for a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub renewal_id: Option<Uuid>,
    /// The renewal is still undecided this close to expiry: silence would count as approval
    /// (行政许可法 art. 50).
    pub alarm: bool,
}

/// The days the permit statistics cover: permits approved from `from` to `to`, inclusive.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema, IntoParams,
)]
#[into_params(parameter_in = Query)]
pub struct PermitStatsQuery {
    /// First day, `YYYY-MM-DD`; a year before `to` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, included; today when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to: Option<String>,
}

/// Permits of one town, or of one industry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct PermitCount {
    pub town: String,
    pub industry: Industry,
    #[ts(type = "number")]
    pub count: u64,
}

/// How long one step took against its statutory clock, in working days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct ClockFigures {
    /// Permits the step was done for.
    #[ts(type = "number")]
    pub count: u64,
    /// Permits still waiting for the step.
    #[ts(type = "number")]
    pub waiting: u64,
    pub median_days: Option<f64>,
    pub p90_days: Option<u32>,
    /// The clock's working days.
    pub limit_days: u32,
    /// Done after the clock ran out.
    #[ts(type = "number")]
    pub late: u64,
}

/// Permit cases that took this many trips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct TripsCount {
    pub trips: u32,
    #[ts(type = "number")]
    pub count: u64,
}

/// Drainage permits over a range of approval days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct PermitStats {
    pub from: String,
    pub to: String,
    #[ts(type = "number")]
    pub issued: u64,
    /// By town and industry, most first.
    pub counts: Vec<PermitCount>,
    /// Acceptance to decision, against 15 working days.
    pub to_decision: ClockFigures,
    /// Decision to printing on the official form, against the 10 working days to issue.
    pub to_print: ClockFigures,
    /// Decision to delivery at the door, against the same 10 working days.
    pub to_delivery: ClockFigures,
    /// Trips the discharger made: 0 online, the case's trips at the window.
    pub trips: Vec<TripsCount>,
    /// The share of permits that took no trip at all.
    pub zero_trip_share: f64,
}

/// Blank official forms received (空白证书入库): serials `first` to `last` as the forms show
/// them, leading zeros kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FormReceipt {
    pub id: Uuid,
    #[schema(max_length = 40)]
    pub first: String,
    #[schema(max_length = 40)]
    pub last: String,
    /// Where they came from: the batch, the supplier's delivery note.
    #[schema(max_length = 200)]
    pub note: String,
}

/// Permits to print onto the next blank forms, one form each in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FormPrint {
    pub print_id: Uuid,
    pub permit_ids: Vec<Uuid>,
}

/// One permit and the form it is printed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FormTaken {
    pub permit_id: Uuid,
    pub number: String,
    pub serial: String,
    /// The permit was printed on a form before.
    pub reprint: bool,
}

/// Permits to print onto the official forms, from the desktop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FormPrintRequest {
    pub permit_ids: Vec<Uuid>,
    pub printer: String,
    pub tray: Option<String>,
}

/// What a print onto forms did: the permits that came out, each with its form; and when the
/// printer stopped part-way, why, and the permits still to print (their forms given back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FormPrintOutcome {
    pub printed: Vec<FormTaken>,
    pub remaining: Vec<Uuid>,
    /// Why it stopped, in the user's language.
    pub stopped: Option<String>,
}

/// What became of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormUseKind {
    Printed,
    Reprinted,
    /// 废证.
    Spoiled,
}

/// A range of forms received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FormRangeView {
    pub id: Uuid,
    pub first: String,
    pub last: String,
    #[ts(type = "number")]
    pub count: u64,
    pub note: String,
    pub received_by: String,
    pub received_at_ms: i64,
}

/// One used form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FormUseView {
    pub serial: String,
    pub kind: FormUseKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub permit_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
    pub used_by: String,
    pub used_at_ms: i64,
}

/// A site's blank-form ledger: what came in, what each used form became, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FormLedgerView {
    pub ranges: Vec<FormRangeView>,
    /// Newest first.
    pub uses: Vec<FormUseView>,
    #[ts(type = "number")]
    pub received: u64,
    #[ts(type = "number")]
    pub printed: u64,
    #[ts(type = "number")]
    pub reprinted: u64,
    #[ts(type = "number")]
    pub spoiled: u64,
    #[ts(type = "number")]
    pub left: u64,
    /// The next blank form's serial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
    /// Blank serials below the last one used: forms missing from the stack.
    pub skipped: Vec<String>,
    /// Serials used twice.
    pub used_twice: Vec<String>,
}

/// The template a permit prints with.
pub const PERMIT_TEMPLATE: &str = "drainage-permit";

/// What a permit prints: the fields of the `drainage-permit` template.
pub fn permit_record(permit: &Permit) -> serde_json::Value {
    use onetrip_domain::Lang;
    let d = &permit.discharger;
    // The form's box is headed 统一社会信用代码; a sole trader without one is named by the
    // owner's ID, which the box then says it is.
    let id = match &d.id {
        ApplicantId::Organisation(text) => text.clone(),
        ApplicantId::Person(text) => format!("{text}（经营者身份证号）"),
    };
    let category = if d.industry.is_small_trade() {
        format!("{}（六小行业）", d.industry.label(Lang::ZhCn))
    } else {
        d.industry.label(Lang::ZhCn).to_owned()
    };
    let outfalls = permit
        .outfalls
        .iter()
        .map(|o| match o.location.trim() {
            "" => format!("{}，接入{}", o.code, o.receiving),
            at => format!("{}，位于{at}，接入{}", o.code, o.receiving),
        })
        .collect::<Vec<_>>()
        .join("；");
    let litres = permit.daily_volume_litres;
    let volume = format!(
        "{} 立方米/日",
        format!("{}.{:03}", litres / 1000, litres % 1000)
            .trim_end_matches('0')
            .trim_end_matches('.')
    );
    serde_json::json!({
        "number": permit.number,
        "holder": d.name,
        "credit_code": id,
        "legal_rep": d.legal_representative,
        "address": d.address,
        "category": category,
        "outfalls": format!("{}个：{outfalls}", permit.outfalls.len()),
        "volume": volume,
        "pollutants": permit.pollutants.join("、"),
        "valid_from": permit.valid_from.as_deref().unwrap_or(&permit.issued_on),
        "valid_until": permit.expires_on,
        "issuer": permit.issuer,
        "issue_date": permit.issued_on,
        "qr": permit.payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permit(id: ApplicantId, litres: u32) -> Permit {
        Permit {
            id: Uuid::nil(),
            application_id: Uuid::nil(),
            site_id: Uuid::nil(),
            number: "玉排许字〔2026〕第0001号".into(),
            discharger: Discharger {
                name: "玉环清港阿明小吃店".into(),
                id,
                legal_representative: "林阿明".into(),
                address: "清港镇兴港路 18 号".into(),
                town: "清港镇".into(),
                industry: Industry::Catering,
                contact_phone: "13805761234".into(),
            },
            outfalls: vec![Outfall {
                code: "WS-01".into(),
                location: String::new(),
                receiving: "兴港路污水管".into(),
            }],
            daily_volume_litres: litres,
            pollutants: vec!["COD".into(), "动植物油".into()],
            issued_on: "2026-12-02".into(),
            expires_on: "2031-12-01".into(),
            issuer: "玉环市行政服务中心".into(),
            payload: "qr".into(),
            state: PermitState::Active,
            void_reason: None,
            superseded_by: None,
            valid_from: None,
            renewed_by: None,
            batch_id: Uuid::nil(),
            approved_by: Uuid::nil(),
            approved_at_ms: 0,
            checked_by: None,
            delivery_due: None,
            delivery_due_soon: None,
        }
    }

    #[test]
    fn a_permit_prints_its_holder_volume_and_outfalls_as_the_form_asks() {
        let code = "92331021MA2K8AM01X".to_owned();
        let record = permit_record(&permit(ApplicantId::Organisation(code.clone()), 2500));
        assert_eq!(record["credit_code"], code.as_str());
        assert_eq!(record["volume"], "2.5 立方米/日");
        assert_eq!(record["outfalls"], "1个：WS-01，接入兴港路污水管");
        assert_eq!(record["category"], "餐饮（六小行业）");
        assert_eq!(record["pollutants"], "COD、动植物油");

        // A sole trader named by the owner's ID says so in the credit-code box.
        let person = permit_record(&permit(
            ApplicantId::Person("11010519491231002X".into()),
            12000,
        ));
        assert_eq!(
            person["credit_code"],
            "11010519491231002X（经营者身份证号）"
        );
        assert_eq!(person["volume"], "12 立方米/日");
    }
}
