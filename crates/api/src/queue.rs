//! The queue: tickets and what windows do with them. Every change is a command, so that a
//! call sent twice by a network retry still calls one ticket.

use onetrip_domain::queue::PriorityClass;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// Where a ticket came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketSource {
    /// The self-service kiosk (取号机).
    Kiosk,
    /// Checked in for an appointment (预约).
    Appointment,
    /// Taken on a phone (网上取号).
    Mobile,
    /// Issued by a clerk for the citizen (代办).
    Assisted,
}

impl TicketSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketSource::Kiosk => "kiosk",
            TicketSource::Appointment => "appointment",
            TicketSource::Mobile => "mobile",
            TicketSource::Assisted => "assisted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            TicketSource::Kiosk,
            TicketSource::Appointment,
            TicketSource::Mobile,
            TicketSource::Assisted,
        ]
        .into_iter()
        .find(|source| source.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Waiting,
    /// Called to a window; being served there.
    Called,
    Done,
    /// Did not come after the recalls (过号).
    NoShow,
    /// Put aside at the window (挂起); goes back to its original place when resumed.
    Held,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Done => "done",
            TicketStatus::NoShow => "no_show",
            TicketStatus::Held => "held",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            TicketStatus::Waiting,
            TicketStatus::Called,
            TicketStatus::Done,
            TicketStatus::NoShow,
            TicketStatus::Held,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// A ticket, with every moment of its way through the hall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Ticket {
    pub id: Uuid,
    pub site_id: Uuid,
    pub service_id: Uuid,
    /// The service center's day it was issued on, `YYYY-MM-DD`.
    pub day: String,
    /// Its place in the service's numbering that day (1 for A001).
    #[ts(type = "number")]
    pub seq: i64,
    /// `A012`.
    pub number: String,
    #[schema(value_type = String)]
    pub class: PriorityClass,
    pub source: TicketSource,
    pub status: TicketStatus,
    #[ts(type = "number")]
    pub issued_at_ms: i64,
    /// Where it stands in the queue: its issue time, kept through transfers and holds.
    #[ts(type = "number")]
    pub queued_at_ms: i64,
    #[ts(type = "number | null")]
    pub appointment_at_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub called_at_ms: Option<i64>,
    pub window_id: Option<Uuid>,
    /// The window's number, for displays.
    pub window_number: Option<u16>,
    /// How many times it was called again at the window.
    pub recalls: u32,
    /// The clerk who called it.
    pub called_by: Option<String>,
    #[ts(type = "number | null")]
    pub finished_at_ms: Option<i64>,
}

/// A new ticket. The id is made by the caller, so that issuing it twice issues one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct IssueTicket {
    pub id: Uuid,
    pub site_id: Uuid,
    pub service_id: Uuid,
    #[schema(value_type = String)]
    pub class: PriorityClass,
    pub source: TicketSource,
    #[ts(type = "number | null")]
    pub appointment_at_ms: Option<i64>,
}

/// Recalls before a ticket that does not come may be marked no-show.
pub const RECALLS_BEFORE_NO_SHOW: u32 = 2;
