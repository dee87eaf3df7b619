//! The working-day calendar that every promised time and clock counts in: Monday to Friday,
//! except public holidays, plus the weekend days swapped into working days (调休).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::input::echo;

/// A day of the civil calendar, `YYYY-MM-DD`, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

impl Day {
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// The day `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Day {
        Day(days)
    }

    /// Days after 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        self.0
    }

    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Day> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Day::from_ymd(year, month, day)
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(month <= 2), month, day)
    }

    /// 1 is Monday, 7 is Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        ((self.0 + 3).rem_euclid(7) + 1) as u32
    }

    pub fn next(self) -> Day {
        Day(self.0 + 1)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One day that is not as its weekday says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// A working day (a swapped weekend day) or a day off (a public holiday).
    pub working: bool,
    /// `国庆节`, `国庆调休上班`.
    pub name: String,
}

/// The calendar: weekdays work, weekends rest, except where a day says otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    exceptions: BTreeMap<Day, bool>,
}

impl Calendar {
    /// A calendar with these exceptions; a day that is not a date is named in the error
    /// (shortened by [`echo`], as it may be shown).
    pub fn new(days: &[CalendarDay]) -> Result<Calendar, String> {
        let mut exceptions = BTreeMap::new();
        for day in days {
            let date = Day::parse(&day.date).ok_or_else(|| echo(&day.date))?;
            exceptions.insert(date, day.working);
        }
        Ok(Calendar { exceptions })
    }

    pub fn is_working_day(&self, day: Day) -> bool {
        self.exceptions
            .get(&day)
            .copied()
            .unwrap_or(day.weekday() <= 5)
    }

    /// The day by which something promised `days` working days after `start` is due: the
    /// `days`-th working day after `start` (0: `start` itself).
    pub fn add_working_days(&self, start: Day, days: u32) -> Day {
        let mut day = start;
        let mut left = days;
        while left > 0 {
            day = day.next();
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    pub fn working_days_between(&self, from: Day, to: Day) -> u32 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.next();
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }
}

/// 2026's National Day week, for tests: 1–7 October off, Sunday 27 September and Saturday
/// 10 October worked.
#[cfg(test)]
pub(crate) fn national_day_2026() -> Calendar {
    let mut days: Vec<CalendarDay> = (1..=7)
        .map(|d| CalendarDay {
            date: format!("2026-10-{d:02}"),
            working: false,
            name: "国庆节".into(),
        })
        .collect();
    for date in ["2026-09-27", "2026-10-10"] {
        days.push(CalendarDay {
            date: date.into(),
            working: true,
            name: "国庆调休上班".into(),
        });
    }
    Calendar::new(&days).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn dates_read_and_write_and_know_their_weekday() {
        assert_eq!(day("2026-11-27").to_string(), "2026-11-27");
        assert_eq!(day("2026-11-27").weekday(), 5, "a Friday");
        assert_eq!(day("2026-11-29").weekday(), 7, "a Sunday");
        assert_eq!(Day::parse("2026-02-29"), None);
        assert_eq!(day("2028-02-29").next().to_string(), "2028-03-01");
        assert_eq!(Day::parse("2026-13-01"), None);
    }

    #[test]
    fn promised_days_skip_weekends_holidays_and_count_swapped_working_days() {
        let plain = Calendar::default();
        // Friday + 1 working day is Monday; + 7 is the Tuesday after next.
        assert_eq!(
            plain.add_working_days(day("2026-11-27"), 1),
            day("2026-11-30")
        );
        assert_eq!(
            plain.add_working_days(day("2026-11-27"), 7),
            day("2026-12-08")
        );
        assert_eq!(
            plain.add_working_days(day("2026-11-27"), 0),
            day("2026-11-27")
        );
        // A week of holiday and a swapped Saturday.
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
        // Wednesday 30 September + 1 working day skips the holiday to Thursday 8 October.
        assert_eq!(
            calendar.add_working_days(day("2026-09-30"), 1),
            day("2026-10-08")
        );
        // 8, 9 and the swapped Saturday 10 October are working days.
        assert_eq!(
            calendar.add_working_days(day("2026-10-07"), 3),
            day("2026-10-10")
        );
        assert_eq!(
            calendar.working_days_between(day("2026-09-30"), day("2026-10-12")),
            4
        );
        assert_eq!(
            Calendar::new(&[CalendarDay {
                date: "2026-10-32".into(),
                working: false,
                name: String::new()
            }]),
            Err("2026-10-32".into())
        );
        // The day is named, but no more than a message may quote.
        let huge = "9".repeat(10_000);
        let named = Calendar::new(&[CalendarDay {
            date: huge,
            working: false,
            name: String::new(),
        }])
        .unwrap_err();
        assert_eq!(named.chars().count(), crate::input::MAX_ECHO_CHARS);
        assert!(named.ends_with('…'));
    }

    proptest! {
        #[test]
        fn counting_undoes_adding(start in 0i64..40_000, days in 0u32..300, holidays in prop::collection::vec(0i64..40_300, 0..40)) {
            let exceptions: Vec<CalendarDay> = holidays.iter().map(|d| CalendarDay {
                date: Day(*d).to_string(),
                working: d % 3 == 0,
                name: String::new(),
            }).collect();
            let calendar = Calendar::new(&exceptions).unwrap();
            let start = Day(start);
            let due = calendar.add_working_days(start, days);
            prop_assert_eq!(calendar.working_days_between(start, due), days);
            prop_assert!(days == 0 || calendar.is_working_day(due));
            prop_assert_eq!(Day::parse(&due.to_string()), Some(due));
        }
    }
}
