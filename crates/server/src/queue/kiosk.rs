//! The self-service kiosk (取号机), served without a login: choose a service, optionally give a
//! mobile or ID number, get a ticket with the people ahead and an estimated wait; or check a
//! booked appointment in (预约签到).

use axum::extract::State;
use axum::response::Response;
use axum::{Json, Router, routing::get};
use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::queue::{IssueTicket, Ticket, TicketHolder, TicketSource, TicketStatus};
use onetrip_domain::Lang;
use onetrip_domain::auth::Role;
use onetrip_domain::input::normalise_code;
use onetrip_domain::phone::check_mobile_number;
use onetrip_domain::queue::PriorityClass;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::hall::{internal, paused_windows, site_day};
use crate::actor::Actor;
use crate::extract::{Body, PathParam};
use crate::http_error::HttpError;
use crate::lang::ClientLang;
use crate::state::AppState;

/// A service the kiosk offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KioskService {
    pub id: Uuid,
    pub prefix: String,
    pub name: String,
    pub waiting: usize,
    /// Minutes a new ticket is expected to wait.
    pub estimated_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KioskState {
    pub site: String,
    pub services: Vec<KioskService>,
}

/// What the kiosk sends: the service, and whether the citizen asked for priority.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct KioskRequest {
    pub service_id: Uuid,
    #[serde(default)]
    pub priority: bool,
    /// A mobile number for a text message when the turn comes near.
    #[serde(default)]
    pub phone: Option<String>,
    /// The resident ID number, so the window finds the applicant's earlier cases.
    #[serde(default)]
    pub id_number: Option<String>,
}

/// The ticket the kiosk prints and shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KioskTicket {
    pub number: String,
    pub service: String,
    /// For a check-in: the holder's masked name and the appointed time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_at_ms: Option<i64>,
    /// The phone number the ticket will be announced to, masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub ahead: usize,
    pub estimated_minutes: u32,
    pub issued_at_ms: i64,
}

/// Minutes a ticket takes at a window when the day has no finished tickets to learn from.
const DEFAULT_SERVICE_MINUTES: f64 = 6.0;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kiosk/{site}", get(kiosk_page))
        .route(
            "/api/public/sites/{site}/kiosk",
            get(kiosk_state).post(kiosk_issue),
        )
        .route(
            "/api/public/sites/{site}/checkin",
            axum::routing::post(kiosk_check_in),
        )
}

/// Minutes a new ticket of `service` is expected to wait: the people ahead, times the day's
/// median service time, shared among the windows that handle it.
pub fn estimate(tickets: &[Ticket], ahead: usize, windows: usize) -> u32 {
    let mut minutes: Vec<f64> = tickets
        .iter()
        .filter(|t| t.status == TicketStatus::Done)
        .filter_map(|t| Some((t.finished_at_ms? - t.called_at_ms?) as f64 / 60_000.0))
        .collect();
    minutes.sort_by(f64::total_cmp);
    let per_ticket = minutes
        .get(minutes.len() / 2)
        .copied()
        .unwrap_or(DEFAULT_SERVICE_MINUTES);
    let total = ahead as f64 * per_ticket / windows.max(1) as f64;
    total.ceil() as u32
}

/// Windows of the site that handle `service`, and how many of them are not on a break.
fn windows_for(
    snapshot: &ConfigSnapshot,
    site: Uuid,
    service: Uuid,
    paused: &[u16],
) -> (usize, usize) {
    let serving: Vec<u16> = snapshot
        .windows
        .iter()
        .filter(|w| w.site_id == site && w.service_ids.contains(&service))
        .map(|w| w.number)
        .collect();
    let open = serving.iter().filter(|n| !paused.contains(n)).count();
    (serving.len(), open)
}

fn kiosk_services(
    snapshot: &ConfigSnapshot,
    site: Uuid,
    tickets: &[Ticket],
    paused: &[u16],
) -> Vec<KioskService> {
    snapshot
        .services
        .iter()
        .filter_map(|service| {
            let (all, windows) = windows_for(snapshot, site, service.id, paused);
            if all == 0 {
                return None;
            }
            let waiting = tickets
                .iter()
                .filter(|t| t.service_id == service.id && t.status == TicketStatus::Waiting)
                .count();
            Some(KioskService {
                id: service.id,
                prefix: service.prefix.clone(),
                name: service.name.clone(),
                waiting,
                estimated_minutes: estimate(tickets, waiting, windows),
            })
        })
        .collect()
}

/// `GET /api/public/sites/{site}/kiosk`: the services the kiosk offers, with their waits.
#[utoipa::path(get, path = "/api/public/sites/{site}/kiosk", params(("site" = Uuid, Path, description = "The site's id, from `GET /api/config`")),
    responses((status = 200, body = KioskState), (status = 404, body = ApiError)))]
pub async fn kiosk_state(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    PathParam(site): PathParam<Uuid>,
) -> Result<Json<KioskState>, HttpError> {
    let (snapshot, name, tickets) = site_day(&state, site, lang).await?;
    let paused = paused_windows(&state, &snapshot, site, lang).await?;
    Ok(Json(KioskState {
        site: name,
        services: kiosk_services(&snapshot, site, &tickets, &paused),
    }))
}

/// The kiosk of a site issues tickets as a clerk of that site would, under its own name.
fn kiosk_actor(site: Uuid, lang: Lang) -> Actor {
    Actor {
        account: onetrip_api::auth::Account {
            id: Uuid::nil(),
            username: "kiosk".into(),
            display_name: "自助取号机".into(),
            role: Role::Clerk,
            site_id: Some(site),
            specialty: None,
        },
        lang,
    }
}

/// `POST /api/public/sites/{site}/kiosk`: takes a ticket.
#[utoipa::path(post, path = "/api/public/sites/{site}/kiosk", params(("site" = Uuid, Path, description = "The site's id, from `GET /api/config`")), request_body = KioskRequest,
    responses((status = 200, body = KioskTicket), (status = 400, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn kiosk_issue(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    PathParam(site): PathParam<Uuid>,
    body: Result<Body<KioskRequest>, HttpError>,
) -> Result<Json<KioskTicket>, HttpError> {
    let Body(request) = body.map_err(|_| {
        HttpError(ApiError::new(
            ErrorCode::BadRequest,
            lang.pick("请选择要办理的业务".into(), "Choose a service".into()),
        ))
    })?;
    // An unknown site is a 404 before anything is issued.
    site_day(&state, site, lang).await?;
    let issue = IssueTicket {
        id: Uuid::new_v4(),
        site_id: site,
        service_id: request.service_id,
        class: if request.priority {
            PriorityClass::Priority
        } else {
            PriorityClass::Normal
        },
        source: TicketSource::Kiosk,
        appointment_at_ms: None,
        holder: Some(TicketHolder {
            name: None,
            phone: request.phone.clone(),
            id_number: request.id_number.clone(),
        }),
        appointment_id: None,
    };
    issue_at_kiosk(&state, site, lang, issue).await.map(Json)
}

/// What the citizen types to check in: a phone number, an ID number or the six-digit code.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CheckInRequest {
    pub query: String,
}

/// Checks an appointment in: finds today's appointment at the site by phone number, ID number
/// or code, and issues its ticket.
/// `POST /api/public/sites/{site}/checkin`: checks a booked appointment in and issues its ticket.
#[utoipa::path(post, path = "/api/public/sites/{site}/checkin", params(("site" = Uuid, Path, description = "The site's id, from `GET /api/config`")), request_body = CheckInRequest,
    responses((status = 200, body = KioskTicket), (status = 400, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn kiosk_check_in(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    PathParam(site): PathParam<Uuid>,
    body: Result<Body<CheckInRequest>, HttpError>,
) -> Result<Json<KioskTicket>, HttpError> {
    // As typed on any keyboard: full-width digits, spaces, a phone number in groups or
    // with +86 in front.
    let typed = normalise_code(&body.map(|Body(request)| request.query).unwrap_or_default());
    let query = check_mobile_number(&typed).unwrap_or(typed);
    if query.is_empty() || query.len() > 32 {
        return Err(HttpError(ApiError::new(
            ErrorCode::BadRequest,
            lang.pick(
                "请输入预约时留的手机号、身份证号或 6 位预约码".into(),
                "Enter the phone number, ID number or 6-digit code of the appointment".into(),
            ),
        )));
    }
    site_day(&state, site, lang).await?;
    let day = crate::clock::center_date(state.clock.now_ms());
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let found = super::sql::find_appointments(&mut pooled.conn(), site, &day, &query)
        .await
        .map_err(|e| internal(lang, e))?;
    let Some((appointment, _)) = found
        .iter()
        .filter(|(_, used)| !used)
        .min_by_key(|(a, _)| a.at_ms)
    else {
        let (zh, en) = if found.is_empty() {
            (
                "没有找到您今天在本中心的预约，请核对后重输，或到咨询台取号",
                "No appointment today at this site was found; check and try again, or ask at the information desk",
            )
        } else {
            (
                "您的预约已经签到取号，请留意大屏叫号",
                "This appointment has checked in already; watch the display for the call",
            )
        };
        return Err(HttpError(ApiError::new(
            ErrorCode::NotFound,
            lang.pick(zh.into(), en.into()),
        )));
    };
    let issue = IssueTicket {
        id: Uuid::new_v4(),
        site_id: site,
        service_id: appointment.service_id,
        class: PriorityClass::Normal,
        source: TicketSource::Appointment,
        appointment_at_ms: Some(appointment.at_ms),
        holder: None,
        appointment_id: Some(appointment.id),
    };
    issue_at_kiosk(&state, site, lang, issue).await.map(Json)
}

/// Issues a ticket as the kiosk, and tells the citizen how many are ahead and how long.
async fn issue_at_kiosk(
    state: &AppState,
    site: Uuid,
    lang: Lang,
    issue: IssueTicket,
) -> Result<KioskTicket, HttpError> {
    let command = Command::new(CommandBody::IssueTicket(issue));
    let outcome = state
        .commands
        .apply(&kiosk_actor(site, lang), &command, state.clock.now_ms())
        .await
        .map_err(|e| internal(lang, e))?;
    let ticket: Ticket = match (outcome.status, outcome.record, outcome.error) {
        (CommandStatus::Applied, Some(record), _) => {
            serde_json::from_value(record).map_err(|e| internal(lang, e))?
        }
        (_, _, Some(error)) => return Err(HttpError(error)),
        _ => return Err(internal(lang, "the kiosk's ticket was not issued")),
    };
    let (snapshot, _, tickets) = site_day(state, site, lang).await?;
    let paused = paused_windows(state, &snapshot, site, lang).await?;
    let service = kiosk_services(&snapshot, site, &tickets, &paused)
        .into_iter()
        .find(|s| s.id == ticket.service_id);
    let ahead = tickets
        .iter()
        .filter(|t| {
            t.service_id == ticket.service_id
                && t.status == TicketStatus::Waiting
                && t.queued_at_ms <= ticket.queued_at_ms
                && t.id != ticket.id
        })
        .count();
    let (_, windows) = windows_for(&snapshot, site, ticket.service_id, &paused);
    Ok(KioskTicket {
        name: ticket.public_name(),
        appointment_at_ms: ticket.appointment_at_ms,
        phone: ticket
            .holder
            .as_ref()
            .and_then(|h| h.phone.as_deref())
            .map(onetrip_api::queue::mask_phone),
        number: ticket.number,
        service: service.map(|s| s.name).unwrap_or_default(),
        ahead,
        estimated_minutes: estimate(&tickets, ahead, windows),
        issued_at_ms: ticket.issued_at_ms,
    })
}

/// `GET /kiosk/{site}`: the kiosk page.
#[utoipa::path(get, path = "/kiosk/{site}", params(("site" = Uuid, Path, description = "The site's id, from `GET /api/config`")),
    responses((status = 200, description = "The kiosk, a self-contained HTML page", content_type = "text/html")))]
pub async fn kiosk_page(PathParam(site): PathParam<Uuid>) -> Response {
    crate::public_page::html(KIOSK_PAGE.replace("{{SITE}}", &site.to_string()))
}

const KIOSK_PAGE: &str = include_str!("kiosk.html");

#[cfg(test)]
mod tests {
    use super::super::hall::tests::ticket;
    use super::*;

    #[test]
    fn the_estimate_uses_the_days_median_service_time_shared_by_the_windows() {
        // One finished ticket took 10 minutes: 4 ahead at 2 windows is 20 minutes.
        let tickets = vec![ticket(1, TicketStatus::Done, Some(1), Some(0))];
        assert_eq!(estimate(&tickets, 4, 2), 20);
        // Nothing finished yet: 6 minutes each.
        assert_eq!(estimate(&[], 3, 1), 18);
        assert_eq!(estimate(&[], 0, 1), 0);
    }
}
