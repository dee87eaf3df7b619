//! Statistics for supervisors: who may see which site, the range of days asked for, and the
//! figures computed in Rust from the few columns storage reads (counts, exact medians and 90th
//! percentiles of wait and service times, no-show rate, trips per case).

pub mod export;
pub mod routes;
pub mod sql;

use std::collections::HashMap;

use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::queue::TicketStatus;
use onetrip_api::stats::{
    CaseStats, Durations, ExportFormat, MAX_RANGE_DAYS, QueueStats, RatingStats, StatsQuery,
    StatsRow, TripCounts,
};
use onetrip_domain::Lang;
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::Day;
use onetrip_domain::input::echo;
use uuid::Uuid;

use crate::actor::{Actor, refuse};
use crate::http_error::internal;
pub use crate::spreadsheet::ExportFile;
use crate::state::AppState;

/// The service center's offset from UTC (Asia/Shanghai, no daylight saving).
const CENTER_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;
const HOUR_MS: i64 = 60 * 60 * 1000;

/// What statistics read of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketTimes {
    /// The service the ticket was issued for.
    pub service_id: String,
    pub window_id: Option<String>,
    pub called_by: Option<String>,
    pub status: TicketStatus,
    pub queued_at_ms: i64,
    pub called_at_ms: Option<i64>,
    pub finished_at_ms: Option<i64>,
}

/// What statistics read of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseTrip {
    pub outcome: onetrip_api::case::CaseOutcome,
    pub trip: u32,
}

/// The rows of a site and a range of days that the figures are computed from.
#[derive(Debug, Clone, Default)]
pub struct StatsRows {
    pub tickets: Vec<TicketTimes>,
    pub cases: Vec<CaseTrip>,
    /// User name and display name of every account, to name the clerks.
    pub clerks: Vec<(String, String)>,
    /// The scores (1–5) of the ratings given in the range.
    pub scores: Vec<u8>,
}

/// A checked request: the site and the inclusive range of days, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsScope {
    pub site: Uuid,
    pub site_name: String,
    pub from: String,
    pub to: String,
}

fn may_see_stats(actor: &Actor) -> Result<(), ApiError> {
    if matches!(actor.role(), Role::Supervisor | Role::Admin) {
        Ok(())
    } else {
        Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "stats_forbidden",
            "只有主管和管理员可以查看统计".into(),
            "Only supervisors and administrators may see the statistics".into(),
        ))
    }
}

fn day(actor: &Actor, text: &str) -> Result<Day, ApiError> {
    Day::parse(text).ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::Invalid,
            "stats_bad_date",
            format!(
                "日期“{}”不正确，请按 年-月-日 填写，例如 2026-11-27",
                echo(text)
            ),
            format!(
                "“{}” is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27",
                echo(text)
            ),
        )
    })
}

/// The inclusive range of days `from` to `to` (`YYYY-MM-DD`), at most [`MAX_RANGE_DAYS`]
/// long: today when neither is given; a missing start is the end's day, a missing end today.
pub fn day_range(
    actor: &Actor,
    from: Option<&str>,
    to: Option<&str>,
    today: &str,
) -> Result<(Day, Day), ApiError> {
    let end_given = to.is_some();
    let to = day(actor, to.unwrap_or(today))?;
    let from = match from {
        Some(text) => day(actor, text)?,
        None if end_given => to,
        None => day(actor, today)?,
    };
    if from > to {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "stats_range_reversed",
            format!("开始日期 {from} 晚于结束日期 {to}"),
            format!("The first day {from} is after the last day {to}"),
        ));
    }
    let mut days = 1;
    let mut day = from;
    while day < to {
        day = day.next();
        days += 1;
        if days > MAX_RANGE_DAYS {
            return Err(refuse(
                actor,
                ErrorCode::Invalid,
                "stats_range_too_long",
                format!("一次最多统计 {MAX_RANGE_DAYS} 天，请缩短日期范围"),
                format!("At most {MAX_RANGE_DAYS} days at a time; choose a shorter range"),
            ));
        }
    }
    Ok((from, to))
}

/// The export format asked for, or why it is needed.
pub fn export_format(
    actor: &Actor,
    format: Option<ExportFormat>,
) -> Result<ExportFormat, ApiError> {
    format.ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::Invalid,
            "stats_format",
            "请选择导出格式：csv 或 xlsx".into(),
            "Choose the export format: csv or xlsx".into(),
        )
    })
}

/// Checks who asks for what: the role, the site within the account's scope, and the range of
/// days (today when not given; a missing start is the end's day, a missing end is today).
pub fn check(
    actor: &Actor,
    query: &StatsQuery,
    current: &ConfigSnapshot,
    today: &str,
) -> Result<StatsScope, ApiError> {
    may_see_stats(actor)?;
    let site = query.site.or(actor.account.site_id).ok_or_else(|| {
        refuse(
            actor,
            ErrorCode::Invalid,
            "stats_site_required",
            "请选择要统计的中心或站点".into(),
            "Choose the site to see the statistics of".into(),
        )
    })?;
    if !actor.scope().covers_site(site) {
        return Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "stats_site_forbidden",
            "您只能查看本中心的统计".into(),
            "You may see the statistics of your own site only".into(),
        ));
    }
    let site_name = current
        .sites
        .iter()
        .find(|s| s.id == site)
        .map(|s| s.name.clone())
        .ok_or_else(|| {
            refuse(
                actor,
                ErrorCode::NotFound,
                "site_not_found",
                "没有这个中心或站点".into(),
                "No such site".into(),
            )
        })?;
    let (from, to) = day_range(actor, query.from.as_deref(), query.to.as_deref(), today)?;
    Ok(StatsScope {
        site,
        site_name,
        from: from.to_string(),
        to: to.to_string(),
    })
}

/// The statistics `actor` asked for, or why not.
pub async fn queue_stats(
    state: &AppState,
    actor: &Actor,
    query: &StatsQuery,
) -> Result<QueueStats, ApiError> {
    // Refuse the role before reading anything.
    may_see_stats(actor)?;
    let current = crate::config::current(state)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    let today = crate::clock::center_date(state.clock.now_ms());
    let scope = check(actor, query, &current, &today)?;
    let rows = sql::stats_rows(&state.store, scope.site, &scope.from, &scope.to)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    Ok(compute(&scope, &rows, &current, actor.lang))
}

/// The statistics `actor` asked for as a CSV or XLSX file, or why not.
pub async fn export_file(
    state: &AppState,
    actor: &Actor,
    query: &StatsQuery,
    format: Option<ExportFormat>,
) -> Result<ExportFile, ApiError> {
    may_see_stats(actor)?;
    let format = export_format(actor, format)?;
    let stats = queue_stats(state, actor, query).await?;
    let bytes = match format {
        ExportFormat::Csv => export::csv(&stats, actor.lang),
        ExportFormat::Xlsx => {
            export::xlsx(&stats, actor.lang).map_err(|e| internal(actor.lang, e))?
        }
    };
    let file_name = export::file_name(&stats, format, actor.lang);
    Ok(ExportFile::new(bytes, format, file_name))
}

/// The value below which `p` (0 to 1) of `sorted` lies, by linear interpolation between the
/// closest ranks (Excel's `PERCENTILE.INC`; the median of an even count is the mean of the
/// middle two). `None` for no values.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p.clamp(0.0, 1.0) * last as f64;
    let below = rank.floor() as usize;
    let above = rank.ceil() as usize;
    let (low, high) = (sorted[below] as f64, sorted[above.min(last)] as f64);
    Some((low + (high - low) * (rank - below as f64)).round() as i64)
}

fn durations(mut values: Vec<i64>) -> Durations {
    values.sort_unstable();
    Durations {
        count: u32::try_from(values.len()).unwrap_or(u32::MAX),
        median_ms: percentile(&values, 0.5),
        p90_ms: percentile(&values, 0.9),
    }
}

fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// A line of a breakdown while tickets are added to it.
#[derive(Default)]
struct Tally {
    issued: u32,
    served: u32,
    no_show: u32,
    waits: Vec<i64>,
    services: Vec<i64>,
}

impl Tally {
    fn add(&mut self, ticket: &TicketTimes, wait: Option<i64>, service: Option<i64>) {
        self.issued += 1;
        match ticket.status {
            TicketStatus::Done => self.served += 1,
            TicketStatus::NoShow => self.no_show += 1,
            _ => {}
        }
        self.waits.extend(wait);
        self.services.extend(service);
    }

    fn row(self, key: String, label: String) -> StatsRow {
        StatsRow {
            key,
            label,
            issued: self.issued,
            served: self.served,
            no_show: self.no_show,
            no_show_rate: ratio(self.no_show, self.served + self.no_show),
            wait: durations(self.waits),
            service: durations(self.services),
        }
    }
}

/// The hour of the service center's day (0–23) at `ms`.
pub fn center_hour(ms: i64) -> i64 {
    (ms + CENTER_OFFSET_MS).rem_euclid(24 * HOUR_MS) / HOUR_MS
}

/// How the range's ratings were given; `None` when nobody rated.
pub fn rating_stats(scores: &[u8]) -> Option<RatingStats> {
    if scores.is_empty() {
        return None;
    }
    let mut by_score = vec![0u32; 5];
    for score in scores {
        if let Some(slot) = usize::from(*score)
            .checked_sub(1)
            .and_then(|i| by_score.get_mut(i))
        {
            *slot += 1;
        }
    }
    let sum: u32 = scores.iter().map(|s| u32::from(*s)).sum();
    Some(RatingStats {
        count: u32::try_from(scores.len()).unwrap_or(u32::MAX),
        by_score,
        mean: Some(f64::from(sum) / scores.len() as f64),
    })
}

/// The figures of `rows`, labelled in `lang`.
pub fn compute(
    scope: &StatsScope,
    rows: &StatsRows,
    current: &ConfigSnapshot,
    lang: Lang,
) -> QueueStats {
    let mut overall = Tally::default();
    let mut by_service: HashMap<&str, Tally> = HashMap::new();
    let mut by_window: HashMap<&str, Tally> = HashMap::new();
    let mut by_clerk: HashMap<&str, Tally> = HashMap::new();
    let mut by_hour: HashMap<i64, Tally> = HashMap::new();
    for ticket in &rows.tickets {
        // Waited: until the call that brought the citizen to the window; a no-show never came.
        let wait = match (ticket.status, ticket.called_at_ms) {
            (TicketStatus::Called | TicketStatus::Done | TicketStatus::Held, Some(called)) => {
                Some((called - ticket.queued_at_ms).max(0))
            }
            _ => None,
        };
        let service = match (ticket.status, ticket.called_at_ms, ticket.finished_at_ms) {
            (TicketStatus::Done, Some(called), Some(finished)) => Some((finished - called).max(0)),
            _ => None,
        };
        overall.add(ticket, wait, service);
        by_service
            .entry(&ticket.service_id)
            .or_default()
            .add(ticket, wait, service);
        if let Some(window) = &ticket.window_id {
            by_window
                .entry(window)
                .or_default()
                .add(ticket, wait, service);
        }
        if let (Some(clerk), Some(_)) = (&ticket.called_by, ticket.called_at_ms) {
            by_clerk
                .entry(clerk)
                .or_default()
                .add(ticket, wait, service);
        }
        by_hour
            .entry(center_hour(ticket.queued_at_ms))
            .or_default()
            .add(ticket, wait, service);
    }

    let service_label = |id: &str| {
        current
            .services
            .iter()
            .find(|s| s.id.to_string() == id)
            .map(|s| (s.prefix.clone(), format!("{} {}", s.prefix, s.name)))
            .unwrap_or_else(|| {
                (
                    "~".into(),
                    lang.pick("（已删除的业务）".into(), "(deleted service)".into()),
                )
            })
    };
    let mut services: Vec<_> = by_service
        .into_iter()
        .map(|(id, tally)| {
            let (order, label) = service_label(id);
            (order, tally.row(id.to_owned(), label))
        })
        .collect();
    services.sort_by(|a, b| (&a.0, &a.1.label).cmp(&(&b.0, &b.1.label)));

    let mut windows: Vec<_> = by_window
        .into_iter()
        .map(|(id, tally)| {
            let number = current
                .windows
                .iter()
                .find(|w| w.id.to_string() == id)
                .map(|w| w.number);
            let label = match number {
                Some(n) => lang.pick(format!("{n}号窗口"), format!("Window {n}")),
                None => lang.pick("（已删除的窗口）".into(), "(deleted window)".into()),
            };
            (number.unwrap_or(u16::MAX), tally.row(id.to_owned(), label))
        })
        .collect();
    windows.sort_by(|a, b| (a.0, &a.1.key).cmp(&(b.0, &b.1.key)));

    let names: HashMap<&str, &str> = rows
        .clerks
        .iter()
        .map(|(user, name)| (user.as_str(), name.as_str()))
        .collect();
    let mut clerks: Vec<StatsRow> = by_clerk
        .into_iter()
        .map(|(user, tally)| {
            let label = match names.get(user) {
                Some(name) => lang.pick(format!("{name}（{user}）"), format!("{name} ({user})")),
                None => user.to_owned(),
            };
            tally.row(user.to_owned(), label)
        })
        .collect();
    clerks.sort_by(|a, b| a.key.cmp(&b.key));

    let mut hours: Vec<_> = by_hour.into_iter().collect();
    hours.sort_by_key(|(hour, _)| *hour);
    let hours = hours
        .into_iter()
        .map(|(hour, tally)| {
            tally.row(
                format!("{hour:02}"),
                format!("{hour:02}:00–{:02}:00", hour + 1),
            )
        })
        .collect();

    QueueStats {
        site_id: scope.site,
        site_name: scope.site_name.clone(),
        from: scope.from.clone(),
        to: scope.to.clone(),
        overall: overall.row("all".into(), lang.pick("全部".into(), "All".into())),
        by_service: services.into_iter().map(|(_, row)| row).collect(),
        by_window: windows.into_iter().map(|(_, row)| row).collect(),
        by_clerk: clerks,
        by_hour: hours,
        cases: case_stats(&rows.cases),
        ratings: rating_stats(&rows.scores),
    }
}

/// Outcomes and trips. A case is finished when accepted or completed on the spot: the
/// applicant need not come again; its trip is then the number of trips the matter took.
pub fn case_stats(cases: &[CaseTrip]) -> CaseStats {
    use onetrip_api::case::CaseOutcome;
    let mut stats = CaseStats::default();
    let mut trips_total: u64 = 0;
    for case in cases {
        stats.total += 1;
        match case.outcome {
            CaseOutcome::Accepted => stats.accepted += 1,
            CaseOutcome::Completed => stats.completed += 1,
            CaseOutcome::Incomplete => {
                stats.incomplete += 1;
                continue;
            }
        }
        stats.finished += 1;
        trips_total += u64::from(case.trip);
        match case.trip {
            0 => stats.trips.zero += 1,
            1 => stats.trips.one += 1,
            2 => stats.trips.two += 1,
            _ => stats.trips.three_or_more += 1,
        }
    }
    let TripCounts { zero, one, .. } = stats.trips;
    stats.trips_mean = (stats.finished > 0).then(|| trips_total as f64 / f64::from(stats.finished));
    stats.at_most_one_trip_rate = ratio(zero + one, stats.finished);
    stats.zero_trip_rate = ratio(zero, stats.finished);
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_count_by_score_with_their_mean() {
        assert_eq!(rating_stats(&[]), None);
        let stats = rating_stats(&[5, 5, 4, 1]).unwrap();
        assert_eq!(stats.count, 4);
        assert_eq!(stats.by_score, vec![1, 0, 0, 1, 2]);
        assert_eq!(stats.mean, Some(3.75));
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[7], 0.5), Some(7));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        // Odd count: the middle one. Even count: the mean of the middle two.
        assert_eq!(percentile(&[1, 2, 9], 0.5), Some(2));
        assert_eq!(percentile(&[1, 2, 4, 9], 0.5), Some(3));
        // 1..=10: rank 0.9 × 9 = 8.1, between 9 and 10.
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 0.9), Some(9));
        let tens: Vec<i64> = (1..=10).map(|v| v * 10).collect();
        assert_eq!(percentile(&tens, 0.9), Some(91));
        assert_eq!(percentile(&tens, 1.0), Some(100));
        assert_eq!(percentile(&tens, 0.0), Some(10));
    }

    #[test]
    fn hours_are_the_service_centers() {
        // 2026-11-27 00:30 UTC is 08:30 in Yuhuan; 16:10 UTC is 00:10 the next day there.
        let midnight_utc = 1_795_737_600_000;
        assert_eq!(center_hour(midnight_utc + 30 * 60_000), 8);
        assert_eq!(center_hour(midnight_utc + 16 * HOUR_MS + 10 * 60_000), 0);
    }

    #[test]
    fn trips_of_finished_cases_only() {
        use onetrip_api::case::CaseOutcome::*;
        let cases = [
            CaseTrip {
                outcome: Incomplete,
                trip: 1,
            },
            CaseTrip {
                outcome: Accepted,
                trip: 2,
            },
            CaseTrip {
                outcome: Completed,
                trip: 1,
            },
            CaseTrip {
                outcome: Accepted,
                trip: 1,
            },
            CaseTrip {
                outcome: Accepted,
                trip: 4,
            },
        ];
        let stats = case_stats(&cases);
        assert_eq!(
            (stats.total, stats.finished, stats.incomplete),
            (5, 4, 1),
            "{stats:?}"
        );
        assert_eq!(
            stats.trips,
            TripCounts {
                zero: 0,
                one: 2,
                two: 1,
                three_or_more: 1
            }
        );
        assert_eq!(stats.trips_mean, Some(2.0));
        assert_eq!(stats.at_most_one_trip_rate, Some(0.5));
        assert_eq!(stats.zero_trip_rate, Some(0.0));
        assert_eq!(case_stats(&[]).at_most_one_trip_rate, None);
    }
}
