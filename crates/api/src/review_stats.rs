//! Drawing-review statistics (审图统计) for the review leads: the projects by state and kind,
//! the rounds, the opinions by specialty, kind and severity, the clauses cited most, and how
//! long each specialty's tasks took in working days against the days allowed.
//!
//! A range, when given, is of the rounds' acceptance dates (受理日期): a round counts when it
//! was accepted in it, an opinion when the round it was raised in was, a task when its round
//! was, a project when its first round was (or, never submitted, when it was registered).

use onetrip_domain::review::Specialty;
use onetrip_domain::review::project::ProjectKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::review::ProjectState;

/// How many standards and clauses the most-cited lists hold.
pub const TOP_CLAUSES: usize = 10;

/// Which review statistics: an inclusive range of acceptance dates, or everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct ReviewStatsQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, included.
    pub to: Option<String>,
}

impl ReviewStatsQuery {
    /// The query as URL parameters (`from=…&to=…`), leaving out what is not set.
    pub fn to_query_string(&self) -> String {
        crate::stats::StatsQuery {
            site: None,
            from: self.from.clone(),
            to: self.to.clone(),
        }
        .to_query_string()
    }
}

/// Projects in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct StateCount {
    pub state: ProjectState,
    pub count: u32,
}

/// Projects of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct KindCount {
    pub kind: ProjectKind,
    pub count: u32,
}

/// The projects and rounds of the range.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct ProjectStats {
    pub total: u32,
    /// Every state, in the order of the review: 待送审, 审查中, 待回复, 审查合格.
    pub by_state: Vec<StateCount>,
    /// Every kind of project.
    pub by_kind: Vec<KindCount>,
    /// Rounds accepted in the range (送审 and 复审).
    pub rounds: u32,
    /// Of them, first rounds (送审).
    pub first_rounds: u32,
    /// Of them, later rounds (复审).
    pub later_rounds: u32,
    /// Accepted rounds per certified project, over the certified projects of the range.
    pub rounds_per_certified: Option<f64>,
}

/// Released opinions of one specialty, or of all (`specialty: None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct OpinionRow {
    pub specialty: Option<Specialty>,
    pub total: u32,
    /// 强制性条文.
    pub mandatory: u32,
    /// 一般性条文.
    pub general: u32,
    /// 政策规定.
    pub policy: u32,
    /// 设计深度.
    pub design_depth: u32,
    /// 必须修改.
    pub must_change: u32,
    /// 建议修改.
    pub advice: u32,
}

/// Opinions released to the applicant (drafts are not counted).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct OpinionStats {
    /// The specialties that raised any, in their usual order.
    pub by_specialty: Vec<OpinionRow>,
    pub all: OpinionRow,
}

/// A clause and how many opinions cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ClauseCount {
    /// In full: `GB 50016-2014(2018年版) 第5.5.17条`.
    pub clause: String,
    pub count: u32,
}

/// A standard's edition and how many opinions cite any of its clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct StandardCount {
    /// The standard and edition: `GB 50016-2014(2018年版)`.
    pub standard: String,
    pub count: u32,
    /// Its clauses cited, most cited first.
    pub clauses: Vec<ClauseCount>,
}

/// One specialty's review tasks, or all (`specialty: None`). Days are working days in the
/// center's holiday calendar, from the round's acceptance to the release of its opinions.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct TaskRow {
    pub specialty: Option<Specialty>,
    pub tasks: u32,
    /// Opinions released: the task is done.
    pub done: u32,
    /// Not done, the project still under review.
    pub open: u32,
    /// Not done when the project was certified on the round (审查合格 without a release).
    pub closed_by_certificate: u32,
    /// Working days used by the tasks done.
    pub days_used_mean: Option<f64>,
    pub days_used_max: Option<u32>,
    /// Working days allowed, over the same tasks.
    pub days_allowed_mean: Option<f64>,
    /// Done by their due day.
    pub on_time: u32,
    /// Done after their due day.
    pub late_done: u32,
    /// Still open after their due day.
    pub late_open: u32,
    /// `late_done + late_open`.
    pub late: u32,
    /// `on_time / (on_time + late)`; `None` when no task is done or overdue.
    pub on_time_rate: Option<f64>,
}

/// Review tasks by specialty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS, ToSchema)]
pub struct TaskStats {
    /// The specialties with any task, in their usual order.
    pub by_specialty: Vec<TaskRow>,
    pub all: TaskRow,
}

/// Everything the review statistics screen and its exports show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct ReviewStats {
    /// First acceptance day counted, `YYYY-MM-DD`; `None`: from the start.
    pub from: Option<String>,
    /// Last acceptance day counted, included; `None`: up to today.
    pub to: Option<String>,
    /// The day open tasks are judged on (today), `YYYY-MM-DD`.
    pub as_of: String,
    pub projects: ProjectStats,
    pub opinions: OpinionStats,
    /// The standards cited most, at most [`TOP_CLAUSES`].
    pub top_standards: Vec<StandardCount>,
    /// The clauses cited most, at most [`TOP_CLAUSES`].
    pub top_clauses: Vec<ClauseCount>,
    pub tasks: TaskStats,
}
