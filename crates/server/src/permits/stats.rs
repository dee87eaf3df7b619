//! Permit statistics over a range of approval days: permits by town and industry; the working
//! days from acceptance to the decision (15 allowed), and from the decision to printing on the
//! official form and to delivery at the door (10 allowed, 行政许可法 art. 44); and the trips
//! each discharger made, 0 online and the window case's trips otherwise, with the share that
//! took none — the reform's own measure.

use std::collections::{BTreeMap, HashMap};

use onetrip_api::error::ApiError;
use onetrip_api::permits::{
    Channel, ClockFigures, PermitCount, PermitStats, PermitStatsQuery, TripsCount,
};
use onetrip_domain::auth::Role;
use onetrip_domain::calendar::{Calendar, Day};
use onetrip_domain::permits::{DECISION_WORKING_DAYS, DELIVERY_WORKING_DAYS};

use super::sql::{self, IssuedRows};
use crate::actor::Actor;
use crate::clock::center_day;
use crate::storage::{Conn, StorageResult};

/// Who may read the figures: the officers and those who supervise them.
pub fn may_see(actor: &Actor) -> bool {
    matches!(
        actor.role(),
        Role::PermitOfficer | Role::Supervisor | Role::Admin
    )
}

/// The checked range: a year up to today when nothing is given.
pub fn range(actor: &Actor, query: &PermitStatsQuery, now_ms: i64) -> Result<(Day, Day), ApiError> {
    let today = center_day(now_ms);
    let to = query.to.clone().unwrap_or_else(|| today.to_string());
    let from = match &query.from {
        Some(from) => from.clone(),
        None => Day::parse(&to)
            .map(|to| Day::from_days_since_epoch(to.days_since_epoch() - 365).to_string())
            .unwrap_or_else(|| to.clone()),
    };
    crate::stats::day_range(actor, Some(&from), Some(&to), &today.to_string())
}

/// The figures of a site's permits issued from `from` to `to`.
pub async fn stats(
    conn: &mut Conn<'_>,
    site: Option<uuid::Uuid>,
    (from, to): (Day, Day),
    calendar: &Calendar,
) -> StorageResult<PermitStats> {
    let rows = sql::issued(conn, site, &from.to_string(), &to.to_string()).await?;
    Ok(compute(&rows, (from, to), calendar))
}

/// The median of `values` sorted, the mean of the middle two for an even count.
fn median(sorted: &[u32]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(f64::from(sorted[n / 2])),
        _ => Some((f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0),
    }
}

fn figures(mut days: Vec<u32>, waiting: u64, limit_days: u32) -> ClockFigures {
    days.sort_unstable();
    let as_ms: Vec<i64> = days.iter().map(|d| i64::from(*d)).collect();
    ClockFigures {
        count: days.len() as u64,
        waiting,
        median_days: median(&days),
        p90_days: crate::stats::percentile(&as_ms, 0.9).and_then(|d| u32::try_from(d).ok()),
        limit_days,
        late: days.iter().filter(|d| **d > limit_days).count() as u64,
    }
}

/// Computes the figures from the rows read.
pub fn compute(rows: &IssuedRows, (from, to): (Day, Day), calendar: &Calendar) -> PermitStats {
    let applications: HashMap<_, _> = rows.applications.iter().map(|a| (a.id, a)).collect();
    let printed: HashMap<&str, i64> = rows
        .printed_at_ms
        .iter()
        .map(|(id, at)| (id.as_str(), *at))
        .collect();
    let delivered: HashMap<&str, i64> = rows
        .delivered_at_ms
        .iter()
        .map(|(id, at)| (id.as_str(), *at))
        .collect();
    let trips_of_case: HashMap<_, _> = rows.cases.iter().map(|c| (c.id, c.trip)).collect();

    let mut counts: BTreeMap<(String, onetrip_domain::permits::Industry), u64> = BTreeMap::new();
    let mut to_decision = Vec::new();
    let mut to_print = Vec::new();
    let mut to_delivery = Vec::new();
    let mut trips: BTreeMap<u32, u64> = BTreeMap::new();
    // Permits still to print or deliver: those in force (a voided or replaced one never will).
    let (mut unprinted, mut undelivered) = (0u64, 0u64);
    for permit in &rows.permits {
        let d = &permit.discharger;
        *counts.entry((d.town.clone(), d.industry)).or_default() += 1;
        let Some(decided) = Day::parse(&permit.issued_on) else {
            continue;
        };
        let application = applications.get(&permit.application_id);
        if let Some(accepted) = application.and_then(|a| Day::parse(&a.accepted_on)) {
            to_decision.push(calendar.working_days_between(accepted, decided));
        }
        let id = permit.id.to_string();
        let after =
            |at: Option<&i64>| at.map(|ms| calendar.working_days_between(decided, center_day(*ms)));
        let in_force = permit.state == onetrip_api::permits::PermitState::Active;
        match after(printed.get(id.as_str())) {
            Some(days) => to_print.push(days),
            None if in_force => unprinted += 1,
            None => {}
        }
        match after(delivered.get(id.as_str())) {
            Some(days) => to_delivery.push(days),
            None if in_force => undelivered += 1,
            None => {}
        }
        let made = match application {
            Some(a) if a.channel == Channel::Portal => Some(0),
            Some(a) => a.case_id.and_then(|case| trips_of_case.get(&case).copied()),
            None => None,
        };
        // A window application entered without a case is counted as one trip: the
        // discharger came to the window.
        *trips.entry(made.unwrap_or(1)).or_default() += 1;
    }
    let issued = rows.permits.len() as u64;
    let mut counts: Vec<PermitCount> = counts
        .into_iter()
        .map(|((town, industry), count)| PermitCount {
            town,
            industry,
            count,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.town.cmp(&b.town)));
    let zero = trips.get(&0).copied().unwrap_or(0);
    PermitStats {
        from: from.to_string(),
        to: to.to_string(),
        issued,
        counts,
        to_decision: figures(to_decision, 0, DECISION_WORKING_DAYS),
        to_print: figures(to_print, unprinted, DELIVERY_WORKING_DAYS),
        to_delivery: figures(to_delivery, undelivered, DELIVERY_WORKING_DAYS),
        trips: trips
            .into_iter()
            .map(|(trips, count)| TripsCount { trips, count })
            .collect(),
        zero_trip_share: if issued == 0 {
            0.0
        } else {
            zero as f64 / issued as f64
        },
    }
}
