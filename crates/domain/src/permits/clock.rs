//! The statutory clocks of a drainage permit, in working days of the center's calendar
//! (行政许可法 art. 82): the decision within 15 of acceptance, and issue and delivery within
//! 10 of the decision (art. 44).

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::calendar::{Calendar, Day};

/// Working days from acceptance to the decision.
pub const DECISION_WORKING_DAYS: u32 = 15;
/// Working days from the decision to issuing and delivering the permit.
pub const DELIVERY_WORKING_DAYS: u32 = 10;
/// Working days left at which a clock shows as 即将到期.
pub const DUE_SOON_WORKING_DAYS: u32 = 2;

/// Where a permit clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// 办理中.
    Running,
    /// 即将到期: at most [`DUE_SOON_WORKING_DAYS`] working days left.
    DueSoon,
    /// 已逾期: past the due day and not done.
    Overdue,
    /// 已办结, on time or late: see [`PermitClock::late`].
    Done,
}

impl ClockState {
    /// 办理中, 即将到期, 已逾期, 已办结.
    pub fn label(self, lang: Lang) -> &'static str {
        use super::industry::pick;
        match self {
            ClockState::Running => pick(lang, "办理中", "Running"),
            ClockState::DueSoon => pick(lang, "即将到期", "Due soon"),
            ClockState::Overdue => pick(lang, "已逾期", "Overdue"),
            ClockState::Done => pick(lang, "已办结", "Done"),
        }
    }
}

/// A clock of `allowed` working days, counted from the day after `started`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PermitClock {
    pub started: Day,
    pub allowed: u32,
}

impl PermitClock {
    /// The last day allowed: the `allowed`-th working day after `started`.
    pub fn due(&self, calendar: &Calendar) -> Day {
        calendar.add_working_days(self.started, self.allowed)
    }

    /// The clock's state on `today`.
    ///
    /// Done once `done_on` has come (on or before `today`), whether on time or late: the
    /// state carries no lateness, [`PermitClock::late`] tells it. A `done_on` after `today`
    /// is not done yet as of `today`, so a past day's state can be asked for. Otherwise
    /// overdue after the due day, due soon with at most [`DUE_SOON_WORKING_DAYS`] working
    /// days left, and running before that.
    pub fn state(&self, calendar: &Calendar, today: Day, done_on: Option<Day>) -> ClockState {
        if done_on.is_some_and(|done| done <= today) {
            return ClockState::Done;
        }
        if today > self.due(calendar) {
            ClockState::Overdue
        } else if self
            .allowed
            .saturating_sub(self.working_days_used(calendar, today))
            <= DUE_SOON_WORKING_DAYS
        {
            ClockState::DueSoon
        } else {
            ClockState::Running
        }
    }

    /// The first day the clock shows as 即将到期 (until done): the day from which at most
    /// [`DUE_SOON_WORKING_DAYS`] working days are left. Kept beside [`PermitClock::due`], the
    /// two days give [`PermitClock::state`] without the calendar.
    pub fn due_soon_from(&self, calendar: &Calendar) -> Day {
        calendar.add_working_days(
            self.started,
            self.allowed.saturating_sub(DUE_SOON_WORKING_DAYS),
        )
    }

    /// Whether something done on `done_on` was done after the due day.
    pub fn late(&self, calendar: &Calendar, done_on: Day) -> bool {
        done_on > self.due(calendar)
    }

    /// Working days counted after `started` up to and including `until`.
    pub fn working_days_used(&self, calendar: &Calendar, until: Day) -> u32 {
        calendar.working_days_between(self.started, until)
    }
}

/// The decision clock: [`DECISION_WORKING_DAYS`] from the day the application was accepted.
pub fn decision_clock(accepted: Day) -> PermitClock {
    PermitClock {
        started: accepted,
        allowed: DECISION_WORKING_DAYS,
    }
}

/// The delivery clock: [`DELIVERY_WORKING_DAYS`] from the day of the decision.
pub fn delivery_clock(decided: Day) -> PermitClock {
    PermitClock {
        started: decided,
        allowed: DELIVERY_WORKING_DAYS,
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

    fn days_after(day: Day, days: i64) -> Day {
        Day::from_days_since_epoch(day.days_since_epoch() + days)
    }

    fn national_day() -> Calendar {
        crate::calendar::national_day_2026()
    }

    #[test]
    fn the_decision_clock_runs_fifteen_working_days_across_national_day() {
        let calendar = national_day();
        // Accepted Friday 25 September: 27, 28, 29, 30 Sep; 8, 9, 10, 12–16, 19–21 Oct.
        let clock = decision_clock(day("2026-09-25"));
        assert_eq!(clock.due(&calendar), day("2026-10-21"));
        assert_eq!(clock.due(&Calendar::default()), day("2026-10-16"));
        assert_eq!(
            clock.state(&calendar, day("2026-10-08"), None),
            ClockState::Running
        );
        assert_eq!(
            clock.state(&calendar, day("2026-10-19"), None),
            ClockState::DueSoon
        );
        assert_eq!(
            clock.state(&calendar, day("2026-10-22"), None),
            ClockState::Overdue
        );
        // Done late: done, and late says so.
        let done = Some(day("2026-10-22"));
        assert_eq!(
            clock.state(&calendar, day("2026-10-23"), done),
            ClockState::Done
        );
        assert!(clock.late(&calendar, day("2026-10-22")));
        assert!(!clock.late(&calendar, day("2026-10-21")));
        // As of a day before it was done, it was still running.
        assert_eq!(
            clock.state(&calendar, day("2026-10-20"), done),
            ClockState::DueSoon
        );
        assert_eq!(clock.working_days_used(&calendar, day("2026-10-08")), 5);
    }

    #[test]
    fn the_delivery_clock_runs_ten_working_days() {
        let clock = delivery_clock(day("2026-11-27"));
        assert_eq!(clock.allowed, DELIVERY_WORKING_DAYS);
        assert_eq!(clock.due(&Calendar::default()), day("2026-12-11"));
        assert_eq!(ClockState::DueSoon.label(Lang::ZhCn), "即将到期");
        assert_eq!(
            serde_json::to_value(ClockState::DueSoon).unwrap(),
            "due_soon"
        );
    }

    fn calendars() -> impl Strategy<Value = Calendar> {
        prop::collection::vec((0i64..150, any::<bool>()), 0..25).prop_map(|days| {
            let start = day("2026-09-01");
            let days: Vec<CalendarDay> = days
                .into_iter()
                .map(|(offset, working)| CalendarDay {
                    date: days_after(start, offset).to_string(),
                    working,
                    name: String::new(),
                })
                .collect();
            Calendar::new(&days).unwrap()
        })
    }

    proptest! {
        #[test]
        fn due_is_a_working_day_reached_after_exactly_the_allowed_days(
            calendar in calendars(),
            offset in 0i64..60,
            allowed in 1u32..30,
            today_offset in 0i64..150,
        ) {
            let clock = PermitClock { started: days_after(day("2026-09-01"), offset), allowed };
            let due = clock.due(&calendar);
            prop_assert!(calendar.is_working_day(due));
            prop_assert_eq!(clock.working_days_used(&calendar, due), allowed);
            prop_assert!(clock.working_days_used(&calendar, days_after(due, -1)) < allowed);
            let today = days_after(day("2026-09-01"), today_offset);
            let state = clock.state(&calendar, today, None);
            prop_assert_eq!(state == ClockState::Overdue, today > due);
            prop_assert_eq!(clock.state(&calendar, today, Some(today)), ClockState::Done);
            prop_assert_eq!(clock.late(&calendar, today), today > due);
        }

        #[test]
        fn a_holiday_week_ahead_extends_the_clock(
            offset in 0i64..30,
            allowed in 1u32..=DECISION_WORKING_DAYS,
            week_start in 0i64..60,
        ) {
            // A week off that is not a working week: every day in it is a holiday.
            let first = days_after(day("2026-09-01"), week_start);
            let week: Vec<CalendarDay> = (0..7)
                .map(|d| CalendarDay {
                    date: days_after(first, d).to_string(),
                    working: false,
                    name: "假期".into(),
                })
                .collect();
            let calendar = Calendar::new(&week).unwrap();
            let plain = Calendar::default();
            let clock = PermitClock { started: days_after(day("2026-09-01"), offset), allowed };
            let (due, plain_due) = (clock.due(&calendar), clock.due(&plain));
            prop_assert!(due >= plain_due);
            // Weekdays of the holiday the plain clock would have counted push the due day on.
            let lost = (0..7)
                .map(|d| days_after(first, d))
                .filter(|d| *d > clock.started && *d <= plain_due && plain.is_working_day(*d))
                .count();
            prop_assert_eq!(lost > 0, due > plain_due);
            // Counted in the plain calendar, the days to the due day are the allowed ones
            // and the holiday's weekdays before it.
            let holiday_weekdays = (0..7)
                .map(|d| days_after(first, d))
                .filter(|d| *d > clock.started && *d <= due && plain.is_working_day(*d))
                .count();
            prop_assert_eq!(
                clock.working_days_used(&plain, due),
                allowed + u32::try_from(holiday_weekdays).unwrap()
            );
        }
    }

    proptest! {
        /// The due day and the first due-soon day alone tell the state the calendar does.
        #[test]
        fn the_two_days_tell_the_state(start in 0i64..400, today in 0i64..460, allowed in 3u32..20) {
            let calendar = national_day();
            let started = days_after(day("2026-01-01"), start);
            let today = days_after(started, today - 30);
            let clock = PermitClock { started, allowed };
            let (due, soon) = (clock.due(&calendar), clock.due_soon_from(&calendar));
            let derived = if today > due {
                ClockState::Overdue
            } else if today >= soon {
                ClockState::DueSoon
            } else {
                ClockState::Running
            };
            prop_assert_eq!(clock.state(&calendar, today, None), derived);
        }
    }
}
