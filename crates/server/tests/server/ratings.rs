//! Ratings and their follow-ups, on SQLite and on PostgreSQL: one rating per finished ticket,
//! the pad only for the ticket its window offers, a bad rating's follow-up with its clocks,
//! and the follow-up's steps in order by a supervisor of the site.

use std::sync::Arc;

use crate::support::Central;
use onetrip_api::command::{Command, CommandBody, CommandOutcome, CommandStatus};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::ErrorCode;
use onetrip_api::queue::{IssueTicket, Ticket, TicketSource};
use onetrip_api::rating::{
    FollowUpRatingDraft, FollowUpStatus, Rating, RatingDraft, RatingSource, RectificationDraft,
    RevisitDraft,
};
use onetrip_api::sync::EntityKind;
use onetrip_domain::auth::Role;
use onetrip_domain::config::Window;
use onetrip_domain::queue::PriorityClass;
use onetrip_domain::rating::{ClockState, RatingReason};
use onetrip_server::actor::Actor;
use onetrip_server::ratings::{OFFER_MS, pad_actor};
use onetrip_server::seed::seed_demo;
use uuid::Uuid;

use crate::support::TestDb;

crate::support::conformance!(
    a_finished_ticket_is_rated_once,
    a_bad_rating_opens_a_follow_up_with_working_day_clocks,
    the_pad_rates_only_the_ticket_its_window_offers,
    follow_up_steps_go_in_order_and_only_for_the_sites_supervisors,
    the_report_counts_ratings_and_lists_follow_ups_by_scope,
);

/// Friday 27 November 2026, 10:00 in the service center.
const FRIDAY: i64 = 1_795_744_800_000;
const MINUTE: i64 = 60_000;

struct Hall {
    storage: Arc<Central>,
    config: ConfigSnapshot,
    window: Window,
    clerk: Actor,
}

fn actor(username: &str, display_name: &str, role: Role, site: Option<Uuid>) -> Actor {
    Actor {
        account: onetrip_api::auth::Account {
            id: Uuid::new_v4(),
            username: username.into(),
            display_name: display_name.into(),
            role,
            site_id: site,
            specialty: None,
        },
        lang: onetrip_domain::Lang::ZhCn,
    }
}

async fn hall(db: &TestDb) -> Hall {
    assert!(
        seed_demo(db.storage.as_ref(), FRIDAY - 60 * MINUTE)
            .await
            .unwrap()
    );
    let config = db.storage.config_snapshot().await.unwrap();
    let center = config.sites[0].id;
    let window = config
        .windows
        .iter()
        .find(|w| w.site_id == center)
        .unwrap()
        .clone();
    Hall {
        storage: db.storage.clone(),
        config,
        // The seeded clerk, so that the rating carries the clerk's name.
        clerk: actor("clerk", "王小红", Role::Clerk, Some(center)),
        window,
    }
}

impl Hall {
    fn center(&self) -> Uuid {
        self.config.sites[0].id
    }

    async fn apply(&self, actor: &Actor, body: CommandBody, now: i64) -> CommandOutcome {
        self.storage
            .apply_command(actor, &Command::new(body), now)
            .await
            .unwrap()
    }

    async fn ticket(&self, body: CommandBody, now: i64) -> Ticket {
        let outcome = self.apply(&self.clerk, body, now).await;
        assert_eq!(
            outcome.status,
            CommandStatus::Applied,
            "{:?}",
            outcome.error
        );
        serde_json::from_value(outcome.record.unwrap()).unwrap()
    }

    /// Issues a ticket for the window's first service and calls it there.
    async fn called(&self, now: i64) -> Ticket {
        self.ticket(
            CommandBody::IssueTicket(IssueTicket {
                id: Uuid::new_v4(),
                site_id: self.center(),
                service_id: self.window.service_ids[0],
                class: PriorityClass::Normal,
                source: TicketSource::Kiosk,
                appointment_at_ms: None,
                holder: None,
                appointment_id: None,
            }),
            now,
        )
        .await;
        self.ticket(
            CommandBody::CallNext {
                window_id: self.window.id,
            },
            now,
        )
        .await
    }

    /// A ticket served at the window and finished at `now`.
    async fn finished(&self, now: i64) -> Ticket {
        let called = self.called(now - 5 * MINUTE).await;
        self.ticket(
            CommandBody::Finish {
                ticket_id: called.id,
            },
            now,
        )
        .await
    }
}

fn draft(ticket: &Ticket, score: u8, source: RatingSource) -> RatingDraft {
    RatingDraft {
        id: Uuid::new_v4(),
        ticket_id: ticket.id,
        window_id: ticket.window_id,
        score,
        reasons: vec![],
        comment: None,
        source,
    }
}

fn rating_of(outcome: &CommandOutcome) -> Rating {
    assert_eq!(
        outcome.status,
        CommandStatus::Applied,
        "{:?}",
        outcome.error
    );
    serde_json::from_value(outcome.record.clone().unwrap()).unwrap()
}

fn reason_of(outcome: &CommandOutcome) -> (ErrorCode, String) {
    assert_eq!(outcome.status, CommandStatus::Rejected, "{outcome:?}");
    let error = outcome.error.clone().unwrap();
    (error.code, error.reason.unwrap_or_default())
}

async fn a_finished_ticket_is_rated_once(db: TestDb) {
    let h = hall(&db).await;
    // A ticket still being served cannot be rated, nor a waiting one.
    let serving = h.called(FRIDAY).await;
    let early = h
        .apply(
            &h.clerk,
            CommandBody::RateTicket(draft(&serving, 5, RatingSource::Clerk)),
            FRIDAY,
        )
        .await;
    assert_eq!(
        reason_of(&early),
        (ErrorCode::Invalid, "ticket_not_finished".into())
    );
    assert_eq!(
        early.error.unwrap().message,
        format!("{} 号尚未办结，不能评价", serving.number)
    );
    let head = h.storage.head().await.unwrap();

    let done = h
        .ticket(
            CommandBody::Finish {
                ticket_id: serving.id,
            },
            FRIDAY + MINUTE,
        )
        .await;
    let command = Command::new(CommandBody::RateTicket(RatingDraft {
        comment: Some("  办事很快，谢谢  ".into()),
        ..draft(&done, 5, RatingSource::Clerk)
    }));
    let first = h
        .storage
        .apply_command(&h.clerk, &command, FRIDAY + 2 * MINUTE)
        .await
        .unwrap();
    let rating = rating_of(&first);
    assert_eq!(rating.ticket_id, done.id);
    assert_eq!(rating.ticket_number, done.number);
    assert_eq!(rating.site_id, h.center());
    assert_eq!(rating.service_id, done.service_id);
    assert_eq!(
        (rating.window_id, rating.window_number),
        (h.window.id, h.window.number)
    );
    assert_eq!(rating.clerk.as_deref(), Some("clerk"));
    assert_eq!(rating.clerk_name.as_deref(), Some("王小红"));
    assert_eq!(rating.score.get(), 5);
    assert_eq!(rating.comment.as_deref(), Some("办事很快，谢谢"));
    assert_eq!(rating.source, RatingSource::Clerk);
    assert_eq!(rating.recorded_by, "clerk");
    assert_eq!(rating.day, "2026-11-27");
    assert_eq!(rating.follow_up, None);

    // The same command again returns the same rating; nothing is applied twice.
    let replay = h
        .storage
        .apply_command(&h.clerk, &command, FRIDAY + 3 * MINUTE)
        .await
        .unwrap();
    assert_eq!(replay, first);

    // A second rating of the ticket is refused with the reason, from the clerk or the pad.
    let again = h
        .apply(
            &h.clerk,
            CommandBody::RateTicket(draft(&done, 1, RatingSource::Clerk)),
            FRIDAY + 3 * MINUTE,
        )
        .await;
    assert_eq!(
        reason_of(&again),
        (ErrorCode::Invalid, "already_rated".into())
    );
    assert_eq!(
        again.error.unwrap().message,
        format!("{} 号已经评价过，每张号票只能评价一次", done.number)
    );

    // The rating is in the change log of its site, after the finish.
    let page = h
        .storage
        .changes_since(head, 100, Some(h.center()))
        .await
        .unwrap();
    let logged: Vec<Rating> = page
        .changes
        .iter()
        .filter(|c| c.entity == EntityKind::Rating)
        .map(|c| c.record().unwrap().unwrap())
        .collect();
    assert_eq!(logged, vec![rating.clone()]);
    let branch = h.config.sites[3].id;
    let elsewhere = h
        .storage
        .changes_since(head, 100, Some(branch))
        .await
        .unwrap();
    assert!(
        elsewhere
            .changes
            .iter()
            .all(|c| c.entity != EntityKind::Rating)
    );

    // Out of range, reasons on a good score, a long comment, another site's clerk: refused.
    let other = h.finished(FRIDAY + 10 * MINUTE).await;
    let cases = [
        (draft(&other, 0, RatingSource::Clerk), "score_range"),
        (draft(&other, 6, RatingSource::Clerk), "score_range"),
        (
            RatingDraft {
                reasons: vec![RatingReason::Slow],
                ..draft(&other, 4, RatingSource::Clerk)
            },
            "reasons_for_bad_only",
        ),
        (
            RatingDraft {
                comment: Some("慢".repeat(201)),
                ..draft(&other, 2, RatingSource::Clerk)
            },
            "comment_too_long",
        ),
    ];
    for (draft, reason) in cases {
        let outcome = h
            .apply(
                &h.clerk,
                CommandBody::RateTicket(draft),
                FRIDAY + 11 * MINUTE,
            )
            .await;
        assert_eq!(reason_of(&outcome).1, reason);
    }
    let branch_clerk = actor("clerk-b", "分中心", Role::Clerk, Some(branch));
    let foreign = h
        .apply(
            &branch_clerk,
            CommandBody::RateTicket(draft(&other, 5, RatingSource::Clerk)),
            FRIDAY + 11 * MINUTE,
        )
        .await;
    assert_eq!(
        reason_of(&foreign),
        (ErrorCode::Forbidden, "rating_forbidden".into())
    );
    // A signed-in clerk cannot pass a rating off as the citizen's own on the pad.
    let posing = h
        .apply(
            &h.clerk,
            CommandBody::RateTicket(draft(&other, 5, RatingSource::Pad)),
            FRIDAY + 11 * MINUTE,
        )
        .await;
    assert_eq!(reason_of(&posing).1, "not_offered");
    // 200 characters exactly are fine; the ticket is now rated.
    let long = h
        .apply(
            &h.clerk,
            CommandBody::RateTicket(RatingDraft {
                comment: Some("好".repeat(200)),
                ..draft(&other, 4, RatingSource::Clerk)
            }),
            FRIDAY + 12 * MINUTE,
        )
        .await;
    assert_eq!(rating_of(&long).comment.unwrap().chars().count(), 200);
}

async fn a_bad_rating_opens_a_follow_up_with_working_day_clocks(db: TestDb) {
    let h = hall(&db).await;
    let done = h.finished(FRIDAY).await;
    let outcome = h
        .apply(
            &pad_actor(h.center(), onetrip_domain::Lang::ZhCn),
            CommandBody::RateTicket(RatingDraft {
                reasons: vec![
                    RatingReason::ManyTrips,
                    RatingReason::Attitude,
                    RatingReason::ManyTrips,
                ],
                comment: Some("材料说了三次才说清楚".into()),
                ..draft(&done, 2, RatingSource::Pad)
            }),
            FRIDAY + MINUTE,
        )
        .await;
    let rating = rating_of(&outcome);
    assert_eq!(rating.source, RatingSource::Pad);
    assert_eq!(rating.recorded_by, "rating-pad");
    assert_eq!(
        rating.reasons,
        [RatingReason::Attitude, RatingReason::ManyTrips]
    );
    let follow_up = rating.follow_up.unwrap();
    // Rated on a Friday: the revisit is due on Monday, the rectification 15 working days on.
    assert_eq!(follow_up.revisit_due, "2026-11-30");
    assert_eq!(follow_up.rectification_due, "2026-12-18");
    assert_eq!(
        (
            follow_up.revisit,
            follow_up.rectification,
            follow_up.closing
        ),
        (None, None, None)
    );

    // A 3 (基本满意) opens nothing.
    let fair = h.finished(FRIDAY + 20 * MINUTE).await;
    let fair = h
        .apply(
            &h.clerk,
            CommandBody::RateTicket(draft(&fair, 3, RatingSource::Clerk)),
            FRIDAY + 21 * MINUTE,
        )
        .await;
    assert_eq!(rating_of(&fair).follow_up, None);
}

async fn the_pad_rates_only_the_ticket_its_window_offers(db: TestDb) {
    let h = hall(&db).await;
    let pad = pad_actor(h.center(), onetrip_domain::Lang::En);
    let first = h.finished(FRIDAY).await;
    let second = h.finished(FRIDAY + 3 * MINUTE).await;
    let day = "2026-11-27";
    // The window offers its latest finished ticket only.
    let (latest, rated) = h
        .storage
        .last_finished_at_window(h.window.id, day)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((latest.id, rated), (second.id, false));
    let earlier = h
        .apply(
            &pad,
            CommandBody::RateTicket(draft(&first, 5, RatingSource::Pad)),
            FRIDAY + 4 * MINUTE,
        )
        .await;
    assert_eq!(
        reason_of(&earlier),
        (ErrorCode::Invalid, "not_offered".into())
    );
    assert_eq!(
        earlier.error.unwrap().message,
        "This ticket is not waiting for a rating at this window"
    );
    // Named with another window, or without one: refused.
    let other_window = h
        .config
        .windows
        .iter()
        .find(|w| w.site_id == h.center() && w.id != h.window.id)
        .unwrap();
    for window_id in [Some(other_window.id), None] {
        let outcome = h
            .apply(
                &pad,
                CommandBody::RateTicket(RatingDraft {
                    window_id,
                    ..draft(&second, 5, RatingSource::Pad)
                }),
                FRIDAY + 4 * MINUTE,
            )
            .await;
        assert_eq!(reason_of(&outcome).1, "not_offered");
    }
    // Ten minutes after it was finished the offer has lapsed.
    let late = h
        .apply(
            &pad,
            CommandBody::RateTicket(draft(&second, 5, RatingSource::Pad)),
            FRIDAY + 3 * MINUTE + OFFER_MS,
        )
        .await;
    assert_eq!(reason_of(&late).1, "not_offered");
    // The pad does not record a clerk's rating either.
    let as_clerk = h
        .apply(
            &pad,
            CommandBody::RateTicket(draft(&second, 5, RatingSource::Clerk)),
            FRIDAY + 4 * MINUTE,
        )
        .await;
    assert_eq!(reason_of(&as_clerk).1, "rating_forbidden");
    // In time it is recorded, and then nothing is offered any more.
    let rated = h
        .apply(
            &pad,
            CommandBody::RateTicket(draft(&second, 4, RatingSource::Pad)),
            FRIDAY + 4 * MINUTE,
        )
        .await;
    assert_eq!(rating_of(&rated).ticket_id, second.id);
    let (_, rated) = h
        .storage
        .last_finished_at_window(h.window.id, day)
        .await
        .unwrap()
        .unwrap();
    assert!(rated);
    let twice = h
        .apply(
            &pad,
            CommandBody::RateTicket(draft(&second, 1, RatingSource::Pad)),
            FRIDAY + 5 * MINUTE,
        )
        .await;
    assert_eq!(reason_of(&twice).1, "not_offered");
}

async fn follow_up_steps_go_in_order_and_only_for_the_sites_supervisors(db: TestDb) {
    let h = hall(&db).await;
    let center = h.center();
    let supervisor = actor("supervisor", "周主管", Role::Supervisor, Some(center));
    let branch_supervisor = actor(
        "sup-b",
        "分中心主管",
        Role::Supervisor,
        Some(h.config.sites[3].id),
    );
    let admin = actor("admin", "系统管理员", Role::Admin, None);
    let done = h.finished(FRIDAY).await;
    let bad = rating_of(
        &h.apply(
            &h.clerk,
            CommandBody::RateTicket(draft(&done, 1, RatingSource::Clerk)),
            FRIDAY + MINUTE,
        )
        .await,
    );
    let id = bad.id;
    let revisit = |note: &str, at_ms: i64| {
        CommandBody::RecordRevisit(RevisitDraft {
            rating_id: id,
            at_ms,
            note: note.into(),
        })
    };
    let rectify = |action: &str| {
        CommandBody::RecordRectification(RectificationDraft {
            rating_id: id,
            action: action.into(),
        })
    };
    let close = |score: u8| {
        CommandBody::RateFollowUp(FollowUpRatingDraft {
            rating_id: id,
            score,
        })
    };
    let monday = FRIDAY + 3 * 24 * 60 * MINUTE;

    // Clerks and other sites' supervisors may not; nothing before the revisit.
    for who in [&h.clerk, &branch_supervisor] {
        let outcome = h.apply(who, revisit("已电话联系", monday), monday).await;
        assert_eq!(
            reason_of(&outcome),
            (ErrorCode::Forbidden, "follow_up_forbidden".into())
        );
    }
    assert_eq!(
        reason_of(&h.apply(&supervisor, rectify("加强培训"), monday).await).1,
        "revisit_first"
    );
    assert_eq!(
        reason_of(&h.apply(&supervisor, close(5), monday).await).1,
        "rectification_first"
    );
    // An empty note, or a time before the rating or in the future: refused.
    assert_eq!(
        reason_of(&h.apply(&supervisor, revisit("  ", monday), monday).await).1,
        "follow_up_text"
    );
    for at in [FRIDAY, monday + 60 * MINUTE] {
        assert_eq!(
            reason_of(&h.apply(&supervisor, revisit("已联系", at), monday).await).1,
            "revisit_time"
        );
    }

    // Revisit, rectification, follow-up rating: each recorded with who and when.
    let step = rating_of(
        &h.apply(
            &supervisor,
            revisit("已电话联系群众，致歉并说明材料要求", monday - 10 * MINUTE),
            monday,
        )
        .await,
    );
    let revisit_done = step.follow_up.as_ref().unwrap().revisit.clone().unwrap();
    assert_eq!(revisit_done.at_ms, monday - 10 * MINUTE);
    assert_eq!(
        (revisit_done.by.as_str(), revisit_done.by_name.as_str()),
        ("supervisor", "周主管")
    );
    assert_eq!(revisit_done.recorded_at_ms, monday);
    assert_eq!(
        reason_of(
            &h.apply(&supervisor, revisit("再次联系", monday), monday)
                .await
        )
        .1,
        "revisit_recorded"
    );
    let step = rating_of(
        &h.apply(
            &admin,
            rectify("窗口一次性告知材料清单，组织业务培训"),
            monday + MINUTE,
        )
        .await,
    );
    let rectified = step
        .follow_up
        .as_ref()
        .unwrap()
        .rectification
        .clone()
        .unwrap();
    assert_eq!(rectified.by, "admin");
    assert_eq!(
        reason_of(&h.apply(&supervisor, rectify("again"), monday).await).1,
        "rectification_recorded"
    );
    assert_eq!(
        reason_of(&h.apply(&supervisor, close(9), monday).await).1,
        "score_range"
    );
    let closed = rating_of(&h.apply(&supervisor, close(4), monday + 2 * MINUTE).await);
    let follow_up = closed.follow_up.unwrap();
    assert_eq!(follow_up.closing.as_ref().unwrap().score.get(), 4);
    // The original rating is untouched by its follow-up.
    assert_eq!((closed.score, closed.ticket_id), (bad.score, bad.ticket_id));

    // Closed: no more steps.
    for body in [revisit("x", monday), rectify("x"), close(5)] {
        assert_eq!(
            reason_of(&h.apply(&supervisor, body, monday + 3 * MINUTE).await).1,
            "follow_up_closed"
        );
    }
    // A rating that is not bad has no follow-up; an unknown one is not found.
    let good_ticket = h.finished(FRIDAY + 30 * MINUTE).await;
    let good = rating_of(
        &h.apply(
            &h.clerk,
            CommandBody::RateTicket(draft(&good_ticket, 5, RatingSource::Clerk)),
            FRIDAY + 31 * MINUTE,
        )
        .await,
    );
    let none = h
        .apply(
            &supervisor,
            CommandBody::RecordRevisit(RevisitDraft {
                rating_id: good.id,
                at_ms: monday,
                note: "x".into(),
            }),
            monday,
        )
        .await;
    assert_eq!(reason_of(&none).1, "no_follow_up");
    let unknown = h
        .apply(
            &supervisor,
            CommandBody::RateFollowUp(FollowUpRatingDraft {
                rating_id: Uuid::new_v4(),
                score: 5,
            }),
            monday,
        )
        .await;
    assert_eq!(
        reason_of(&unknown),
        (ErrorCode::NotFound, "rating_not_found".into())
    );
}

async fn the_report_counts_ratings_and_lists_follow_ups_by_scope(db: TestDb) {
    let h = hall(&db).await;
    let center = h.center();
    for (minute, score) in [(0, 5), (10, 4), (20, 2)] {
        let done = h.finished(FRIDAY + minute * MINUTE).await;
        rating_of(
            &h.apply(
                &h.clerk,
                CommandBody::RateTicket(draft(&done, score, RatingSource::Clerk)),
                FRIDAY + (minute + 1) * MINUTE,
            )
            .await,
        );
    }
    let tuesday = FRIDAY + 4 * 24 * 60 * MINUTE;
    let supervisor = actor("supervisor", "周主管", Role::Supervisor, Some(center));
    let report = onetrip_server::ratings::report(
        h.storage.store(),
        &supervisor,
        "2026-11-27",
        "2026-11-27",
        tuesday,
    )
    .await
    .unwrap();
    assert_eq!(report.total.count, 3);
    assert!((report.total.average - 11.0 / 3.0).abs() < 1e-9);
    assert_eq!((report.total.satisfied, report.total.bad), (2, 1));
    assert_eq!(report.by_window.len(), 1);
    assert_eq!(report.by_window[0].key, h.window.id.to_string());
    assert_eq!(report.by_window[0].label, h.window.number.to_string());
    assert_eq!(report.by_clerk[0].label, "王小红");
    assert_eq!(report.follow_ups.len(), 1);
    // On Tuesday the revisit due on Monday is overdue.
    let row = &report.follow_ups[0];
    assert_eq!(row.status, FollowUpStatus::Overdue);
    assert_eq!(
        (row.revisit, row.rectification),
        (ClockState::Overdue, ClockState::Running)
    );

    // A later range still lists the open follow-up, but counts nothing.
    let later = onetrip_server::ratings::report(
        h.storage.store(),
        &supervisor,
        "2026-12-01",
        "2026-12-01",
        tuesday,
    )
    .await
    .unwrap();
    assert_eq!((later.total.count, later.follow_ups.len()), (0, 1));
    // Another site's supervisor sees none of it; clerks may not read the report.
    let branch = actor(
        "sup-b",
        "分中心主管",
        Role::Supervisor,
        Some(h.config.sites[3].id),
    );
    let theirs = onetrip_server::ratings::report(
        h.storage.store(),
        &branch,
        "2026-11-27",
        "2026-11-27",
        tuesday,
    )
    .await
    .unwrap();
    assert_eq!((theirs.total.count, theirs.follow_ups.len()), (0, 0));
    let refused = onetrip_server::ratings::report(
        h.storage.store(),
        &h.clerk,
        "2026-11-27",
        "2026-11-27",
        tuesday,
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    for (from, to) in [
        ("2026-11-28", "2026-11-27"),
        ("2025-01-01", "2026-11-27"),
        ("27/11/2026", "2026-11-27"),
    ] {
        let bad_range =
            onetrip_server::ratings::report(h.storage.store(), &supervisor, from, to, tuesday)
                .await
                .unwrap_err();
        assert_eq!(bad_range.reason.as_deref(), Some("report_range"));
    }
}

mod over_http {
    //! The rating pad's public endpoints and the report through the real router.

    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use http_body_util::BodyExt;
    use onetrip_server::clock::ManualClock;
    use onetrip_server::seed::DEMO_PASSWORD;
    use onetrip_server::state::AppState;
    use serde_json::{Value, json};
    use tower::ServiceExt;

    use super::*;

    async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, Value, String) {
        let response = onetrip_server::app::router(state.clone(), None)
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status();
        let csp = response
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, body, csp)
    }

    fn get(path: &str, token: Option<&str>) -> Request<Body> {
        let mut request = Request::get(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        request.body(Body::empty()).unwrap()
    }

    fn post(path: &str, body: Value) -> Request<Body> {
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    }

    async fn token(state: &AppState, username: &str) -> String {
        let (status, body, _) = send(
            state,
            post(
                "/api/auth/login",
                json!({"username": username, "password": DEMO_PASSWORD}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn the_pad_shows_and_rates_only_its_windows_finished_ticket() {
        let db = crate::support::sqlite().await;
        let h = hall(&db).await;
        let clock = Arc::new(ManualClock::new(FRIDAY));
        let state = onetrip_server::app::state(db.storage.0.clone(), clock.clone()).unwrap();
        let path = format!("/api/public/windows/{}/rating", h.window.id);

        let (status, page, csp) = send(&state, get(&format!("/rate/{}", h.window.id), None)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.as_str().unwrap().contains("请对本次服务进行评价"));
        assert!(csp.contains("default-src 'none'"));

        // Nothing finished yet: the pad waits.
        let (status, body, _) = send(&state, get(&path, None)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["window"], h.window.number);
        assert_eq!(body["site"], "玉环市行政服务中心");
        assert_eq!(body["ticket"], Value::Null);

        let first = h.finished(FRIDAY - 2 * MINUTE).await;
        let done = h.finished(FRIDAY).await;
        let (_, body, _) = send(&state, get(&path, None)).await;
        assert_eq!(body["ticket"]["number"], done.number.as_str());
        assert_eq!(body["ticket"]["id"], done.id.to_string());
        assert!(body["ticket"]["service"].as_str().unwrap().len() > 1);

        // The earlier ticket cannot be rated from here, whatever the request says.
        let (status, body, _) = send(
            &state,
            post(&path, json!({"ticket_id": first.id, "score": 1})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["reason"], "not_offered");
        let (status, _, _) = send(&state, post(&path, json!({"ticket_id": done.id}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let id = Uuid::new_v4();
        let rating = json!({"id": id, "ticket_id": done.id, "score": 2,
            "reasons": ["slow"], "comment": "等了很久"});
        let (status, body, _) = send(&state, post(&path, rating.clone())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body,
            json!({"number": done.number, "score": 2, "follow_up": true})
        );
        // A retried request with the same id gets the same answer; the pad waits again.
        let (status, again, _) = send(&state, post(&path, rating)).await;
        assert_eq!((status, again), (StatusCode::OK, body));
        let (_, body, _) = send(&state, get(&path, None)).await;
        assert_eq!(body["ticket"], Value::Null);
        let (status, body, _) = send(
            &state,
            post(&path, json!({"ticket_id": done.id, "score": 5})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["reason"], "not_offered");

        // An unknown window is not found.
        let (status, _, _) = send(
            &state,
            get(
                &format!("/api/public/windows/{}/rating", Uuid::new_v4()),
                None,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The supervisor's report has the follow-up; a clerk may not read it.
        let supervisor = token(&state, "supervisor").await;
        let report = "/api/ratings/report?from=2026-11-27&to=2026-11-27";
        let (status, body, _) = send(&state, get(report, Some(&supervisor))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["total"]["count"], 1);
        assert_eq!(body["follow_ups"][0]["rating"]["reasons"], json!(["slow"]));
        assert_eq!(body["follow_ups"][0]["revisit"], "due_soon");
        let clerk = token(&state, "clerk").await;
        let (status, _, _) = send(&state, get(report, Some(&clerk))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = send(
            &state,
            get("/api/ratings/report?from=x&to=y", Some(&supervisor)),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}
