//! How long a drainage permit is valid, when its holder is reminded to renew, and when a
//! renewal still undecided near expiry raises an alarm.

use crate::calendar::Day;

/// A permit is valid for five years (《城镇污水排入排水管网许可管理办法》).
pub const VALID_YEARS: i64 = 5;

/// Days before expiry on which the holder is reminded to renew: a month ahead (the 办法 asks
/// for renewal 30 days before expiry), two weeks ahead, and the day before.
pub const REMINDER_DAYS: [i64; 3] = [30, 14, 1];

/// Days before expiry from which an undecided renewal raises an alarm.
pub const RENEWAL_ALARM_DAYS: i64 = 14;

fn days_after(day: Day, days: i64) -> Day {
    Day::from_days_since_epoch(day.days_since_epoch() + days)
}

/// The same day `years` later; where that day does not exist (29 February in a common year)
/// the month's last day stands for it, as 民法典 art. 202 does for a missing corresponding day.
fn anniversary(day: Day, years: i64) -> Day {
    let (year, month, date) = day.ymd();
    (1..=date)
        .rev()
        .find_map(|date| Day::from_ymd(year + years, month, date))
        .unwrap_or(day)
}

/// The last day a permit approved on `approved_on` is valid.
///
/// The approval day is the first day of validity (the permit prints 有效期自 2026-03-15 至
/// 2031-03-14), so the permit ends the day before its fifth anniversary. A permit approved
/// on 29 February has its anniversary on 28 February of a common year, so 2028-02-29 gives
/// 2033-02-27. A construction site's permit ends with its works (`construction_ends`) when
/// they end earlier; a works end before the approval day gives a permit that has already
/// expired, which the officer sees at once.
pub fn expiry(approved_on: Day, construction_ends: Option<Day>) -> Day {
    let five_years = days_after(anniversary(approved_on, VALID_YEARS), -1);
    construction_ends.map_or(five_years, |ends| ends.min(five_years))
}

/// The days the reminders fall on: 30, 14 and 1 days before `expiry`.
pub fn reminders(expiry: Day) -> [Day; 3] {
    REMINDER_DAYS.map(|before| days_after(expiry, -before))
}

/// The reminder to send today, by its days before expiry (30, 14 or 1), if any.
///
/// The reminder due is the latest one whose day has come (today or earlier): a reminder
/// missed while the server was down goes out late, but only the latest, so a holder is not
/// sent three at once. It is not due again when `last_sent` (the day a reminder for this
/// permit was last sent) is on or after its day. No reminder is sent after `expiry`.
///
/// The reminders re-arm by themselves: a renewal gives a new expiry five years on, whose
/// reminder days are all after any `last_sent` of the old one, so nothing needs resetting.
pub fn reminder_due(expiry: Day, today: Day, last_sent: Option<Day>) -> Option<i64> {
    if today > expiry {
        return None;
    }
    let (before, day) = REMINDER_DAYS
        .into_iter()
        .zip(reminders(expiry))
        .rfind(|(_, day)| *day <= today)?;
    match last_sent {
        Some(sent) if sent >= day => None,
        _ => Some(before),
    }
}

/// Whether an undecided renewal needs the officers' attention: it is pending and expiry is
/// at most [`RENEWAL_ALARM_DAYS`] days away. A renewal not decided before expiry counts as
/// granted (行政许可法 art. 50), so the alarm stays up after expiry for as long as the
/// renewal is still pending: the permit then has to be issued.
pub fn renewal_alarm(expiry: Day, today: Day, renewal_pending: bool) -> bool {
    renewal_pending && today >= days_after(expiry, -RENEWAL_ALARM_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    #[test]
    fn a_permit_is_valid_five_years_less_a_day() {
        assert_eq!(expiry(day("2026-03-15"), None), day("2031-03-14"));
        assert_eq!(expiry(day("2026-01-01"), None), day("2030-12-31"));
        // A leap day's fifth anniversary is 28 February.
        assert_eq!(expiry(day("2028-02-29"), None), day("2033-02-27"));
        assert_eq!(expiry(day("2028-03-01"), None), day("2033-02-28"));
        // 2032 is a leap year: 29 February 2032 exists, so 1 March 2027 ends on it.
        assert_eq!(expiry(day("2027-03-01"), None), day("2032-02-29"));
    }

    #[test]
    fn a_construction_sites_permit_ends_with_its_works() {
        let approved = day("2026-03-15");
        assert_eq!(expiry(approved, Some(day("2027-06-30"))), day("2027-06-30"));
        assert_eq!(expiry(approved, Some(day("2035-01-01"))), day("2031-03-14"));
    }

    #[test]
    fn reminders_go_out_once_each_and_re_arm_after_a_renewal() {
        let expiry = day("2031-03-14");
        assert_eq!(
            reminders(expiry),
            [day("2031-02-12"), day("2031-02-28"), day("2031-03-13")]
        );
        assert_eq!(reminder_due(expiry, day("2031-02-11"), None), None);
        assert_eq!(reminder_due(expiry, day("2031-02-12"), None), Some(30));
        assert_eq!(
            reminder_due(expiry, day("2031-02-13"), Some(day("2031-02-12"))),
            None
        );
        // Missed for a few days: it goes out late.
        assert_eq!(reminder_due(expiry, day("2031-02-15"), None), Some(30));
        assert_eq!(
            reminder_due(expiry, day("2031-02-28"), Some(day("2031-02-12"))),
            Some(14)
        );
        // All missed: only the latest goes out.
        assert_eq!(reminder_due(expiry, day("2031-03-13"), None), Some(1));
        assert_eq!(reminder_due(expiry, day("2031-03-14"), None), Some(1));
        assert_eq!(
            reminder_due(expiry, day("2031-03-14"), Some(day("2031-03-13"))),
            None
        );
        assert_eq!(reminder_due(expiry, day("2031-03-15"), None), None);
        // Renewed: the new expiry's reminders are due again (2036 is a leap year).
        let renewed = day("2036-03-14");
        assert_eq!(
            reminder_due(renewed, day("2036-02-13"), Some(day("2031-03-13"))),
            Some(30)
        );
    }

    #[test]
    fn an_undecided_renewal_raises_the_alarm_two_weeks_before_expiry() {
        let expiry = day("2031-03-14");
        assert!(!renewal_alarm(expiry, day("2031-02-27"), true));
        assert!(renewal_alarm(expiry, day("2031-02-28"), true));
        assert!(renewal_alarm(expiry, day("2031-03-14"), true));
        assert!(
            renewal_alarm(expiry, day("2031-03-20"), true),
            "deemed granted"
        );
        assert!(!renewal_alarm(expiry, day("2031-03-10"), false));
    }

    proptest! {
        #[test]
        fn expiry_is_about_five_years_and_reminders_are_sent_at_most_once_each(
            offset in 0i64..20_000,
            works in prop::option::of(0i64..3000),
            sent_offsets in prop::collection::vec(0i64..40, 0..6),
        ) {
            let approved = Day::from_days_since_epoch(day("2000-01-01").days_since_epoch() + offset);
            let five = expiry(approved, None);
            let length = five.days_since_epoch() - approved.days_since_epoch() + 1;
            prop_assert!((1825..=1827).contains(&length), "{} days", length);
            let ends = works.map(|w| days_after(approved, w));
            let with_works = expiry(approved, ends);
            prop_assert!(with_works <= five);
            // Day by day through the last 40 days, sending whatever is due.
            let mut last_sent = None;
            let mut sent = vec![];
            for back in (0..40).rev() {
                let today = days_after(five, -back);
                if let Some(before) = reminder_due(five, today, last_sent) {
                    sent.push(before);
                    last_sent = Some(today);
                }
                // An extra look the same day finds nothing more.
                prop_assert_eq!(reminder_due(five, today, last_sent), None);
            }
            prop_assert_eq!(sent, REMINDER_DAYS.to_vec());
            // Looking in on random days sends each reminder at most once, in order.
            let mut days: Vec<i64> = sent_offsets;
            days.sort_unstable();
            let mut last_sent = None;
            let mut sent = vec![];
            for back in days.into_iter().rev() {
                let today = days_after(five, -back);
                if let Some(before) = reminder_due(five, today, last_sent) {
                    sent.push(before);
                    last_sent = Some(today);
                }
            }
            let mut unique = sent.clone();
            unique.dedup();
            prop_assert_eq!(&unique, &sent);
            prop_assert!(sent.windows(2).all(|w| w[0] > w[1]));
        }
    }
}
