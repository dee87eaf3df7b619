//! Appointments (预约): booking at the counter or by telephone, the holder's details, and the
//! check-in that issues the appointment's ticket once.

use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::queue::{
    Appointment, MAX_HOLDER_NAME_CHARS, Ticket, TicketHolder, TicketSource, TicketStatus,
};
use onetrip_domain::calendar::Day;
use onetrip_domain::identity::{IdKind, check_resident_id};
use onetrip_domain::input::normalise_code;
use onetrip_domain::phone::check_mobile_number;

use super::plan::{QueueView, may_work_the_queue, served_service};
use crate::actor::{Actor, refuse};

/// Longest an appointment may be booked ahead.
const BOOKING_DAYS_AHEAD: i64 = 30;

pub(super) fn plan_booking(
    actor: &Actor,
    draft: &Appointment,
    current: &ConfigSnapshot,
    view: &QueueView,
    now_ms: i64,
) -> Result<Appointment, ApiError> {
    may_work_the_queue(actor, draft.site_id)?;
    if view.appointment.is_some() {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "appointment_exists",
            "这个预约已经登记".into(),
            "This appointment is booked already".into(),
        ));
    }
    served_service(actor, current, draft.site_id, draft.service_id)?;
    if draft.at_ms < now_ms - 60_000 || draft.at_ms > now_ms + BOOKING_DAYS_AHEAD * 86_400_000 {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "appointment_time",
            format!("预约时间须在现在到 {BOOKING_DAYS_AHEAD} 天之内"),
            format!("The appointment must be between now and {BOOKING_DAYS_AHEAD} days ahead"),
        ));
    }
    // Any day may be booked: some halls open at weekends (周末不打烊); the desk suggests the
    // next working day.
    let day = crate::clock::center_date(draft.at_ms);
    let holder = checked_holder(actor, &draft.holder, crate::clock::center_day(now_ms))?;
    if holder.name.is_none() || (holder.phone.is_none() && holder.id_number.is_none()) {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "appointment_holder",
            "预约须填写姓名，以及手机号或身份证号（用于签到）".into(),
            "An appointment needs a name, and a phone or ID number to check in with".into(),
        ));
    }
    // Six digits from the id, moved on past any code the day already gave.
    let mut code = draft.id.as_u128() % 1_000_000;
    while view
        .codes_taken
        .iter()
        .any(|taken| *taken == format!("{code:06}"))
    {
        code = (code + 1) % 1_000_000;
    }
    Ok(Appointment {
        holder,
        code: format!("{code:06}"),
        day,
        booked_by: actor.account.username.clone(),
        ..draft.clone()
    })
}

/// The holder's details trimmed and checked: a name of reasonable length, a mobile number of
/// 11 digits, an ID number with its check character and a birth date no later than `today`.
/// Codes are read as people type them (full-width digits, spaces); empty parts are dropped.
pub fn checked_holder(
    actor: &Actor,
    holder: &TicketHolder,
    today: Day,
) -> Result<TicketHolder, ApiError> {
    let given = |part: &Option<String>| {
        part.as_deref()
            .filter(|text| !normalise_code(text).is_empty())
            .map(str::to_owned)
    };
    let name = holder
        .name
        .as_deref()
        .map(|text| {
            text.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        })
        .filter(|text| !text.is_empty());
    if name
        .as_ref()
        .is_some_and(|name| name.chars().count() > MAX_HOLDER_NAME_CHARS)
    {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "holder_name",
            format!("姓名不能超过 {MAX_HOLDER_NAME_CHARS} 个字"),
            format!("The name must not exceed {MAX_HOLDER_NAME_CHARS} characters"),
        ));
    }
    let phone = given(&holder.phone)
        .map(|text| {
            check_mobile_number(&text).map_err(|error| {
                ApiError::new(ErrorCode::Invalid, error.message(actor.lang))
                    .with_reason("holder_phone")
            })
        })
        .transpose()?;
    let id_number = given(&holder.id_number)
        .map(|text| {
            check_resident_id(&text, today).map_err(|error| {
                ApiError::new(
                    ErrorCode::Invalid,
                    error.message(IdKind::Person, actor.lang),
                )
                .with_reason(error.code())
            })
        })
        .transpose()?;
    Ok(TicketHolder {
        name,
        phone,
        id_number,
    })
}

/// The ticket for an appointment checked in today at its site, issued at most once.
pub(super) fn check_in(
    actor: &Actor,
    issue: &onetrip_api::queue::IssueTicket,
    current: &ConfigSnapshot,
    view: &QueueView,
    now_ms: i64,
    day: &str,
) -> Result<Ticket, ApiError> {
    let refused = |reason: &str, zh: &str, en: &str| {
        Err(refuse(
            actor,
            ErrorCode::Invalid,
            reason,
            zh.into(),
            en.into(),
        ))
    };
    let Some((appointment, used)) = &view.appointment else {
        return refused(
            "appointment_not_found",
            "没有找到这个预约",
            "No such appointment",
        );
    };
    let same = appointment.site_id == issue.site_id && appointment.service_id == issue.service_id;
    if !same || appointment.day != day {
        return refused(
            "appointment_not_today",
            "这个预约不是今天在本中心办理",
            "This appointment is not for today at this site",
        );
    }
    if *used {
        return refused(
            "appointment_checked_in",
            "这个预约已经签到取号",
            "This appointment has checked in already",
        );
    }
    let service = served_service(actor, current, appointment.site_id, appointment.service_id)?;
    Ok(Ticket {
        id: issue.id,
        site_id: appointment.site_id,
        service_id: service.id,
        day: day.to_owned(),
        seq: view.next_seq,
        number: format!("{}{:03}", service.prefix, view.next_seq),
        class: issue.class,
        source: TicketSource::Appointment,
        status: TicketStatus::Waiting,
        issued_at_ms: now_ms,
        queued_at_ms: now_ms,
        appointment_at_ms: Some(appointment.at_ms),
        called_at_ms: None,
        window_id: None,
        window_number: None,
        recalls: 0,
        called_by: None,
        finished_at_ms: None,
        holder: Some(appointment.holder.clone()),
        appointment_id: Some(appointment.id),
    })
}
