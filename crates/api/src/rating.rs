//! Ratings (好差评): a citizen's score for a finished ticket, given on the rating pad at the
//! window or recorded by the clerk on the citizen's word, and the follow-up (差评整改) a bad
//! rating opens, with its revisit and rectification clocks. A rating travels whole, follow-up
//! included, through the change log of its site.

use onetrip_domain::calendar::Day;
use onetrip_domain::rating::{ClockState, RatingReason, Score, clock_state};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// Who gave the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatingSource {
    /// The citizen, on the rating pad at the window.
    Pad,
    /// The clerk, on the citizen's word.
    Clerk,
}

/// A rating of one finished ticket; at most one per ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Rating {
    pub id: Uuid,
    pub ticket_id: Uuid,
    /// `A012`.
    pub ticket_number: String,
    pub site_id: Uuid,
    pub service_id: Uuid,
    pub window_id: Uuid,
    #[schema(maximum = 65535)]
    pub window_number: u16,
    /// The clerk who served the ticket (the account that called it), and their name.
    pub clerk: Option<String>,
    pub clerk_name: Option<String>,
    #[schema(value_type = u8, minimum = 1, maximum = 5)]
    pub score: Score,
    pub reasons: Vec<RatingReason>,
    pub comment: Option<String>,
    pub source: RatingSource,
    /// The account that recorded it (`rating-pad` for the pad).
    pub recorded_by: String,
    #[ts(type = "number")]
    pub rated_at_ms: i64,
    /// The service center's day of the rating, `YYYY-MM-DD`.
    pub day: String,
    /// Opened by a bad rating (score 2 or less).
    pub follow_up: Option<FollowUp>,
}

/// The follow-up of a bad rating: call the citizen back, put the cause right, ask again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FollowUp {
    /// The last day for the revisit, `YYYY-MM-DD` (1 working day after the rating day).
    pub revisit_due: String,
    /// The last day for the rectification, `YYYY-MM-DD` (15 working days after it).
    pub rectification_due: String,
    pub revisit: Option<Revisit>,
    pub rectification: Option<Rectification>,
    /// The citizen's score after the rectification; recording it closes the follow-up.
    pub closing: Option<FollowUpRating>,
}

/// The call back to the citizen (回访).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Revisit {
    /// When the citizen was reached.
    #[ts(type = "number")]
    pub at_ms: i64,
    pub note: String,
    /// The supervisor who recorded it, and their name.
    pub by: String,
    pub by_name: String,
    #[ts(type = "number")]
    pub recorded_at_ms: i64,
}

/// What was done about the cause (整改).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Rectification {
    pub action: String,
    pub by: String,
    pub by_name: String,
    #[ts(type = "number")]
    pub recorded_at_ms: i64,
}

/// The citizen's score after the rectification (回访评价).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FollowUpRating {
    #[schema(value_type = u8, minimum = 1, maximum = 5)]
    pub score: Score,
    pub by: String,
    pub by_name: String,
    #[ts(type = "number")]
    pub recorded_at_ms: i64,
}

impl FollowUp {
    pub fn is_closed(&self) -> bool {
        self.closing.is_some()
    }
}

/// A rating as the pad or the clerk sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct RatingDraft {
    pub id: Uuid,
    pub ticket_id: Uuid,
    /// The window whose pad offered the ticket (required from the pad).
    pub window_id: Option<Uuid>,
    /// 1 to 5.
    #[schema(minimum = 1, maximum = 5)]
    pub score: u8,
    /// Only for a score of 2 or less.
    #[serde(default)]
    pub reasons: Vec<RatingReason>,
    #[serde(default)]
    pub comment: Option<String>,
    pub source: RatingSource,
}

/// The revisit, as a supervisor records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct RevisitDraft {
    pub rating_id: Uuid,
    /// When the citizen was reached; not in the future, not before the rating.
    #[ts(type = "number")]
    pub at_ms: i64,
    pub note: String,
}

/// The rectification, as a supervisor records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct RectificationDraft {
    pub rating_id: Uuid,
    pub action: String,
}

/// The follow-up rating, as a supervisor records it from the citizen's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FollowUpRatingDraft {
    pub rating_id: Uuid,
    /// 1 to 5.
    #[schema(minimum = 1, maximum = 5)]
    pub score: u8,
}

/// The longest revisit note and rectification text, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;
/// The longest date range a report covers, in days.
pub const MAX_REPORT_DAYS: u32 = 366;

/// Where a follow-up stands as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    Open,
    /// Open with a clock past its due day.
    Overdue,
    Closed,
}

/// One follow-up with the state of its clocks on the report's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct FollowUpRow {
    pub rating: Rating,
    pub status: FollowUpStatus,
    pub revisit: ClockState,
    pub rectification: ClockState,
}

/// Ratings counted together: all of them, a window's or a clerk's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct RatingTally {
    /// The window's id or the clerk's account; empty for the total.
    pub key: String,
    /// What to show for the key: the window's number, the clerk's name.
    pub label: String,
    pub count: u32,
    /// Mean score, 0 without ratings.
    pub average: f64,
    /// Ratings of 4 or 5.
    pub satisfied: u32,
    /// Ratings of 2 or less.
    pub bad: u32,
}

impl RatingTally {
    fn new(key: String, label: String) -> RatingTally {
        RatingTally {
            key,
            label,
            count: 0,
            average: 0.0,
            satisfied: 0,
            bad: 0,
        }
    }

    fn add(&mut self, score: Score) {
        let total = self.average * f64::from(self.count) + f64::from(score.get());
        self.count += 1;
        self.average = total / f64::from(self.count);
        self.satisfied += u32::from(score.is_satisfied());
        self.bad += u32::from(score.is_bad());
    }
}

/// `GET /api/ratings/report`: ratings of a date range and the follow-ups to work on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct RatingsReport {
    /// First and last day of the range, `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
    /// The day the clocks were read on.
    pub today: String,
    pub total: RatingTally,
    /// By window, in window number order (an account of every site sees windows of several
    /// sites with the same number apart).
    pub by_window: Vec<RatingTally>,
    /// By clerk, most ratings first.
    pub by_clerk: Vec<RatingTally>,
    /// The follow-ups of the range's bad ratings, and every follow-up still open whatever
    /// its day, newest first.
    pub follow_ups: Vec<FollowUpRow>,
}

impl FollowUpRow {
    pub fn new(rating: Rating, follow_up: &FollowUp, today: Day) -> FollowUpRow {
        let state = |due: &str, done: bool| match Day::parse(due) {
            Some(due) => clock_state(due, done, today),
            None => ClockState::Overdue,
        };
        let revisit = state(&follow_up.revisit_due, follow_up.revisit.is_some());
        let rectification = state(
            &follow_up.rectification_due,
            follow_up.rectification.is_some(),
        );
        let status = if follow_up.is_closed() {
            FollowUpStatus::Closed
        } else if revisit == ClockState::Overdue || rectification == ClockState::Overdue {
            FollowUpStatus::Overdue
        } else {
            FollowUpStatus::Open
        };
        FollowUpRow {
            rating,
            status,
            revisit,
            rectification,
        }
    }
}

impl RatingsReport {
    /// The report of `ratings` for the days `from` to `to`, with the clocks read on `today`.
    /// Ratings outside the range count only for their open follow-ups.
    pub fn build(ratings: Vec<Rating>, from: Day, to: Day, today: Day) -> RatingsReport {
        let (from_text, to_text) = (from.to_string(), to.to_string());
        let mut total = RatingTally::new(String::new(), String::new());
        let mut by_window: Vec<(u16, RatingTally)> = Vec::new();
        let mut by_clerk: Vec<RatingTally> = Vec::new();
        let mut follow_ups = Vec::new();
        for rating in ratings {
            let in_range = rating.day >= from_text && rating.day <= to_text;
            if in_range {
                total.add(rating.score);
                let window = rating.window_id.to_string();
                match by_window.iter_mut().find(|(_, t)| t.key == window) {
                    Some((_, tally)) => tally.add(rating.score),
                    None => {
                        let mut tally = RatingTally::new(window, rating.window_number.to_string());
                        tally.add(rating.score);
                        by_window.push((rating.window_number, tally));
                    }
                }
                let clerk = rating.clerk.clone().unwrap_or_default();
                match by_clerk.iter_mut().find(|t| t.key == clerk) {
                    Some(tally) => tally.add(rating.score),
                    None => {
                        let label = rating.clerk_name.clone().unwrap_or_else(|| clerk.clone());
                        let mut tally = RatingTally::new(clerk, label);
                        tally.add(rating.score);
                        by_clerk.push(tally);
                    }
                }
            }
            if let Some(follow_up) = rating.follow_up.clone()
                && (in_range || !follow_up.is_closed())
            {
                follow_ups.push(FollowUpRow::new(rating, &follow_up, today));
            }
        }
        by_window.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.key.cmp(&y.key)));
        by_clerk.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        follow_ups.sort_by(|a, b| {
            b.rating
                .rated_at_ms
                .cmp(&a.rating.rated_at_ms)
                .then_with(|| a.rating.id.cmp(&b.rating.id))
        });
        RatingsReport {
            from: from_text,
            to: to_text,
            today: today.to_string(),
            total,
            by_window: by_window.into_iter().map(|(_, tally)| tally).collect(),
            by_clerk,
            follow_ups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn rating(n: u128, day: &str, window: u16, clerk: &str, score: u8) -> Rating {
        let score = Score::new(score).unwrap();
        Rating {
            id: Uuid::from_u128(n),
            ticket_id: Uuid::from_u128(1000 + n),
            ticket_number: format!("A{n:03}"),
            site_id: Uuid::nil(),
            service_id: Uuid::nil(),
            window_id: Uuid::from_u128(u128::from(window)),
            window_number: window,
            clerk: Some(clerk.into()),
            clerk_name: Some(format!("{clerk}名")),
            score,
            reasons: vec![],
            comment: None,
            source: RatingSource::Pad,
            recorded_by: "rating-pad".into(),
            rated_at_ms: n as i64,
            day: day.into(),
            follow_up: score.is_bad().then(|| FollowUp {
                revisit_due: day.into(),
                rectification_due: "2026-12-18".into(),
                revisit: None,
                rectification: None,
                closing: None,
            }),
        }
    }

    #[test]
    fn the_report_counts_the_range_and_lists_every_open_follow_up() {
        let mut closed = rating(4, "2026-11-02", 1, "li", 2);
        if let Some(follow_up) = closed.follow_up.as_mut() {
            follow_up.closing = Some(FollowUpRating {
                score: Score::new(4).unwrap(),
                by: "supervisor".into(),
                by_name: "主管".into(),
                recorded_at_ms: 5,
            });
        }
        let ratings = vec![
            rating(1, "2026-11-27", 3, "wang", 5),
            rating(2, "2026-11-27", 1, "li", 4),
            rating(3, "2026-11-30", 3, "wang", 1),
            // Before the range: an old closed follow-up stays out, an open one is listed.
            closed,
            rating(5, "2026-11-03", 2, "zhao", 2),
        ];
        let report = RatingsReport::build(
            ratings,
            day("2026-11-27"),
            day("2026-11-30"),
            day("2026-12-01"),
        );
        assert_eq!(report.total.count, 3);
        assert!((report.total.average - 10.0 / 3.0).abs() < 1e-9);
        assert_eq!((report.total.satisfied, report.total.bad), (2, 1));
        assert_eq!(
            report
                .by_window
                .iter()
                .map(|t| (t.label.as_str(), t.count))
                .collect::<Vec<_>>(),
            [("1", 1), ("3", 2)]
        );
        assert_eq!(report.by_window[1].key, Uuid::from_u128(3).to_string());
        assert_eq!(report.by_clerk[0].key, "wang");
        assert_eq!(report.by_clerk[0].label, "wang名");
        assert!((report.by_clerk[0].average - 3.0).abs() < 1e-9);
        let listed: Vec<&str> = report
            .follow_ups
            .iter()
            .map(|row| row.rating.ticket_number.as_str())
            .collect();
        assert_eq!(listed, ["A005", "A003"]);
        // A003 was due for its revisit on 30 November: overdue on 1 December.
        assert_eq!(report.follow_ups[1].revisit, ClockState::Overdue);
        assert_eq!(report.follow_ups[1].rectification, ClockState::Running);
        assert_eq!(report.follow_ups[1].status, FollowUpStatus::Overdue);
    }

    #[test]
    fn an_empty_range_averages_nothing() {
        let report = RatingsReport::build(
            vec![],
            day("2026-11-01"),
            day("2026-11-30"),
            day("2026-11-30"),
        );
        assert_eq!(report.total.count, 0);
        assert_eq!(report.total.average, 0.0);
        assert!(report.follow_ups.is_empty());
    }
}
