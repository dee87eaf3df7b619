//! Ratings of a service (好差评) on the national five-point scale, and the follow-up a bad
//! rating opens (差评整改): a revisit to the citizen (回访) within 1 working day and a
//! rectification (整改) within 15 working days, then one follow-up rating that closes it.

use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Day};

/// A score from 1 (非常不满意) to 5 (非常满意); nothing else can be built or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Score(u8);

/// On the wire a score is its number; reading anything outside 1–5 fails.
impl Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Score, D::Error> {
        let value = u8::deserialize(deserializer)?;
        Score::try_from(value).map_err(serde::de::Error::custom)
    }
}

impl Score {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn new(value: u8) -> Option<Score> {
        (Self::MIN..=Self::MAX)
            .contains(&value)
            .then_some(Score(value))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// 不满意 or 非常不满意: a bad rating (差评), which opens a follow-up.
    pub fn is_bad(self) -> bool {
        self.0 <= 2
    }

    /// 满意 or 非常满意.
    pub fn is_satisfied(self) -> bool {
        self.0 >= 4
    }

    /// The national scale's words for the score.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        let (zh, en) = match self.0 {
            5 => ("非常满意", "Very satisfied"),
            4 => ("满意", "Satisfied"),
            3 => ("基本满意", "Fairly satisfied"),
            2 => ("不满意", "Dissatisfied"),
            _ => ("非常不满意", "Very dissatisfied"),
        };
        match lang {
            crate::Lang::ZhCn => zh,
            crate::Lang::En => en,
        }
    }
}

impl TryFrom<u8> for Score {
    type Error = String;

    fn try_from(value: u8) -> Result<Score, String> {
        Score::new(value).ok_or_else(|| format!("a score is 1 to 5, not {value}"))
    }
}

impl From<Score> for u8 {
    fn from(score: Score) -> u8 {
        score.0
    }
}

/// Why a citizen was dissatisfied; only bad ratings carry reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingReason {
    /// 态度不好.
    Attitude,
    /// 效率低.
    Slow,
    /// 多次跑腿.
    ManyTrips,
    /// 材料要求不清.
    UnclearMaterials,
    /// 其他.
    Other,
}

impl RatingReason {
    pub const ALL: [RatingReason; 5] = [
        RatingReason::Attitude,
        RatingReason::Slow,
        RatingReason::ManyTrips,
        RatingReason::UnclearMaterials,
        RatingReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RatingReason::Attitude => "attitude",
            RatingReason::Slow => "slow",
            RatingReason::ManyTrips => "many_trips",
            RatingReason::UnclearMaterials => "unclear_materials",
            RatingReason::Other => "other",
        }
    }
}

/// The longest comment a citizen may leave, in characters.
pub const MAX_COMMENT_CHARS: usize = 200;
/// Working days after the rating day by which the citizen must have been called back.
pub const REVISIT_WORKING_DAYS: u32 = 1;
/// Working days after the rating day by which the cause must have been put right.
pub const RECTIFICATION_WORKING_DAYS: u32 = 15;
/// A clock with its due date this many calendar days away or fewer is shown as due soon.
pub const DUE_SOON_DAYS: u32 = 3;

/// The due dates of a bad rating's follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpClocks {
    pub revisit_due: Day,
    pub rectification_due: Day,
}

/// The follow-up clocks of a bad rating given on `rated_on`. The rating day itself does not
/// count, even when it is a working day: the revisit is due by the end of the first working
/// day after it, the rectification by the end of the fifteenth. A rating on a weekend or a
/// holiday is thus counted from the next working day.
pub fn follow_up_clocks(calendar: &Calendar, rated_on: Day) -> FollowUpClocks {
    FollowUpClocks {
        revisit_due: calendar.add_working_days(rated_on, REVISIT_WORKING_DAYS),
        rectification_due: calendar.add_working_days(rated_on, RECTIFICATION_WORKING_DAYS),
    }
}

/// Where one follow-up clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// 进行中.
    Running,
    /// 即将到期: due within [`DUE_SOON_DAYS`].
    DueSoon,
    /// 已逾期: the due day has passed and the step is not recorded.
    Overdue,
    /// 已完成.
    Done,
}

/// The state on `today` of a clock due on `due` whose step is `done` or not.
pub fn clock_state(due: Day, done: bool, today: Day) -> ClockState {
    if done {
        return ClockState::Done;
    }
    if today > due {
        return ClockState::Overdue;
    }
    let soon = (0..DUE_SOON_DAYS).fold(today, |day, _| day.next());
    if due <= soon {
        ClockState::DueSoon
    } else {
        ClockState::Running
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarDay;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn scores_are_one_to_five_and_two_or_less_is_bad() {
        assert_eq!(Score::new(0), None);
        assert_eq!(Score::new(6), None);
        let scores: Vec<Score> = (1..=5).filter_map(Score::new).collect();
        assert_eq!(scores.len(), 5);
        assert_eq!(
            scores.iter().map(|s| s.is_bad()).collect::<Vec<_>>(),
            [true, true, false, false, false]
        );
        assert_eq!(
            scores.iter().map(|s| s.is_satisfied()).collect::<Vec<_>>(),
            [false, false, false, true, true]
        );
        assert_eq!(scores[4].label(crate::Lang::ZhCn), "非常满意");
        assert_eq!(scores[1].label(crate::Lang::ZhCn), "不满意");
        assert_eq!(scores[0].label(crate::Lang::En), "Very dissatisfied");
        // The wire carries the number, and refuses anything else.
        assert_eq!(serde_json::to_string(&scores[2]).unwrap(), "3");
        assert_eq!(serde_json::from_str::<Score>("4").unwrap().get(), 4);
        assert!(serde_json::from_str::<Score>("7").is_err());
        assert!(serde_json::from_str::<Score>("0").is_err());
    }

    #[test]
    fn a_friday_rating_is_revisited_by_monday_and_rectified_three_weeks_later() {
        let plain = Calendar::default();
        // Friday 27 November 2026.
        let clocks = follow_up_clocks(&plain, day("2026-11-27"));
        assert_eq!(clocks.revisit_due, day("2026-11-30"), "the Monday after");
        // 15 working days: three whole weeks of Monday to Friday.
        assert_eq!(clocks.rectification_due, day("2026-12-18"));
        // The rating day does not count: a Monday rating is revisited by Tuesday.
        let monday = follow_up_clocks(&plain, day("2026-11-30"));
        assert_eq!(monday.revisit_due, day("2026-12-01"));
        assert_eq!(monday.rectification_due, day("2026-12-21"));
        // A Saturday rating counts from Monday, like the Friday before it.
        assert_eq!(
            follow_up_clocks(&plain, day("2026-11-28")),
            FollowUpClocks {
                revisit_due: day("2026-11-30"),
                rectification_due: day("2026-12-18"),
            }
        );
    }

    #[test]
    fn holidays_and_swapped_working_days_move_the_clocks() {
        // National Day week off, Saturday 10 October worked instead.
        let days: Vec<CalendarDay> = (1..=7)
            .map(|d| CalendarDay {
                date: format!("2026-10-0{d}"),
                working: false,
                name: "国庆节".into(),
            })
            .chain([CalendarDay {
                date: "2026-10-10".into(),
                working: true,
                name: "国庆调休上班".into(),
            }])
            .collect();
        let calendar = Calendar::new(&days).unwrap();
        let clocks = follow_up_clocks(&calendar, day("2026-09-30"));
        assert_eq!(clocks.revisit_due, day("2026-10-08"));
        // 8, 9, 10 (swapped), 12–16, 19–23, 26, 27 October.
        assert_eq!(clocks.rectification_due, day("2026-10-27"));
        assert_eq!(
            calendar.working_days_between(day("2026-09-30"), clocks.rectification_due),
            RECTIFICATION_WORKING_DAYS
        );
    }

    #[test]
    fn a_clock_runs_falls_due_soon_goes_overdue_or_is_done() {
        let due = day("2026-12-18");
        assert_eq!(
            clock_state(due, false, day("2026-12-01")),
            ClockState::Running
        );
        assert_eq!(
            clock_state(due, false, day("2026-12-14")),
            ClockState::Running
        );
        assert_eq!(
            clock_state(due, false, day("2026-12-15")),
            ClockState::DueSoon
        );
        assert_eq!(clock_state(due, false, due), ClockState::DueSoon);
        assert_eq!(
            clock_state(due, false, day("2026-12-19")),
            ClockState::Overdue
        );
        assert_eq!(clock_state(due, true, day("2026-12-30")), ClockState::Done);
    }
}
