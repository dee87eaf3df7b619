//! Planning ratings (好差评) and their follow-ups (差评整改): one rating per finished ticket,
//! from the rating pad only for the ticket it offers, a follow-up with working-day clocks for
//! a bad rating, and its steps in order by a supervisor of the site. Storage reads the view
//! inside the command's transaction.

use onetrip_api::command::CommandBody;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::queue::{Ticket, TicketStatus};
use onetrip_api::rating::{
    FollowUp, FollowUpRating, MAX_NOTE_CHARS, Rating, RatingDraft, RatingSource, Rectification,
    Revisit,
};
use onetrip_domain::Lang;
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::{Calendar, Day};
use onetrip_domain::rating::{MAX_COMMENT_CHARS, Score, follow_up_clocks};
use uuid::Uuid;

use crate::actor::Actor;
use crate::actor::refuse;

/// The account name ratings from a window's pad are recorded under.
pub const RATING_PAD: &str = "rating-pad";
/// How long after finishing a ticket the pad at its window offers it for rating.
pub const OFFER_MS: i64 = 10 * 60_000;
/// How far ahead of the server's clock a revisit time may be (the desktop's clock may run fast).
const CLOCK_SKEW_MS: i64 = 5 * 60_000;

/// The pad at a window of `site` rates as the citizen, under its own name.
pub fn pad_actor(site: Uuid, lang: Lang) -> Actor {
    Actor {
        account: onetrip_api::auth::Account {
            id: Uuid::nil(),
            username: RATING_PAD.into(),
            display_name: "评价器".into(),
            role: Role::Clerk,
            site_id: Some(site),
            specialty: None,
        },
        lang,
    }
}

fn is_pad(actor: &Actor) -> bool {
    actor.account.id.is_nil() && actor.account.username == RATING_PAD
}

/// The ticket a window's pad offers for rating: the window's latest finished ticket, while it
/// is unrated and finished less than [`OFFER_MS`] ago. An older unrated ticket is never
/// offered again once a later one was finished: its citizen has gone.
pub fn offered(latest_finished: Option<Ticket>, rated: bool, now_ms: i64) -> Option<Ticket> {
    latest_finished.filter(|ticket| {
        !rated
            && ticket.status == TicketStatus::Done
            && ticket
                .finished_at_ms
                .is_some_and(|at| at <= now_ms + CLOCK_SKEW_MS && now_ms - at < OFFER_MS)
    })
}

/// What a rating command needs read before it is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewKey {
    /// The ticket being rated.
    pub ticket: Option<Uuid>,
    /// The window whose pad offered it.
    pub window: Option<Uuid>,
    /// The rating a follow-up step names.
    pub rating: Option<Uuid>,
}

pub fn view_key(body: &CommandBody) -> ViewKey {
    match body {
        CommandBody::RateTicket(draft) => ViewKey {
            ticket: Some(draft.ticket_id),
            window: draft.window_id,
            rating: None,
        },
        CommandBody::RecordRevisit(draft) => ViewKey {
            rating: Some(draft.rating_id),
            ..ViewKey::default()
        },
        CommandBody::RecordRectification(draft) => ViewKey {
            rating: Some(draft.rating_id),
            ..ViewKey::default()
        },
        CommandBody::RateFollowUp(draft) => ViewKey {
            rating: Some(draft.rating_id),
            ..ViewKey::default()
        },
        _ => ViewKey::default(),
    }
}

/// What a rating command is planned against, read in the command's transaction.
#[derive(Debug, Clone, Default)]
pub struct RatingView {
    /// The ticket being rated, and whether it has a rating already.
    pub ticket: Option<Ticket>,
    pub ticket_rated: bool,
    /// The latest finished ticket of the named window today, and whether it is rated.
    pub latest_at_window: Option<Ticket>,
    pub latest_rated: bool,
    /// The name of the clerk who served the ticket.
    pub clerk_name: Option<String>,
    /// The rating a follow-up step names.
    pub rating: Option<Rating>,
    pub calendar: Calendar,
}

/// The rating after the command, or why not.
pub fn plan(
    actor: &Actor,
    body: &CommandBody,
    view: &RatingView,
    now_ms: i64,
    day: &str,
) -> Result<Rating, ApiError> {
    match body {
        CommandBody::RateTicket(draft) => plan_rating(actor, draft, view, now_ms, day),
        CommandBody::RecordRevisit(draft) => {
            let (rating, follow_up) = open_follow_up(actor, view)?;
            if follow_up.revisit.is_some() {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "revisit_recorded",
                    format!("{} 号的回访已记录", rating.ticket_number),
                    format!(
                        "The revisit of ticket {} is recorded already",
                        rating.ticket_number
                    ),
                ));
            }
            let note = text(actor, &draft.note, "回访情况", "revisit note")?;
            if draft.at_ms < rating.rated_at_ms || draft.at_ms > now_ms + CLOCK_SKEW_MS {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "revisit_time",
                    "回访时间应在评价之后、不晚于现在".into(),
                    "The revisit time must be after the rating and not in the future".into(),
                ));
            }
            Ok(with_follow_up(
                rating,
                FollowUp {
                    revisit: Some(Revisit {
                        at_ms: draft.at_ms,
                        note,
                        by: actor.account.username.clone(),
                        by_name: actor.account.display_name.clone(),
                        recorded_at_ms: now_ms,
                    }),
                    ..follow_up.clone()
                },
            ))
        }
        CommandBody::RecordRectification(draft) => {
            let (rating, follow_up) = open_follow_up(actor, view)?;
            if follow_up.revisit.is_none() {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "revisit_first",
                    "请先记录回访，再记录整改".into(),
                    "Record the revisit before the rectification".into(),
                ));
            }
            if follow_up.rectification.is_some() {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "rectification_recorded",
                    format!("{} 号的整改已记录", rating.ticket_number),
                    format!(
                        "The rectification of ticket {} is recorded already",
                        rating.ticket_number
                    ),
                ));
            }
            let action = text(actor, &draft.action, "整改措施", "rectification")?;
            Ok(with_follow_up(
                rating,
                FollowUp {
                    rectification: Some(Rectification {
                        action,
                        by: actor.account.username.clone(),
                        by_name: actor.account.display_name.clone(),
                        recorded_at_ms: now_ms,
                    }),
                    ..follow_up.clone()
                },
            ))
        }
        CommandBody::RateFollowUp(draft) => {
            let (rating, follow_up) = open_follow_up(actor, view)?;
            if follow_up.rectification.is_none() {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "rectification_first",
                    "请先记录整改，再记录回访评价".into(),
                    "Record the rectification before the follow-up rating".into(),
                ));
            }
            let score = score(actor, draft.score)?;
            Ok(with_follow_up(
                rating,
                FollowUp {
                    closing: Some(FollowUpRating {
                        score,
                        by: actor.account.username.clone(),
                        by_name: actor.account.display_name.clone(),
                        recorded_at_ms: now_ms,
                    }),
                    ..follow_up.clone()
                },
            ))
        }
        _ => Err(ApiError::new(ErrorCode::Internal, "not a rating command")),
    }
}

fn with_follow_up(rating: &Rating, follow_up: FollowUp) -> Rating {
    Rating {
        follow_up: Some(follow_up),
        ..rating.clone()
    }
}

fn plan_rating(
    actor: &Actor,
    draft: &RatingDraft,
    view: &RatingView,
    now_ms: i64,
    day: &str,
) -> Result<Rating, ApiError> {
    let ticket = view.ticket.as_ref().ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::NotFound,
            "ticket_not_found",
            "没有这张号票".into(),
            "No such ticket".into(),
        )
    })?;
    match draft.source {
        RatingSource::Pad => {
            // Only the ticket the pad at that window offers right now.
            let offer = offered(view.latest_at_window.clone(), view.latest_rated, now_ms);
            let at_window = draft.window_id.is_some() && ticket.window_id == draft.window_id;
            if !is_pad(actor) || !at_window || offer.is_none_or(|o| o.id != ticket.id) {
                return Err(refuse(
                    actor,
                    ErrorCode::Invalid,
                    "not_offered",
                    "该号票当前不在本窗口等待评价".into(),
                    "This ticket is not waiting for a rating at this window".into(),
                ));
            }
        }
        RatingSource::Clerk => {
            let role_may = matches!(actor.role(), Role::Clerk | Role::Supervisor | Role::Admin);
            if is_pad(actor) || !role_may || !actor.scope().covers_site(ticket.site_id) {
                return Err(refuse(
                    actor,
                    ErrorCode::Forbidden,
                    "rating_forbidden",
                    "您无权为该中心的号票记录评价".into(),
                    "You may not record ratings for this site's tickets".into(),
                ));
            }
        }
    }
    if ticket.status != TicketStatus::Done {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "ticket_not_finished",
            format!("{} 号尚未办结，不能评价", ticket.number),
            format!(
                "Ticket {} is not finished and cannot be rated",
                ticket.number
            ),
        ));
    }
    if view.ticket_rated {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "already_rated",
            format!("{} 号已经评价过，每张号票只能评价一次", ticket.number),
            format!(
                "Ticket {} has been rated already; a ticket is rated once",
                ticket.number
            ),
        ));
    }
    let score = score(actor, draft.score)?;
    let mut reasons = draft.reasons.clone();
    reasons.sort();
    reasons.dedup();
    if !reasons.is_empty() && !score.is_bad() {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "reasons_for_bad_only",
            "只有“不满意”和“非常不满意”可以选择原因".into(),
            "Only a dissatisfied rating takes reasons".into(),
        ));
    }
    let comment = draft
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "comment_too_long",
            format!("评价意见不能超过 {MAX_COMMENT_CHARS} 字"),
            format!("The comment may have at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    let (Some(window_id), Some(window_number)) = (ticket.window_id, ticket.window_number) else {
        return Err(ApiError::new(
            ErrorCode::Internal,
            "a finished ticket without its window",
        ));
    };
    let follow_up = match (score.is_bad(), Day::parse(day)) {
        (false, _) => None,
        (true, Some(rated_on)) => {
            let clocks = follow_up_clocks(&view.calendar, rated_on);
            Some(FollowUp {
                revisit_due: clocks.revisit_due.to_string(),
                rectification_due: clocks.rectification_due.to_string(),
                revisit: None,
                rectification: None,
                closing: None,
            })
        }
        (true, None) => {
            return Err(ApiError::new(ErrorCode::Internal, "the day is not a date"));
        }
    };
    Ok(Rating {
        id: draft.id,
        ticket_id: ticket.id,
        ticket_number: ticket.number.clone(),
        site_id: ticket.site_id,
        service_id: ticket.service_id,
        window_id,
        window_number,
        clerk: ticket.called_by.clone(),
        clerk_name: view.clerk_name.clone(),
        score,
        reasons,
        comment: comment.map(str::to_owned),
        source: draft.source,
        recorded_by: actor.account.username.clone(),
        rated_at_ms: now_ms,
        day: day.to_owned(),
        follow_up,
    })
}

fn score(actor: &Actor, value: u8) -> Result<Score, ApiError> {
    Score::new(value).ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::Invalid,
            "score_range",
            "评价分值应为 1 到 5".into(),
            "A score is 1 to 5".into(),
        )
    })
}

/// A required free text of up to [`MAX_NOTE_CHARS`], trimmed.
fn text(actor: &Actor, value: &str, zh: &str, en: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NOTE_CHARS {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "follow_up_text",
            format!("请填写{zh}（{MAX_NOTE_CHARS} 字以内）"),
            format!("Enter the {en} (up to {MAX_NOTE_CHARS} characters)"),
        ));
    }
    Ok(value.to_owned())
}

/// The named rating and its open follow-up, if the actor may work on it.
fn open_follow_up<'a>(
    actor: &Actor,
    view: &'a RatingView,
) -> Result<(&'a Rating, &'a FollowUp), ApiError> {
    let rating = view.rating.as_ref().ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::NotFound,
            "rating_not_found",
            "没有这条评价".into(),
            "No such rating".into(),
        )
    })?;
    let role_may = matches!(actor.role(), Role::Supervisor | Role::Admin);
    if !role_may || !actor.scope().covers_site(rating.site_id) {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "follow_up_forbidden",
            "只有本中心的主管可以处理差评整改".into(),
            "Only a supervisor of the site may work on a bad rating's follow-up".into(),
        ));
    }
    let follow_up = rating.follow_up.as_ref().ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::Invalid,
            "no_follow_up",
            format!("{} 号不是差评，无需整改", rating.ticket_number),
            format!(
                "Ticket {}'s rating is not bad; it has no follow-up",
                rating.ticket_number
            ),
        )
    })?;
    if follow_up.is_closed() {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "follow_up_closed",
            format!("{} 号的差评整改已办结", rating.ticket_number),
            format!("The follow-up of ticket {} is closed", rating.ticket_number),
        ));
    }
    Ok((rating, follow_up))
}

#[cfg(test)]
mod tests {
    use super::*;
    use onetrip_api::queue::TicketSource;
    use onetrip_domain::queue::PriorityClass;

    fn finished(at: i64) -> Ticket {
        Ticket {
            id: Uuid::from_u128(1),
            site_id: Uuid::nil(),
            service_id: Uuid::nil(),
            day: "2026-11-27".into(),
            seq: 1,
            number: "A001".into(),
            class: PriorityClass::Normal,
            source: TicketSource::Kiosk,
            status: TicketStatus::Done,
            issued_at_ms: 0,
            queued_at_ms: 0,
            appointment_at_ms: None,
            called_at_ms: Some(at - 60_000),
            window_id: Some(Uuid::from_u128(9)),
            window_number: Some(3),
            recalls: 0,
            called_by: Some("clerk".into()),
            finished_at_ms: Some(at),
            holder: None,
            appointment_id: None,
        }
    }

    #[test]
    fn the_pad_offers_the_latest_finished_ticket_for_ten_minutes_until_rated() {
        let at = 1_000_000_000;
        assert!(offered(Some(finished(at)), false, at).is_some());
        assert!(offered(Some(finished(at)), false, at + OFFER_MS - 1).is_some());
        assert!(offered(Some(finished(at)), false, at + OFFER_MS).is_none());
        assert!(offered(Some(finished(at)), true, at).is_none());
        assert!(offered(None, false, at).is_none());
        let called = Ticket {
            status: TicketStatus::Called,
            ..finished(at)
        };
        assert!(offered(Some(called), false, at).is_none());
    }
}
