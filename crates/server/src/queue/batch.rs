//! Queue commands that arrived together, planned one after another against the sites' states
//! kept in memory and written in one transaction (group commit).

use std::collections::{HashMap, HashSet};

use onetrip_api::command::{Command, CommandBody, CommandOutcome, CommandStatus};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::queue::Ticket;
use uuid::Uuid;

use super::QueueWrite;
use super::memory::{QueueMemory, SiteQueue, calls, lock};
use crate::actor::Actor;
use crate::changes::{self, ChangeRecord};
use crate::clock::center_date;
use crate::command_log::{self, Logged};
use crate::storage::{StorageError, StorageResult, Store, VersionCache, corrupt};

/// A command of the batch: who sent it, and when.
pub type Item = (Actor, Command, i64);

/// Whether a command opens a ticket or a call rather than moving a ticket already kept.
fn opens(body: &CommandBody) -> bool {
    matches!(
        body,
        CommandBody::IssueTicket(_) | CommandBody::CallNext { .. } | CommandBody::CallTicket { .. }
    )
}

/// The batch's outcomes after its commit; `None` for a command left to the single way (a
/// ticket this process does not keep in memory).
pub async fn apply(
    store: &Store,
    memory: &QueueMemory,
    config: &VersionCache<ConfigSnapshot>,
    items: &[Item],
) -> StorageResult<Vec<Option<CommandOutcome>>> {
    let mut tx = store.begin_write().await?;
    let current = crate::config::sql::cached_snapshot(&mut tx.conn(), config).await?;

    // Commands applied before (a retry) get their stored outcome again.
    let ids: Vec<(Uuid, &str)> = items
        .iter()
        .map(|(_, command, _)| (command.id, command.body.kind()))
        .collect();
    let mut known = command_log::outcomes(&mut tx.conn(), &ids).await?;

    // The sites the batch works on, read again where another process moved them. A ticket
    // command's site is the site keeping the ticket in memory.
    let item_sites: Vec<Option<Uuid>> = items
        .iter()
        .map(|(_, command, _)| match &command.body {
            CommandBody::IssueTicket(issue) => Some(issue.site_id),
            CommandBody::CallNext { window_id } | CommandBody::CallTicket { window_id, .. } => {
                current
                    .windows
                    .iter()
                    .find(|w| w.id == *window_id)
                    .map(|w| w.site_id)
            }
            body => memory.site_of_ticket(body.target().1),
        })
        .collect();
    let mut sites: HashMap<Uuid, SiteQueue> = HashMap::new();
    for ((_, _, now_ms), site) in items.iter().zip(&item_sites) {
        let Some(site) = *site else { continue };
        if sites.contains_key(&site) {
            continue;
        }
        let day = center_date(*now_ms);
        let version = super::sql::queue_version(&mut tx.conn(), site).await?;
        let kept = lock(&memory.sites).remove(&site);
        let state = match kept {
            Some(state) if state.version == version && state.day == day => state,
            _ => super::sql::load_site_queue(&mut tx.conn(), site, &day, version).await?,
        };
        sites.insert(site, state);
    }

    let mut outcomes: Vec<Option<CommandOutcome>> = Vec::with_capacity(items.len());
    let mut tickets: Vec<Ticket> = Vec::new();
    let mut changes: Vec<(ChangeRecord, String, i64)> = Vec::new();
    let mut logged: Vec<(usize, CommandOutcome)> = Vec::new();
    let mut touched = HashSet::new();
    for (index, ((actor, command, now_ms), site)) in items.iter().zip(&item_sites).enumerate() {
        match known.get(&command.id) {
            Some(command_log::Recorded::Outcome(outcome)) => {
                outcomes.push(Some(outcome.clone()));
                continue;
            }
            Some(command_log::Recorded::OtherKind(kind)) => {
                outcomes.push(Some(command_log::reused_id(actor.lang, command.id, kind)));
                continue;
            }
            None => {}
        }
        let ticket_site = if opens(&command.body) { None } else { *site };
        if ticket_site.is_none() && !opens(&command.body) {
            // A ticket not kept in memory: the single way reads it.
            outcomes.push(None);
            continue;
        }
        let day = center_date(*now_ms);
        let planned = match super::view_key(actor, &command.body, &current, ticket_site) {
            Err(refusal) => Err(refusal),
            Ok(key) => {
                let Some(state) = sites.get_mut(&key.site) else {
                    outcomes.push(None);
                    continue;
                };
                if state.day != day
                    || key.ticket.is_some_and(|t| !state.has_ticket(t))
                        && matches!(command.body, CommandBody::CallTicket { .. })
                {
                    outcomes.push(None);
                    continue;
                }
                let policy = super::policy_of(&current, key.site);
                // Only a call of the next ticket reads who waits, for the window's services.
                let services = match &command.body {
                    CommandBody::CallNext { window_id } => current
                        .windows
                        .iter()
                        .find(|w| w.id == *window_id)
                        .map(|w| w.service_ids.as_slice()),
                    _ => None,
                };
                let view = state.view(&key, services);
                match super::plan::plan(
                    actor,
                    &command.body,
                    &current,
                    &view,
                    &policy,
                    *now_ms,
                    &day,
                ) {
                    Ok(QueueWrite::Ticket(ticket)) => {
                        state.apply(&ticket, calls(&command.body));
                        touched.insert(key.site);
                        Ok(ticket)
                    }
                    Ok(_) => {
                        return Err(StorageError::Corrupt(
                            "a batched queue command planned another write".into(),
                        ));
                    }
                    Err(refusal) => Err(refusal),
                }
            }
        };
        let outcome = match planned {
            Ok(ticket) => {
                let write = QueueWrite::Ticket(ticket.clone());
                changes.push((
                    write.change().map_err(corrupt)?,
                    command.id.to_string(),
                    *now_ms,
                ));
                tickets.push(ticket);
                CommandOutcome {
                    command_id: command.id,
                    status: CommandStatus::Applied,
                    error: None,
                    record: write.record(),
                }
            }
            Err(refusal) => CommandOutcome {
                command_id: command.id,
                status: CommandStatus::Rejected,
                error: Some(refusal),
                record: None,
            },
        };
        logged.push((index, outcome.clone()));
        known.insert(command.id, command_log::Recorded::Outcome(outcome.clone()));
        outcomes.push(Some(outcome));
    }

    // One statement each for the tickets, the change log, the commands and the audit.
    let mut latest: HashMap<Uuid, usize> = HashMap::new();
    for (index, ticket) in tickets.iter().enumerate() {
        latest.insert(ticket.id, index);
    }
    let mut rows: Vec<&Ticket> = latest.values().map(|&index| &tickets[index]).collect();
    rows.sort_by_key(|t| t.id);
    super::sql::upsert_tickets(&mut tx.conn(), &rows).await?;
    let last_seq = changes::record_all(&mut tx.conn(), &changes).await?;
    if let Some(seq) = last_seq {
        store.notify(&mut tx, seq).await?;
    }
    let entries: Vec<Logged<'_>> = logged
        .iter()
        .map(|(index, outcome)| {
            let (actor, command, now_ms) = &items[*index];
            Logged {
                actor,
                command,
                now_ms: *now_ms,
                outcome,
            }
        })
        .collect();
    command_log::write(&mut tx.conn(), &entries).await?;
    for site in &touched {
        let version = super::sql::bump_queue_version(&mut tx.conn(), *site).await?;
        if let Some(state) = sites.get_mut(site) {
            state.version = version;
        }
    }
    tx.commit().await?;
    if let Some(seq) = last_seq {
        store.committed(seq);
    }
    lock(&memory.sites).extend(sites);
    Ok(outcomes)
}
