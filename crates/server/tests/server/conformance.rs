//! The storage conformance suite: every test here runs against SQLite and against PostgreSQL.

use std::sync::Arc;

use crate::support::Central;
use onetrip_api::case::{Case, CaseDraft, CaseOutcome};
use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::error::ErrorCode;
use onetrip_api::print::PrintRecord;
use onetrip_api::queue::{
    Appointment, IssueTicket, Ticket, TicketSource, TicketStatus, WindowState,
};
use onetrip_api::sync::{Change, ChangeOp, EntityKind, SyncPage};
use onetrip_domain::auth::{LoginAttempts, Role};
use onetrip_domain::config::Window;
use onetrip_domain::identity::ApplicantId;
use onetrip_domain::queue::PriorityClass;
use onetrip_server::actor::Actor;
use onetrip_server::auth::sql::NewAccount;
use onetrip_server::seed::{BRANCHES, seed_demo};
use uuid::Uuid;

use crate::support::{TestDb, postgres, sqlite};

crate::support::conformance!(
    migrations_are_repeatable,
    demo_seed_fills_an_empty_database_once,
    a_command_sent_twice_is_applied_once,
    a_rejected_command_changes_nothing_and_replays_its_rejection,
    concurrent_copies_of_one_command_apply_once,
    concurrent_windows_never_share_a_number,
    sessions_and_login_attempts_round_trip,
    audit_log_is_append_only,
    every_applied_command_is_in_the_change_log_in_order,
    readers_see_only_their_scope,
    every_role_records_prints_seen_only_at_its_site,
    the_queue_numbers_tickets_and_calls_them_by_the_policy,
    fifty_windows_calling_at_once_never_share_a_ticket,
    a_case_lists_what_is_missing_and_counts_the_trips,
    a_configuration_change_by_another_process_is_seen_at_once,
    a_window_holds_resumes_transfers_and_calls_out_of_turn,
    a_stale_base_version_is_a_conflict,
    concurrent_writers_never_let_a_reader_skip_a_change,
    subscribers_hear_every_commit,
    a_site_policy_and_the_holiday_calendar_shape_calls_and_due_dates,
    a_window_on_break_calls_nobody,
    an_appointment_checks_in_once_and_shows_a_masked_name,
);

const NOW: i64 = 1_790_000_000_000;

fn save_window(window: &Window) -> Command {
    Command::new(CommandBody::SaveWindow(window.clone()))
}

async fn seeded(db: &TestDb) -> (Arc<Central>, onetrip_api::config::ConfigSnapshot) {
    assert!(seed_demo(db.storage.as_ref(), NOW).await.unwrap());
    let snapshot = db.storage.config_snapshot().await.unwrap();
    (db.storage.clone(), snapshot)
}

fn new_window(snapshot: &onetrip_api::config::ConfigSnapshot, number: u16) -> Window {
    Window {
        id: Uuid::new_v4(),
        site_id: snapshot.sites[0].id,
        number,
        service_ids: vec![snapshot.services[0].id],
    }
}

async fn migrations_are_repeatable(db: TestDb) {
    let again = db.reopen().await;
    assert_eq!(again.count_accounts().await.unwrap(), 0);
    assert_eq!(again.backend(), db.storage.backend());
}

async fn demo_seed_fills_an_empty_database_once(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    assert_eq!(snapshot.sites.len(), 1 + BRANCHES.len());
    assert_eq!(snapshot.sites[0].name, "玉环市行政服务中心");
    let prefixes: Vec<_> = snapshot
        .services
        .iter()
        .map(|s| s.prefix.as_str())
        .collect();
    assert_eq!(prefixes, ["A", "B", "C", "D", "E"]);
    assert!(snapshot.matters.iter().all(|m| !m.materials.is_empty()));
    assert!(
        snapshot
            .services
            .iter()
            .all(|s| snapshot.matters.iter().any(|m| m.service_id == s.id))
    );
    assert_eq!(snapshot.windows.len(), 8 + 2 * BRANCHES.len());
    assert_eq!(storage.count_accounts().await.unwrap(), 7);
    // A second start seeds nothing more.
    assert!(!seed_demo(storage.as_ref(), NOW).await.unwrap());
    assert_eq!(storage.config_snapshot().await.unwrap(), snapshot);
}

async fn a_command_sent_twice_is_applied_once(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let command = save_window(&new_window(&snapshot, 42));
    let first = storage
        .apply_command(&Actor::system(), &command, NOW)
        .await
        .unwrap();
    let second = storage
        .apply_command(&Actor::system(), &command, NOW + 5)
        .await
        .unwrap();
    assert_eq!(first.status, CommandStatus::Applied);
    assert_eq!(first, second);
    let after = storage.config_snapshot().await.unwrap();
    assert_eq!(after.windows.iter().filter(|w| w.number == 42).count(), 1);
    let audit = storage.audit_log(1000).await.unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.command_id == command.id).count(),
        1
    );
}

async fn a_rejected_command_changes_nothing_and_replays_its_rejection(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    // Window 3 exists at the center already.
    let command = save_window(&new_window(&snapshot, 3));
    let outcome = storage
        .apply_command(&Actor::system(), &command, NOW)
        .await
        .unwrap();
    assert_eq!(outcome.status, CommandStatus::Rejected);
    let error = outcome.error.clone().unwrap();
    assert_eq!(error.code, ErrorCode::Invalid);
    assert_eq!(error.reason.as_deref(), Some("duplicate_window_number"));
    assert_eq!(error.message, "本中心已有3号窗口");
    assert_eq!(storage.config_snapshot().await.unwrap(), snapshot);
    // Sent again, even after the clash is gone, the same id keeps its first outcome.
    let replay = storage
        .apply_command(&Actor::system(), &command, NOW + 1)
        .await
        .unwrap();
    assert_eq!(replay, outcome);
    let audit = storage.audit_log(1).await.unwrap();
    assert_eq!(audit[0].command_id, command.id);
    assert_eq!(audit[0].status, "rejected");
    assert_eq!(audit[0].username, "system");
    assert_eq!(audit[0].kind, "save_window");
}

async fn concurrent_copies_of_one_command_apply_once(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let command = save_window(&new_window(&snapshot, 77));
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let storage = storage.clone();
            let command = command.clone();
            tokio::spawn(async move {
                storage
                    .apply_command(&Actor::system(), &command, NOW)
                    .await
                    .unwrap()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().status, CommandStatus::Applied);
    }
    let audit = storage.audit_log(10_000).await.unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.command_id == command.id).count(),
        1
    );
    let windows = storage.config_snapshot().await.unwrap().windows;
    assert_eq!(windows.iter().filter(|w| w.number == 77).count(), 1);
}

async fn concurrent_windows_never_share_a_number(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    // Ten different windows race for number 50, and ten others take 60..70.
    let mut tasks = Vec::new();
    for i in 0..20u16 {
        let number = if i < 10 { 50 } else { 50 + i };
        let command = save_window(&new_window(&snapshot, number));
        let storage = storage.clone();
        tasks.push(tokio::spawn(async move {
            storage
                .apply_command(&Actor::system(), &command, NOW)
                .await
                .unwrap()
        }));
    }
    let mut applied = 0;
    for task in tasks {
        let outcome = task.await.unwrap();
        match outcome.status {
            CommandStatus::Applied => applied += 1,
            CommandStatus::Rejected => {
                assert_eq!(
                    outcome.error.unwrap().reason.as_deref(),
                    Some("duplicate_window_number")
                )
            }
            other => panic!("unexpected {other:?}: no command here carries a base version"),
        }
    }
    assert_eq!(applied, 11);
    let windows = storage.config_snapshot().await.unwrap().windows;
    let center = snapshot.sites[0].id;
    assert_eq!(
        windows
            .iter()
            .filter(|w| w.site_id == center && w.number == 50)
            .count(),
        1
    );
    assert_eq!(
        windows
            .iter()
            .filter(|w| w.site_id == center && w.number > 50)
            .count(),
        10
    );
}

async fn sessions_and_login_attempts_round_trip(db: TestDb) {
    let storage = db.storage.clone();
    let id = Uuid::new_v4();
    storage
        .insert_account(
            &NewAccount {
                id,
                username: "wang".into(),
                display_name: "王𠮷".into(),
                role: Role::Reviewer,
                site_id: None,
                specialty: Some("结构".into()),
                password_hash: "hash".into(),
            },
            NOW,
        )
        .await
        .unwrap();
    let stored = storage.account_by_username("wang").await.unwrap().unwrap();
    assert_eq!(stored.account.display_name, "王𠮷");
    assert_eq!(stored.account.role, Role::Reviewer);
    assert_eq!(stored.account.specialty.as_deref(), Some("结构"));
    assert_eq!(stored.attempts, LoginAttempts::default());
    assert!(
        storage
            .account_by_username("nobody")
            .await
            .unwrap()
            .is_none()
    );

    let attempts = LoginAttempts {
        failed: 5,
        locked_until_ms: Some(NOW + 10),
    };
    storage.save_login_attempts(id, attempts).await.unwrap();
    assert_eq!(
        storage
            .account_by_username("wang")
            .await
            .unwrap()
            .unwrap()
            .attempts,
        attempts
    );

    storage
        .insert_session("abc", id, NOW, NOW + 100)
        .await
        .unwrap();
    let session = storage.session("abc").await.unwrap().unwrap();
    assert_eq!(session.account.id, id);
    assert_eq!(session.expires_at_ms, NOW + 100);
    storage.delete_session("abc").await.unwrap();
    assert!(storage.session("abc").await.unwrap().is_none());
}

async fn audit_log_is_append_only(db: TestDb) {
    let (storage, _) = seeded(&db).await;
    let before = storage.audit_log(100_000).await.unwrap();
    assert!(!before.is_empty());
    assert!(
        db.raw_execute("UPDATE audit_log SET status = 'applied'")
            .await
            .is_err()
    );
    assert!(db.raw_execute("DELETE FROM audit_log").await.is_err());
    assert_eq!(storage.audit_log(100_000).await.unwrap(), before);
}

#[tokio::test]
async fn the_suite_names_each_backend() {
    assert_eq!(sqlite().await.storage.backend(), "sqlite");
    assert_eq!(postgres().await.storage.backend(), "postgres");
}

async fn pull_all(
    storage: &Central,
    since: i64,
    limit: i64,
    site: Option<Uuid>,
) -> (Vec<Change>, i64) {
    let mut cursor = since;
    let mut all = Vec::new();
    loop {
        let page = storage.changes_since(cursor, limit, site).await.unwrap();
        assert!(page.next >= cursor);
        cursor = page.next;
        all.extend(page.changes);
        if !page.has_more {
            return (all, cursor);
        }
    }
}

async fn every_applied_command_is_in_the_change_log_in_order(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let (changes, head) = pull_all(storage.as_ref(), 0, 1000, None).await;
    let expected = snapshot.sites.len()
        + snapshot.services.len()
        + snapshot.matters.len()
        + snapshot.windows.len();
    assert_eq!(changes.len(), expected);
    assert_eq!(head, storage.head().await.unwrap());
    assert!(changes.windows(2).all(|pair| pair[0].seq < pair[1].seq));
    // Paging in small steps gives exactly the same changes.
    let (paged, paged_head) = pull_all(storage.as_ref(), 0, 7, None).await;
    assert_eq!(paged, changes);
    assert_eq!(paged_head, head);
    // The data of the last window change is the window as stored.
    let last_window = changes
        .iter()
        .rev()
        .find(|c| c.entity == EntityKind::Window)
        .unwrap();
    let window: Window = last_window.record().unwrap().unwrap();
    assert!(snapshot.windows.contains(&window));

    // A delete is logged too, and a pull from the head returns just that.
    let delete = Command::new(CommandBody::DeleteWindow { id: window.id });
    assert_eq!(
        storage
            .apply_command(&Actor::system(), &delete, NOW)
            .await
            .unwrap()
            .status,
        CommandStatus::Applied
    );
    let page = storage.changes_since(head, 100, None).await.unwrap();
    assert_eq!(page.changes.len(), 1);
    assert_eq!(page.changes[0].op, ChangeOp::Delete);
    assert_eq!(page.changes[0].id, window.id);
    assert!(page.changes[0].data.is_none());
    assert!(!page.has_more);
    // The page text the database writes is exactly what serialising the page would give,
    // upserts of records in Chinese and deletes alike.
    for since in [0, head] {
        let json = storage.sync_page_json(since, 100, None).await.unwrap();
        let page: SyncPage = serde_json::from_str(&json).unwrap();
        assert!(!page.changes.is_empty());
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            serde_json::to_value(&page).unwrap()
        );
    }
    // A refused command logs nothing.
    let refused = save_window(&new_window(&snapshot, 1));
    assert_eq!(
        storage
            .apply_command(&Actor::system(), &refused, NOW)
            .await
            .unwrap()
            .status,
        CommandStatus::Rejected
    );
    assert_eq!(
        storage
            .changes_since(page.next, 100, None)
            .await
            .unwrap()
            .changes,
        vec![]
    );
}

async fn readers_see_only_their_scope(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let branch = snapshot.sites[3].id;
    let (changes, _) = pull_all(storage.as_ref(), 0, 10, Some(branch)).await;
    for change in &changes {
        match change.entity {
            EntityKind::Service | EntityKind::Matter => {}
            EntityKind::Site => assert_eq!(change.id, branch),
            EntityKind::Window => {
                let window: Window = change.record().unwrap().unwrap();
                assert_eq!(window.site_id, branch);
            }
            EntityKind::PrintRecord => {
                let record: PrintRecord = change.record().unwrap().unwrap();
                assert_eq!(record.site_id, Some(branch));
            }
            EntityKind::Ticket => {
                let ticket: Ticket = change.record().unwrap().unwrap();
                assert_eq!(ticket.site_id, branch);
            }
            EntityKind::Case => {
                let case: Case = change.record().unwrap().unwrap();
                assert_eq!(case.site_id, branch);
            }
            // Issued documents and the holiday calendar are county-wide.
            EntityKind::Document | EntityKind::CalendarDay => {}
            EntityKind::WindowState => {
                let state: WindowState = change.record().unwrap().unwrap();
                assert_eq!(state.site_id, branch);
            }
            EntityKind::Appointment => {
                let appointment: Appointment = change.record().unwrap().unwrap();
                assert_eq!(appointment.site_id, branch);
            }
            EntityKind::Rating => {
                let rating: onetrip_api::rating::Rating = change.record().unwrap().unwrap();
                assert_eq!(rating.site_id, branch);
            }
            EntityKind::PermitApplication => {
                let application: onetrip_api::permits::PermitApplication =
                    change.record().unwrap().unwrap();
                assert_eq!(application.site_id, branch);
            }
            EntityKind::Permit => {
                let permit: onetrip_api::permits::Permit = change.record().unwrap().unwrap();
                assert_eq!(permit.site_id, branch);
            }
            // Condition templates are county-wide.
            EntityKind::PermitTemplate => {}
            // Review projects are not in a site's pull.
            EntityKind::ReviewProject
            | EntityKind::ReviewRound
            | EntityKind::ReviewFile
            | EntityKind::ReviewSheet
            | EntityKind::ReviewTask
            | EntityKind::ReviewOpinion
            | EntityKind::ReviewCertificate => {
                panic!("a review change in a site's pull: {change:?}")
            }
            EntityKind::DeliveryRun => {
                let run: onetrip_api::delivery::DeliveryRun = change.record().unwrap().unwrap();
                assert_eq!(run.site_id, branch);
            }
            EntityKind::DeliveryAttempt => {
                let attempt: onetrip_api::delivery::DeliveryAttempt =
                    change.record().unwrap().unwrap();
                assert_eq!(attempt.site_id, branch);
            }
            // The blank-form ledger is read from the server, never pulled.
            EntityKind::PermitForm => panic!("a form-ledger change in a pull: {change:?}"),
        }
    }
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.entity == EntityKind::Window)
            .count(),
        2
    );
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.entity == EntityKind::Site)
            .count(),
        1
    );
    // A window deleted at the center is not seen at the branch either.
    let center_window = snapshot
        .windows
        .iter()
        .find(|w| w.site_id == snapshot.sites[0].id)
        .unwrap();
    let head = storage.head().await.unwrap();
    let delete = Command::new(CommandBody::DeleteWindow {
        id: center_window.id,
    });
    storage
        .apply_command(&Actor::system(), &delete, NOW)
        .await
        .unwrap();
    let page = storage
        .changes_since(head, 100, Some(branch))
        .await
        .unwrap();
    assert!(page.changes.is_empty());
    assert_eq!(
        page.next,
        head + 1,
        "the cursor moves past what the reader may not see"
    );
}

async fn every_role_records_prints_seen_only_at_its_site(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let (branch, other) = (snapshot.sites[3].id, snapshot.sites[4].id);
    let clerk = Actor {
        account: onetrip_api::auth::Account {
            id: Uuid::new_v4(),
            username: "clerk-b".into(),
            display_name: "分中心窗口".into(),
            role: Role::Clerk,
            site_id: Some(branch),
            specialty: None,
        },
        lang: onetrip_domain::Lang::En,
    };
    let record = PrintRecord {
        id: Uuid::new_v4(),
        template: "ticket-slip".into(),
        title: "取号单 A001".into(),
        pages: 1,
        copies: 1,
        printer: "前台热敏打印机".into(),
        tray: None,
        overlay: false,
        reprint: false,
        jobs: vec!["thermal-7".into()],
        // Whatever the desktop claims, the record names the signed-in account and its site.
        printed_by: "someone-else".into(),
        printed_at_ms: NOW,
        site_id: None,
    };
    let head = storage.head().await.unwrap();
    let print = Command::new(CommandBody::RecordPrint(record.clone()));
    let outcome = storage.apply_command(&clerk, &print, NOW).await.unwrap();
    assert_eq!(outcome.status, CommandStatus::Applied);
    let page = storage
        .changes_since(head, 100, Some(branch))
        .await
        .unwrap();
    assert_eq!(page.changes.len(), 1);
    let stored: PrintRecord = page.changes[0].record().unwrap().unwrap();
    assert_eq!(
        stored,
        PrintRecord {
            printed_by: "clerk-b".into(),
            site_id: Some(branch),
            ..record.clone()
        }
    );
    assert!(
        storage
            .changes_since(head, 100, Some(other))
            .await
            .unwrap()
            .changes
            .is_empty()
    );
    // A record without copies is refused with the reason, and nothing is logged.
    let refused = Command::new(CommandBody::RecordPrint(PrintRecord {
        id: Uuid::new_v4(),
        copies: 0,
        ..record
    }));
    let outcome = storage.apply_command(&clerk, &refused, NOW).await.unwrap();
    assert_eq!(outcome.status, CommandStatus::Rejected);
    assert!(outcome.error.unwrap().message.contains("copies"));
    assert_eq!(storage.head().await.unwrap(), head + 1);
    // A clerk still may not change the configuration.
    let window = save_window(&new_window(&snapshot, 77));
    let outcome = storage.apply_command(&clerk, &window, NOW).await.unwrap();
    assert_eq!(outcome.status, CommandStatus::Rejected);
}

fn clerk_at(site: Uuid) -> Actor {
    Actor {
        account: onetrip_api::auth::Account {
            id: Uuid::new_v4(),
            username: "clerk-q".into(),
            display_name: "窗口人员".into(),
            role: Role::Clerk,
            site_id: Some(site),
            specialty: None,
        },
        lang: onetrip_domain::Lang::ZhCn,
    }
}

fn issue(site: Uuid, service: Uuid, class: PriorityClass) -> Command {
    Command::new(CommandBody::IssueTicket(IssueTicket {
        id: Uuid::new_v4(),
        site_id: site,
        service_id: service,
        class,
        source: TicketSource::Assisted,
        appointment_at_ms: None,
        holder: None,
        appointment_id: None,
    }))
}

/// Applies a command and returns the ticket it issued or moved.
async fn ticket_of(storage: &Central, actor: &Actor, command: &Command, now: i64) -> Ticket {
    let outcome = storage.apply_command(actor, command, now).await.unwrap();
    assert_eq!(
        outcome.status,
        CommandStatus::Applied,
        "{:?}",
        outcome.error
    );
    serde_json::from_value(outcome.record.unwrap()).unwrap()
}

async fn the_queue_numbers_tickets_and_calls_them_by_the_policy(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let center = snapshot.sites[0].id;
    let clerk = clerk_at(center);
    let window = snapshot
        .windows
        .iter()
        .find(|w| w.site_id == center)
        .unwrap()
        .clone();
    let service = snapshot
        .services
        .iter()
        .find(|s| s.id == window.service_ids[0])
        .unwrap()
        .clone();
    // Nobody waits yet: calling says so and changes nothing.
    let head = storage.head().await.unwrap();
    let empty = storage
        .apply_command(
            &clerk,
            &Command::new(CommandBody::CallNext {
                window_id: window.id,
            }),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(empty.status, CommandStatus::Rejected);
    let error = empty.error.unwrap();
    assert_eq!(error.reason.as_deref(), Some("queue_empty"));
    assert_eq!(error.message, "当前没有等候本窗口业务的群众");
    assert_eq!(storage.head().await.unwrap(), head);

    // Three normal tickets, then two priority ones, a minute apart.
    let classes = [
        PriorityClass::Normal,
        PriorityClass::Normal,
        PriorityClass::Normal,
        PriorityClass::Priority,
        PriorityClass::Green,
    ];
    let mut issued = Vec::new();
    for (minute, class) in classes.into_iter().enumerate() {
        let ticket = ticket_of(
            storage.as_ref(),
            &clerk,
            &issue(center, service.id, class),
            NOW + minute as i64 * 60_000,
        )
        .await;
        issued.push(ticket);
    }
    let numbers: Vec<_> = issued.iter().map(|t| t.number.clone()).collect();
    let prefix = &service.prefix;
    assert_eq!(
        numbers,
        (1..=5)
            .map(|n| format!("{prefix}{n:03}"))
            .collect::<Vec<_>>()
    );
    assert!(issued.iter().all(|t| t.status == TicketStatus::Waiting));

    // Called 2 priority : 1 normal, first come first served within each.
    let mut order = Vec::new();
    let mut now = NOW + 10 * 60_000;
    for round in 0..5 {
        let call = Command::new(CommandBody::CallNext {
            window_id: window.id,
        });
        let called = ticket_of(storage.as_ref(), &clerk, &call, now).await;
        assert_eq!(called.status, TicketStatus::Called);
        assert_eq!(called.window_number, Some(window.number));
        assert_eq!(called.called_by.as_deref(), Some("clerk-q"));
        // Sent again by a network retry: the same ticket, nothing more called.
        let again = ticket_of(storage.as_ref(), &clerk, &call, now + 1).await;
        assert_eq!(again.id, called.id);
        // A second call while this one is being served is refused.
        if round == 0 {
            let busy = storage
                .apply_command(
                    &clerk,
                    &Command::new(CommandBody::CallNext {
                        window_id: window.id,
                    }),
                    now,
                )
                .await
                .unwrap();
            assert_eq!(busy.error.unwrap().reason.as_deref(), Some("window_busy"));
        }
        order.push(called.number.clone());
        now += 60_000;
        let done = ticket_of(
            storage.as_ref(),
            &clerk,
            &Command::new(CommandBody::Finish {
                ticket_id: called.id,
            }),
            now,
        )
        .await;
        assert_eq!(done.status, TicketStatus::Done);
        assert_eq!(done.finished_at_ms, Some(now));
    }
    assert_eq!(
        order,
        ["004", "005", "001", "002", "003"].map(|n| format!("{prefix}{n}"))
    );

    // No-show only after the recalls.
    let late = ticket_of(
        storage.as_ref(),
        &clerk,
        &issue(center, service.id, PriorityClass::Normal),
        now,
    )
    .await;
    assert_eq!(late.number, format!("{prefix}006"));
    let called = ticket_of(
        storage.as_ref(),
        &clerk,
        &Command::new(CommandBody::CallNext {
            window_id: window.id,
        }),
        now,
    )
    .await;
    assert_eq!(called.id, late.id);
    let early = storage
        .apply_command(
            &clerk,
            &Command::new(CommandBody::NoShow { ticket_id: late.id }),
            now,
        )
        .await
        .unwrap();
    assert_eq!(early.error.unwrap().reason.as_deref(), Some("recall_first"));
    for recalls in 1..=2 {
        let recalled = ticket_of(
            storage.as_ref(),
            &clerk,
            &Command::new(CommandBody::Recall { ticket_id: late.id }),
            now,
        )
        .await;
        assert_eq!(recalled.recalls, recalls);
    }
    let gone = ticket_of(
        storage.as_ref(),
        &clerk,
        &Command::new(CommandBody::NoShow { ticket_id: late.id }),
        now,
    )
    .await;
    assert_eq!(gone.status, TicketStatus::NoShow);

    // A clerk of another site may not call here; a reviewer may not work the queue at all.
    let stranger = clerk_at(snapshot.sites[3].id);
    let refused = storage
        .apply_command(
            &stranger,
            &issue(center, service.id, PriorityClass::Normal),
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        refused.error.unwrap().reason.as_deref(),
        Some("queue_forbidden")
    );
}

async fn fifty_windows_calling_at_once_never_share_a_ticket(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    // A second connection pool on the same database, like a second server process.
    let other = db.reopen().await;
    let center = snapshot.sites[0].id;
    let service = snapshot.services[0].id;
    let mut windows = Vec::new();
    for number in 101..151u16 {
        let window = Window {
            id: Uuid::new_v4(),
            site_id: center,
            number,
            service_ids: vec![service],
        };
        let outcome = storage
            .apply_command(&Actor::system(), &save_window(&window), NOW)
            .await
            .unwrap();
        assert_eq!(outcome.status, CommandStatus::Applied);
        windows.push(window);
    }
    let clerk = clerk_at(center);
    for _ in 0..60 {
        ticket_of(
            storage.as_ref(),
            &clerk,
            &issue(center, service, PriorityClass::Normal),
            NOW,
        )
        .await;
    }
    let mut tasks = Vec::new();
    for (i, window) in windows.iter().enumerate() {
        let storage = if i % 2 == 0 {
            storage.clone()
        } else {
            other.clone()
        };
        let clerk = clerk.clone();
        let call = Command::new(CommandBody::CallNext {
            window_id: window.id,
        });
        tasks.push(tokio::spawn(async move {
            storage
                .apply_command(&clerk, &call, NOW + 60_000)
                .await
                .unwrap()
        }));
    }
    let mut called = std::collections::HashSet::new();
    for task in tasks {
        let outcome = task.await.unwrap();
        assert_eq!(
            outcome.status,
            CommandStatus::Applied,
            "{:?}",
            outcome.error
        );
        let ticket: Ticket = serde_json::from_value(outcome.record.unwrap()).unwrap();
        assert!(called.insert(ticket.id), "{} called twice", ticket.number);
    }
    assert_eq!(called.len(), 50);
    // The ten left are the ten issued last, still waiting; none was lost.
    let (changes, _) = pull_all(storage.as_ref(), 0, 5000, None).await;
    let mut latest = std::collections::HashMap::new();
    for change in changes.iter().filter(|c| c.entity == EntityKind::Ticket) {
        latest.insert(change.id, change.record::<Ticket>().unwrap().unwrap());
    }
    assert_eq!(latest.len(), 60);
    let waiting: Vec<_> = latest
        .values()
        .filter(|t| t.status == TicketStatus::Waiting)
        .map(|t| t.seq)
        .collect();
    assert_eq!(waiting.len(), 10);
    assert!(waiting.iter().all(|seq| *seq > 50));
}

async fn a_case_lists_what_is_missing_and_counts_the_trips(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let center = snapshot.sites[0].id;
    let clerk = clerk_at(center);
    let matter = snapshot
        .matters
        .iter()
        .find(|m| m.materials.len() >= 2)
        .unwrap()
        .clone();
    let draft = |id: &str, provided: &[String], outcome| CaseDraft {
        id: Uuid::new_v4(),
        ticket_id: None,
        matter_id: matter.id,
        applicant: ApplicantId::Organisation(id.into()),
        applicant_name: "玉环市清港镇亮洁洗车行".into(),
        provided: provided.to_vec(),
        outcome,
    };
    let decide = |draft: CaseDraft| Command::new(CommandBody::DecideCase(draft));
    let head = storage.head().await.unwrap();

    // A credit code with a wrong check character is refused with the reason; nothing is kept.
    let wrong = storage
        .apply_command(
            &clerk,
            &decide(draft("91350100M000100Y44", &[], CaseOutcome::Incomplete)),
            NOW,
        )
        .await
        .unwrap();
    let error = wrong.error.unwrap();
    assert_eq!(error.reason.as_deref(), Some("id_check_character"));
    assert_eq!(
        error.message,
        "统一社会信用代码校验位不正确，请核对是否输错"
    );
    assert_eq!(storage.head().await.unwrap(), head);

    // First trip: one material missing, so a one-time notice listing exactly that one.
    let brought = matter.materials[1..].to_vec();
    let refused = storage
        .apply_command(
            &clerk,
            &decide(draft("91350100M000100Y43", &brought, CaseOutcome::Accepted)),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        refused.error.unwrap().reason.as_deref(),
        Some("materials_missing")
    );
    let outcome = storage
        .apply_command(
            &clerk,
            &decide(draft(
                "91350100m000100y43",
                &brought,
                CaseOutcome::Incomplete,
            )),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        outcome.status,
        CommandStatus::Applied,
        "{:?}",
        outcome.error
    );
    let first: Case = serde_json::from_value(outcome.record.unwrap()).unwrap();
    assert_eq!(first.trip, 1);
    assert!(first.number.starts_with("GZ-"), "{}", first.number);
    assert_eq!(
        first.applicant,
        ApplicantId::Organisation("91350100M000100Y43".into())
    );
    let missing: Vec<_> = first
        .materials
        .iter()
        .filter(|m| !m.provided)
        .map(|m| m.name.clone())
        .collect();
    assert_eq!(missing, vec![matter.materials[0].clone()]);

    // Second trip with everything: accepted, numbered as a receipt, trip 2.
    let outcome = storage
        .apply_command(
            &clerk,
            &decide(draft(
                "91350100M000100Y43",
                &matter.materials,
                CaseOutcome::Accepted,
            )),
            NOW + 1,
        )
        .await
        .unwrap();
    let second: Case = serde_json::from_value(outcome.record.unwrap()).unwrap();
    assert_eq!((second.trip, second.outcome), (2, CaseOutcome::Accepted));
    // Due after the matter's promised working days, weekends skipped.
    let decided =
        onetrip_domain::calendar::Day::parse(&onetrip_server::clock::center_date(NOW)).unwrap();
    assert_eq!(
        second.due_date,
        Some(
            onetrip_domain::calendar::Calendar::default()
                .add_working_days(decided, u32::from(matter.promised_days))
                .to_string()
        )
    );
    assert_eq!(first.due_date, None);
    assert!(second.number.starts_with("SL-") && second.number != first.number);
}

async fn a_configuration_change_by_another_process_is_seen_at_once(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    // Another process on the same database (its own pool and its own kept configuration).
    let other = db.reopen().await;
    assert_eq!(other.config_snapshot().await.unwrap(), snapshot);
    let window = new_window(&snapshot, 88);
    let outcome = storage
        .apply_command(&Actor::system(), &save_window(&window), NOW)
        .await
        .unwrap();
    assert_eq!(outcome.status, CommandStatus::Applied);
    assert!(
        other
            .config_snapshot()
            .await
            .unwrap()
            .windows
            .contains(&window)
    );
    // And its commands are planned against it: the number is taken.
    let clash = other
        .apply_command(
            &Actor::system(),
            &save_window(&new_window(&snapshot, 88)),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        clash.error.unwrap().reason.as_deref(),
        Some("duplicate_window_number")
    );
}

async fn a_window_holds_resumes_transfers_and_calls_out_of_turn(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let center = snapshot.sites[0].id;
    let clerk = clerk_at(center);
    // A window of one service, so that another service exists to transfer to.
    let window = snapshot
        .windows
        .iter()
        .find(|w| w.site_id == center && w.service_ids.len() == 1)
        .unwrap()
        .clone();
    let a = window.service_ids[0];
    let b = snapshot
        .windows
        .iter()
        .filter(|w| w.site_id == center)
        .flat_map(|w| w.service_ids.iter().copied())
        .find(|s| !window.service_ids.contains(s))
        .unwrap();
    let s = storage.as_ref();
    let mut tickets = Vec::new();
    for minute in 0..3 {
        tickets.push(
            ticket_of(
                s,
                &clerk,
                &issue(center, a, PriorityClass::Normal),
                NOW + minute * 60_000,
            )
            .await,
        );
    }
    let (t1, t2, t3) = (tickets[0].id, tickets[1].id, tickets[2].id);
    let at = NOW + 10 * 60_000;
    let call_next = || {
        Command::new(CommandBody::CallNext {
            window_id: window.id,
        })
    };
    let on = |body: CommandBody| Command::new(body);

    // Held while waiting for a copy: the next is called; resumed, it comes back first.
    assert_eq!(ticket_of(s, &clerk, &call_next(), at).await.id, t1);
    let held = ticket_of(s, &clerk, &on(CommandBody::Hold { ticket_id: t1 }), at).await;
    assert_eq!((held.status, held.window_id), (TicketStatus::Held, None));
    assert_eq!(ticket_of(s, &clerk, &call_next(), at).await.id, t2);
    ticket_of(s, &clerk, &on(CommandBody::Finish { ticket_id: t2 }), at).await;
    let back = ticket_of(s, &clerk, &on(CommandBody::Resume { ticket_id: t1 }), at).await;
    assert_eq!(
        (back.status, back.queued_at_ms),
        (TicketStatus::Waiting, NOW)
    );
    assert_eq!(ticket_of(s, &clerk, &call_next(), at).await.id, t1);

    // Out of turn: not while another is served; then t3 directly.
    let busy = storage
        .apply_command(
            &clerk,
            &on(CommandBody::CallTicket {
                window_id: window.id,
                ticket_id: t3,
            }),
            at,
        )
        .await
        .unwrap();
    assert_eq!(busy.error.unwrap().reason.as_deref(), Some("window_busy"));
    ticket_of(s, &clerk, &on(CommandBody::Finish { ticket_id: t1 }), at).await;
    let called = ticket_of(
        s,
        &clerk,
        &on(CommandBody::CallTicket {
            window_id: window.id,
            ticket_id: t3,
        }),
        at,
    )
    .await;
    assert_eq!((called.id, called.status), (t3, TicketStatus::Called));

    // Transferred to another service: same number, same place, off this window's queue.
    let moved = ticket_of(
        s,
        &clerk,
        &on(CommandBody::Transfer {
            ticket_id: t3,
            service_id: b,
        }),
        at,
    )
    .await;
    assert_eq!(
        (
            moved.status,
            moved.service_id,
            moved.number.as_str(),
            moved.queued_at_ms
        ),
        (
            TicketStatus::Waiting,
            b,
            tickets[2].number.as_str(),
            tickets[2].queued_at_ms
        )
    );
    let empty = storage
        .apply_command(&clerk, &call_next(), at)
        .await
        .unwrap();
    assert_eq!(empty.error.unwrap().reason.as_deref(), Some("queue_empty"));
    let elsewhere = storage
        .apply_command(
            &clerk,
            &on(CommandBody::CallTicket {
                window_id: window.id,
                ticket_id: t3,
            }),
            at,
        )
        .await
        .unwrap();
    assert_eq!(
        elsewhere.error.unwrap().reason.as_deref(),
        Some("service_not_at_window")
    );
    // A finished ticket cannot be resumed.
    let finished = storage
        .apply_command(&clerk, &on(CommandBody::Resume { ticket_id: t2 }), at)
        .await
        .unwrap();
    assert_eq!(
        finished.error.unwrap().reason.as_deref(),
        Some("ticket_state")
    );
}

async fn a_stale_base_version_is_a_conflict(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let window = snapshot.windows[3].clone();
    let (changes, _) = pull_all(storage.as_ref(), 0, 1000, None).await;
    let version = changes
        .iter()
        .filter(|c| c.id == window.id)
        .map(|c| c.seq)
        .max()
        .unwrap();

    let edit = |number: u16, base: i64| Command {
        base_version: Some(base),
        ..save_window(&Window {
            number,
            ..window.clone()
        })
    };
    let first = edit(40, version);
    assert_eq!(
        storage
            .apply_command(&Actor::system(), &first, NOW)
            .await
            .unwrap()
            .status,
        CommandStatus::Applied
    );
    // Someone who still holds the old version is told so, and nothing changes.
    let stale = edit(41, version);
    let outcome = storage
        .apply_command(&Actor::system(), &stale, NOW)
        .await
        .unwrap();
    assert_eq!(outcome.status, CommandStatus::Conflict);
    assert_eq!(outcome.error.as_ref().unwrap().code, ErrorCode::Conflict);
    assert_eq!(
        storage
            .apply_command(&Actor::system(), &stale, NOW)
            .await
            .unwrap(),
        outcome
    );
    let now = storage.config_snapshot().await.unwrap();
    assert_eq!(
        now.windows
            .iter()
            .find(|w| w.id == window.id)
            .unwrap()
            .number,
        40
    );
    // 0 means "a new record": refused for a record that exists.
    let as_new = edit(42, 0);
    assert_eq!(
        storage
            .apply_command(&Actor::system(), &as_new, NOW)
            .await
            .unwrap()
            .status,
        CommandStatus::Conflict
    );
}

async fn concurrent_writers_never_let_a_reader_skip_a_change(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let start = storage.head().await.unwrap();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..8u16)
        .map(|writer| {
            let storage = storage.clone();
            let snapshot = snapshot.clone();
            tokio::spawn(async move {
                for i in 0..15u16 {
                    let command = save_window(&new_window(&snapshot, 100 + writer * 20 + i));
                    let outcome = storage
                        .apply_command(&Actor::system(), &command, NOW)
                        .await
                        .unwrap();
                    assert_eq!(outcome.status, CommandStatus::Applied);
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let storage = storage.clone();
            let done = done.clone();
            tokio::spawn(async move {
                let mut cursor = start;
                let mut seen = Vec::new();
                loop {
                    let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                    let page = storage.changes_since(cursor, 5, None).await.unwrap();
                    cursor = page.next;
                    seen.extend(page.changes.into_iter().map(|c| c.seq));
                    if finished && !page.has_more {
                        return seen;
                    }
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let (all, _) = pull_all(storage.as_ref(), start, 10_000, None).await;
    let all: Vec<i64> = all.into_iter().map(|c| c.seq).collect();
    assert_eq!(all.len(), 8 * 15);
    for reader in readers {
        assert_eq!(
            reader.await.unwrap(),
            all,
            "a reader skipped or repeated a change"
        );
    }
}

async fn subscribers_hear_every_commit(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let mut events = storage.subscribe();
    let command = save_window(&new_window(&snapshot, 55));
    storage
        .apply_command(&Actor::system(), &command, NOW)
        .await
        .unwrap();
    let seq = tokio::time::timeout(std::time::Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seq, storage.head().await.unwrap());
}

fn supervisor_at(site: Uuid) -> Actor {
    Actor {
        account: onetrip_api::auth::Account {
            role: Role::Supervisor,
            username: "supervisor-q".into(),
            ..clerk_at(site).account
        },
        lang: onetrip_domain::Lang::ZhCn,
    }
}

/// The refusal's reason, after checking the command was refused and changed nothing.
async fn refusal(storage: &Central, actor: &Actor, command: &Command, now: i64) -> String {
    let head = storage.head().await.unwrap();
    let outcome = storage.apply_command(actor, command, now).await.unwrap();
    assert_eq!(outcome.status, CommandStatus::Rejected, "{outcome:?}");
    assert_eq!(storage.head().await.unwrap(), head);
    outcome.error.unwrap().reason.unwrap_or_default()
}

async fn applied(storage: &Central, actor: &Actor, command: &Command, now: i64) {
    let outcome = storage.apply_command(actor, command, now).await.unwrap();
    assert_eq!(
        outcome.status,
        CommandStatus::Applied,
        "{:?}",
        outcome.error
    );
}

async fn a_site_policy_and_the_holiday_calendar_shape_calls_and_due_dates(db: TestDb) {
    use onetrip_domain::calendar::{Calendar, CalendarDay, Day};
    use onetrip_domain::queue::FairnessPolicy;

    let (storage, snapshot) = seeded(&db).await;
    let s = storage.as_ref();
    let site = snapshot.sites[0].clone();
    let clerk = clerk_at(site.id);
    let admin = Actor::system();
    let window = snapshot
        .windows
        .iter()
        .find(|w| w.site_id == site.id)
        .unwrap()
        .clone();
    let service = window.service_ids[0];

    // A policy out of range is refused with the reason; a site supervisor may not set one.
    let with_ratio = |ratio| {
        Command::new(CommandBody::SaveSite(onetrip_domain::config::Site {
            policy: Some(FairnessPolicy {
                priority_ratio: ratio,
                ..FairnessPolicy::default()
            }),
            ..site.clone()
        }))
    };
    assert_eq!(
        refusal(s, &admin, &with_ratio(0), NOW).await,
        "invalid_policy"
    );
    refusal(s, &supervisor_at(site.id), &with_ratio(1), NOW).await;
    applied(s, &admin, &with_ratio(1), NOW).await;
    let kept = s.config_snapshot().await.unwrap();
    assert_eq!(kept.sites[0].fairness().priority_ratio, 1);

    // At 1:1, two priority tickets and two normal ones alternate (the default 2:1 would call
    // both priority tickets first).
    let classes = [
        PriorityClass::Normal,
        PriorityClass::Normal,
        PriorityClass::Priority,
        PriorityClass::Priority,
    ];
    let mut ids = Vec::new();
    for (minute, class) in classes.into_iter().enumerate() {
        let at = NOW + minute as i64 * 60_000;
        ids.push(
            ticket_of(s, &clerk, &issue(site.id, service, class), at)
                .await
                .id,
        );
    }
    let mut order = Vec::new();
    for step in 0..4 {
        let at = NOW + (5 + step) * 60_000;
        let called = ticket_of(
            s,
            &clerk,
            &Command::new(CommandBody::CallNext {
                window_id: window.id,
            }),
            at,
        )
        .await;
        order.push(called.id);
        ticket_of(
            s,
            &clerk,
            &Command::new(CommandBody::Finish {
                ticket_id: called.id,
            }),
            at,
        )
        .await;
    }
    assert_eq!(order, vec![ids[2], ids[0], ids[3], ids[1]]);

    // A holiday on the next weekday moves an accepted case's due date by a day.
    let today = Day::parse(&onetrip_server::clock::center_date(NOW)).unwrap();
    let weekends_only = Calendar::default();
    let next = weekends_only.add_working_days(today, 1);
    let holiday = CalendarDay {
        date: next.to_string(),
        working: false,
        name: "测试假日".into(),
    };
    let bad = CalendarDay {
        date: "2026-02-30".into(),
        ..holiday.clone()
    };
    assert_eq!(
        refusal(
            s,
            &admin,
            &Command::new(CommandBody::SaveCalendarDay(bad)),
            NOW
        )
        .await,
        "invalid_date"
    );
    refusal(
        s,
        &supervisor_at(site.id),
        &Command::new(CommandBody::SaveCalendarDay(holiday.clone())),
        NOW,
    )
    .await;
    applied(
        s,
        &admin,
        &Command::new(CommandBody::SaveCalendarDay(holiday.clone())),
        NOW,
    )
    .await;
    assert_eq!(
        s.config_snapshot().await.unwrap().calendar,
        vec![holiday.clone()]
    );

    let matter = snapshot
        .matters
        .iter()
        .find(|m| m.promised_days >= 1)
        .unwrap()
        .clone();
    let outcome = s
        .apply_command(
            &clerk,
            &Command::new(CommandBody::DecideCase(CaseDraft {
                id: Uuid::new_v4(),
                ticket_id: None,
                matter_id: matter.id,
                applicant: ApplicantId::Organisation("91350100M000100Y43".into()),
                applicant_name: "玉环市清港镇亮洁洗车行".into(),
                provided: matter.materials.clone(),
                outcome: CaseOutcome::Accepted,
            })),
            NOW,
        )
        .await
        .unwrap();
    let case: Case = serde_json::from_value(outcome.record.unwrap()).unwrap();
    let days = u32::from(matter.promised_days);
    let with_holiday = Calendar::new(std::slice::from_ref(&holiday))
        .unwrap()
        .add_working_days(today, days);
    assert_ne!(with_holiday, weekends_only.add_working_days(today, days));
    assert_eq!(case.due_date, Some(with_holiday.to_string()));

    // Deleting it gives the day back to its weekday.
    applied(
        s,
        &admin,
        &Command::new(CommandBody::DeleteCalendarDay {
            date: holiday.date.clone(),
        }),
        NOW,
    )
    .await;
    assert!(s.config_snapshot().await.unwrap().calendar.is_empty());
}

async fn a_window_on_break_calls_nobody(db: TestDb) {
    let (storage, snapshot) = seeded(&db).await;
    let s = storage.as_ref();
    let center = snapshot.sites[0].id;
    let clerk = clerk_at(center);
    let window = snapshot
        .windows
        .iter()
        .find(|w| w.site_id == center)
        .unwrap()
        .clone();
    let on = |body: CommandBody| Command::new(body);
    let start = || {
        on(CommandBody::StartBreak {
            window_id: window.id,
        })
    };
    let end = || {
        on(CommandBody::EndBreak {
            window_id: window.id,
        })
    };
    let call = || {
        on(CommandBody::CallNext {
            window_id: window.id,
        })
    };
    let waiting = ticket_of(
        s,
        &clerk,
        &issue(center, window.service_ids[0], PriorityClass::Normal),
        NOW,
    )
    .await;

    // Not while a ticket is served; then on a break, nobody is called.
    let served = ticket_of(s, &clerk, &call(), NOW).await;
    assert_eq!(refusal(s, &clerk, &start(), NOW).await, "window_busy");
    ticket_of(
        s,
        &clerk,
        &on(CommandBody::Finish {
            ticket_id: served.id,
        }),
        NOW,
    )
    .await;
    assert_eq!(refusal(s, &clerk, &end(), NOW).await, "break_state");
    applied(s, &clerk, &start(), NOW + 1).await;
    assert_eq!(refusal(s, &clerk, &start(), NOW + 2).await, "break_state");
    let second = ticket_of(
        s,
        &clerk,
        &issue(center, window.service_ids[0], PriorityClass::Normal),
        NOW + 3,
    )
    .await;
    assert_eq!(
        refusal(s, &clerk, &call(), NOW + 4).await,
        "window_on_break"
    );
    let states = s.window_states(center).await.unwrap();
    assert_eq!(states.len(), 1);
    assert!(states[0].on_break && states[0].since_ms == NOW + 1 && states[0].clerk == "clerk-q");

    // Back from the break, the window calls again.
    applied(s, &clerk, &end(), NOW + 5).await;
    let called = ticket_of(s, &clerk, &call(), NOW + 6).await;
    assert!(called.id == second.id || called.id == waiting.id);
    assert!(!s.window_states(center).await.unwrap()[0].on_break);
    // A clerk of another site may not pause this window.
    let other = clerk_at(snapshot.sites[1].id);
    assert_eq!(
        refusal(s, &other, &start(), NOW + 7).await,
        "queue_forbidden"
    );
}

async fn an_appointment_checks_in_once_and_shows_a_masked_name(db: TestDb) {
    use onetrip_api::queue::TicketHolder;

    let (storage, snapshot) = seeded(&db).await;
    let s = storage.as_ref();
    let center = snapshot.sites[0].id;
    let clerk = clerk_at(center);
    let service = snapshot
        .windows
        .iter()
        .find(|w| w.site_id == center)
        .unwrap()
        .service_ids[0];
    let book = |holder: TicketHolder, at_ms: i64| {
        Command::new(CommandBody::BookAppointment(Appointment {
            id: Uuid::new_v4(),
            site_id: center,
            service_id: service,
            at_ms,
            holder,
            code: String::new(),
            day: String::new(),
            booked_by: String::new(),
        }))
    };
    let holder = TicketHolder {
        name: Some("张三明".into()),
        phone: Some("138 1234 5678".into()),
        id_number: None,
    };
    let later = NOW + 30 * 60_000;
    // Refused: no way to check in; a wrong ID number; a wrong phone number; a time past.
    let nameless = TicketHolder {
        phone: None,
        ..holder.clone()
    };
    assert_eq!(
        refusal(s, &clerk, &book(nameless, later), NOW).await,
        "appointment_holder"
    );
    let wrong_id = TicketHolder {
        id_number: Some("11010519491231002Y".into()),
        ..holder.clone()
    };
    assert_eq!(
        refusal(s, &clerk, &book(wrong_id, later), NOW).await,
        "id_character"
    );
    let wrong_phone = TicketHolder {
        phone: Some("23812345678".into()),
        ..holder.clone()
    };
    assert_eq!(
        refusal(s, &clerk, &book(wrong_phone, later), NOW).await,
        "holder_phone"
    );
    assert_eq!(
        refusal(s, &clerk, &book(holder.clone(), NOW - 3_600_000), NOW).await,
        "appointment_time"
    );

    let booked = s
        .apply_command(&clerk, &book(holder.clone(), later), NOW)
        .await
        .unwrap();
    let booked: Appointment = serde_json::from_value(booked.record.unwrap()).unwrap();
    assert_eq!(booked.code.len(), 6);
    assert_eq!(booked.holder.phone.as_deref(), Some("13812345678"));
    let day = onetrip_server::clock::center_date(NOW);
    for query in ["13812345678", booked.code.as_str()] {
        let found = s.find_appointments(center, &day, query).await.unwrap();
        assert_eq!(found, vec![(booked.clone(), false)]);
    }

    // Checking in issues an appointment ticket with the name; a second check-in is refused.
    let check_in = || {
        Command::new(CommandBody::IssueTicket(IssueTicket {
            id: Uuid::new_v4(),
            site_id: center,
            service_id: service,
            class: PriorityClass::Normal,
            source: TicketSource::Appointment,
            appointment_at_ms: Some(booked.at_ms),
            holder: None,
            appointment_id: Some(booked.id),
        }))
    };
    let ticket = ticket_of(s, &clerk, &check_in(), NOW + 60_000).await;
    assert_eq!(ticket.appointment_at_ms, Some(later));
    assert_eq!(ticket.appointment_id, Some(booked.id));
    assert_eq!(ticket.public_name().as_deref(), Some("张*明"));
    assert_eq!(
        refusal(s, &clerk, &check_in(), NOW + 61_000).await,
        "appointment_checked_in"
    );
    let found = s
        .find_appointments(center, &day, &booked.code)
        .await
        .unwrap();
    assert_eq!(found, vec![(booked.clone(), true)]);

    // A walk-in's ID number is checked too.
    let walk_in = Command::new(CommandBody::IssueTicket(IssueTicket {
        holder: Some(TicketHolder {
            name: None,
            phone: None,
            id_number: Some("110105194912310021".into()),
        }),
        ..match issue(center, service, PriorityClass::Normal).body {
            CommandBody::IssueTicket(issue) => issue,
            _ => unreachable!(),
        }
    }));
    assert_eq!(
        refusal(s, &clerk, &walk_in, NOW).await,
        "id_check_character"
    );
}
