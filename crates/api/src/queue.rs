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
    #[schema(maximum = 65535)]
    pub window_number: Option<u16>,
    /// How many times it was called again at the window.
    pub recalls: u32,
    /// The clerk who called it.
    pub called_by: Option<String>,
    #[ts(type = "number | null")]
    pub finished_at_ms: Option<i64>,
    /// Who holds it, when known (an appointment, or given at the kiosk or counter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub holder: Option<TicketHolder>,
    /// The appointment it was issued for at check-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub appointment_id: Option<Uuid>,
}

impl Ticket {
    /// The holder's name as a public screen may show it (张*明).
    pub fn public_name(&self) -> Option<String> {
        self.holder
            .as_ref()
            .and_then(|holder| holder.name.as_deref())
            .map(mask_name)
    }
}

/// Who a ticket is for. Each part is optional: a walk-in gives none, or a phone number for a
/// text message, or an ID number; an appointment knows the name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct TicketHolder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    /// A mainland mobile number, 11 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub phone: Option<String>,
    /// A resident ID number (身份证号), checked with its check character.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id_number: Option<String>,
}

/// Longest holder name kept.
pub const MAX_HOLDER_NAME_CHARS: usize = 50;

/// A name as public screens show it: the first and last characters kept, the rest starred
/// (张*明, 李*, 欧**锋); a one-character name is starred whole.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// A phone number as a ticket slip shows it: 138****5678.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..3], &chars[chars.len() - 4..]);
    format!(
        "{}{}{}",
        head.iter().collect::<String>(),
        "*".repeat(chars.len() - 7),
        tail.iter().collect::<String>()
    )
}

/// Whether a window is open or on a break (暂停).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct WindowState {
    pub window_id: Uuid,
    pub site_id: Uuid,
    pub on_break: bool,
    /// Since when it is in this state.
    #[ts(type = "number")]
    pub since_ms: i64,
    /// The clerk who changed it.
    pub clerk: String,
}

/// A booked appointment (预约): checking in at the kiosk or counter issues its ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Appointment {
    pub id: Uuid,
    pub site_id: Uuid,
    pub service_id: Uuid,
    /// The appointed time.
    #[ts(type = "number")]
    pub at_ms: i64,
    pub holder: TicketHolder,
    /// Six digits the citizen can check in with; made by the server (empty in a draft).
    #[serde(default)]
    pub code: String,
    /// The center's day, `YYYY-MM-DD`; made by the server (empty in a draft).
    #[serde(default)]
    pub day: String,
    /// Who booked it.
    #[serde(default)]
    pub booked_by: String,
}

/// A new ticket. The id is made by the caller, so that issuing it twice issues one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct IssueTicket {
    pub id: Uuid,
    pub site_id: Uuid,
    pub service_id: Uuid,
    pub class: PriorityClass,
    pub source: TicketSource,
    #[ts(type = "number | null")]
    pub appointment_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub holder: Option<TicketHolder>,
    /// Checking in for this appointment; the server fills in its time, class and holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub appointment_id: Option<Uuid>,
}

/// Recalls before a ticket that does not come may be marked no-show.
pub const RECALLS_BEFORE_NO_SHOW: u32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_between_first_and_last() {
        assert_eq!(mask_name("张三明"), "张*明");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_name("欧阳修锋"), "欧**锋");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_name(" "), "");
    }

    #[test]
    fn phones_keep_three_and_four() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("123"), "***");
    }
}
