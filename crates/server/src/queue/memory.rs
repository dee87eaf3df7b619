//! Each site's queue for the day, kept in memory so that a queue command is planned without
//! reading the database, and commands arriving together are written in one transaction (group
//! commit). What is kept is tagged with the site's queue version, which every write of a
//! ticket or a window's state bumps, by this process or any other: a batch first checks the
//! tag under the writer lock and reloads the site when another process moved it.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Mutex;

use onetrip_api::command::{Command, CommandBody, CommandOutcome};
use onetrip_api::queue::{Ticket, TicketStatus, WindowState};
use onetrip_domain::queue::PriorityClass;
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::actor::Actor;
use crate::queue::{QueueView, ViewKey};

/// Latest calls whose classes the fairness policy looks at.
const RECENT_CALLS: usize = 16;

/// One site's queue on one day.
#[derive(Debug, Clone, Default)]
pub struct SiteQueue {
    pub day: String,
    /// The site's queue version this state was read at, or last written as.
    pub version: i64,
    /// Today's tickets, and any ticket still called at a window from an earlier day.
    tickets: HashMap<Uuid, Ticket>,
    /// Today's waiting tickets in queue order: (queued at, seq, id).
    waiting: BTreeSet<(i64, i64, Uuid)>,
    /// The highest number each service gave today.
    last_seq: HashMap<Uuid, i64>,
    /// Classes of the latest calls, newest first, in the order they were made.
    recent: VecDeque<PriorityClass>,
    /// The ticket being served at each window.
    at_window: HashMap<Uuid, Uuid>,
    window_states: HashMap<Uuid, WindowState>,
}

impl SiteQueue {
    /// The state from what the database holds: the tickets of `day` (and tickets still called
    /// from earlier days) and the windows' states.
    pub fn load(
        day: &str,
        version: i64,
        tickets: Vec<Ticket>,
        states: Vec<WindowState>,
    ) -> SiteQueue {
        let mut calls: Vec<&Ticket> = tickets
            .iter()
            .filter(|t| t.day == day && t.called_at_ms.is_some())
            .collect();
        calls.sort_by_key(|t| std::cmp::Reverse((t.called_at_ms, t.seq)));
        let recent = calls.iter().take(RECENT_CALLS).map(|t| t.class).collect();
        let at_window = tickets
            .iter()
            .filter(|t| t.status == TicketStatus::Called)
            .filter_map(|t| Some((t.window_id?, t.id)))
            .collect();
        let mut state = SiteQueue {
            day: day.to_owned(),
            version,
            recent,
            at_window,
            window_states: states.into_iter().map(|s| (s.window_id, s)).collect(),
            ..SiteQueue::default()
        };
        for ticket in tickets {
            state.index(&ticket);
            state.tickets.insert(ticket.id, ticket);
        }
        state
    }

    /// Files a ticket under the day's waiting list and numbering.
    fn index(&mut self, ticket: &Ticket) {
        if ticket.day != self.day {
            return;
        }
        if ticket.status == TicketStatus::Waiting {
            self.waiting
                .insert((ticket.queued_at_ms, ticket.seq, ticket.id));
        }
        let last = self.last_seq.entry(ticket.service_id).or_default();
        *last = (*last).max(ticket.seq);
    }

    pub fn has_ticket(&self, id: Uuid) -> bool {
        self.tickets.contains_key(&id)
    }

    /// What `plan` reads for a command with this key, as the database would answer it. Only a
    /// call of the next ticket reads the waiting list, and only for its window's services:
    /// `waiting_for` names them, and the list is empty without it.
    pub fn view(&self, key: &ViewKey, waiting_for: Option<&[Uuid]>) -> QueueView {
        let waiting: Vec<Ticket> = match waiting_for {
            Some(services) => self
                .waiting
                .iter()
                .filter_map(|(_, _, id)| self.tickets.get(id))
                .filter(|t| services.contains(&t.service_id))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        let next_seq = key.service.map_or(0, |service| {
            self.last_seq.get(&service).copied().unwrap_or(0) + 1
        });
        let window = |id: Option<Uuid>| id.and_then(|w| self.at_window.get(&w));
        QueueView {
            waiting,
            recent_classes: self.recent.iter().copied().collect(),
            next_seq,
            ticket: key.ticket.and_then(|id| self.tickets.get(&id)).cloned(),
            current: window(key.window)
                .and_then(|id| self.tickets.get(id))
                .cloned(),
            window_state: key.window.and_then(|w| self.window_states.get(&w)).cloned(),
            appointment: None,
            codes_taken: Vec::new(),
        }
    }

    /// Takes in a ticket as a command left it; `called` when the command called it.
    pub fn apply(&mut self, ticket: &Ticket, called: bool) {
        if let Some(before) = self.tickets.get(&ticket.id) {
            self.waiting
                .remove(&(before.queued_at_ms, before.seq, before.id));
            let was_at = before.window_id;
            if let Some(window) = was_at.filter(|w| self.at_window.get(w) == Some(&ticket.id)) {
                self.at_window.remove(&window);
            }
        }
        self.index(ticket);
        if let (TicketStatus::Called, Some(window)) = (ticket.status, ticket.window_id) {
            self.at_window.insert(window, ticket.id);
        }
        if called {
            self.recent.push_front(ticket.class);
            self.recent.truncate(RECENT_CALLS);
        }
        self.tickets.insert(ticket.id, ticket.clone());
    }
}

/// A queue command waiting for the writer, and where its outcome goes.
pub struct Pending {
    pub actor: Actor,
    pub command: Command,
    pub now_ms: i64,
    pub reply: oneshot::Sender<crate::storage::StorageResult<CommandOutcome>>,
}

/// The queue commands of a process: those waiting for the writer, and the sites' states.
#[derive(Default)]
pub struct QueueMemory {
    pending: Mutex<Vec<Pending>>,
    pub sites: Mutex<HashMap<Uuid, SiteQueue>>,
    /// Told each time the writer lock is let go.
    pub idle: tokio::sync::Notify,
}

impl QueueMemory {
    pub fn push(&self, pending: Pending) {
        lock(&self.pending).push(pending);
    }

    /// Everything waiting, oldest first.
    pub fn take(&self) -> Vec<Pending> {
        std::mem::take(&mut *lock(&self.pending))
    }

    /// Forgets every site's state, so that the next batch reads it again.
    pub fn forget(&self) {
        lock(&self.sites).clear();
    }

    /// The site whose kept state has this ticket.
    pub fn site_of_ticket(&self, ticket: Uuid) -> Option<Uuid> {
        lock(&self.sites)
            .iter()
            .find(|(_, state)| state.has_ticket(ticket))
            .map(|(site, _)| *site)
    }
}

pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether a command is planned from memory and written with others: the hot queue commands.
/// Check-ins, bookings and breaks go the single way, and make the kept state read again.
pub fn batched(command: &Command) -> bool {
    command.base_version.is_none()
        && match &command.body {
            CommandBody::IssueTicket(issue) => issue.appointment_id.is_none(),
            CommandBody::CallNext { .. }
            | CommandBody::CallTicket { .. }
            | CommandBody::Recall { .. }
            | CommandBody::NoShow { .. }
            | CommandBody::Finish { .. }
            | CommandBody::Hold { .. }
            | CommandBody::Resume { .. }
            | CommandBody::Transfer { .. } => true,
            _ => false,
        }
}

/// Whether the command called a ticket (so that its class counts for the policy).
pub fn calls(body: &CommandBody) -> bool {
    matches!(
        body,
        CommandBody::CallNext { .. } | CommandBody::CallTicket { .. }
    )
}

#[cfg(test)]
mod tests {
    use onetrip_api::queue::TicketSource;

    use super::*;

    fn ticket(seq: i64, status: TicketStatus, window: Option<Uuid>) -> Ticket {
        Ticket {
            id: Uuid::from_u128(seq as u128),
            site_id: Uuid::nil(),
            service_id: Uuid::from_u128(1000),
            day: "2026-11-27".into(),
            seq,
            number: format!("A{seq:03}"),
            class: PriorityClass::Normal,
            source: TicketSource::Kiosk,
            status,
            issued_at_ms: seq,
            queued_at_ms: seq,
            appointment_at_ms: None,
            called_at_ms: window.map(|_| 100 + seq),
            window_id: window,
            window_number: window.map(|_| 1),
            recalls: 0,
            called_by: None,
            finished_at_ms: None,
            holder: None,
            appointment_id: None,
        }
    }

    fn key(ticket: Option<i64>, window: Option<Uuid>) -> ViewKey {
        ViewKey {
            site: Uuid::nil(),
            service: Some(Uuid::from_u128(1000)),
            ticket: ticket.map(|n| Uuid::from_u128(n as u128)),
            window,
            appointment: None,
            booking_day: None,
        }
    }

    #[test]
    fn the_view_follows_what_commands_did() {
        let window = Uuid::from_u128(77);
        let mut state = SiteQueue::load(
            "2026-11-27",
            3,
            vec![
                ticket(2, TicketStatus::Waiting, None),
                ticket(1, TicketStatus::Called, Some(window)),
                ticket(3, TicketStatus::Waiting, None),
                // Yesterday's tickets do not wait today, nor count in today's numbers.
                Ticket {
                    day: "2026-11-26".into(),
                    ..ticket(40, TicketStatus::Waiting, None)
                },
            ],
            vec![],
        );
        let services = [Uuid::from_u128(1000)];
        let view = state.view(&key(None, Some(window)), Some(&services));
        let waiting: Vec<i64> = view.waiting.iter().map(|t| t.seq).collect();
        assert_eq!(waiting, vec![2, 3]);
        assert_eq!(view.next_seq, 4);
        assert_eq!(view.current.map(|t| t.seq), Some(1));
        assert_eq!(view.recent_classes, vec![PriorityClass::Normal]);

        // Ticket 1 is finished and ticket 2 called: the window serves 2, only 3 waits.
        state.apply(
            &Ticket {
                status: TicketStatus::Done,
                ..ticket(1, TicketStatus::Called, Some(window))
            },
            false,
        );
        state.apply(&ticket(2, TicketStatus::Called, Some(window)), true);
        state.apply(&ticket(4, TicketStatus::Waiting, None), false);
        let view = state.view(&key(Some(3), Some(window)), Some(&services));
        assert!(state.view(&key(Some(3), None), None).waiting.is_empty());
        let waiting: Vec<i64> = view.waiting.iter().map(|t| t.seq).collect();
        assert_eq!(waiting, vec![3, 4]);
        assert_eq!(view.next_seq, 5);
        assert_eq!(view.current.map(|t| t.seq), Some(2));
        assert_eq!(view.ticket.map(|t| t.seq), Some(3));
        assert_eq!(view.recent_classes.len(), 2);
    }
}
