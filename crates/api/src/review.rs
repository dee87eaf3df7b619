//! Joint drawing review (施工图联合审查) on the wire: projects, their submission rounds, the
//! files and sheets of a round with what intake found, and the resumable uploads that bring
//! the files in.

use onetrip_domain::review::Specialty;
use onetrip_domain::review::clauses::Superseded;
use onetrip_domain::review::clock::ReviewClockState;
use onetrip_domain::review::opinion::{OpinionKind, Severity};
use onetrip_domain::review::project::ProjectKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;

/// A project as its applicant registers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ProjectDraft {
    pub id: Uuid,
    /// 项目代码, e.g. `2026-330324-47-01-012345`; full-width digits are accepted.
    #[schema(max_length = 60)]
    pub code: String,
    #[schema(max_length = 100)]
    pub name: String,
    /// 建设单位.
    #[schema(max_length = 100)]
    pub builder: String,
    /// 设计单位.
    #[schema(max_length = 100)]
    pub designer: String,
    /// 乡镇（街道）.
    #[schema(max_length = 50)]
    pub town: String,
    pub kind: ProjectKind,
    /// 总建筑面积 in square metres, as typed: `12345.67`, `12,345.67`, `１２３４５`.
    #[schema(max_length = 20)]
    pub floor_area_m2: String,
    /// The specialties to review; none means the kind's defaults.
    #[serde(default)]
    #[ts(optional)]
    pub specialties: Option<Vec<Specialty>>,
    /// The first round's id, opened with the project.
    pub first_round_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectState {
    /// 待送审: registered; the applicant is preparing the first round.
    Preparing,
    /// 审查中.
    InReview,
    /// 待回复: the opinions are with the applicant; the clocks are stopped.
    WithApplicant,
    /// 审查合格.
    Certified,
}

impl ProjectState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectState::Preparing => "preparing",
            ProjectState::InReview => "in_review",
            ProjectState::WithApplicant => "with_applicant",
            ProjectState::Certified => "certified",
        }
    }
}

/// A registered project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Project {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub builder: String,
    pub designer: String,
    pub town: String,
    pub kind: ProjectKind,
    /// Canonical decimal text, two places: `12345.67`.
    pub floor_area_m2: String,
    pub specialties: Vec<Specialty>,
    /// The 统一社会信用代码 of the organisation that registered it; its applicants see it.
    pub organisation: String,
    pub registered_by: Uuid,
    #[ts(type = "number")]
    pub registered_at_ms: i64,
    pub state: ProjectState,
    /// The round in progress or under review.
    pub current_round: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// 准备中: files are being uploaded and the sheet list confirmed.
    Preparing,
    /// 已受理: submitted and accepted; the review clocks run from its acceptance.
    Accepted,
}

/// A submission round: 第 1 轮 送审, then 复审 rounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Round {
    pub id: Uuid,
    pub project_id: Uuid,
    pub number: u32,
    pub state: RoundState,
    #[ts(type = "number")]
    pub opened_at_ms: i64,
    /// The center's date of acceptance, `YYYY-MM-DD`.
    pub accepted_on: Option<String>,
}

/// What intake warns about on a page; the file is taken all the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IntakeWarning {
    /// Not A0–A4 or one of their lengthened (加长) sizes.
    NotDrawingSize,
    /// Text in a font that is not embedded: Chinese text may show wrongly elsewhere.
    FontNotEmbedded {
        font: String,
    },
    /// AutoCAD "SHX Text" annotations: text drawn as lines, with comments that can mislead.
    ShxText {
        count: u32,
    },
    /// A scanned page: an image and no text.
    ImageOnly,
    Rotated {
        degrees: u16,
    },
}

/// Where a sheet number or title was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadingSource {
    PageLabel,
    Bookmark,
    TitleBlock,
    /// Typed or corrected by the applicant.
    Applicant,
}

/// One page of one file: a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Sheet {
    pub id: Uuid,
    pub round_id: Uuid,
    pub file_id: Uuid,
    /// 0-based page in its file.
    pub page: u32,
    /// 图号, canonical (`建施-03`); none when intake could not read one.
    pub number: Option<String>,
    /// 图名.
    pub title: String,
    pub specialty: Option<Specialty>,
    /// How sure intake is of the number, 0–100; 100 once the applicant confirmed it.
    pub confidence: u8,
    pub source: Option<ReadingSource>,
    /// The paper size (`A1`, `A2+1/4` …), none when not a drawing size.
    pub size: Option<String>,
    pub warnings: Vec<IntakeWarning>,
    /// Against the sheet of the same number in the round before, once compared.
    #[serde(default)]
    pub compared: Option<SheetComparison>,
}

/// A sheet compared with the same sheet of the round before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct SheetComparison {
    /// The sheet it was compared with.
    pub previous_sheet: Uuid,
    pub changed: bool,
    /// Where the linework changed: `[x0, y0, x1, y1]` in tenths of a PDF point.
    #[schema(value_type = Vec<Vec<i32>>)]
    pub regions: Vec<[i32; 4]>,
}

/// Whether the drawing changed under a carried opinion's markups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionCheck {
    /// 区域已修改.
    Changed,
    /// 未改动.
    Unchanged,
}

/// A file of a round, as kept (never changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct RoundFile {
    pub id: Uuid,
    pub round_id: Uuid,
    pub name: String,
    /// SHA-256 of its bytes: its name in the blob store.
    pub blob: String,
    #[ts(type = "number")]
    pub size: u64,
    pub pages: u32,
    #[ts(type = "number")]
    pub uploaded_at_ms: i64,
}

/// The index sheet (图纸目录) compared with the sheets submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct IndexCheck {
    pub index_sheet: Uuid,
    /// Listed in the index, not submitted.
    pub missing: Vec<String>,
    /// Submitted, not in the index.
    pub extra: Vec<String>,
    /// Submitted more than once.
    pub duplicate: Vec<String>,
}

/// What still keeps a round from being submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SubmitBlocker {
    NoFiles,
    /// Sheets without a number.
    Unnumbered {
        sheets: u32,
    },
    /// The same number on more than one sheet.
    DuplicateNumber {
        number: String,
    },
    /// Sheets whose number is not confirmed yet.
    Unconfirmed {
        sheets: u32,
    },
    /// A required specialty with no sheet.
    SpecialtyMissing {
        specialty: Specialty,
    },
    /// Opinions of the last round not answered yet.
    Unreplied {
        opinions: u32,
    },
}

/// A round with its files and sheets, as the portal and the reviewers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct RoundView {
    pub round: Round,
    pub files: Vec<RoundFile>,
    pub sheets: Vec<Sheet>,
    pub index: Option<IndexCheck>,
    pub blockers: Vec<SubmitBlocker>,
}

/// A review task: one specialty of one round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ReviewTask {
    pub id: Uuid,
    pub project_id: Uuid,
    pub round_id: Uuid,
    pub round: u32,
    pub specialty: Specialty,
    pub reviewer: Option<Uuid>,
    /// The reviewer's name, for the people who do not have the staff list.
    pub reviewer_name: Option<String>,
    /// Working days allowed from the round's acceptance.
    pub allowed_days: u32,
    /// The center's date of the round's acceptance, `YYYY-MM-DD`.
    pub accepted_on: String,
    /// The day the round's opinions were released: the task is done.
    pub done_on: Option<String>,
    /// `YYYY-MM-DD`, in the holiday calendar as it is when read.
    pub due_on: Option<String>,
    /// Where the clock stands today.
    pub clock: ReviewClockState,
}

impl ReviewTask {
    /// The task's due day and clock as `calendar` and `today` say; a finished task is judged
    /// on the day it was done. The server and the desktop's cache both read tasks through it.
    pub fn with_clock(
        self,
        calendar: &onetrip_domain::calendar::Calendar,
        today: onetrip_domain::calendar::Day,
    ) -> ReviewTask {
        use onetrip_domain::calendar::Day;
        use onetrip_domain::review::clock::ReviewClock;
        let Some(accepted) = Day::parse(&self.accepted_on) else {
            return self;
        };
        let clock = ReviewClock {
            accepted,
            allowed: self.allowed_days,
            pauses: vec![],
        };
        let judged_on = self
            .done_on
            .as_deref()
            .and_then(Day::parse)
            .unwrap_or(today);
        let mut state = clock.state(calendar, judged_on, false);
        if self.done_on.is_some() && state != ReviewClockState::Overdue {
            state = ReviewClockState::Done;
        }
        ReviewTask {
            due_on: clock.due(calendar).map(|day| day.to_string()),
            clock: state,
            ..self
        }
    }
}

/// A markup's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarkupShape {
    /// 云线: a revision cloud around `rect`.
    Cloud,
    Rectangle,
    /// From (`rect[0]`, `rect[1]`) to (`rect[2]`, `rect[3]`).
    Arrow,
    /// `text` placed at (`rect[0]`, `rect[1]`).
    Text,
}

/// A markup on a sheet, in the PDF user space of the sheet's page (origin bottom-left), in
/// tenths of a point, so that it is tied to the drawing, not to a screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Markup {
    pub shape: MarkupShape,
    /// `[x0, y0, x1, y1]` in tenths of a PDF point.
    #[schema(value_type = Vec<i32>, min_items = 4, max_items = 4)]
    pub rect: [i32; 4],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(max_length = 200)]
    pub text: Option<String>,
}

/// A sheet's page as the desktop's native viewer draws it: its size as seen (after `/Rotate`)
/// in PDF points, and the transform from the page's PDF user space to that view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SheetPage {
    pub width: f64,
    pub height: f64,
    /// `[a, b, c, d, e, f]`: `x' = a·x + c·y + e`, `y' = b·x + d·y + f`; view origin top-left.
    pub to_view: [f64; 6],
}

/// A rectangle of a sheet's page to draw: `scale` pixels a point, the rectangle in those
/// pixels from the page's top-left corner as seen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct SheetRegion {
    pub scale: f64,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// An opinion as its reviewer writes it; saving again replaces the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct OpinionDraft {
    pub id: Uuid,
    pub round_id: Uuid,
    pub specialty: Specialty,
    /// 图号 of the sheet, as in the round's sheet list.
    #[schema(max_length = 40)]
    pub sheet_number: String,
    #[schema(max_items = 50)]
    pub markups: Vec<Markup>,
    #[schema(max_length = 2000)]
    pub text: String,
    pub kind: OpinionKind,
    pub severity: Severity,
    /// The clause cited, as typed: `GB 50016-2014(2018年版) 第5.5.17条`.
    #[serde(default)]
    #[ts(optional)]
    #[schema(max_length = 100)]
    pub clause: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpinionState {
    /// 草稿: seen only by its reviewer.
    Draft,
    /// 待回复: released to the applicant.
    Open,
    /// 已回复.
    Replied,
    /// 已关闭.
    Closed,
}

/// How the applicant answered an opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReplyKind {
    /// 已修改, naming the sheets changed.
    Changed { sheets: Vec<String> },
    /// 说明.
    Explained,
    /// 不同意, with the reasons in the text.
    Disagree,
}

/// The applicant's answer to an opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct OpinionReply {
    pub opinion_id: Uuid,
    pub reply: ReplyKind,
    #[schema(max_length = 2000)]
    pub text: String,
}

/// Where a carried-forward opinion sits in the round it was carried into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Carried {
    /// The same sheet number is in the new round.
    Same,
    /// The sheet seems renumbered; a person confirms the sheet it now sits on.
    Suggested,
    /// No sheet of that number or title: a person places it.
    Unplaced,
}

/// A review opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Opinion {
    pub id: Uuid,
    /// 结-R1-07: kept across rounds.
    pub code: String,
    pub project_id: Uuid,
    /// The round it is on now (carried forward from the round it was raised in).
    pub round_id: Uuid,
    pub specialty: Specialty,
    pub sheet_number: String,
    pub markups: Vec<Markup>,
    pub text: String,
    pub kind: OpinionKind,
    pub severity: Severity,
    /// Canonical: `GB 50016-2014(2018年版) 第5.5.17条`.
    pub clause: Option<String>,
    /// Set when the cited clause or edition has been superseded.
    pub superseded: Option<Superseded>,
    pub state: OpinionState,
    pub author: Uuid,
    pub author_name: String,
    #[ts(type = "number")]
    pub saved_at_ms: i64,
    #[ts(type = "number | null")]
    pub released_at_ms: Option<i64>,
    pub reply: Option<OpinionReply>,
    /// How it came into the current round, when it was carried.
    pub carried: Option<Carried>,
    /// The sheet number it had in the round before, when it moved to another sheet.
    pub previous_sheet: Option<String>,
    /// Once the new round was compared: whether the area under its markups changed.
    #[serde(default)]
    pub region: Option<RegionCheck>,
    /// The reply says 已修改 but nothing changed under the markups.
    #[serde(default)]
    pub reply_unsupported: bool,
}

/// A project with its rounds, newest last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ProjectView {
    pub project: Project,
    pub rounds: Vec<RoundView>,
    pub tasks: Vec<ReviewTask>,
    /// Released opinions (the applicant's view), or every opinion the reader may see.
    pub opinions: Vec<Opinion>,
    /// What still keeps the review certificate (审查合格书) from being issued.
    pub certificate_blockers: Vec<CertificateBlocker>,
    /// The certificate last issued, revoked or not.
    #[serde(default)]
    pub certificate: Option<Certificate>,
}

/// The kind of document a certificate's QR code names.
pub const CERTIFICATE_KIND: &str = "review-certificate";
/// The `valid_until` of a certificate's QR code: it stands until it is revoked.
pub const NO_EXPIRY: &str = "9999-12-31";

/// The review certificate to issue. The server numbers and signs it: whatever a client sends
/// in the other fields is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct CertificateToIssue {
    pub id: Uuid,
    pub project_id: Uuid,
    #[serde(default)]
    #[ts(optional)]
    pub number: Option<String>,
    /// The center's date of issue, `YYYY-MM-DD`.
    #[serde(default)]
    #[ts(optional)]
    pub issued_on: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub issuer: Option<String>,
    /// The signed QR payload.
    #[serde(default)]
    #[ts(optional)]
    pub payload: Option<String>,
}

/// A specialty's reviewer as the certificate names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct CertificateReviewer {
    pub specialty: Specialty,
    pub reviewer: String,
}

/// Why and when a certificate stopped standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Revocation {
    /// `YYYY-MM-DD`.
    pub on: String,
    #[ts(type = "number")]
    pub at_ms: i64,
    /// The opinion whose reopening revoked it (结-R1-07).
    pub opinion_code: Option<String>,
}

/// An issued review certificate (施工图审查合格书).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Certificate {
    pub id: Uuid,
    pub project_id: Uuid,
    /// 施审合字〔2026〕第0001号.
    pub number: String,
    /// The project's name as certified: the holder its QR code names.
    pub holder: String,
    /// The round it certifies.
    pub round: u32,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    pub issuer: String,
    pub issued_by: Uuid,
    pub issued_by_name: String,
    #[ts(type = "number")]
    pub issued_at_ms: i64,
    pub reviewers: Vec<CertificateReviewer>,
    /// The signed payload its QR code carries.
    pub payload: String,
    pub revoked: Option<Revocation>,
}

impl Certificate {
    /// What its QR code claims.
    pub fn claim(&self) -> crate::verify::DocumentClaim {
        certificate_claim(&self.holder, &self.number, &self.issued_on, &self.issuer)
    }
}

/// A certificate's number: 施审合字〔YYYY〕第NNNN号, counted per year.
pub fn certificate_number(year: i32, sequence: u32) -> String {
    format!("施审合字〔{year}〕第{sequence:04}号")
}

/// What a certificate's QR code claims, for signing and for checking.
pub fn certificate_claim(
    holder: &str,
    number: &str,
    issued_on: &str,
    issuer: &str,
) -> crate::verify::DocumentClaim {
    crate::verify::DocumentClaim {
        kind: CERTIFICATE_KIND.into(),
        number: number.into(),
        holder: holder.into(),
        valid_from: issued_on.into(),
        valid_until: NO_EXPIRY.into(),
        issuer: issuer.into(),
    }
}

/// Why the review certificate cannot be issued yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CertificateBlocker {
    /// No round has been accepted for review yet.
    NotSubmitted,
    /// The specialty's task in the round under review has no reviewer.
    Unassigned { specialty: Specialty },
    /// The specialty has opinions not closed: it has not signed off.
    NotSignedOff { specialty: Specialty, open: u32 },
    /// 必须修改 opinions still open, in every specialty.
    MustChangeOpen { opinions: u32 },
}

/// What keeps the certificate of `project` from being issued: every required specialty must
/// have reviewed the round under review and closed its opinions, and no 必须修改 opinion may be
/// open. Drafts count: they are opinions not yet sent.
pub fn certificate_blockers(
    project: &Project,
    rounds: &[Round],
    tasks: &[ReviewTask],
    opinions: &[Opinion],
) -> Vec<CertificateBlocker> {
    let Some(round) = rounds
        .iter()
        .filter(|r| r.state == RoundState::Accepted)
        .max_by_key(|r| r.number)
    else {
        return vec![CertificateBlocker::NotSubmitted];
    };
    let mut blockers = Vec::new();
    for specialty in &project.specialties {
        let reviewed = tasks
            .iter()
            .any(|t| t.round_id == round.id && t.specialty == *specialty && t.reviewer.is_some());
        if !reviewed {
            blockers.push(CertificateBlocker::Unassigned {
                specialty: *specialty,
            });
        }
        let open = opinions
            .iter()
            .filter(|o| o.specialty == *specialty && o.state != OpinionState::Closed)
            .count();
        if open > 0 {
            blockers.push(CertificateBlocker::NotSignedOff {
                specialty: *specialty,
                open: u32::try_from(open).unwrap_or(u32::MAX),
            });
        }
    }
    let must = opinions
        .iter()
        .filter(|o| o.severity == Severity::MustChange && o.state != OpinionState::Closed)
        .count();
    if must > 0 {
        blockers.push(CertificateBlocker::MustChangeOpen {
            opinions: u32::try_from(must).unwrap_or(u32::MAX),
        });
    }
    blockers
}

/// A sheet's number and title as the applicant confirms or corrects them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct SheetEdit {
    pub sheet_id: Uuid,
    #[schema(max_length = 40)]
    pub number: String,
    #[schema(max_length = 100)]
    pub title: String,
}

/// Starts a resumable upload of one file into a round.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct NewUpload {
    pub round_id: Uuid,
    #[schema(min_length = 1, max_length = 255)]
    pub file_name: String,
    /// The whole file's size in bytes.
    #[ts(type = "number")]
    #[schema(minimum = 1)]
    pub size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    /// Bytes are arriving; send from `received` on.
    Receiving,
    /// Every byte arrived and the file was checked and kept.
    Done,
    /// Every byte arrived and intake refused the file; `error` says why.
    Refused,
}

impl UploadState {
    pub fn as_str(self) -> &'static str {
        match self {
            UploadState::Receiving => "receiving",
            UploadState::Done => "done",
            UploadState::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<UploadState> {
        [
            UploadState::Receiving,
            UploadState::Done,
            UploadState::Refused,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

/// Where an upload stands: the client resumes from `received`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct UploadStatus {
    pub id: Uuid,
    pub round_id: Uuid,
    pub file_name: String,
    #[ts(type = "number")]
    pub size: u64,
    #[ts(type = "number")]
    pub received: u64,
    pub state: UploadState,
    /// The file it became, once done.
    pub file_id: Option<Uuid>,
    pub error: Option<ApiError>,
}

/// The limits an upload is checked against, shown before a file is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct UploadLimits {
    #[ts(type = "number")]
    pub max_file_bytes: u64,
    pub max_sheets_per_round: u32,
}

/// A standard's edition from the clause library, for autocomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ClauseEdition {
    /// `GB 50016-2014`.
    pub edition: String,
    /// `2018年版`.
    pub revision: Option<String>,
    pub title: String,
    /// What replaced it, or its mandatory clauses, and since when.
    pub superseded: Option<Superseded>,
}

impl ClauseEdition {
    /// The library's editions matching `query`, each with what superseded it by `today`
    /// (`YYYY-MM-DD`): the same list on the server and, offline, on the desktop.
    pub fn find(query: &str, today: &str) -> Vec<ClauseEdition> {
        use onetrip_domain::review::clauses::{find_editions, superseded};
        use onetrip_domain::review::opinion::{Clause, OpinionKind};
        let query: String = query.chars().take(40).collect();
        find_editions(&query)
            .into_iter()
            .map(|edition| ClauseEdition {
                // Any clause of the edition says whether it, or its mandatory clauses, went.
                superseded: Clause::parse(&format!("{} 第1条", edition.edition))
                    .ok()
                    .and_then(|clause| superseded(&clause, OpinionKind::Mandatory, today)),
                edition: edition.edition.to_owned(),
                revision: edition.revision.map(str::to_owned),
                title: edition.title.to_owned(),
            })
            .collect()
    }
}

/// A reviewer the lead may give a task to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Reviewer {
    pub id: Uuid,
    pub display_name: String,
    pub specialty: Option<Specialty>,
}
