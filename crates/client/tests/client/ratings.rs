//! Ratings reach the desktop through the change log, and the supervisor's report is built from
//! the local cache the way the central API builds it.

use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::queue::{IssueTicket, Ticket, TicketSource};
use onetrip_api::rating::{FollowUpStatus, RatingDraft, RatingSource, RevisitDraft};
use onetrip_domain::queue::PriorityClass;
use onetrip_domain::rating::{ClockState, RatingReason};
use onetrip_server::seed::DEMO_PASSWORD;
use uuid::Uuid;

use crate::{launcher, open};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_rating_and_its_revisit_reach_the_supervisors_report_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let (launch, _server) = launcher(dir.path().join("central"));
    let desktop = open(dir.path().to_path_buf(), launch).await;
    let supervisor = desktop
        .auth()
        .login("supervisor", DEMO_PASSWORD)
        .await
        .unwrap();
    let config = desktop.config().load().await.unwrap();
    let center = supervisor.site_id.unwrap();
    let window = config
        .windows
        .iter()
        .find(|w| w.site_id == center)
        .unwrap()
        .clone();
    let ticket = |outcome: onetrip_api::command::CommandOutcome| -> Ticket {
        serde_json::from_value(outcome.record.unwrap()).unwrap()
    };
    let outbox = desktop.outbox();
    let send = |body| outbox.send(Command::new(body));
    send(CommandBody::IssueTicket(IssueTicket {
        id: Uuid::new_v4(),
        site_id: center,
        service_id: window.service_ids[0],
        class: PriorityClass::Normal,
        source: TicketSource::Assisted,
        appointment_at_ms: None,
        holder: None,
        appointment_id: None,
    }))
    .await
    .unwrap();
    let called = ticket(
        send(CommandBody::CallNext {
            window_id: window.id,
        })
        .await
        .unwrap(),
    );
    send(CommandBody::Finish {
        ticket_id: called.id,
    })
    .await
    .unwrap();
    let rated = send(CommandBody::RateTicket(RatingDraft {
        id: Uuid::new_v4(),
        ticket_id: called.id,
        window_id: None,
        score: 1,
        reasons: vec![RatingReason::Attitude],
        comment: None,
        source: RatingSource::Clerk,
    }))
    .await
    .unwrap();
    assert_eq!(rated.status, CommandStatus::Applied);

    // In the cache at once: today's ratings, and the report with the open follow-up.
    let today = desktop.ratings().today().await.unwrap();
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].ticket_id, called.id);
    let day = today[0].day.clone();
    let report = desktop.ratings().report(&day, &day).await.unwrap();
    assert_eq!((report.total.count, report.total.bad), (1, 1));
    assert_eq!(report.follow_ups.len(), 1);
    let row = &report.follow_ups[0];
    assert_eq!(row.status, FollowUpStatus::Open);
    // Due the next working day, at most three days away: due soon from the start.
    assert_eq!(row.revisit, ClockState::DueSoon);
    assert_eq!(row.rectification, ClockState::Running);

    // The revisit goes through the outbox and comes back through the change log.
    let revisit = send(CommandBody::RecordRevisit(RevisitDraft {
        rating_id: row.rating.id,
        at_ms: row.rating.rated_at_ms,
        note: "已电话回访".into(),
    }))
    .await
    .unwrap();
    assert_eq!(revisit.status, CommandStatus::Applied);
    let report = desktop.ratings().report(&day, &day).await.unwrap();
    assert_eq!(report.follow_ups[0].revisit, ClockState::Done);
    assert_eq!(
        report.follow_ups[0]
            .rating
            .follow_up
            .as_ref()
            .unwrap()
            .revisit
            .as_ref()
            .unwrap()
            .by_name,
        "周主管"
    );
    // A range the desktop cannot read is refused with the reason.
    let refused = desktop
        .ratings()
        .report(&day, "2000-01-01")
        .await
        .unwrap_err();
    assert_eq!(refused.code, onetrip_api::error::ErrorCode::BadRequest);
}
