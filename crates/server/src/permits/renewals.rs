//! Renewals (延续): a permit's holder is reminded 30, 14 and 1 days before it expires, by a
//! letter the officer prints from the list of reminders due; a renewal still undecided 14 days
//! before expiry raises an alarm, since a renewal not decided by then counts as granted
//! (行政许可法 art. 50). A renewal application names the permit it renews; approving it issues a
//! permit valid five years on from the old one's last day, which re-arms the reminders.

use std::collections::BTreeMap;

use onetrip_api::error::ApiError;
use onetrip_api::permits::{ApplicationState, Cohort, RenewalRow};
use onetrip_domain::calendar::Day;
use onetrip_domain::permits::{REMINDER_DAYS, reminder_due, renewal_alarm};
use uuid::Uuid;

use super::{PermitWrite, is_officer, officers_only, sql};
use crate::actor::Actor;
use crate::clock::center_day;
use crate::storage::{Conn, StorageResult};

/// The reminders a permit gets: the first of them is this many days before expiry.
const FIRST_REMINDER_DAYS: i64 = REMINDER_DAYS[0];
/// Days an expired permit stays listed without a renewal pending; with one it stays as long
/// as the alarm does, up to a year.
const LISTED_AFTER_EXPIRY_DAYS: i64 = 30;

/// The site's active permits within a month of expiry (or just past it), not renewed yet, each
/// with the reminder due today, the renewal pending for it and whether that renewal raises the
/// alarm; soonest first. Renewals are found wherever they were filed.
pub async fn list(
    conn: &mut Conn<'_>,
    site: Option<Uuid>,
    now_ms: i64,
) -> StorageResult<Vec<RenewalRow>> {
    let today = center_day(now_ms);
    let until = Day::from_days_since_epoch(today.days_since_epoch() + FIRST_REMINDER_DAYS);
    let until = until.to_string();
    let from = Day::from_days_since_epoch(today.days_since_epoch() - 366).to_string();
    let permits = sql::expiring(conn, site, &from, &until).await?;
    let reminded: BTreeMap<String, String> = sql::last_reminded(conn, site, &until)
        .await?
        .into_iter()
        .collect();
    let pending = Cohort {
        state: Some(ApplicationState::Submitted),
        ..Cohort::default()
    };
    let renewals: BTreeMap<Uuid, Uuid> = sql::cohort(conn, None, &pending)
        .await?
        .into_iter()
        .filter_map(|a| a.draft.renews.map(|permit| (permit, a.id)))
        .collect();
    Ok(permits
        .into_iter()
        .filter(|permit| permit.renewed_by.is_none())
        .filter_map(|permit| {
            let expiry = Day::parse(&permit.expires_on)?;
            let last = reminded.get(&permit.id.to_string()).cloned();
            let renewal_id = renewals.get(&permit.id).copied();
            let days_left = expiry.days_since_epoch() - today.days_since_epoch();
            if days_left < -LISTED_AFTER_EXPIRY_DAYS && renewal_id.is_none() {
                return None;
            }
            Some(RenewalRow {
                days_left,
                reminder: reminder_due(expiry, today, last.as_deref().and_then(Day::parse)),
                alarm: renewal_alarm(expiry, today, renewal_id.is_some()),
                last_reminded_on: last,
                renewal_id,
                permit,
            })
        })
        .collect())
}

/// Plans recording that the reminders due today went out for these permits (their letters
/// printed). A permit no longer listed (renewed or voided meanwhile) or with no reminder due
/// today is left as it is; the answer says how many were recorded.
pub async fn plan_reminders(
    conn: &mut Conn<'_>,
    actor: &Actor,
    permit_ids: &[Uuid],
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    if !is_officer(actor) {
        return Ok(Err(officers_only(actor)));
    }
    let rows = list(conn, actor.account.site_id, now_ms).await?;
    let today = center_day(now_ms).to_string();
    let mut reminders = Vec::new();
    for id in permit_ids {
        let due = rows
            .iter()
            .find(|row| row.permit.id == *id)
            .and_then(|row| row.reminder);
        if let Some(stage) = due {
            reminders.push(sql::Reminder {
                permit_id: *id,
                sent_on: today.clone(),
                stage,
                sent_by: actor.account.username.clone(),
                sent_at_ms: now_ms,
            });
        }
    }
    Ok(Ok(PermitWrite {
        answer: Some(serde_json::json!({
            "recorded": reminders.len(),
            "skipped": permit_ids.len() - reminders.len(),
        })),
        reminders,
        ..PermitWrite::default()
    }))
}
