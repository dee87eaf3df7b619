//! A review task's deadline: working days from the round's acceptance, in the center's
//! holiday calendar, with the clock stopped while the project is with the applicant.

use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Day};

/// Working days left at which a task shows as 即将到期.
pub const DUE_SOON_WORKING_DAYS: u32 = 2;

/// A stretch the project spent with the applicant: it left on `from` (the day the opinions
/// were released) and came back on `to` (the day the next round was accepted). Days after
/// `from` up to and including `to` do not count; `to: None` means it is still with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: Day,
    pub to: Option<Day>,
}

impl Pause {
    fn covers(&self, day: Day) -> bool {
        day > self.from && self.to.is_none_or(|to| day <= to)
    }
}

/// Where a review clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewClockState {
    /// 审查中.
    Running,
    /// 即将到期.
    DueSoon,
    /// 已逾期.
    Overdue,
    /// 暂停: with the applicant.
    Paused,
    /// 已完成.
    Done,
}

/// A task's clock: `allowed` working days from `accepted`, less the pauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewClock {
    pub accepted: Day,
    pub allowed: u32,
    /// In order, not overlapping; only the last may be open.
    pub pauses: Vec<Pause>,
}

impl ReviewClock {
    /// Whether `day` is one the clock counts: a working day after acceptance, not paused.
    fn counts(&self, calendar: &Calendar, day: Day) -> bool {
        day > self.accepted
            && calendar.is_working_day(day)
            && !self.pauses.iter().any(|pause| pause.covers(day))
    }

    fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|pause| pause.to.is_none())
    }

    /// The day the task is due; `None` while the project is with the applicant, since the
    /// day it comes back is not known.
    pub fn due(&self, calendar: &Calendar) -> Option<Day> {
        if self.is_paused() {
            return None;
        }
        let mut day = self.accepted;
        let mut left = self.allowed;
        while left > 0 {
            day = day.next();
            if self.counts(calendar, day) {
                left -= 1;
            }
        }
        Some(day)
    }

    /// Working days the clock has counted up to and including `today`.
    pub fn used(&self, calendar: &Calendar, today: Day) -> u32 {
        let mut used = 0;
        let mut day = self.accepted;
        while day < today {
            day = day.next();
            if self.counts(calendar, day) {
                used += 1;
            }
        }
        used
    }

    /// The clock's state on `today`, for a task that is `done` or not.
    pub fn state(&self, calendar: &Calendar, today: Day, done: bool) -> ReviewClockState {
        if done {
            return ReviewClockState::Done;
        }
        let Some(due) = self.due(calendar) else {
            return ReviewClockState::Paused;
        };
        if today > due {
            ReviewClockState::Overdue
        } else if self.allowed.saturating_sub(self.used(calendar, today)) <= DUE_SOON_WORKING_DAYS {
            ReviewClockState::DueSoon
        } else {
            ReviewClockState::Running
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarDay;
    use proptest::prelude::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn national_day() -> Calendar {
        crate::calendar::national_day_2026()
    }

    #[test]
    fn a_clock_skips_the_holiday_and_the_weeks_with_the_applicant() {
        let calendar = national_day();
        // Accepted Friday 25 September; 10 working days: 27, 28, 29, 30 Sep, 8, 9, 10, 12, 13, 14 Oct.
        let mut clock = ReviewClock {
            accepted: day("2026-09-25"),
            allowed: 10,
            pauses: vec![],
        };
        assert_eq!(clock.due(&calendar), Some(day("2026-10-14")));
        assert_eq!(clock.used(&calendar, day("2026-10-08")), 5);
        assert_eq!(
            clock.state(&calendar, day("2026-10-08"), false),
            ReviewClockState::Running
        );
        assert_eq!(
            clock.state(&calendar, day("2026-10-13"), false),
            ReviewClockState::DueSoon
        );
        assert_eq!(
            clock.state(&calendar, day("2026-10-15"), false),
            ReviewClockState::Overdue
        );
        assert_eq!(
            clock.state(&calendar, day("2026-10-15"), true),
            ReviewClockState::Done
        );
        // Opinions released on Tuesday 29 September; back on Friday 9 October.
        clock.pauses.push(Pause {
            from: day("2026-09-29"),
            to: None,
        });
        assert_eq!(clock.due(&calendar), None);
        assert_eq!(
            clock.state(&calendar, day("2026-10-20"), false),
            ReviewClockState::Paused
        );
        clock.pauses[0].to = Some(day("2026-10-09"));
        // Used: 27, 28, 29 Sep; then 10, 12, 13, 14, 15, 16 and 19 October.
        assert_eq!(clock.used(&calendar, day("2026-10-09")), 3);
        assert_eq!(clock.due(&calendar), Some(day("2026-10-19")));
    }

    fn calendars() -> impl Strategy<Value = Calendar> {
        prop::collection::vec((0i64..120, any::<bool>()), 0..20).prop_map(|days| {
            let start = day("2026-09-01");
            let days: Vec<CalendarDay> = days
                .into_iter()
                .map(|(offset, working)| CalendarDay {
                    date: Day::from_days_since_epoch(start.days_since_epoch() + offset).to_string(),
                    working,
                    name: String::new(),
                })
                .collect();
            Calendar::new(&days).unwrap()
        })
    }

    proptest! {
        #[test]
        fn without_pauses_the_due_day_is_the_calendars(calendar in calendars(), offset in 0i64..60, allowed in 0u32..30) {
            let accepted = Day::from_days_since_epoch(day("2026-09-01").days_since_epoch() + offset);
            let clock = ReviewClock { accepted, allowed, pauses: vec![] };
            prop_assert_eq!(clock.due(&calendar), Some(calendar.add_working_days(accepted, allowed)));
        }

        #[test]
        fn a_pause_adds_exactly_the_working_days_it_covers(
            calendar in calendars(),
            allowed in 1u32..30,
            pause_start in 0i64..40,
            pause_len in 0i64..40,
            today_offset in 0i64..120,
        ) {
            let accepted = day("2026-09-01");
            let from = Day::from_days_since_epoch(accepted.days_since_epoch() + pause_start);
            let to = Day::from_days_since_epoch(from.days_since_epoch() + pause_len);
            let clock = ReviewClock { accepted, allowed, pauses: vec![Pause { from, to: Some(to) }] };
            let due = clock.due(&calendar).unwrap();
            // The due day is a counted day, and exactly `allowed` counted days lead to it.
            prop_assert!(clock.counts(&calendar, due));
            prop_assert_eq!(clock.used(&calendar, due), allowed);
            // Without the pause it would be due no later.
            let unpaused = ReviewClock { pauses: vec![], ..clock.clone() };
            prop_assert!(unpaused.due(&calendar).unwrap() <= due);
            // Before the due day the clock is never overdue; after it, always.
            let today = Day::from_days_since_epoch(accepted.days_since_epoch() + today_offset);
            let state = clock.state(&calendar, today, false);
            prop_assert_eq!(state == ReviewClockState::Overdue, today > due);
            prop_assert!(clock.used(&calendar, today) <= allowed || today > due);
        }
    }
}
