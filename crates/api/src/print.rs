//! The print log: one entry per document sent to a printer, kept in the desktop's cache and
//! sent to the central API as a command, so that who printed what, when and where is on record.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// One print: what was printed, on which printer, by whom, and whether it was a reprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct PrintRecord {
    pub id: Uuid,
    /// The template's name (`drainage-permit`).
    pub template: String,
    /// What the document is, for people (`排水许可证 玉排许字〔2026〕第0001号`).
    pub title: String,
    pub pages: u32,
    pub copies: u32,
    pub printer: String,
    pub tray: Option<String>,
    /// Only the variable fields, on pre-printed forms.
    pub overlay: bool,
    /// The same document was printed before.
    pub reprint: bool,
    /// The print system's job ids.
    pub jobs: Vec<String>,
    /// The account that printed; the server records the signed-in account whatever is sent.
    pub printed_by: String,
    #[ts(type = "number")]
    pub printed_at_ms: i64,
    /// The printing account's site; the server fills it in.
    pub site_id: Option<Uuid>,
}

/// Most characters of a print record's title.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most copies of one print.
pub const MAX_COPIES: u32 = 99;

/// A built-in document template, as the desktop lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PrintTemplateInfo {
    /// `drainage-permit`.
    pub name: String,
    /// `城镇污水排入排水管网许可证`.
    pub title: String,
    pub width_mm: f32,
    pub height_mm: f32,
    /// It has a pre-printed form's static part that overlay printing leaves out.
    pub has_form: bool,
}

/// A printer the operating system knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Printer {
    pub name: String,
    pub is_default: bool,
    pub state: PrinterState,
    /// The printer accepts new jobs.
    pub accepting: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Idle,
    Printing,
    Disabled,
    Unknown,
}

/// Where a print job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting or printing.
    Queued,
    /// Left the queue: printed, or cancelled.
    Finished,
    /// The spooler no longer knows it.
    Unknown,
}

/// Documents to print from the desktop: one page per record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PrintRequest {
    pub template: String,
    /// The documents' data, one object per page, as the template's fields name them.
    #[ts(type = "Array<Record<string, unknown>>")]
    pub records: Vec<serde_json::Value>,
    /// What is printed, for the print log and the printer's queue.
    pub title: String,
    pub printer: String,
    pub tray: Option<String>,
    pub copies: u32,
    /// Only the variable fields, onto pre-printed forms (套打).
    pub overlay: bool,
}

/// Where one job of a print stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JobStatus {
    pub job: String,
    pub printer: String,
    pub state: JobState,
}
