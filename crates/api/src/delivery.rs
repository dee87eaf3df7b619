//! Delivering permits to the door (送证上门): delivery runs of stops, each with its time
//! window, and the attempts recorded at the door — on a laptop that may be offline, so each
//! attempt carries its own run, permit and moment, and lands on that permit whatever order the
//! outbox sends it in.

use onetrip_domain::permits::{Attempt, Relation};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// Most stops one run may have.
pub const MAX_STOPS: usize = 200;
/// Most bytes of a signature or a photo, once decoded.
pub const MAX_PROOF_BYTES: usize = 512 * 1024;

/// One stop of a run as the officer plans it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct StopDraft {
    pub permit_id: Uuid,
    /// When the shop can be visited, `18:00-22:00` (past midnight allowed); none for any time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 40)]
    pub window: Option<String>,
}

/// A delivery run as the officer plans it: a town or a route on a day, its courier and stops
/// in the order they are visited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct RunDraft {
    pub id: Uuid,
    /// 片区 or route: `楚门镇（中山路—东西大街）`.
    #[schema(max_length = 100)]
    pub name: String,
    /// `YYYY-MM-DD`.
    #[schema(max_length = 10)]
    pub day: String,
    /// Who delivers.
    #[schema(max_length = 100)]
    pub courier: String,
    #[schema(max_items = 200)]
    pub stops: Vec<StopDraft>,
}

/// One stop of a run, with what the courier needs at the door.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Stop {
    pub permit_id: Uuid,
    pub permit_number: String,
    pub holder: String,
    pub address: String,
    /// The legal representative and phone.
    pub contact: String,
    /// `18:00–02:00`, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub window: Option<String>,
}

/// A delivery run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct DeliveryRun {
    pub id: Uuid,
    pub site_id: Uuid,
    /// `SD-20261202-01`.
    pub number: String,
    pub name: String,
    pub day: String,
    pub courier: String,
    pub stops: Vec<Stop>,
    pub created_by: String,
    #[ts(type = "number")]
    pub created_at_ms: i64,
}

/// What happened at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// 已送达.
    Delivered,
    /// 未送达: the permit goes back for a later run.
    Failed,
    /// 拒收.
    Refused,
}

/// An attempt as the courier records it at the door.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct AttemptDraft {
    pub id: Uuid,
    pub run_id: Uuid,
    pub permit_id: Uuid,
    pub outcome: AttemptOutcome,
    /// When it happened at the door (not when it reached the server).
    #[ts(type = "number")]
    pub at_ms: i64,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub receiver: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub relation: Option<Relation>,
    /// The receiver's signature drawn on the screen: a PNG, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 700000)]
    pub signature_png: Option<String>,
    /// A photo taken at the door: a JPEG, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 700000)]
    pub photo_jpeg: Option<String>,
    /// A refusal's witness.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub witness: String,
    /// Why a delivery failed.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub reason: String,
}

impl AttemptDraft {
    /// What the draft says happened, for [`onetrip_domain::permits::check_attempt`].
    pub fn attempt(&self) -> Attempt<'_> {
        let (signed, photo) = (self.signature_png.is_some(), self.photo_jpeg.is_some());
        match self.outcome {
            AttemptOutcome::Delivered => Attempt::Delivered {
                receiver: &self.receiver,
                relation: self.relation,
                signed,
                photo,
            },
            AttemptOutcome::Failed => Attempt::Failed {
                reason: &self.reason,
            },
            AttemptOutcome::Refused => Attempt::Refused {
                receiver: &self.receiver,
                witness: &self.witness,
                photo,
            },
        }
    }
}

/// A recorded attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct DeliveryAttempt {
    #[serde(flatten)]
    pub draft: AttemptDraft,
    pub site_id: Uuid,
    pub permit_number: String,
    /// 送达回证 number of a delivery: `SDHZ-2026-0001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub receipt_number: Option<String>,
    pub recorded_by: String,
    #[ts(type = "number")]
    pub recorded_at_ms: i64,
}
