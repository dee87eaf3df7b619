//! Joint drawing review (施工图联合审查): applicants register projects and submit rounds of
//! drawings from the portal; a round is accepted once its files passed intake and its sheet
//! list is confirmed, and one review task per required specialty starts its clock. The lead
//! assigns the tasks, the reviewers write opinions, the lead releases them to the applicant,
//! who answers them and submits the next round; open opinions follow their sheets.

use std::collections::{BTreeMap, BTreeSet};

use onetrip_api::command::CommandBody;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{
    IndexCheck, Opinion, OpinionState, Project, ProjectView, ReviewTask, Round, RoundFile,
    RoundState, RoundView, Sheet,
};
use onetrip_api::sync::EntityKind;
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::{Calendar, Day};
use onetrip_domain::review::SheetNumber;
use onetrip_domain::review::project::ProjectCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod certificate;
pub mod compare;
pub mod documents;
pub mod opinions;
pub mod plan;
pub mod routes;
pub mod sql;
pub mod staff;
pub mod stats;
pub mod upload;

use crate::actor::{Actor, refuse};
use crate::changes::ChangeRecord;
use crate::clock::center_day;
use crate::storage::{Conn, StorageResult, corrupt};

pub use plan::blockers;

/// The index sheet's rows, kept with the round it was found in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntries {
    pub sheet_id: Uuid,
    pub numbers: Vec<String>,
}

/// A checked change to one project: the records it writes, each put in the change log for
/// the project's readers (a draft opinion for its author alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewWrite {
    pub project_id: Uuid,
    pub projects: Vec<Project>,
    pub rounds: Vec<Round>,
    pub sheets: Vec<Sheet>,
    pub tasks: Vec<ReviewTask>,
    pub opinions: Vec<Opinion>,
    /// The round number new opinions were raised in.
    pub raised_in: Option<u32>,
    /// A file taken out of its round, with its sheets.
    pub removed_file: Option<(Uuid, Vec<Uuid>)>,
    /// Certificates issued or revoked, with the year they are numbered in.
    pub certificates: Vec<(onetrip_api::review::Certificate, i32)>,
    /// Sends the project's records again (a reviewer newly assigned has none of them).
    pub resend: bool,
    /// What the caller gets back.
    pub answer: Option<serde_json::Value>,
}

impl ReviewWrite {
    pub fn new(project_id: Uuid) -> ReviewWrite {
        ReviewWrite {
            project_id,
            projects: Vec::new(),
            rounds: Vec::new(),
            sheets: Vec::new(),
            tasks: Vec::new(),
            opinions: Vec::new(),
            raised_in: None,
            removed_file: None,
            certificates: Vec::new(),
            resend: false,
            answer: None,
        }
    }

    fn project(mut self, project: Project) -> ReviewWrite {
        self.projects.push(project);
        self
    }

    fn round(mut self, round: Round) -> ReviewWrite {
        self.rounds.push(round);
        self
    }

    fn with_answer(mut self, answer: &impl Serialize) -> ReviewWrite {
        self.answer = serde_json::to_value(answer).ok();
        self
    }

    pub async fn store(&self, conn: &mut Conn<'_>) -> StorageResult<()> {
        for project in &self.projects {
            sql::save_project(conn, project).await?;
        }
        for round in &self.rounds {
            sql::save_round(conn, round).await?;
        }
        sql::save_sheets(conn, &self.sheets).await?;
        if let Some((file, _)) = &self.removed_file {
            sql::remove_file(conn, *file).await?;
        }
        for task in &self.tasks {
            sql::save_task(conn, task).await?;
        }
        let rounds = sql::rounds_of(conn, self.project_id).await?;
        for opinion in &self.opinions {
            let raised_in = match self.raised_in {
                Some(number) => number,
                None => raised_in(opinion, &rounds),
            };
            sql::save_opinion(conn, opinion, raised_in).await?;
        }
        certificate::store(conn, &self.certificates).await
    }

    /// The change-log entries; with `resend`, `current` holds the project's records to send
    /// again.
    pub fn changes(
        &self,
        current: Option<&ProjectRecords>,
    ) -> Result<Vec<ChangeRecord>, serde_json::Error> {
        let project = self.project_id;
        let mut changes = Vec::new();
        if let (true, Some(records)) = (self.resend, current) {
            changes.extend(records.changes(project)?);
        }
        changes.extend(
            Records {
                projects: &self.projects,
                rounds: &self.rounds,
                files: &[],
                sheets: &self.sheets,
                tasks: &self.tasks,
                opinions: &self.opinions,
                certificates: self.certificates.iter().map(|(c, _)| c).collect(),
            }
            .changes(project)?,
        );
        if let Some((file, sheets)) = &self.removed_file {
            changes.push(
                ChangeRecord::delete(EntityKind::ReviewFile, *file, None).in_project(project),
            );
            for sheet in sheets {
                changes.push(
                    ChangeRecord::delete(EntityKind::ReviewSheet, *sheet, None).in_project(project),
                );
            }
        }
        Ok(changes)
    }

    pub fn record(&self) -> Option<serde_json::Value> {
        self.answer.clone()
    }
}

/// The round number an opinion was raised in, from its code (结-R1-07).
fn raised_in(opinion: &Opinion, rounds: &[Round]) -> u32 {
    onetrip_domain::review::opinion::OpinionCode::parse(&opinion.code)
        .map(|code| code.round)
        .or_else(|| {
            rounds
                .iter()
                .find(|r| r.id == opinion.round_id)
                .map(|r| r.number)
        })
        .unwrap_or(1)
}

/// An opinion's change: a draft reaches its author alone.
fn opinion_change(opinion: &Opinion) -> Result<ChangeRecord, serde_json::Error> {
    let change = upsert(
        EntityKind::ReviewOpinion,
        opinion.id,
        opinion,
        opinion.project_id,
    )?;
    Ok(if opinion.state == OpinionState::Draft {
        change.private_to(opinion.author)
    } else {
        change
    })
}

/// Records of `project` written, as their changes.
fn upserts<'a, T: Serialize + 'a>(
    kind: EntityKind,
    project: Uuid,
    records: impl IntoIterator<Item = (Uuid, &'a T)>,
) -> Result<Vec<ChangeRecord>, serde_json::Error> {
    records
        .into_iter()
        .map(|(id, record)| upsert(kind, id, record, project))
        .collect()
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

/// Everything a project holds, as read for sending again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectRecords {
    pub project: Option<Project>,
    pub rounds: Vec<Round>,
    pub files: Vec<RoundFile>,
    pub sheets: Vec<Sheet>,
    pub tasks: Vec<ReviewTask>,
    pub opinions: Vec<Opinion>,
    pub certificate: Option<onetrip_api::review::Certificate>,
}

impl ProjectRecords {
    pub async fn read(conn: &mut Conn<'_>, project: Uuid) -> StorageResult<ProjectRecords> {
        let mut records = ProjectRecords {
            project: sql::project(conn, project).await?,
            rounds: sql::rounds_of(conn, project).await?,
            tasks: sql::tasks_of(conn, project).await?,
            opinions: sql::opinions_of(conn, project).await?,
            certificate: sql::certificate_of(conn, project).await?,
            ..ProjectRecords::default()
        };
        for round in &records.rounds {
            records.files.extend(sql::files_of(conn, round.id).await?);
            records.sheets.extend(sql::sheets_of(conn, round.id).await?);
        }
        Ok(records)
    }

    fn changes(&self, project: Uuid) -> Result<Vec<ChangeRecord>, serde_json::Error> {
        Records {
            projects: self.project.as_slice(),
            rounds: &self.rounds,
            files: &self.files,
            sheets: &self.sheets,
            tasks: &self.tasks,
            opinions: &self.opinions,
            certificates: self.certificate.iter().collect(),
        }
        .changes(project)
    }
}

/// A project's records of every kind, as change-log entries for its readers.
struct Records<'a> {
    projects: &'a [Project],
    rounds: &'a [Round],
    files: &'a [RoundFile],
    sheets: &'a [Sheet],
    tasks: &'a [ReviewTask],
    opinions: &'a [Opinion],
    certificates: Vec<&'a onetrip_api::review::Certificate>,
}

impl Records<'_> {
    fn changes(&self, project: Uuid) -> Result<Vec<ChangeRecord>, serde_json::Error> {
        let mut changes = upserts(
            EntityKind::ReviewProject,
            project,
            self.projects.iter().map(|r| (r.id, r)),
        )?;
        changes.extend(upserts(
            EntityKind::ReviewRound,
            project,
            self.rounds.iter().map(|r| (r.id, r)),
        )?);
        changes.extend(upserts(
            EntityKind::ReviewFile,
            project,
            self.files.iter().map(|r| (r.id, r)),
        )?);
        changes.extend(upserts(
            EntityKind::ReviewSheet,
            project,
            self.sheets.iter().map(|r| (r.id, r)),
        )?);
        changes.extend(upserts(
            EntityKind::ReviewTask,
            project,
            self.tasks.iter().map(|r| (r.id, r)),
        )?);
        for record in self.opinions {
            changes.push(opinion_change(record)?);
        }
        changes.extend(upserts(
            EntityKind::ReviewCertificate,
            project,
            self.certificates.iter().map(|r| (r.id, *r)),
        )?);
        Ok(changes)
    }
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

/// Whether `actor` may see the project: its organisation's applicants, the review leads
/// (supervisors and administrators), and the reviewers assigned to it.
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

/// The project `id` if `actor` may see it.
async fn visible_project(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
) -> StorageResult<Result<Project, ApiError>> {
    Ok(match sql::project(conn, id).await? {
        Some(project) if may_see(conn, actor, &project).await? => Ok(project),
        _ => Err(not_found(actor)),
    })
}

/// The project `id` if `actor` may change it as its applicant.
async fn own_project(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
) -> StorageResult<Result<Project, ApiError>> {
    if actor.role() != Role::Applicant {
        return Ok(Err(not_found(actor)));
    }
    visible_project(conn, actor, id).await
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

/// The task's due day and clock as the calendar and `today` say.
pub fn task_with_clock(task: ReviewTask, calendar: &Calendar, today: Day) -> ReviewTask {
    task.with_clock(calendar, today)
}

/// Reads what a review command needs and plans it.
pub async fn plan_command(
    conn: &mut Conn<'_>,
    actor: &Actor,
    body: &CommandBody,
    calendar: &Calendar,
    now_ms: i64,
) -> StorageResult<Result<ReviewWrite, ApiError>> {
    let applicants = body.is_applicants();
    if applicants != (actor.role() == Role::Applicant) {
        return Ok(Err(refuse(
            actor,
            ErrorCode::Forbidden,
            if applicants {
                "applicants_only"
            } else {
                "staff_only"
            },
            if applicants {
                "该操作由申请人在网上申报平台办理".into()
            } else {
                "该操作只能由中心工作人员办理".into()
            },
            if applicants {
                "Applicants do this in the portal".into()
            } else {
                "Only the center's staff do this".into()
            },
        )));
    }
    macro_rules! try_plan {
        ($e:expr) => {
            match $e {
                Ok(value) => value,
                Err(error) => return Ok(Err(error)),
            }
        };
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
                plan::plan_register(actor, draft, &profile.credit_code, code_taken, now_ms)
            }
        }
        CommandBody::ConfirmSheets { round_id, sheets } => {
            let (project, round) = try_plan!(preparing_round(conn, actor, *round_id).await?);
            let stored = sql::sheets_of(conn, round.id).await?;
            plan::plan_sheets(actor, &project, &stored, sheets)
        }
        CommandBody::RemoveFile { round_id, file_id } => {
            let (project, round) = try_plan!(preparing_round(conn, actor, *round_id).await?);
            let files = sql::files_of(conn, round.id).await?;
            if files.iter().any(|file| file.id == *file_id) {
                let sheets = sql::sheets_of(conn, round.id).await?;
                Ok(ReviewWrite {
                    removed_file: Some((
                        *file_id,
                        sheets
                            .iter()
                            .filter(|s| s.file_id == *file_id)
                            .map(|s| s.id)
                            .collect(),
                    )),
                    ..ReviewWrite::new(project.id)
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
        CommandBody::SubmitRound { round_id } => {
            let (project, round) = try_plan!(preparing_round(conn, actor, *round_id).await?);
            let files = sql::files_of(conn, round.id).await?.len();
            let sheets = sql::sheets_of(conn, round.id).await?;
            let rounds = sql::rounds_of(conn, project.id).await?;
            let previous_sheets = match rounds.iter().rev().find(|r| r.number < round.number) {
                Some(previous) => sql::sheets_of(conn, previous.id).await?,
                None => Vec::new(),
            };
            let opinions = sql::opinions_of(conn, project.id).await?;
            let view = plan::SubmitView {
                files,
                sheets: &sheets,
                previous_sheets: &previous_sheets,
                opinions: &opinions,
            };
            plan::plan_submit(actor, &project, &round, &view, calendar, now_ms)
        }
        CommandBody::OpenRound {
            project_id,
            round_id,
        } => {
            let project = try_plan!(own_project(conn, actor, *project_id).await?);
            if sql::round(conn, *round_id).await?.is_some() {
                return Ok(Err(refuse(
                    actor,
                    ErrorCode::Conflict,
                    "round_exists",
                    "这一轮已开始".into(),
                    "This round is already open".into(),
                )));
            }
            let rounds = sql::rounds_of(conn, project.id).await?;
            plan::plan_open_round(actor, &project, &rounds, *round_id, now_ms)
        }
        CommandBody::AssignTask {
            task_id,
            reviewer_id,
        } => {
            let Some(task) = sql::task(conn, *task_id).await? else {
                return Ok(Err(refuse(
                    actor,
                    ErrorCode::NotFound,
                    "task_not_found",
                    "没有这项审查任务".into(),
                    "No such review task".into(),
                )));
            };
            let reviewer = crate::auth::sql::account_by_id(conn, *reviewer_id).await?;
            opinions::plan_assign(actor, &task, reviewer.as_ref())
        }
        CommandBody::SaveOpinion(draft) => {
            let Some(round) = sql::round(conn, draft.round_id).await? else {
                return Ok(Err(not_found(actor)));
            };
            let project = try_plan!(visible_project(conn, actor, round.project_id).await?);
            let sheets = sql::sheets_of(conn, round.id).await?;
            let tasks = sql::tasks_of(conn, project.id).await?;
            let existing = sql::opinion(conn, draft.id).await?;
            if existing
                .as_ref()
                .is_some_and(|o| o.project_id != project.id)
            {
                return Ok(Err(not_found(actor)));
            }
            let specialty = serde_json::to_value(draft.specialty).map_err(corrupt)?;
            let raised = sql::count_raised(
                conn,
                project.id,
                specialty.as_str().unwrap_or_default(),
                round.number,
            )
            .await?;
            let context = opinions::OpinionContext {
                project: &project,
                round: &round,
                sheets: &sheets,
                tasks: &tasks,
                existing: existing.as_ref(),
                raised: u32::try_from(raised).unwrap_or(u32::MAX),
            };
            opinions::plan_save(actor, draft, &context, now_ms)
        }
        CommandBody::ReleaseOpinions { round_id } => {
            let Some(round) = sql::round(conn, *round_id).await? else {
                return Ok(Err(not_found(actor)));
            };
            let project = try_plan!(visible_project(conn, actor, round.project_id).await?);
            let tasks = sql::tasks_of(conn, project.id).await?;
            let all = sql::opinions_of(conn, project.id).await?;
            opinions::plan_release(actor, &project, &round, &tasks, &all, now_ms)
        }
        CommandBody::ReplyOpinion(reply) => {
            let Some(opinion) = sql::opinion(conn, reply.opinion_id).await? else {
                return Ok(Err(not_found(actor)));
            };
            let project = try_plan!(own_project(conn, actor, opinion.project_id).await?);
            if opinion.state == OpinionState::Draft {
                return Ok(Err(not_found(actor)));
            }
            opinions::plan_reply(actor, &project, &opinion, reply)
        }
        CommandBody::CloseOpinion { opinion_id }
        | CommandBody::ReopenOpinion { opinion_id }
        | CommandBody::PlaceOpinion { opinion_id, .. } => {
            let Some(opinion) = sql::opinion(conn, *opinion_id).await? else {
                return Ok(Err(not_found(actor)));
            };
            let project = try_plan!(visible_project(conn, actor, opinion.project_id).await?);
            let tasks = sql::tasks_of(conn, project.id).await?;
            let sheets = sql::sheets_of(conn, opinion.round_id).await?;
            let decision = match body {
                CommandBody::CloseOpinion { .. } => opinions::Decision::Close,
                CommandBody::ReopenOpinion { .. } => opinions::Decision::Reopen,
                CommandBody::PlaceOpinion { sheet_number, .. } => {
                    opinions::Decision::Place(sheet_number)
                }
                _ => return Ok(Err(not_found(actor))),
            };
            let mut write = try_plan!(opinions::plan_decide(
                actor, &project, &opinion, &tasks, &sheets, decision
            ));
            // Reopening an opinion reopens a certified project: its certificate is revoked.
            if let opinions::Decision::Reopen = decision
                && let Some(current) = sql::certificate_of(conn, project.id).await?
                && current.revoked.is_none()
            {
                certificate::revoke(&mut write, &project, &current, &opinion, now_ms);
            }
            Ok(write)
        }
        CommandBody::IssueCertificate(draft) => {
            return certificate::plan_issue(conn, actor, draft, now_ms).await;
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
    opinions: &[Opinion],
) -> StorageResult<RoundView> {
    let files = sql::files_of(conn, round.id).await?;
    let sheets = sql::sheets_of(conn, round.id).await?;
    let index = sql::index_entries(conn, round.id)
        .await?
        .map(|entries| index_check(&entries, &sheets));
    let blockers = if round.state == RoundState::Preparing {
        let waiting = if round.number > 1 {
            plan::unreplied(opinions)
        } else {
            0
        };
        blockers(project, files.len(), &sheets, waiting)
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

/// The project `id` as `actor` sees it, with the clocks in today's calendar; `None` when there
/// is no such project or it is not theirs to see.
pub async fn read_project(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
    config: &crate::storage::VersionCache<onetrip_api::config::ConfigSnapshot>,
    now_ms: i64,
) -> StorageResult<Option<ProjectView>> {
    let Ok(project) = visible_project(conn, actor, id).await? else {
        return Ok(None);
    };
    let snapshot = crate::config::sql::cached_snapshot(conn, config).await?;
    let calendar = crate::config::working_calendar(&snapshot);
    Ok(Some(
        project_view(conn, actor, project, &calendar, now_ms).await?,
    ))
}

/// Reviewer accounts and the leads who may take a specialty on themselves, each with the
/// specialty their account is kept with (none for a lead: any).
pub async fn reviewers(conn: &mut Conn<'_>) -> StorageResult<Vec<onetrip_api::review::Reviewer>> {
    let mut reviewers = Vec::new();
    for (id, display_name, specialty) in sql::reviewers(conn).await? {
        let id = crate::storage::uuid(&id)?;
        let account = onetrip_api::auth::Account {
            id,
            username: String::new(),
            display_name: display_name.clone(),
            role: Role::Reviewer,
            site_id: None,
            specialty,
        };
        reviewers.push(onetrip_api::review::Reviewer {
            id,
            display_name,
            specialty: opinions::specialty_of(&account),
        });
    }
    Ok(reviewers)
}

/// The blob of a round's file, if `actor` may see its project.
pub async fn file_blob(
    conn: &mut Conn<'_>,
    actor: &Actor,
    file: Uuid,
) -> StorageResult<Option<crate::blobs::BlobId>> {
    let Some(file) = sql::file(conn, file).await? else {
        return Ok(None);
    };
    let Some(round) = sql::round(conn, file.round_id).await? else {
        return Ok(None);
    };
    if visible_project(conn, actor, round.project_id)
        .await?
        .is_err()
    {
        return Ok(None);
    }
    Ok(crate::blobs::BlobId::parse(&file.blob))
}

/// The project a round's file belongs to.
pub async fn project_of_file(conn: &mut Conn<'_>, file: Uuid) -> StorageResult<Option<Uuid>> {
    let Some(file) = sql::file(conn, file).await? else {
        return Ok(None);
    };
    Ok(sql::round(conn, file.round_id).await?.map(|r| r.project_id))
}

/// A project as `actor` sees it: an applicant sees released opinions only, a reviewer their
/// own drafts besides.
pub async fn project_view(
    conn: &mut Conn<'_>,
    actor: &Actor,
    project: Project,
    calendar: &Calendar,
    now_ms: i64,
) -> StorageResult<ProjectView> {
    let opinions: Vec<Opinion> = sql::opinions_of(conn, project.id)
        .await?
        .into_iter()
        .filter(|o| {
            o.state != OpinionState::Draft
                || (actor.role() != Role::Applicant
                    && (o.author == actor.account.id || opinions::is_lead(actor)))
        })
        .collect();
    let mut rounds = Vec::new();
    for round in sql::rounds_of(conn, project.id).await? {
        rounds.push(round_view(conn, &project, round, &opinions).await?);
    }
    let today = center_day(now_ms);
    let tasks: Vec<ReviewTask> = sql::tasks_of(conn, project.id)
        .await?
        .into_iter()
        .map(|task| task_with_clock(task, calendar, today))
        .collect();
    let certificate_blockers = onetrip_api::review::certificate_blockers(
        &project,
        &rounds.iter().map(|r| r.round.clone()).collect::<Vec<_>>(),
        &tasks,
        &opinions,
    );
    let certificate = sql::certificate_of(conn, project.id).await?;
    Ok(ProjectView {
        project,
        rounds,
        tasks,
        opinions,
        certificate_blockers,
        certificate,
    })
}
