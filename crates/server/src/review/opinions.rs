//! Planning the review itself: the lead assigns each specialty's task and releases the round's
//! opinions; reviewers write opinions (drafts, private until released), close and reopen them
//! and place carried ones; the applicant answers them.

use onetrip_api::auth::Account;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{
    Carried, Markup, MarkupShape, Opinion, OpinionDraft, OpinionReply, OpinionState, Project,
    ProjectState, ReplyKind, ReviewTask, Round, RoundState, Sheet,
};
use onetrip_domain::auth::Role;
use onetrip_domain::input::echo;
use onetrip_domain::review::clauses::superseded;
use onetrip_domain::review::opinion::{Clause, OpinionCode};
use onetrip_domain::review::{SheetNumber, Specialty};
use uuid::Uuid;

use super::{ReviewWrite, invalid};
use crate::actor::{Actor, refuse};
use crate::clock::center_date;

/// Most markups on one opinion, and the farthest a coordinate may be from the origin (tenths
/// of a point: a sheet of 100 m).
const MAX_MARKUPS: usize = 50;
const MAX_COORDINATE: i32 = 2_834_645;

/// Supervisors and administrators lead the review.
pub fn is_lead(actor: &Actor) -> bool {
    matches!(actor.role(), Role::Admin | Role::Supervisor)
}

fn lead_only(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::Forbidden,
        "review_lead_only",
        "只有审查负责人（科室负责人或管理员）可以这样做".into(),
        "Only the review lead (a supervisor or administrator) may do this".into(),
    )
}

/// The specialty an account reviews, from the name kept with the account (建筑, 结构 …).
pub fn specialty_of(account: &Account) -> Option<Specialty> {
    let named = account.specialty.as_deref()?.trim();
    Specialty::ALL.into_iter().find(|s| {
        s.name_zh() == named
            || serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(|n| n == named))
                .unwrap_or(false)
    })
}

/// Whether `actor` works on `specialty` in the round: its assigned reviewer, or a lead.
fn works_on(actor: &Actor, tasks: &[ReviewTask], round: Uuid, specialty: Specialty) -> bool {
    is_lead(actor)
        || tasks.iter().any(|task| {
            task.round_id == round
                && task.specialty == specialty
                && task.reviewer == Some(actor.account.id)
        })
}

/// The lead gives a task to a reviewer of its specialty.
pub(super) fn plan_assign(
    actor: &Actor,
    task: &ReviewTask,
    reviewer: Option<&Account>,
) -> Result<ReviewWrite, ApiError> {
    if !is_lead(actor) {
        return Err(lead_only(actor));
    }
    // A lead may take a specialty's review on themselves.
    let lead_account = |a: &&Account| matches!(a.role, Role::Admin | Role::Supervisor);
    let Some(reviewer) = reviewer.filter(|a| a.role == Role::Reviewer || lead_account(a)) else {
        return Err(refuse(
            actor,
            ErrorCode::NotFound,
            "reviewer_not_found",
            "没有这位审图人员".into(),
            "No such reviewer".into(),
        ));
    };
    if reviewer.role == Role::Reviewer && specialty_of(reviewer) != Some(task.specialty) {
        return Err(invalid(
            actor,
            "reviewer_specialty",
            format!(
                "{}不是{}专业的审图人员",
                reviewer.display_name,
                task.specialty.name_zh()
            ),
            format!(
                "{} does not review {}",
                reviewer.display_name,
                task.specialty.name(onetrip_domain::Lang::En)
            ),
        ));
    }
    if task.done_on.is_some() {
        return Err(invalid(
            actor,
            "task_done",
            "该轮审查已完成，不能再分派".into(),
            "This round's review is done".into(),
        ));
    }
    Ok(ReviewWrite {
        tasks: vec![ReviewTask {
            reviewer: Some(reviewer.id),
            reviewer_name: Some(reviewer.display_name.clone()),
            ..task.clone()
        }],
        // The reviewer may never have seen the project: its records are sent again.
        resend: true,
        ..ReviewWrite::new(task.project_id)
    })
}

fn check_markups(actor: &Actor, markups: &[Markup]) -> Result<(), ApiError> {
    if markups.len() > MAX_MARKUPS {
        return Err(invalid(
            actor,
            "too_many_markups",
            format!("一条意见最多 {MAX_MARKUPS} 个标注"),
            format!("An opinion has at most {MAX_MARKUPS} markups"),
        ));
    }
    for markup in markups {
        let inside = markup.rect.iter().all(|c| c.abs() <= MAX_COORDINATE);
        let text_ok = match markup.shape {
            MarkupShape::Text => markup
                .text
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty() && t.chars().count() <= 200),
            _ => markup
                .text
                .as_deref()
                .is_none_or(|t| t.chars().count() <= 200),
        };
        if !inside || !text_ok {
            return Err(invalid(
                actor,
                "markup",
                "标注的位置或文字不正确".into(),
                "A markup's position or text is not valid".into(),
            ));
        }
    }
    Ok(())
}

/// What saving an opinion reads.
pub(super) struct OpinionContext<'a> {
    pub project: &'a Project,
    pub round: &'a Round,
    pub sheets: &'a [Sheet],
    pub tasks: &'a [ReviewTask],
    pub existing: Option<&'a Opinion>,
    /// Opinions the specialty raised in this round before.
    pub raised: u32,
}

/// A reviewer's opinion, new or rewritten, a draft until the round is released.
pub(super) fn plan_save(
    actor: &Actor,
    draft: &OpinionDraft,
    context: &OpinionContext<'_>,
    now_ms: i64,
) -> Result<ReviewWrite, ApiError> {
    let round = context.round;
    if !works_on(actor, context.tasks, round.id, draft.specialty) {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "not_assigned",
            format!(
                "您没有被分派本项目第 {} 轮的{}专业审查",
                round.number,
                draft.specialty.name_zh()
            ),
            format!(
                "You are not assigned the {} review of round {}",
                draft.specialty.name(onetrip_domain::Lang::En),
                round.number
            ),
        ));
    }
    if round.state != RoundState::Accepted || context.project.state != ProjectState::InReview {
        return Err(invalid(
            actor,
            "round_not_in_review",
            "该轮不在审查中，不能再提意见".into(),
            "This round is not under review".into(),
        ));
    }
    if let Some(existing) = context.existing {
        let own = existing.author == actor.account.id || is_lead(actor);
        if existing.state != OpinionState::Draft || !own || existing.round_id != round.id {
            return Err(invalid(
                actor,
                "opinion_released",
                "已发出的意见不能修改；如需补充请另提一条".into(),
                "A released opinion cannot change; add another one".into(),
            ));
        }
    }
    let number = SheetNumber::parse(&draft.sheet_number).map_err(|error| {
        ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
    })?;
    let number = number.to_string();
    if !context
        .sheets
        .iter()
        .any(|s| s.number.as_deref() == Some(&number))
    {
        return Err(invalid(
            actor,
            "sheet_not_in_round",
            format!("本轮没有图号为 {} 的图纸", echo(&number)),
            format!("This round has no sheet {}", echo(&number)),
        ));
    }
    let text = draft.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(invalid(
            actor,
            "opinion_text",
            "请填写意见内容（2000 字以内）".into(),
            "Write the opinion (up to 2000 characters)".into(),
        ));
    }
    check_markups(actor, &draft.markups)?;
    let clause = match draft
        .clause
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(typed) => Some(Clause::parse(typed).map_err(|error| {
            ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
        })?),
        None => None,
    };
    if draft.kind.needs_clause() && clause.is_none() {
        return Err(invalid(
            actor,
            "clause_required",
            "强制性条文意见必须引用规范条文".into(),
            "A mandatory-clause opinion must cite the clause".into(),
        ));
    }
    let today = center_date(now_ms);
    let code = match context.existing {
        Some(existing) => existing.code.clone(),
        None => OpinionCode {
            specialty: draft.specialty,
            round: round.number,
            number: context.raised + 1,
        }
        .to_string(),
    };
    let opinion = Opinion {
        id: draft.id,
        code,
        project_id: context.project.id,
        round_id: round.id,
        specialty: draft.specialty,
        sheet_number: number,
        markups: draft.markups.clone(),
        text: text.to_owned(),
        kind: draft.kind,
        severity: draft.severity,
        superseded: clause
            .as_ref()
            .and_then(|c| superseded(c, draft.kind, &today)),
        clause: clause.map(|c| c.to_string()),
        state: OpinionState::Draft,
        author: context.existing.map_or(actor.account.id, |e| e.author),
        author_name: context.existing.map_or_else(
            || actor.account.display_name.clone(),
            |e| e.author_name.clone(),
        ),
        saved_at_ms: now_ms,
        released_at_ms: None,
        reply: None,
        carried: None,
        previous_sheet: None,
        region: None,
        reply_unsupported: false,
    };
    Ok(ReviewWrite {
        opinions: vec![opinion.clone()],
        raised_in: Some(round.number),
        ..ReviewWrite::new(context.project.id).with_answer(&opinion)
    })
}

/// The lead sends the round's opinions to the applicant; the specialties' tasks are done and
/// the project waits for the applicant.
pub(super) fn plan_release(
    actor: &Actor,
    project: &Project,
    round: &Round,
    tasks: &[ReviewTask],
    opinions: &[Opinion],
    now_ms: i64,
) -> Result<ReviewWrite, ApiError> {
    if !is_lead(actor) {
        return Err(lead_only(actor));
    }
    if round.state != RoundState::Accepted || project.state != ProjectState::InReview {
        return Err(invalid(
            actor,
            "round_not_in_review",
            "该轮不在审查中".into(),
            "This round is not under review".into(),
        ));
    }
    let unassigned: Vec<&str> = tasks
        .iter()
        .filter(|t| t.round_id == round.id && t.reviewer.is_none())
        .map(|t| t.specialty.name_zh())
        .collect();
    if !unassigned.is_empty() {
        let english: Vec<String> = tasks
            .iter()
            .filter(|t| t.round_id == round.id && t.reviewer.is_none())
            .map(|t| t.specialty.name(onetrip_domain::Lang::En))
            .collect();
        return Err(invalid(
            actor,
            "tasks_unassigned",
            format!("还有专业未分派审图人员：{}", unassigned.join("、")),
            format!(
                "Some specialties have no reviewer yet: {}",
                english.join(", ")
            ),
        ));
    }
    let today = center_date(now_ms);
    let released: Vec<Opinion> = opinions
        .iter()
        .filter(|o| o.round_id == round.id && o.state == OpinionState::Draft)
        .map(|o| Opinion {
            state: OpinionState::Open,
            released_at_ms: Some(now_ms),
            ..o.clone()
        })
        .collect();
    let tasks = tasks
        .iter()
        .filter(|t| t.round_id == round.id)
        .map(|t| ReviewTask {
            done_on: Some(today.clone()),
            ..t.clone()
        })
        .collect();
    let project = Project {
        state: ProjectState::WithApplicant,
        ..project.clone()
    };
    Ok(ReviewWrite {
        opinions: released,
        tasks,
        ..ReviewWrite::new(project.id)
            .with_answer(&project)
            .project(project)
    })
}

/// The applicant answers an opinion.
pub(super) fn plan_reply(
    actor: &Actor,
    project: &Project,
    opinion: &Opinion,
    reply: &OpinionReply,
) -> Result<ReviewWrite, ApiError> {
    if project.state != ProjectState::WithApplicant
        || !matches!(opinion.state, OpinionState::Open | OpinionState::Replied)
    {
        return Err(invalid(
            actor,
            "opinion_not_open",
            format!("意见 {} 现在不能回复", opinion.code),
            format!("Opinion {} cannot be answered now", opinion.code),
        ));
    }
    let text = reply.text.trim();
    if text.chars().count() > 2000 {
        return Err(invalid(
            actor,
            "reply_text",
            "回复不超过 2000 字".into(),
            "A reply has up to 2000 characters".into(),
        ));
    }
    let reply_kind = match &reply.reply {
        ReplyKind::Changed { sheets } => {
            let mut numbers = Vec::with_capacity(sheets.len());
            for sheet in sheets {
                let number = SheetNumber::parse(sheet).map_err(|error| {
                    ApiError::new(ErrorCode::Invalid, error.message(actor.lang))
                        .with_reason(error.code())
                })?;
                numbers.push(number.to_string());
            }
            numbers.sort();
            numbers.dedup();
            if numbers.is_empty() || numbers.len() > 200 {
                return Err(invalid(
                    actor,
                    "reply_sheets",
                    "“已修改”请写明修改了哪些图纸".into(),
                    "Name the sheets you changed".into(),
                ));
            }
            ReplyKind::Changed { sheets: numbers }
        }
        other => {
            if text.is_empty() {
                return Err(invalid(
                    actor,
                    "reply_text",
                    "请写明说明或不同意的理由".into(),
                    "Write the explanation or your reasons".into(),
                ));
            }
            other.clone()
        }
    };
    let opinion = Opinion {
        state: OpinionState::Replied,
        reply: Some(OpinionReply {
            opinion_id: opinion.id,
            reply: reply_kind,
            text: text.to_owned(),
        }),
        ..opinion.clone()
    };
    Ok(ReviewWrite {
        opinions: vec![opinion],
        ..ReviewWrite::new(project.id)
    })
}

/// The reviewer closes or reopens an opinion, or puts a carried one on its sheet.
pub(super) fn plan_decide(
    actor: &Actor,
    project: &Project,
    opinion: &Opinion,
    tasks: &[ReviewTask],
    sheets: &[Sheet],
    change: Decision<'_>,
) -> Result<ReviewWrite, ApiError> {
    if !works_on(actor, tasks, opinion.round_id, opinion.specialty) {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "not_assigned",
            format!(
                "只有{}专业的审图人员可以处理这条意见",
                opinion.specialty.name_zh()
            ),
            "Only the specialty's reviewer may do this".into(),
        ));
    }
    let wrong = |zh: &str, en: &str| invalid(actor, "opinion_state", zh.into(), en.into());
    let changed = match change {
        Decision::Close => {
            if !matches!(opinion.state, OpinionState::Open | OpinionState::Replied) {
                return Err(wrong(
                    "只有已发出的意见可以关闭",
                    "Only a released opinion can be closed",
                ));
            }
            Opinion {
                state: OpinionState::Closed,
                ..opinion.clone()
            }
        }
        Decision::Reopen => {
            if !matches!(opinion.state, OpinionState::Closed | OpinionState::Replied) {
                return Err(wrong(
                    "该意见未关闭，也未回复",
                    "The opinion is neither closed nor answered",
                ));
            }
            Opinion {
                state: OpinionState::Open,
                ..opinion.clone()
            }
        }
        Decision::Place(typed) => {
            let number = SheetNumber::parse(typed).map_err(|error| {
                ApiError::new(ErrorCode::Invalid, error.message(actor.lang))
                    .with_reason(error.code())
            })?;
            let number = number.to_string();
            if !sheets.iter().any(|s| s.number.as_deref() == Some(&number)) {
                return Err(invalid(
                    actor,
                    "sheet_not_in_round",
                    format!("本轮没有图号为 {number} 的图纸"),
                    format!("This round has no sheet {number}"),
                ));
            }
            let previous = (number != opinion.sheet_number)
                .then(|| opinion.sheet_number.clone())
                .or_else(|| opinion.previous_sheet.clone());
            Opinion {
                sheet_number: number,
                carried: Some(Carried::Same),
                previous_sheet: previous,
                ..opinion.clone()
            }
        }
    };
    Ok(ReviewWrite {
        opinions: vec![changed],
        ..ReviewWrite::new(project.id)
    })
}

/// What a reviewer does to an opinion.
#[derive(Debug, Clone, Copy)]
pub(super) enum Decision<'a> {
    Close,
    Reopen,
    Place(&'a str),
}
