//! The queue's tables: tickets, window states (breaks), appointments, and the per-site queue
//! version that tells a process its kept state is stale.

use onetrip_api::queue::{Appointment, Ticket, WindowState};
use onetrip_domain::queue::PriorityClass;
use uuid::Uuid;

use super::memory::SiteQueue;
use super::{QueueView, QueueWrite, ViewKey};
use crate::storage::{
    Conn, StorageError, StorageResult, all_parsed, json, on_backend, parsed, uuid,
};

/// The site's queue version: how many times its queue was written (0: never).
pub async fn queue_version(conn: &mut Conn<'_>, site: Uuid) -> StorageResult<i64> {
    const SQL: &str = "SELECT version FROM queue_versions WHERE site_id = $1";
    let version: Option<i64> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(site.to_string())
        .fetch_optional(c)
        .await)?;
    Ok(version.unwrap_or(0))
}

/// Counts a write of the site's queue; returns the new version.
pub async fn bump_queue_version(conn: &mut Conn<'_>, site: Uuid) -> StorageResult<i64> {
    const SQL: &str = "INSERT INTO queue_versions (site_id, version) VALUES ($1, 1)
         ON CONFLICT (site_id) DO UPDATE SET version = queue_versions.version + 1
         RETURNING version";
    Ok(on_backend!(conn, c => sqlx::query_scalar::<_, i64>(SQL)
        .bind(site.to_string())
        .fetch_one(c)
        .await)?)
}

/// The site's queue of `day` as the database has it.
pub async fn load_site_queue(
    conn: &mut Conn<'_>,
    site: Uuid,
    day: &str,
    version: i64,
) -> StorageResult<SiteQueue> {
    const TICKETS: &str =
        "SELECT data FROM tickets WHERE site_id = $1 AND (day = $2 OR status = 'called')";
    const STATES: &str = "SELECT data FROM window_states WHERE site_id = $1";
    let site = site.to_string();
    let tickets: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(TICKETS)
        .bind(&site)
        .bind(day)
        .fetch_all(c)
        .await)?;
    let states: Vec<String> =
        on_backend!(conn, c => sqlx::query_scalar(STATES).bind(&site).fetch_all(c).await)?;
    Ok(SiteQueue::load(
        day,
        version,
        all_parsed(&tickets)?,
        all_parsed(&states)?,
    ))
}

/// Writes tickets as they now are, in one statement; the service column keeps the service a
/// ticket was issued for (its number belongs there).
pub async fn upsert_tickets(conn: &mut Conn<'_>, tickets: &[&Ticket]) -> StorageResult<()> {
    if tickets.is_empty() {
        return Ok(());
    }
    let mut data = Vec::with_capacity(tickets.len());
    for ticket in tickets {
        data.push(json(ticket)?);
    }
    on_backend!(conn, c => {
        let mut query = sqlx::QueryBuilder::new(
            "INSERT INTO tickets (id, site_id, service_id, day, seq, status, class,
                 queued_at_ms, called_at_ms, window_id, data, appointment_id,
                 finished_at_ms, called_by) ",
        );
        query.push_values(tickets.iter().zip(&data), |mut row, (ticket, data)| {
            row.push_bind(ticket.id.to_string())
                .push_bind(ticket.site_id.to_string())
                .push_bind(ticket.service_id.to_string())
                .push_bind(ticket.day.clone())
                .push_bind(ticket.seq)
                .push_bind(ticket.status.as_str())
                .push_bind(ticket.class.as_str())
                .push_bind(ticket.queued_at_ms)
                .push_bind(ticket.called_at_ms)
                .push_bind(ticket.window_id.map(|id| id.to_string()))
                .push_bind(data.clone())
                .push_bind(ticket.appointment_id.map(|id| id.to_string()))
                .push_bind(ticket.finished_at_ms)
                .push_bind(ticket.called_by.clone());
        });
        query.push(
            " ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                 queued_at_ms = excluded.queued_at_ms, called_at_ms = excluded.called_at_ms,
                 window_id = excluded.window_id, data = excluded.data,
                 finished_at_ms = excluded.finished_at_ms, called_by = excluded.called_by",
        );
        query.build().execute(c).await.map(drop)
    })?;
    Ok(())
}

/// The site of a ticket, if the ticket exists.
pub async fn ticket_site(conn: &mut Conn<'_>, ticket: Uuid) -> StorageResult<Option<Uuid>> {
    const SQL: &str = "SELECT site_id FROM tickets WHERE id = $1";
    let site: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(ticket.to_string())
        .fetch_optional(c)
        .await)?;
    site.map(|site| uuid(&site)).transpose()
}

/// A ticket by its id.
pub async fn ticket(conn: &mut Conn<'_>, id: Uuid) -> StorageResult<Option<Ticket>> {
    const SQL: &str = "SELECT data FROM tickets WHERE id = $1";
    let data: Option<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(id.to_string())
        .fetch_optional(c)
        .await)?;
    data.map(|data| parsed(&data)).transpose()
}

/// Reads what a queue command is planned against, inside its transaction.
pub async fn view(conn: &mut Conn<'_>, key: &ViewKey, day: &str) -> StorageResult<QueueView> {
    const WAITING: &str =
        "SELECT data FROM tickets WHERE site_id = $1 AND day = $2 AND status = 'waiting'
         ORDER BY queued_at_ms, seq";
    const RECENT: &str = "SELECT class FROM tickets
         WHERE site_id = $1 AND day = $2 AND called_at_ms IS NOT NULL
         ORDER BY called_at_ms DESC, seq DESC LIMIT 16";
    const NEXT_SEQ: &str = "SELECT COALESCE(MAX(seq), 0) + 1 FROM tickets
         WHERE site_id = $1 AND service_id = $2 AND day = $3";
    const AT_WINDOW: &str =
        "SELECT data FROM tickets WHERE window_id = $1 AND status = 'called' LIMIT 1";
    const WINDOW_STATE: &str = "SELECT data FROM window_states WHERE window_id = $1";
    const APPOINTMENT: &str =
        "SELECT data, EXISTS (SELECT 1 FROM tickets t WHERE t.appointment_id = a.id)
         FROM appointments a WHERE a.id = $1";
    const CODES: &str = "SELECT code FROM appointments WHERE site_id = $1 AND day = $2";

    let site = key.site.to_string();
    let waiting: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(WAITING)
        .bind(&site)
        .bind(day)
        .fetch_all(c)
        .await)?;
    let recent: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(RECENT)
        .bind(&site)
        .bind(day)
        .fetch_all(c)
        .await)?;
    let recent_classes = recent
        .iter()
        .map(|class| {
            PriorityClass::parse(class)
                .ok_or_else(|| StorageError::Corrupt(format!("ticket class {class:?}")))
        })
        .collect::<StorageResult<Vec<_>>>()?;
    let next_seq = match key.service {
        Some(service) => on_backend!(conn, c => sqlx::query_scalar::<_, i64>(NEXT_SEQ)
            .bind(&site)
            .bind(service.to_string())
            .bind(day)
            .fetch_one(c)
            .await)?,
        None => 0,
    };
    let ticket = match key.ticket {
        Some(id) => ticket(conn, id).await?,
        None => None,
    };
    let (current, window_state) = match key.window {
        Some(window) => {
            let window = window.to_string();
            let current: Option<String> = on_backend!(conn, c => sqlx::query_scalar(AT_WINDOW)
                .bind(&window)
                .fetch_optional(c)
                .await)?;
            let state: Option<String> = on_backend!(conn, c => sqlx::query_scalar(WINDOW_STATE)
                .bind(&window)
                .fetch_optional(c)
                .await)?;
            (
                current.map(|data| parsed(&data)).transpose()?,
                state.map(|data| parsed(&data)).transpose()?,
            )
        }
        None => (None, None),
    };
    let appointment = match key.appointment {
        Some(id) => {
            let found: Option<(String, bool)> = on_backend!(conn, c => sqlx::query_as(APPOINTMENT)
                .bind(id.to_string())
                .fetch_optional(c)
                .await)?;
            found
                .map(|(data, used)| parsed(&data).map(|a| (a, used)))
                .transpose()?
        }
        None => None,
    };
    let codes_taken = match &key.booking_day {
        Some(booking_day) => on_backend!(conn, c => sqlx::query_scalar(CODES)
            .bind(&site)
            .bind(booking_day)
            .fetch_all(c)
            .await)?,
        None => Vec::new(),
    };
    Ok(QueueView {
        waiting: all_parsed(&waiting)?,
        recent_classes,
        next_seq,
        ticket,
        current,
        window_state,
        appointment,
        codes_taken,
    })
}

/// Performs a checked queue change.
pub async fn write(conn: &mut Conn<'_>, write: &QueueWrite) -> StorageResult<()> {
    match write {
        QueueWrite::Ticket(ticket) => upsert_tickets(conn, &[ticket]).await,
        QueueWrite::WindowState(state) => save_window_state(conn, state).await,
        QueueWrite::Appointment(appointment) => insert_appointment(conn, appointment).await,
    }
}

async fn save_window_state(conn: &mut Conn<'_>, state: &WindowState) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO window_states (window_id, site_id, data) VALUES ($1, $2, $3)
         ON CONFLICT (window_id) DO UPDATE SET data = excluded.data";
    let data = json(state)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(state.window_id.to_string())
        .bind(state.site_id.to_string())
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

async fn insert_appointment(conn: &mut Conn<'_>, appointment: &Appointment) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO appointments (id, site_id, day, phone, id_number, code, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let data = json(appointment)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(appointment.id.to_string())
        .bind(appointment.site_id.to_string())
        .bind(&appointment.day)
        .bind(appointment.holder.phone.as_deref())
        .bind(appointment.holder.id_number.as_deref())
        .bind(&appointment.code)
        .bind(&data)
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}

/// A site's tickets of one service-center day (`YYYY-MM-DD`), in issue order.
pub async fn tickets_of_day(
    conn: &mut Conn<'_>,
    site: Uuid,
    day: &str,
) -> StorageResult<Vec<Ticket>> {
    const SQL: &str =
        "SELECT data FROM tickets WHERE site_id = $1 AND day = $2 ORDER BY service_id, seq";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(site.to_string())
        .bind(day)
        .fetch_all(c)
        .await)?;
    let mut tickets: Vec<Ticket> = all_parsed(&rows)?;
    tickets.sort_by_key(|t| (t.issued_at_ms, t.seq));
    Ok(tickets)
}

/// The site's windows that have been on a break or back from one.
pub async fn window_states(conn: &mut Conn<'_>, site: Uuid) -> StorageResult<Vec<WindowState>> {
    const SQL: &str = "SELECT data FROM window_states WHERE site_id = $1";
    let rows: Vec<String> = on_backend!(conn, c => sqlx::query_scalar(SQL)
        .bind(site.to_string())
        .fetch_all(c)
        .await)?;
    all_parsed(&rows)
}

/// The site's appointments of the day found by phone number, ID number or check-in code, each
/// with whether it has checked in already.
pub async fn find_appointments(
    conn: &mut Conn<'_>,
    site: Uuid,
    day: &str,
    query: &str,
) -> StorageResult<Vec<(Appointment, bool)>> {
    const SQL: &str = "SELECT data, EXISTS (SELECT 1 FROM tickets t WHERE t.appointment_id = a.id)
         FROM appointments a
         WHERE a.site_id = $1 AND a.day = $2 AND (a.phone = $3 OR a.id_number = $3 OR a.code = $3)
         ORDER BY a.id";
    let rows: Vec<(String, bool)> = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(site.to_string())
        .bind(day)
        .bind(query)
        .fetch_all(c)
        .await)?;
    rows.iter()
        .map(|(data, used)| parsed(data).map(|a| (a, *used)))
        .collect()
}
