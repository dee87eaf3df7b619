//! Cases (一窗受理): what a window decides on an applicant's matter — accepted, completed on
//! the spot, or incomplete with a one-time notice listing every missing material — and how
//! many trips the applicant has made for it.

use onetrip_domain::identity::ApplicantId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseOutcome {
    /// Accepted for processing within the promised time (受理): an acceptance receipt.
    Accepted,
    /// Completed on the spot (即办).
    Completed,
    /// Materials missing: a one-time notice (一次性告知书) lists every one.
    Incomplete,
}

impl CaseOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseOutcome::Accepted => "accepted",
            CaseOutcome::Completed => "completed",
            CaseOutcome::Incomplete => "incomplete",
        }
    }
}

/// One line of the matter's checklist and whether the applicant brought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct CaseMaterial {
    pub name: String,
    pub provided: bool,
}

/// A decided case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Case {
    pub id: Uuid,
    pub site_id: Uuid,
    pub ticket_id: Option<Uuid>,
    pub matter_id: Uuid,
    pub applicant: ApplicantId,
    pub applicant_name: String,
    pub materials: Vec<CaseMaterial>,
    pub outcome: CaseOutcome,
    /// The applicant's trip for this matter: 1 the first time.
    pub trip: u32,
    /// `SL-20261127-0001` for a receipt, `GZ-20261127-0001` for a one-time notice.
    pub number: String,
    pub clerk: String,
    #[ts(type = "number")]
    pub decided_at_ms: i64,
    /// For an accepted case, the last day of the promised time in working days, `YYYY-MM-DD`.
    pub due_date: Option<String>,
}

/// What the window decided, as the clerk sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct CaseDraft {
    pub id: Uuid,
    /// The ticket being served, when the applicant came through the queue.
    pub ticket_id: Option<Uuid>,
    pub matter_id: Uuid,
    pub applicant: ApplicantId,
    pub applicant_name: String,
    /// Names of the checklist's materials the applicant brought.
    pub provided: Vec<String>,
    pub outcome: CaseOutcome,
}
