//! The sync protocol: the change log a client pulls, and the live events that tell it when.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// What kind of record a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Site,
    Service,
    Matter,
    Window,
    PrintRecord,
    Ticket,
    Case,
    Document,
    CalendarDay,
    WindowState,
    Appointment,
    Rating,
    ReviewProject,
    ReviewRound,
    ReviewFile,
    ReviewSheet,
    ReviewTask,
    ReviewOpinion,
    ReviewCertificate,
    PermitApplication,
    Permit,
    PermitTemplate,
    /// The blank-form ledger; read from the server, not synced.
    PermitForm,
    DeliveryRun,
    DeliveryAttempt,
}

impl EntityKind {
    pub const ALL: [EntityKind; 25] = [
        EntityKind::Site,
        EntityKind::Service,
        EntityKind::Matter,
        EntityKind::Window,
        EntityKind::PrintRecord,
        EntityKind::Ticket,
        EntityKind::Case,
        EntityKind::Document,
        EntityKind::CalendarDay,
        EntityKind::WindowState,
        EntityKind::Appointment,
        EntityKind::Rating,
        EntityKind::ReviewProject,
        EntityKind::ReviewRound,
        EntityKind::ReviewFile,
        EntityKind::ReviewSheet,
        EntityKind::ReviewTask,
        EntityKind::ReviewOpinion,
        EntityKind::ReviewCertificate,
        EntityKind::PermitApplication,
        EntityKind::Permit,
        EntityKind::PermitTemplate,
        EntityKind::PermitForm,
        EntityKind::DeliveryRun,
        EntityKind::DeliveryAttempt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Site => "site",
            EntityKind::Service => "service",
            EntityKind::Matter => "matter",
            EntityKind::Window => "window",
            EntityKind::PrintRecord => "print_record",
            EntityKind::Ticket => "ticket",
            EntityKind::Case => "case",
            EntityKind::Document => "document",
            EntityKind::CalendarDay => "calendar_day",
            EntityKind::WindowState => "window_state",
            EntityKind::Appointment => "appointment",
            EntityKind::Rating => "rating",
            EntityKind::ReviewProject => "review_project",
            EntityKind::ReviewRound => "review_round",
            EntityKind::ReviewFile => "review_file",
            EntityKind::ReviewSheet => "review_sheet",
            EntityKind::ReviewTask => "review_task",
            EntityKind::ReviewOpinion => "review_opinion",
            EntityKind::ReviewCertificate => "review_certificate",
            EntityKind::PermitApplication => "permit_application",
            EntityKind::Permit => "permit",
            EntityKind::PermitTemplate => "permit_template",
            EntityKind::PermitForm => "permit_form",
            EntityKind::DeliveryRun => "delivery_run",
            EntityKind::DeliveryAttempt => "delivery_attempt",
        }
    }

    pub fn parse(text: &str) -> Option<EntityKind> {
        EntityKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Upsert,
    Delete,
}

/// One row change, in commit order. `seq` is also the record's version.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct Change {
    #[ts(type = "number")]
    pub seq: i64,
    pub entity: EntityKind,
    pub id: Uuid,
    pub op: ChangeOp,
    /// The whole record after an upsert; absent for a delete. Kept as the JSON text it was
    /// stored as, so that neither end parses what it only passes on.
    #[ts(type = "unknown")]
    #[schema(value_type = Object)]
    pub data: Option<Box<serde_json::value::RawValue>>,
}

impl Change {
    /// The record after an upsert, as its type.
    pub fn record<T: serde::de::DeserializeOwned>(&self) -> Option<Result<T, serde_json::Error>> {
        self.data
            .as_ref()
            .map(|data| serde_json::from_str(data.get()))
    }
}

impl PartialEq for Change {
    fn eq(&self, other: &Change) -> bool {
        self.seq == other.seq
            && self.entity == other.entity
            && self.id == other.id
            && self.op == other.op
            && self.data.as_ref().map(|d| d.get()) == other.data.as_ref().map(|d| d.get())
    }
}

/// `GET /api/sync?since=<cursor>&limit=N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct SyncPage {
    /// The changes after the cursor that the reader may see, in order.
    pub changes: Vec<Change>,
    /// The cursor to pass next time.
    #[ts(type = "number")]
    pub next: i64,
    /// More changes wait after `next`.
    pub has_more: bool,
}

/// Most changes one page carries.
pub const MAX_PAGE: i64 = 5_000;
