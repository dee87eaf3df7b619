//! Planning the applicant's commands on a project and its rounds: registering, correcting the
//! sheet list, taking a file out, submitting (which accepts the round, opens the tasks and
//! carries the open opinions forward by sheet number) and opening the next round.

use std::collections::{BTreeMap, BTreeSet};

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{
    Carried, Opinion, OpinionState, Project, ProjectDraft, ProjectState, ReadingSource, ReviewTask,
    Round, RoundState, Sheet, SheetEdit, SubmitBlocker,
};
use onetrip_domain::calendar::Calendar;
use onetrip_domain::input::echo;
use onetrip_domain::review::carry::{Placement, SheetKey, place};
use onetrip_domain::review::project::{ProjectCode, parse_floor_area};
use onetrip_domain::review::{SheetNumber, Specialty};
use uuid::Uuid;

use super::{ReviewWrite, invalid, task_with_clock};
use crate::actor::{Actor, refuse};
use crate::clock::{center_date, center_day};

/// Working days a specialty has for the first round, and for each later one.
pub const FIRST_ROUND_DAYS: u32 = 10;
pub const LATER_ROUND_DAYS: u32 = 5;

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
pub(super) fn plan_register(
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
    Ok(ReviewWrite::new(project.id)
        .with_answer(&project)
        .project(project)
        .round(round))
}

/// The applicant's numbers and titles applied to the round's sheets.
pub(super) fn plan_sheets(
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
    Ok(ReviewWrite {
        sheets: changed,
        ..ReviewWrite::new(project.id)
    })
}

/// What keeps a round of `project` with these sheets from being submitted.
pub fn blockers(
    project: &Project,
    files: usize,
    sheets: &[Sheet],
    unreplied: usize,
) -> Vec<SubmitBlocker> {
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
    if unreplied > 0 {
        blockers.push(SubmitBlocker::Unreplied {
            opinions: u32::try_from(unreplied).unwrap_or(u32::MAX),
        });
    }
    blockers
}

/// Opinions of the project still waiting for the applicant's answer.
pub fn unreplied(opinions: &[Opinion]) -> usize {
    opinions
        .iter()
        .filter(|o| o.state == OpinionState::Open)
        .count()
}

/// The sheets of a round as carrying forward sees them.
fn keys(sheets: &[Sheet]) -> Vec<SheetKey> {
    sheets
        .iter()
        .filter_map(|sheet| {
            let number = SheetNumber::parse(sheet.number.as_deref()?).ok()?;
            Some(SheetKey {
                number,
                title: sheet.title.clone(),
            })
        })
        .collect()
}

/// The open opinions of the previous round moved into `round`, onto the sheet of the same
/// number (or a suggested one); closed opinions stay where they were closed.
fn carry_forward(
    round: &Round,
    previous: &[Sheet],
    current: &[Sheet],
    opinions: &[Opinion],
) -> Vec<Opinion> {
    let (old, new) = (keys(previous), keys(current));
    opinions
        .iter()
        .filter(|o| matches!(o.state, OpinionState::Open | OpinionState::Replied))
        .filter(|o| o.round_id != round.id)
        .map(|opinion| {
            let placement = SheetNumber::parse(&opinion.sheet_number)
                .map(|number| place(&old, &new, &number))
                .unwrap_or(Placement::Unplaced);
            let (carried, sheet_number, previous_sheet) = match placement {
                Placement::Same(_) => (Carried::Same, opinion.sheet_number.clone(), None),
                Placement::Suggested(at) => (
                    Carried::Suggested,
                    new[at].number.to_string(),
                    Some(opinion.sheet_number.clone()),
                ),
                Placement::Unplaced => (Carried::Unplaced, opinion.sheet_number.clone(), None),
            };
            Opinion {
                round_id: round.id,
                carried: Some(carried),
                sheet_number,
                previous_sheet,
                ..opinion.clone()
            }
        })
        .collect()
}

/// What submitting reads: the round's files and sheets, the previous round's sheets and the
/// project's opinions.
pub(super) struct SubmitView<'a> {
    pub files: usize,
    pub sheets: &'a [Sheet],
    pub previous_sheets: &'a [Sheet],
    pub opinions: &'a [Opinion],
}

/// The round accepted today, one task per required specialty, and the open opinions carried.
pub(super) fn plan_submit(
    actor: &Actor,
    project: &Project,
    round: &Round,
    view: &SubmitView<'_>,
    calendar: &Calendar,
    now_ms: i64,
) -> Result<ReviewWrite, ApiError> {
    let blocking = blockers(project, view.files, view.sheets, unreplied(view.opinions));
    if !blocking.is_empty() {
        return Err(invalid(
            actor,
            "round_blocked",
            "本轮还不能提交：请先处理页面上列出的问题".into(),
            "The round cannot be submitted yet: resolve the problems listed".into(),
        ));
    }
    let accepted_on = center_date(now_ms);
    let allowed = if round.number == 1 {
        FIRST_ROUND_DAYS
    } else {
        LATER_ROUND_DAYS
    };
    let today = center_day(now_ms);
    let tasks: Vec<ReviewTask> = project
        .specialties
        .iter()
        .map(|specialty| {
            let task = ReviewTask {
                id: Uuid::new_v5(
                    &round.id,
                    format!("task:{}", specialty.initial()).as_bytes(),
                ),
                project_id: project.id,
                round_id: round.id,
                round: round.number,
                specialty: *specialty,
                reviewer: None,
                reviewer_name: None,
                allowed_days: allowed,
                accepted_on: accepted_on.clone(),
                done_on: None,
                due_on: None,
                clock: onetrip_domain::review::clock::ReviewClockState::Running,
            };
            task_with_clock(task, calendar, today)
        })
        .collect();
    let carried = carry_forward(round, view.previous_sheets, view.sheets, view.opinions);
    let project = Project {
        state: ProjectState::InReview,
        current_round: round.number,
        ..project.clone()
    };
    Ok(ReviewWrite {
        tasks,
        opinions: carried,
        ..ReviewWrite::new(project.id)
            .with_answer(&project)
            .project(project)
            .round(Round {
                state: RoundState::Accepted,
                accepted_on: Some(accepted_on),
                ..round.clone()
            })
    })
}

/// The next round (复审), opened by the applicant once the opinions are with them.
pub(super) fn plan_open_round(
    actor: &Actor,
    project: &Project,
    rounds: &[Round],
    round_id: Uuid,
    now_ms: i64,
) -> Result<ReviewWrite, ApiError> {
    if project.state != ProjectState::WithApplicant {
        return Err(invalid(
            actor,
            "not_with_applicant",
            "审查意见发出后才能开始下一轮送审".into(),
            "The next round opens once the opinions have been sent to you".into(),
        ));
    }
    if rounds.iter().any(|r| r.state == RoundState::Preparing) {
        return Err(invalid(
            actor,
            "round_open",
            "已有一轮正在准备中".into(),
            "A round is already being prepared".into(),
        ));
    }
    let number = rounds.iter().map(|r| r.number).max().unwrap_or(0) + 1;
    Ok(ReviewWrite::new(project.id).round(Round {
        id: round_id,
        project_id: project.id,
        number,
        state: RoundState::Preparing,
        opened_at_ms: now_ms,
        accepted_on: None,
    }))
}

/// The specialties of `specialties` in their usual order, once each.
pub fn ordered(specialties: &[Specialty]) -> Vec<Specialty> {
    let set: BTreeSet<Specialty> = specialties.iter().copied().collect();
    set.into_iter().collect()
}

/// Opinions by id.
pub fn by_id(opinions: &[Opinion]) -> BTreeMap<Uuid, &Opinion> {
    opinions.iter().map(|o| (o.id, o)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specialties_come_in_their_usual_order() {
        assert_eq!(
            ordered(&[
                Specialty::Electrical,
                Specialty::Architecture,
                Specialty::Electrical
            ]),
            vec![Specialty::Architecture, Specialty::Electrical]
        );
    }
}
