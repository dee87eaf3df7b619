//! Joint drawing review (施工图联合审查): applicants register projects and submit rounds of
//! drawings from the portal; a round is accepted once its files passed intake and its sheet
//! list is confirmed, and one review task per required specialty starts its clock.

use std::collections::{BTreeMap, BTreeSet};

use onetrip_api::command::CommandBody;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{
    IndexCheck, Project, ProjectDraft, ProjectState, ReadingSource, ReviewTask, Round, RoundState,
    RoundView, Sheet, SheetEdit, SubmitBlocker,
};
use onetrip_api::sync::EntityKind;
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::{Calendar, Day};
use onetrip_domain::input::echo;
use onetrip_domain::review::clock::ReviewClock;
use onetrip_domain::review::project::{ProjectCode, parse_floor_area};
use onetrip_domain::review::{SheetNumber, Specialty};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod routes;
pub mod sql;
pub mod upload;

use crate::actor::{Actor, refuse};
use crate::changes::ChangeRecord;
use crate::clock::{center_date, center_day};
use crate::storage::{Conn, StorageResult};

/// Working days a specialty has for the first round, and for each later one.
pub const FIRST_ROUND_DAYS: u32 = 10;
pub const LATER_ROUND_DAYS: u32 = 5;

/// The index sheet's rows, kept with the round it was found in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntries {
    pub sheet_id: Uuid,
    pub numbers: Vec<String>,
}

/// A checked change to a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewWrite {
    Register {
        project: Project,
        round: Round,
    },
    Sheets {
        project: Uuid,
        sheets: Vec<Sheet>,
    },
    RemoveFile {
        project: Uuid,
        round: Uuid,
        file: Uuid,
        sheets: Vec<Uuid>,
    },
    Submit {
        project: Project,
        round: Round,
        tasks: Vec<ReviewTask>,
    },
}

impl ReviewWrite {
    pub async fn store(&self, conn: &mut Conn<'_>) -> StorageResult<()> {
        match self {
            ReviewWrite::Register { project, round } => {
                sql::save_project(conn, project).await?;
                sql::save_round(conn, round).await
            }
            ReviewWrite::Sheets { sheets, .. } => sql::save_sheets(conn, sheets).await,
            ReviewWrite::RemoveFile { file, .. } => sql::remove_file(conn, *file).await,
            ReviewWrite::Submit {
                project,
                round,
                tasks,
            } => {
                sql::save_project(conn, project).await?;
                sql::save_round(conn, round).await?;
                for task in tasks {
                    sql::save_task(conn, task).await?;
                }
                Ok(())
            }
        }
    }

    /// The change-log entries, each visible only to the project's readers.
    pub fn changes(&self) -> Result<Vec<ChangeRecord>, serde_json::Error> {
        match self {
            ReviewWrite::Register { project, round } => Ok(vec![
                upsert(EntityKind::ReviewProject, project.id, project, project.id)?,
                upsert(EntityKind::ReviewRound, round.id, round, project.id)?,
            ]),
            ReviewWrite::Sheets { project, sheets } => sheets
                .iter()
                .map(|sheet| upsert(EntityKind::ReviewSheet, sheet.id, sheet, *project))
                .collect(),
            ReviewWrite::RemoveFile {
                project,
                file,
                sheets,
                ..
            } => Ok(std::iter::once(*file)
                .map(|id| ChangeRecord::delete(EntityKind::ReviewFile, id, None))
                .chain(
                    sheets
                        .iter()
                        .map(|id| ChangeRecord::delete(EntityKind::ReviewSheet, *id, None)),
                )
                .map(|change| change.in_project(*project))
                .collect()),
            ReviewWrite::Submit {
                project,
                round,
                tasks,
            } => {
                let mut changes = vec![
                    upsert(EntityKind::ReviewProject, project.id, project, project.id)?,
                    upsert(EntityKind::ReviewRound, round.id, round, project.id)?,
                ];
                for task in tasks {
                    changes.push(upsert(EntityKind::ReviewTask, task.id, task, project.id)?);
                }
                Ok(changes)
            }
        }
    }

    pub fn record(&self) -> Option<serde_json::Value> {
        match self {
            ReviewWrite::Register { project, .. } | ReviewWrite::Submit { project, .. } => {
                serde_json::to_value(project).ok()
            }
            _ => None,
        }
    }
}

/// A record of `project` written, as its change.
fn upsert<T: Serialize>(
    kind: EntityKind,
    id: Uuid,
    data: &T,
    project: Uuid,
) -> Result<ChangeRecord, serde_json::Error> {
    ChangeRecord::upsert(kind, id, data, None).map(|change| change.in_project(project))
}

fn invalid(actor: &Actor, reason: &str, zh: String, en: String) -> ApiError {
    refuse(actor, ErrorCode::Invalid, reason, zh, en)
}

fn not_found(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::NotFound,
        "project_not_found",
        "没有这个项目，或您无权查看".into(),
        "No such project, or it is not yours to see".into(),
    )
}

/// Whether `actor` may see the project: its organisation's applicants, and the review
/// leads (supervisors and administrators). Reviewers see their assigned projects.
pub async fn may_see(conn: &mut Conn<'_>, actor: &Actor, project: &Project) -> StorageResult<bool> {
    Ok(match actor.role() {
        Role::Applicant => crate::portal::sql::profile(conn, actor.account.id)
            .await?
            .is_some_and(|profile| profile.credit_code == project.organisation),
        Role::Admin | Role::Supervisor => true,
        Role::Reviewer => sql::tasks_of(conn, project.id)
            .await?
            .iter()
            .any(|task| task.reviewer == Some(actor.account.id)),
        _ => false,
    })
}

/// The project `id` if `actor` may change it as its applicant.
async fn own_project(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
) -> StorageResult<Result<Project, ApiError>> {
    let project = match sql::project(conn, id).await? {
        Some(project)
            if actor.role() == Role::Applicant && may_see(conn, actor, &project).await? =>
        {
            project
        }
        _ => return Ok(Err(not_found(actor))),
    };
    Ok(Ok(project))
}

/// The round `id` of one of the actor's projects, still being prepared.
async fn preparing_round(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
) -> StorageResult<Result<(Project, Round), ApiError>> {
    let Some(round) = sql::round(conn, id).await? else {
        return Ok(Err(not_found(actor)));
    };
    let project = match own_project(conn, actor, round.project_id).await? {
        Ok(project) => project,
        Err(error) => return Ok(Err(error)),
    };
    if round.state != RoundState::Preparing {
        return Ok(Err(invalid(
            actor,
            "round_submitted",
            format!("第 {} 轮已提交，不能再修改", round.number),
            format!(
                "Round {} is submitted and can no longer change",
                round.number
            ),
        )));
    }
    Ok(Ok((project, round)))
}

fn text_field(
    actor: &Actor,
    value: &str,
    max: usize,
    reason: &str,
    zh: &str,
    en: &str,
) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(invalid(
            actor,
            reason,
            format!("请填写{zh}（{max} 字以内）"),
            format!("Enter the {en} (up to {max} characters)"),
        ));
    }
    Ok(value.to_owned())
}

/// A new project, registered by an applicant for their organisation, with its first round.
fn plan_register(
    actor: &Actor,
    draft: &ProjectDraft,
    organisation: &str,
    code_taken: bool,
    now_ms: i64,
) -> Result<ReviewWrite, ApiError> {
    let code = ProjectCode::parse(&draft.code, center_day(now_ms)).map_err(|error| {
        ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
    })?;
    if code_taken {
        return Err(refuse(
            actor,
            ErrorCode::Conflict,
            "project_code_taken",
            format!("项目代码 {code} 已登记过，请在项目列表中找到它"),
            format!("The project code {code} is already registered; find it in the list"),
        ));
    }
    let name = text_field(
        actor,
        &draft.name,
        100,
        "project_name",
        "项目名称",
        "project's name",
    )?;
    let builder = text_field(actor, &draft.builder, 100, "builder", "建设单位", "builder")?;
    let designer = text_field(
        actor,
        &draft.designer,
        100,
        "designer",
        "设计单位",
        "designer",
    )?;
    let town = text_field(actor, &draft.town, 50, "town", "所在乡镇（街道）", "town")?;
    let floor_area_m2 = parse_floor_area(&draft.floor_area_m2).map_err(|error| {
        ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
    })?;
    let mut specialties = draft
        .specialties
        .clone()
        .unwrap_or_else(|| draft.kind.default_specialties());
    specialties.sort();
    specialties.dedup();
    if specialties.is_empty() {
        return Err(invalid(
            actor,
            "no_specialty",
            "请至少选择一个审查专业".into(),
            "Choose at least one specialty".into(),
        ));
    }
    let project = Project {
        id: draft.id,
        code: code.to_string(),
        name,
        builder,
        designer,
        town,
        kind: draft.kind,
        floor_area_m2,
        specialties,
        organisation: organisation.to_owned(),
        registered_by: actor.account.id,
        registered_at_ms: now_ms,
        state: ProjectState::Preparing,
        current_round: 1,
    };
    let round = Round {
        id: draft.first_round_id,
        project_id: project.id,
        number: 1,
        state: RoundState::Preparing,
        opened_at_ms: now_ms,
        accepted_on: None,
    };
    Ok(ReviewWrite::Register { project, round })
}

/// The applicant's numbers and titles applied to the round's sheets.
fn plan_sheets(
    actor: &Actor,
    project: &Project,
    sheets: &[Sheet],
    edits: &[SheetEdit],
) -> Result<ReviewWrite, ApiError> {
    let by_id: BTreeMap<Uuid, &Sheet> = sheets.iter().map(|sheet| (sheet.id, sheet)).collect();
    let mut changed = Vec::with_capacity(edits.len());
    for edit in edits {
        let Some(sheet) = by_id.get(&edit.sheet_id) else {
            return Err(refuse(
                actor,
                ErrorCode::NotFound,
                "sheet_not_found",
                "图纸不在本轮中".into(),
                "The sheet is not in this round".into(),
            ));
        };
        let number = SheetNumber::parse(&edit.number).map_err(|error| {
            ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
        })?;
        let title = edit.title.trim();
        if title.chars().count() > 100 {
            return Err(invalid(
                actor,
                "sheet_title",
                format!("图名“{}”太长（100 字以内）", echo(title)),
                format!("The sheet title “{}” is too long (up to 100)", echo(title)),
            ));
        }
        changed.push(Sheet {
            number: Some(number.to_string()),
            title: title.to_owned(),
            specialty: number.specialty(),
            confidence: 100,
            source: Some(ReadingSource::Applicant),
            ..(*sheet).clone()
        });
    }
    Ok(ReviewWrite::Sheets {
        project: project.id,
        sheets: changed,
    })
}

/// What keeps a round of `project` with these sheets from being submitted.
pub fn blockers(project: &Project, files: usize, sheets: &[Sheet]) -> Vec<SubmitBlocker> {
    let mut blockers = Vec::new();
    if files == 0 {
        blockers.push(SubmitBlocker::NoFiles);
        return blockers;
    }
    let unnumbered = sheets.iter().filter(|s| s.number.is_none()).count();
    if unnumbered > 0 {
        blockers.push(SubmitBlocker::Unnumbered {
            sheets: u32::try_from(unnumbered).unwrap_or(u32::MAX),
        });
    }
    let mut seen = BTreeSet::new();
    let mut duplicates = BTreeSet::new();
    for number in sheets.iter().filter_map(|s| s.number.as_deref()) {
        if !seen.insert(number) {
            duplicates.insert(number.to_owned());
        }
    }
    blockers.extend(
        duplicates
            .into_iter()
            .map(|number| SubmitBlocker::DuplicateNumber { number }),
    );
    let unconfirmed = sheets
        .iter()
        .filter(|s| s.number.is_some() && s.source != Some(ReadingSource::Applicant))
        .count();
    if unconfirmed > 0 {
        blockers.push(SubmitBlocker::Unconfirmed {
            sheets: u32::try_from(unconfirmed).unwrap_or(u32::MAX),
        });
    }
    let covered: BTreeSet<Specialty> = sheets.iter().filter_map(|s| s.specialty).collect();
    blockers.extend(
        project
            .specialties
            .iter()
            .filter(|specialty| !covered.contains(specialty))
            .map(|specialty| SubmitBlocker::SpecialtyMissing {
                specialty: *specialty,
            }),
    );
    blockers
}

/// The index sheet's numbers compared with the round's.
pub fn index_check(entries: &IndexEntries, sheets: &[Sheet]) -> IndexCheck {
    let canonical = |text: &str| {
        SheetNumber::parse(text)
            .map(|n| n.to_string())
            .unwrap_or_else(|_| text.to_owned())
    };
    let listed: BTreeSet<String> = entries.numbers.iter().map(|n| canonical(n)).collect();
    let mut submitted = BTreeMap::<String, u32>::new();
    for sheet in sheets.iter().filter(|s| s.id != entries.sheet_id) {
        if let Some(number) = &sheet.number {
            *submitted.entry(number.clone()).or_default() += 1;
        }
    }
    IndexCheck {
        index_sheet: entries.sheet_id,
        missing: listed
            .iter()
            .filter(|n| !submitted.contains_key(*n))
            .cloned()
            .collect(),
        extra: submitted
            .keys()
            .filter(|n| !listed.contains(*n) && n.as_str() != "目录")
            .cloned()
            .collect(),
        duplicate: submitted
            .iter()
            .filter(|(_, count)| **count > 1)
            .map(|(n, _)| n.clone())
            .collect(),
    }
}

/// The round accepted today, and one task per required specialty.
fn plan_submit(
    actor: &Actor,
    project: &Project,
    round: &Round,
    files: usize,
    sheets: &[Sheet],
    calendar: &Calendar,
    now_ms: i64,
) -> Result<ReviewWrite, ApiError> {
    let blocking = blockers(project, files, sheets);
    if !blocking.is_empty() {
        return Err(invalid(
            actor,
            "round_blocked",
            "本轮还不能提交：请先处理页面上列出的问题".into(),
            "The round cannot be submitted yet: resolve the problems listed".into(),
        ));
    }
    let today = center_date(now_ms);
    let accepted = center_day(now_ms);
    let allowed = if round.number == 1 {
        FIRST_ROUND_DAYS
    } else {
        LATER_ROUND_DAYS
    };
    let clock = ReviewClock {
        accepted,
        allowed,
        pauses: vec![],
    };
    let tasks = project
        .specialties
        .iter()
        .map(|specialty| ReviewTask {
            id: Uuid::new_v5(
                &round.id,
                format!("task:{}", specialty.initial()).as_bytes(),
            ),
            project_id: project.id,
            round_id: round.id,
            specialty: *specialty,
            reviewer: None,
            allowed_days: allowed,
            due_on: clock.due(calendar).map(|day: Day| day.to_string()),
            clock: clock.state(calendar, accepted, false),
        })
        .collect();
    Ok(ReviewWrite::Submit {
        project: Project {
            state: ProjectState::InReview,
            ..project.clone()
        },
        round: Round {
            state: RoundState::Accepted,
            accepted_on: Some(today),
            ..round.clone()
        },
        tasks,
    })
}

/// Reads what a review command needs and plans it.
pub async fn plan_command(
    conn: &mut Conn<'_>,
    actor: &Actor,
    body: &CommandBody,
    calendar: &Calendar,
    now_ms: i64,
) -> StorageResult<Result<ReviewWrite, ApiError>> {
    if actor.role() != Role::Applicant {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "applicants_only",
            "该操作由申请人在网上申报平台办理".into(),
            "Applicants do this in the portal".into(),
        )));
    }
    Ok(match body {
        CommandBody::RegisterProject(draft) => {
            let Some(profile) = crate::portal::sql::profile(conn, actor.account.id).await? else {
                return Ok(Err(not_found(actor)));
            };
            let code_taken = match ProjectCode::parse(&draft.code, center_day(now_ms)) {
                Ok(code) => sql::project_by_code(conn, code.as_str()).await?.is_some(),
                Err(_) => false,
            };
            let exists = sql::project(conn, draft.id).await?.is_some()
                || sql::round(conn, draft.first_round_id).await?.is_some();
            if exists {
                Err(refuse(
                    actor,
                    ErrorCode::Conflict,
                    "project_exists",
                    "该项目已登记".into(),
                    "The project is already registered".into(),
                ))
            } else {
                plan_register(actor, draft, &profile.credit_code, code_taken, now_ms)
            }
        }
        CommandBody::ConfirmSheets { round_id, sheets } => {
            match preparing_round(conn, actor, *round_id).await? {
                Ok((project, round)) => {
                    let stored = sql::sheets_of(conn, round.id).await?;
                    plan_sheets(actor, &project, &stored, sheets)
                }
                Err(error) => Err(error),
            }
        }
        CommandBody::RemoveFile { round_id, file_id } => {
            match preparing_round(conn, actor, *round_id).await? {
                Ok((project, round)) => {
                    let files = sql::files_of(conn, round.id).await?;
                    if files.iter().any(|file| file.id == *file_id) {
                        let sheets = sql::sheets_of(conn, round.id).await?;
                        Ok(ReviewWrite::RemoveFile {
                            project: project.id,
                            round: round.id,
                            file: *file_id,
                            sheets: sheets
                                .iter()
                                .filter(|s| s.file_id == *file_id)
                                .map(|s| s.id)
                                .collect(),
                        })
                    } else {
                        Err(refuse(
                            actor,
                            ErrorCode::NotFound,
                            "file_not_found",
                            "文件不在本轮中".into(),
                            "The file is not in this round".into(),
                        ))
                    }
                }
                Err(error) => Err(error),
            }
        }
        CommandBody::SubmitRound { round_id } => {
            match preparing_round(conn, actor, *round_id).await? {
                Ok((project, round)) => {
                    let files = sql::files_of(conn, round.id).await?.len();
                    let sheets = sql::sheets_of(conn, round.id).await?;
                    plan_submit(actor, &project, &round, files, &sheets, calendar, now_ms)
                }
                Err(error) => Err(error),
            }
        }
        _ => Err(refuse(
            actor,
            ErrorCode::BadRequest,
            "not_review",
            "不是审图操作".into(),
            "Not a drawing-review command".into(),
        )),
    })
}

/// A round with its files, sheets, index check and blockers.
pub async fn round_view(
    conn: &mut Conn<'_>,
    project: &Project,
    round: Round,
) -> StorageResult<RoundView> {
    let files = sql::files_of(conn, round.id).await?;
    let sheets = sql::sheets_of(conn, round.id).await?;
    let index = sql::index_entries(conn, round.id)
        .await?
        .map(|entries| index_check(&entries, &sheets));
    let blockers = if round.state == RoundState::Preparing {
        blockers(project, files.len(), &sheets)
    } else {
        Vec::new()
    };
    Ok(RoundView {
        round,
        files,
        sheets,
        index,
        blockers,
    })
}
