//! The queue (叫号): tickets issued at the kiosk and the counter, calls by each site's fairness
//! policy, breaks and appointments, kept in memory per site and written in group commits; and
//! the hall's public screens (the display and the kiosk).

pub mod appointments;
pub mod batch;
pub mod hall;
pub mod kiosk;
pub mod memory;
pub mod plan;
pub mod sql;

use onetrip_api::command::CommandBody;
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::ApiError;
use onetrip_api::queue::{Appointment, Ticket, WindowState};
use onetrip_api::sync::EntityKind;
use onetrip_domain::config::Site;
use onetrip_domain::queue::FairnessPolicy;

pub use plan::{QueueView, ViewKey, view_key};

use crate::actor::Actor;
use crate::changes::ChangeRecord;
use crate::clock::center_date;
use crate::storage::{Conn, StorageResult};

/// A change to the queue, already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueWrite {
    Ticket(Ticket),
    WindowState(WindowState),
    Appointment(Appointment),
}

impl QueueWrite {
    pub fn change(&self) -> Result<ChangeRecord, serde_json::Error> {
        match self {
            QueueWrite::Ticket(ticket) => {
                ChangeRecord::upsert(EntityKind::Ticket, ticket.id, ticket, Some(ticket.site_id))
            }
            QueueWrite::WindowState(state) => ChangeRecord::upsert(
                EntityKind::WindowState,
                state.window_id,
                state,
                Some(state.site_id),
            ),
            QueueWrite::Appointment(appointment) => ChangeRecord::upsert(
                EntityKind::Appointment,
                appointment.id,
                appointment,
                Some(appointment.site_id),
            ),
        }
    }

    /// What the caller gets back at once: the ticket issued or moved, the appointment booked.
    pub fn record(&self) -> Option<serde_json::Value> {
        match self {
            QueueWrite::Ticket(ticket) => serde_json::to_value(ticket).ok(),
            QueueWrite::Appointment(appointment) => serde_json::to_value(appointment).ok(),
            QueueWrite::WindowState(_) => None,
        }
    }

    /// The site whose queue the write moves.
    pub fn site(&self) -> uuid::Uuid {
        match self {
            QueueWrite::Ticket(ticket) => ticket.site_id,
            QueueWrite::WindowState(state) => state.site_id,
            QueueWrite::Appointment(appointment) => appointment.site_id,
        }
    }
}

/// Reads what a queue command needs from the database and plans it; the inner result is the
/// planned write or the refusal.
pub async fn plan_command(
    conn: &mut Conn<'_>,
    actor: &Actor,
    body: &CommandBody,
    current: &ConfigSnapshot,
    now_ms: i64,
) -> StorageResult<Result<QueueWrite, ApiError>> {
    let day = center_date(now_ms);
    let named = match named_ticket(body) {
        Some(ticket) => sql::ticket_site(conn, ticket).await?,
        None => None,
    };
    let key = match view_key(actor, body, current, named) {
        Ok(key) => key,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let view = sql::view(conn, &key, &day).await?;
    let policy = policy_of(current, key.site);
    Ok(plan::plan(
        actor, body, current, &view, &policy, now_ms, &day,
    ))
}

/// The ticket a command names, for the commands that move one.
fn named_ticket(body: &CommandBody) -> Option<uuid::Uuid> {
    match body {
        CommandBody::Recall { ticket_id }
        | CommandBody::NoShow { ticket_id }
        | CommandBody::Finish { ticket_id }
        | CommandBody::Hold { ticket_id }
        | CommandBody::Resume { ticket_id }
        | CommandBody::Transfer { ticket_id, .. } => Some(*ticket_id),
        _ => None,
    }
}

/// The calling rules of `site`: its own, or the default.
pub fn policy_of(current: &ConfigSnapshot, site: uuid::Uuid) -> FairnessPolicy {
    current
        .sites
        .iter()
        .find(|s| s.id == site)
        .map(Site::fairness)
        .unwrap_or_default()
}
