//! Drawing-review statistics (审图统计) for the review leads: who may see them, the range of
//! acceptance dates asked for, and the figures computed in Rust from the projects, rounds,
//! tasks and released opinions storage reads. Working days are counted in the center's
//! holiday calendar as it is now, as the task clocks are.

pub mod export;
pub mod routes;
pub mod sql;

use std::collections::{BTreeMap, HashMap};

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{Opinion, Project, ProjectState, ReviewTask, Round, RoundState};
use onetrip_api::review_stats::{
    ClauseCount, KindCount, OpinionRow, OpinionStats, ProjectStats, ReviewStats, ReviewStatsQuery,
    StandardCount, StateCount, TOP_CLAUSES, TaskRow, TaskStats,
};
use onetrip_api::stats::ExportFormat;
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::{Calendar, Day};
use onetrip_domain::review::Specialty;
use onetrip_domain::review::opinion::{Clause, OpinionKind, Severity};
use onetrip_domain::review::project::ProjectKind;
use uuid::Uuid;

use crate::actor::{Actor, refuse};
use crate::http_error::internal;
use crate::spreadsheet::ExportFile;
use crate::state::AppState;

pub use sql::ReviewRows;

/// Every project state, in the order a project goes through them.
pub const STATES: [ProjectState; 4] = [
    ProjectState::Preparing,
    ProjectState::InReview,
    ProjectState::WithApplicant,
    ProjectState::Certified,
];

fn may_see_review_stats(actor: &Actor) -> Result<(), ApiError> {
    if matches!(actor.role(), Role::Supervisor | Role::Admin) {
        Ok(())
    } else {
        Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "review_stats_forbidden",
            "只有审查负责人（主管和管理员）可以查看审图统计".into(),
            "Only review leads (supervisors and administrators) may see the review statistics"
                .into(),
        ))
    }
}

/// A checked request: the acceptance dates counted (all when `None`) and today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewScope {
    pub range: Option<(Day, Day)>,
    pub today: Day,
}

impl ReviewScope {
    /// Whether an acceptance (or registration) date is in the range.
    fn covers(&self, date: Option<&str>) -> bool {
        match (self.range, date.and_then(Day::parse)) {
            (None, _) => true,
            (Some((from, to)), Some(day)) => from <= day && day <= to,
            (Some(_), None) => false,
        }
    }
}

/// Checks who asks for what: the role, and the range of acceptance dates — every date when
/// neither end is given, else as the queue statistics read it (a missing start is the end's
/// day, a missing end is today; at most a year).
pub fn check(
    actor: &Actor,
    query: &ReviewStatsQuery,
    today: &str,
) -> Result<ReviewScope, ApiError> {
    may_see_review_stats(actor)?;
    let range = match (query.from.as_deref(), query.to.as_deref()) {
        (None, None) => None,
        (from, to) => Some(crate::stats::day_range(actor, from, to, today)?),
    };
    let today = Day::parse(today).ok_or_else(|| internal(actor.lang, "today is not a date"))?;
    Ok(ReviewScope { range, today })
}

/// The review statistics `actor` asked for, or why not.
pub async fn review_stats(
    state: &AppState,
    actor: &Actor,
    query: &ReviewStatsQuery,
) -> Result<ReviewStats, ApiError> {
    // Refuse the role before reading anything.
    may_see_review_stats(actor)?;
    let today = crate::clock::center_date(state.clock.now_ms());
    let scope = check(actor, query, &today)?;
    let current = crate::config::current(state)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    let calendar = crate::config::working_calendar(&current);
    let rows = sql::review_rows(&state.store)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    Ok(compute(&scope, &rows, &calendar))
}

/// The review statistics `actor` asked for as a CSV or XLSX file, or why not.
pub async fn export_file(
    state: &AppState,
    actor: &Actor,
    query: &ReviewStatsQuery,
    format: Option<ExportFormat>,
) -> Result<ExportFile, ApiError> {
    may_see_review_stats(actor)?;
    let format = crate::stats::export_format(actor, format)?;
    let stats = review_stats(state, actor, query).await?;
    let bytes = match format {
        ExportFormat::Csv => export::csv(&stats, actor.lang),
        ExportFormat::Xlsx => {
            export::xlsx(&stats, actor.lang).map_err(|e| internal(actor.lang, e))?
        }
    };
    let file_name = export::file_name(&stats, format, actor.lang);
    Ok(ExportFile::new(bytes, format, file_name))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// The figures of `rows` for `scope`, with working days in `calendar`.
pub fn compute(scope: &ReviewScope, rows: &ReviewRows, calendar: &Calendar) -> ReviewStats {
    let (from, to) = match scope.range {
        Some((from, to)) => (Some(from.to_string()), Some(to.to_string())),
        None => (None, None),
    };
    let projects: HashMap<Uuid, &Project> = rows.projects.iter().map(|p| (p.id, p)).collect();
    let accepted: HashMap<(Uuid, u32), &str> = rows
        .rounds
        .iter()
        .filter(|r| r.state == RoundState::Accepted)
        .filter_map(|r| Some(((r.project_id, r.number), r.accepted_on.as_deref()?)))
        .collect();
    let opinions: Vec<&Opinion> = rows
        .opinions
        .iter()
        .filter(|(raised_in, o)| scope.covers(accepted.get(&(o.project_id, *raised_in)).copied()))
        .map(|(_, o)| o)
        .collect();
    let (top_standards, top_clauses) = clause_counts(&opinions);
    ReviewStats {
        from,
        to,
        as_of: scope.today.to_string(),
        projects: project_stats(scope, &rows.projects, &rows.rounds),
        opinions: opinion_stats(&opinions),
        top_standards,
        top_clauses,
        tasks: task_stats(scope, &rows.tasks, &projects, calendar),
    }
}

/// Projects by state and kind, and the rounds accepted in the range. A project is in the
/// range when its first accepted round is, or, never submitted, when it was registered in it.
pub fn project_stats(scope: &ReviewScope, projects: &[Project], rounds: &[Round]) -> ProjectStats {
    let mut accepted_rounds: HashMap<Uuid, Vec<&Round>> = HashMap::new();
    for round in rounds.iter().filter(|r| r.state == RoundState::Accepted) {
        accepted_rounds
            .entry(round.project_id)
            .or_default()
            .push(round);
    }
    let mut stats = ProjectStats {
        by_state: STATES
            .iter()
            .map(|state| StateCount {
                state: *state,
                count: 0,
            })
            .collect(),
        by_kind: ProjectKind::ALL
            .iter()
            .map(|kind| KindCount {
                kind: *kind,
                count: 0,
            })
            .collect(),
        ..ProjectStats::default()
    };
    let mut certified_rounds = Vec::new();
    for project in projects {
        let theirs = accepted_rounds
            .get(&project.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let came_in = match theirs.iter().min_by_key(|r| r.number) {
            Some(first) => first.accepted_on.clone(),
            None => Some(crate::clock::center_date(project.registered_at_ms)),
        };
        if !scope.covers(came_in.as_deref()) {
            continue;
        }
        stats.total += 1;
        if let Some(line) = stats.by_state.iter_mut().find(|l| l.state == project.state) {
            line.count += 1;
        }
        if let Some(line) = stats.by_kind.iter_mut().find(|l| l.kind == project.kind) {
            line.count += 1;
        }
        if project.state == ProjectState::Certified {
            certified_rounds.push(count(theirs.len()));
        }
    }
    for round in rounds.iter().filter(|r| r.state == RoundState::Accepted) {
        if !scope.covers(round.accepted_on.as_deref()) {
            continue;
        }
        stats.rounds += 1;
        if round.number <= 1 {
            stats.first_rounds += 1;
        } else {
            stats.later_rounds += 1;
        }
    }
    let certified = count(certified_rounds.len());
    stats.rounds_per_certified = (certified > 0)
        .then(|| f64::from(certified_rounds.iter().sum::<u32>()) / f64::from(certified));
    stats
}

fn add_opinion(row: &mut OpinionRow, opinion: &Opinion) {
    row.total += 1;
    match opinion.kind {
        OpinionKind::Mandatory => row.mandatory += 1,
        OpinionKind::General => row.general += 1,
        OpinionKind::Policy => row.policy += 1,
        OpinionKind::DesignDepth => row.design_depth += 1,
    }
    match opinion.severity {
        Severity::MustChange => row.must_change += 1,
        Severity::Advice => row.advice += 1,
    }
}

/// Released opinions by specialty, kind and severity.
pub fn opinion_stats(opinions: &[&Opinion]) -> OpinionStats {
    let mut by_specialty: BTreeMap<Specialty, OpinionRow> = BTreeMap::new();
    let mut all = OpinionRow::default();
    for opinion in opinions {
        add_opinion(
            by_specialty
                .entry(opinion.specialty)
                .or_insert_with(|| OpinionRow {
                    specialty: Some(opinion.specialty),
                    ..OpinionRow::default()
                }),
            opinion,
        );
        add_opinion(&mut all, opinion);
    }
    OpinionStats {
        by_specialty: by_specialty.into_values().collect(),
        all,
    }
}

/// A cited clause in full and its standard with the edition (`GB 50016-2014(2018年版)`).
/// Clauses are kept canonical; one that no longer reads is taken as written.
pub fn clause_parts(text: &str) -> (String, String) {
    match Clause::parse(text) {
        Ok(clause) => {
            let standard = match &clause.revision {
                Some(revision) => format!("{}({revision})", clause.edition()),
                None => clause.edition(),
            };
            (clause.to_string(), standard)
        }
        Err(_) => {
            let text = text.trim();
            let standard = text
                .split_once(" 第")
                .map_or(text, |(standard, _)| standard);
            (text.to_owned(), standard.to_owned())
        }
    }
}

/// Most cited first; equal counts in the order of the text.
fn ranked(counts: HashMap<String, u32>) -> Vec<ClauseCount> {
    let mut ranked: Vec<ClauseCount> = counts
        .into_iter()
        .map(|(clause, count)| ClauseCount { clause, count })
        .collect();
    ranked.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.clause.cmp(&b.clause)));
    ranked
}

/// The standards and the clauses the opinions cite most, at most [`TOP_CLAUSES`] of each.
pub fn clause_counts(opinions: &[&Opinion]) -> (Vec<StandardCount>, Vec<ClauseCount>) {
    let mut clauses: HashMap<String, u32> = HashMap::new();
    let mut standards: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for text in opinions.iter().filter_map(|o| o.clause.as_deref()) {
        let (clause, standard) = clause_parts(text);
        *standards
            .entry(standard)
            .or_default()
            .entry(clause.clone())
            .or_default() += 1;
        *clauses.entry(clause).or_default() += 1;
    }
    let mut top_standards: Vec<StandardCount> = standards
        .into_iter()
        .map(|(standard, clauses)| StandardCount {
            standard,
            count: clauses.values().sum(),
            clauses: ranked(clauses),
        })
        .collect();
    top_standards.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.standard.cmp(&b.standard))
    });
    top_standards.truncate(TOP_CLAUSES);
    let mut top_clauses = ranked(clauses);
    top_clauses.truncate(TOP_CLAUSES);
    (top_standards, top_clauses)
}

/// A line of task figures while tasks are added to it.
#[derive(Default)]
struct TaskTally {
    row: TaskRow,
    used: Vec<u32>,
    allowed: Vec<u32>,
}

impl TaskTally {
    fn row(self) -> TaskRow {
        let mean = |values: &[u32]| {
            (!values.is_empty())
                .then(|| f64::from(values.iter().sum::<u32>()) / values.len() as f64)
        };
        let row = self.row;
        let late = row.late_done + row.late_open;
        TaskRow {
            days_used_mean: mean(&self.used),
            days_used_max: self.used.iter().copied().max(),
            days_allowed_mean: mean(&self.allowed),
            late,
            on_time_rate: ratio(row.on_time, row.on_time + late),
            ..row
        }
    }
}

/// What became of one task by `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOutcome {
    /// Done, with the working days it took and whether that was after its due day.
    Done { used: u32, late: bool },
    /// Not done; `late` once its due day has passed.
    Open { late: bool },
    /// Not done, and the project was certified on its round.
    ClosedByCertificate,
}

/// Where `task` stands on `today`, its due day in `calendar`.
pub fn task_outcome(
    task: &ReviewTask,
    project: Option<&Project>,
    calendar: &Calendar,
    today: Day,
) -> Option<TaskOutcome> {
    let accepted = Day::parse(&task.accepted_on)?;
    let due = calendar.add_working_days(accepted, task.allowed_days);
    Some(match task.done_on.as_deref().and_then(Day::parse) {
        Some(done) => TaskOutcome::Done {
            used: calendar.working_days_between(accepted, done),
            late: done > due,
        },
        None if project.is_some_and(|p| p.state == ProjectState::Certified) => {
            TaskOutcome::ClosedByCertificate
        }
        None => TaskOutcome::Open { late: today > due },
    })
}

fn add_task(tally: &mut TaskTally, task: &ReviewTask, outcome: Option<TaskOutcome>) {
    let row = &mut tally.row;
    row.tasks += 1;
    match outcome {
        Some(TaskOutcome::Done { used, late }) => {
            row.done += 1;
            tally.used.push(used);
            tally.allowed.push(task.allowed_days);
            if late {
                row.late_done += 1;
            } else {
                row.on_time += 1;
            }
        }
        Some(TaskOutcome::Open { late }) => {
            row.open += 1;
            if late {
                row.late_open += 1;
            }
        }
        Some(TaskOutcome::ClosedByCertificate) => row.closed_by_certificate += 1,
        // An acceptance date that no longer reads: counted, never judged.
        None => row.open += 1,
    }
}

/// The tasks of the rounds accepted in the range, by specialty.
pub fn task_stats(
    scope: &ReviewScope,
    tasks: &[ReviewTask],
    projects: &HashMap<Uuid, &Project>,
    calendar: &Calendar,
) -> TaskStats {
    let mut by_specialty: BTreeMap<Specialty, TaskTally> = BTreeMap::new();
    let mut all = TaskTally::default();
    for task in tasks
        .iter()
        .filter(|t| scope.covers(Some(t.accepted_on.as_str())))
    {
        let project = projects.get(&task.project_id).copied();
        let outcome = task_outcome(task, project, calendar, scope.today);
        add_task(
            by_specialty.entry(task.specialty).or_default(),
            task,
            outcome,
        );
        add_task(&mut all, task, outcome);
    }
    TaskStats {
        by_specialty: by_specialty
            .into_iter()
            .map(|(specialty, tally)| TaskRow {
                specialty: Some(specialty),
                ..tally.row()
            })
            .collect(),
        all: all.row(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onetrip_domain::calendar::CalendarDay;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn task(specialty: Specialty, accepted: &str, allowed: u32, done: Option<&str>) -> ReviewTask {
        ReviewTask {
            id: Uuid::new_v4(),
            project_id: Uuid::nil(),
            round_id: Uuid::nil(),
            round: 1,
            specialty,
            reviewer: None,
            reviewer_name: None,
            allowed_days: allowed,
            accepted_on: accepted.into(),
            done_on: done.map(str::to_owned),
            due_on: None,
            clock: onetrip_domain::review::clock::ReviewClockState::Running,
        }
    }

    /// 2026-10-01 to 10-07 off (国庆), Saturday 10-10 worked (调休).
    fn national_day() -> Calendar {
        let mut days: Vec<CalendarDay> = (1..=7)
            .map(|d| CalendarDay {
                date: format!("2026-10-0{d}"),
                working: false,
                name: "国庆节".into(),
            })
            .collect();
        days.push(CalendarDay {
            date: "2026-10-10".into(),
            working: true,
            name: "国庆调休上班".into(),
        });
        Calendar::new(&days).unwrap()
    }

    #[test]
    fn tasks_count_working_days_in_the_holiday_calendar() {
        let calendar = national_day();
        // Accepted Wednesday 30 September, 5 days allowed: 8, 9, 10 (Saturday, worked),
        // 12, 13 October; due the 13th.
        let accepted = "2026-09-30";
        let on_time = task(Specialty::Architecture, accepted, 5, Some("2026-10-13"));
        let late = task(Specialty::Architecture, accepted, 5, Some("2026-10-14"));
        let open = task(Specialty::Structure, accepted, 5, None);
        let today = day("2026-10-15");
        assert_eq!(
            task_outcome(&on_time, None, &calendar, today),
            Some(TaskOutcome::Done {
                used: 5,
                late: false
            })
        );
        assert_eq!(
            task_outcome(&late, None, &calendar, today),
            Some(TaskOutcome::Done {
                used: 6,
                late: true
            })
        );
        assert_eq!(
            task_outcome(&open, None, &calendar, today),
            Some(TaskOutcome::Open { late: true })
        );
        assert_eq!(
            task_outcome(&open, None, &calendar, day("2026-10-13")),
            Some(TaskOutcome::Open { late: false })
        );
        let scope = ReviewScope { range: None, today };
        let stats = task_stats(&scope, &[on_time, late, open], &HashMap::new(), &calendar);
        let arch = stats.by_specialty[0];
        assert_eq!(arch.specialty, Some(Specialty::Architecture));
        assert_eq!(
            (arch.tasks, arch.done, arch.on_time, arch.late),
            (2, 2, 1, 1)
        );
        assert_eq!(arch.days_used_mean, Some(5.5));
        assert_eq!(arch.days_used_max, Some(6));
        assert_eq!(arch.days_allowed_mean, Some(5.0));
        assert_eq!(arch.on_time_rate, Some(0.5));
        let all = stats.all;
        assert_eq!((all.tasks, all.open, all.late_open, all.late), (3, 1, 1, 2));
        assert_eq!(all.on_time_rate, Some(1.0 / 3.0));
    }

    #[test]
    fn clauses_group_by_standard_and_edition() {
        assert_eq!(
            clause_parts("GB 50016-2014(2018年版) 第5.5.17条"),
            (
                "GB 50016-2014(2018年版) 第5.5.17条".to_owned(),
                "GB 50016-2014(2018年版)".to_owned()
            )
        );
        assert_eq!(clause_parts("GB 55037-2022 第4.1.3条").1, "GB 55037-2022");
        assert_eq!(clause_parts("某规范 第1条").1, "某规范");
    }

    #[test]
    fn a_range_covers_its_ends_and_nothing_undated() {
        let scope = ReviewScope {
            range: Some((day("2026-12-01"), day("2026-12-31"))),
            today: day("2026-12-31"),
        };
        assert!(scope.covers(Some("2026-12-01")));
        assert!(scope.covers(Some("2026-12-31")));
        assert!(!scope.covers(Some("2027-01-01")));
        assert!(!scope.covers(None));
        let all = ReviewScope {
            range: None,
            ..scope
        };
        assert!(all.covers(None));
    }
}
