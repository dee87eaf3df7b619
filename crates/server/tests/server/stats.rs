//! Supervisor statistics on SQLite and on PostgreSQL: tickets moved through the real commands
//! at controlled times, figures checked against values worked out by hand, refusals, and the
//! CSV and XLSX exports read back.

use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use onetrip_api::auth::Account;
use onetrip_api::case::{CaseDraft, CaseOutcome};
use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::ErrorCode;
use onetrip_api::queue::{IssueTicket, Ticket, TicketSource};
use onetrip_api::stats::{ExportFormat, QueueStats, StatsQuery, StatsRow, TripCounts};
use onetrip_domain::Lang;
use onetrip_domain::auth::Role;
use onetrip_domain::identity::ApplicantId;
use onetrip_domain::queue::PriorityClass;
use onetrip_server::actor::Actor;
use onetrip_server::clock::ManualClock;
use onetrip_server::seed::seed_demo;
use onetrip_server::state::AppState;
use uuid::Uuid;

use crate::support::TestDb;

crate::support::conformance!(
    figures_match_those_worked_out_by_hand,
    refusals_name_the_reason,
    exports_read_back_in_excel_terms,
);

const MINUTE: i64 = 60_000;
/// 2026-11-27 09:00 in Yuhuan (01:00 UTC).
const NINE: i64 = 1_795_741_200_000;
const DAY: &str = "2026-11-27";
const YESTERDAY: &str = "2026-11-26";

fn actor(username: &str, role: Role, site: Option<Uuid>) -> Actor {
    Actor {
        account: Account {
            id: Uuid::new_v4(),
            username: username.into(),
            display_name: username.into(),
            role,
            site_id: site,
            specialty: None,
        },
        lang: Lang::ZhCn,
    }
}

struct Hall {
    state: AppState,
    snapshot: ConfigSnapshot,
    center: Uuid,
    branch: Uuid,
    _db: TestDb,
}

impl Hall {
    async fn new(db: TestDb) -> Hall {
        assert!(
            seed_demo(db.storage.as_ref(), NINE - 24 * 60 * MINUTE)
                .await
                .unwrap()
        );
        let snapshot = db.storage.config_snapshot().await.unwrap();
        // "Today" for the statistics is the day of the tickets.
        let clock = Arc::new(ManualClock::new(NINE + 8 * 60 * MINUTE));
        let state = onetrip_server::app::state(db.storage.0.clone(), clock).unwrap();
        Hall {
            state,
            center: snapshot.sites[0].id,
            branch: snapshot.sites[1].id,
            snapshot,
            _db: db,
        }
    }

    fn service(&self, prefix: &str) -> Uuid {
        self.snapshot
            .services
            .iter()
            .find(|s| s.prefix == prefix)
            .unwrap()
            .id
    }

    fn window(&self, site: Uuid, number: u16) -> Uuid {
        self.snapshot
            .windows
            .iter()
            .find(|w| w.site_id == site && w.number == number)
            .unwrap()
            .id
    }

    async fn apply(&self, actor: &Actor, body: CommandBody, at: i64) -> serde_json::Value {
        let outcome = self
            .state
            .commands
            .apply(actor, &Command::new(body), at)
            .await
            .unwrap();
        assert_eq!(
            outcome.status,
            CommandStatus::Applied,
            "{:?}",
            outcome.error
        );
        outcome.record.unwrap()
    }

    async fn issue(&self, clerk: &Actor, site: Uuid, prefix: &str, at: i64) -> Ticket {
        let body = CommandBody::IssueTicket(IssueTicket {
            id: Uuid::new_v4(),
            site_id: site,
            service_id: self.service(prefix),
            class: PriorityClass::Normal,
            source: TicketSource::Kiosk,
            appointment_at_ms: None,
            holder: None,
            appointment_id: None,
        });
        serde_json::from_value(self.apply(clerk, body, at).await).unwrap()
    }

    async fn call(&self, clerk: &Actor, window: Uuid, at: i64) -> Ticket {
        let body = CommandBody::CallNext { window_id: window };
        serde_json::from_value(self.apply(clerk, body, at).await).unwrap()
    }

    async fn finish(&self, clerk: &Actor, ticket: &Ticket, at: i64) {
        let body = CommandBody::Finish {
            ticket_id: ticket.id,
        };
        self.apply(clerk, body, at).await;
    }

    async fn no_show(&self, clerk: &Actor, ticket: &Ticket, at: i64) {
        for _ in 0..2 {
            let body = CommandBody::Recall {
                ticket_id: ticket.id,
            };
            self.apply(clerk, body, at).await;
        }
        let body = CommandBody::NoShow {
            ticket_id: ticket.id,
        };
        self.apply(clerk, body, at).await;
    }

    async fn decide(&self, clerk: &Actor, matter: usize, outcome: CaseOutcome, at: i64) {
        let matter = &self.snapshot.matters[matter];
        let provided = match outcome {
            CaseOutcome::Incomplete => matter.materials[1..].to_vec(),
            _ => matter.materials.clone(),
        };
        let body = CommandBody::DecideCase(CaseDraft {
            id: Uuid::new_v4(),
            ticket_id: None,
            matter_id: matter.id,
            applicant: ApplicantId::Organisation("91350100M000100Y43".into()),
            applicant_name: "玉环市清港镇亮洁洗车行".into(),
            provided,
            outcome,
        });
        self.apply(clerk, body, at).await;
    }

    /// The day worked out in the module comment of `figures_match_those_worked_out_by_hand`.
    async fn play_the_day(&self) {
        let clerk = actor("clerk", Role::Clerk, Some(self.center));
        let clerk_b = actor("clerk-b", Role::Clerk, Some(self.center));
        // Yesterday's ticket and another site's ticket count only where they belong.
        self.issue(&clerk, self.center, "A", NINE - 24 * 60 * MINUTE)
            .await;
        let branch_clerk = actor("clerk-z", Role::Clerk, Some(self.branch));
        self.issue(&branch_clerk, self.branch, "B", NINE).await;

        let window_a = self.window(self.center, 3);
        let window_b = self.window(self.center, 5);
        for minute in 0..4 {
            self.issue(&clerk, self.center, "A", NINE + minute * MINUTE)
                .await;
        }
        self.issue(&clerk, self.center, "B", NINE + 60 * MINUTE)
            .await;
        self.issue(&clerk, self.center, "B", NINE + 65 * MINUTE)
            .await;

        let a1 = self.call(&clerk, window_a, NINE + 5 * MINUTE).await;
        assert_eq!(a1.number, "A001");
        self.finish(&clerk, &a1, NINE + 9 * MINUTE).await;
        let a2 = self.call(&clerk, window_a, NINE + 10 * MINUTE).await;
        self.finish(&clerk, &a2, NINE + 12 * MINUTE).await;
        let a3 = self.call(&clerk, window_a, NINE + 13 * MINUTE).await;
        self.no_show(&clerk, &a3, NINE + 15 * MINUTE).await;
        let a4 = self.call(&clerk, window_a, NINE + 16 * MINUTE).await;
        assert_eq!(a4.number, "A004");
        self.finish(&clerk, &a4, NINE + 26 * MINUTE).await;
        let b1 = self.call(&clerk_b, window_b, NINE + 70 * MINUTE).await;
        assert_eq!(b1.number, "B001");
        self.finish(&clerk_b, &b1, NINE + 73 * MINUTE).await;

        // One applicant: matter 0 on the second trip, matters 1 and 2 on the first.
        self.decide(&clerk, 0, CaseOutcome::Incomplete, NINE + 20 * MINUTE)
            .await;
        self.decide(&clerk, 0, CaseOutcome::Accepted, NINE + 90 * MINUTE)
            .await;
        self.decide(&clerk, 1, CaseOutcome::Completed, NINE + 91 * MINUTE)
            .await;
        self.decide(&clerk, 2, CaseOutcome::Accepted, NINE + 92 * MINUTE)
            .await;
    }

    async fn stats(&self, actor: &Actor, query: StatsQuery) -> QueueStats {
        onetrip_server::stats::queue_stats(&self.state, actor, &query)
            .await
            .unwrap()
    }
}

fn day_at(site: Uuid, from: &str, to: &str) -> StatsQuery {
    StatsQuery {
        site: Some(site),
        from: Some(from.into()),
        to: Some(to.into()),
    }
}

fn row<'a>(rows: &'a [StatsRow], label: &str) -> &'a StatsRow {
    rows.iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no line {label} in {rows:#?}"))
}

/// The day at the center, by hand:
///
/// | ticket | taken | called | ended | wait | service |
/// |---|---|---|---|---|---|
/// | A001 | 09:00 | 09:05 w3 clerk | done 09:09 | 5 | 4 |
/// | A002 | 09:01 | 09:10 w3 clerk | done 09:12 | 9 | 2 |
/// | A003 | 09:02 | 09:13 w3 clerk | no-show 09:15 | – | – |
/// | A004 | 09:03 | 09:16 w3 clerk | done 09:26 | 13 | 10 |
/// | B001 | 10:00 | 10:10 w5 clerk-b | done 10:13 | 10 | 3 |
/// | B002 | 10:05 | waiting | | | |
///
/// Waits 5, 9, 10, 13: median 9.5, P90 at rank 2.7 = 10 + 0.7 × 3 = 12.1 minutes.
/// Services 2, 3, 4, 10: median 3.5, P90 = 4 + 0.7 × 6 = 8.2 minutes.
/// No-show rate 1 / (4 + 1) = 20 %.
async fn figures_match_those_worked_out_by_hand(db: TestDb) {
    let hall = Hall::new(db).await;
    let supervisor = actor("supervisor", Role::Supervisor, Some(hall.center));
    // Nothing yet: every count is zero and no time is made up.
    let empty = hall.stats(&supervisor, StatsQuery::default()).await;
    assert_eq!((empty.from.as_str(), empty.to.as_str()), (DAY, DAY));
    assert_eq!(empty.overall.issued, 0);
    assert_eq!(empty.overall.no_show_rate, None);
    assert_eq!(empty.overall.wait.median_ms, None);
    assert_eq!(empty.cases.at_most_one_trip_rate, None);
    assert!(empty.by_service.is_empty() && empty.by_hour.is_empty());

    hall.play_the_day().await;
    // Without parameters: the supervisor's own site, today.
    let stats = hall.stats(&supervisor, StatsQuery::default()).await;
    assert_eq!(stats.site_id, hall.center);
    assert_eq!(stats.site_name, "玉环市行政服务中心");
    let all = &stats.overall;
    assert_eq!((all.issued, all.served, all.no_show), (6, 4, 1));
    assert_eq!(all.no_show_rate, Some(0.2));
    assert_eq!(all.wait.count, 4);
    assert_eq!(all.wait.median_ms, Some(570_000));
    assert_eq!(all.wait.p90_ms, Some(726_000));
    assert_eq!(all.service.count, 4);
    assert_eq!(all.service.median_ms, Some(210_000));
    assert_eq!(all.service.p90_ms, Some(492_000));

    // By service: A waits 5, 9, 13 (P90 at rank 1.8 = 9 + 0.8 × 4 = 12.2), services 2, 4, 10.
    assert_eq!(
        stats
            .by_service
            .iter()
            .map(|r| r.label.as_str())
            .collect::<Vec<_>>(),
        ["A 企业开办", "B 不动产登记"]
    );
    let a = row(&stats.by_service, "A 企业开办");
    assert_eq!((a.issued, a.served, a.no_show), (4, 3, 1));
    assert_eq!(a.no_show_rate, Some(0.25));
    assert_eq!(
        (a.wait.median_ms, a.wait.p90_ms),
        (Some(9 * MINUTE), Some(732_000))
    );
    assert_eq!(
        (a.service.median_ms, a.service.p90_ms),
        (Some(4 * MINUTE), Some(528_000))
    );
    let b = row(&stats.by_service, "B 不动产登记");
    assert_eq!((b.issued, b.served, b.no_show), (2, 1, 0));
    assert_eq!(b.no_show_rate, Some(0.0));
    assert_eq!(
        (b.wait.median_ms, b.wait.p90_ms),
        (Some(10 * MINUTE), Some(10 * MINUTE))
    );

    // By window and clerk: the tickets called there. The clerk with an account is named.
    let w3 = row(&stats.by_window, "3号窗口");
    assert_eq!((w3.issued, w3.served, w3.no_show), (4, 3, 1));
    let w5 = row(&stats.by_window, "5号窗口");
    assert_eq!((w5.issued, w5.served), (1, 1));
    assert_eq!(w5.service.median_ms, Some(3 * MINUTE));
    assert_eq!(stats.by_window.len(), 2);
    let clerk = row(&stats.by_clerk, "王小红（clerk）");
    assert_eq!(
        (clerk.key.as_str(), clerk.issued, clerk.served),
        ("clerk", 4, 3)
    );
    let clerk_b = row(&stats.by_clerk, "clerk-b");
    assert_eq!(clerk_b.wait.median_ms, Some(10 * MINUTE));

    // By the hour the ticket was taken, in Yuhuan's time.
    let hours: Vec<_> = stats
        .by_hour
        .iter()
        .map(|r| (r.key.as_str(), r.label.as_str(), r.issued))
        .collect();
    assert_eq!(hours, [("09", "09:00–10:00", 4), ("10", "10:00–11:00", 2)]);

    // Cases: matter 0 finished on the second trip, matters 1 and 2 on the first.
    let cases = &stats.cases;
    assert_eq!(
        (
            cases.total,
            cases.accepted,
            cases.completed,
            cases.incomplete,
            cases.finished
        ),
        (4, 2, 1, 1, 3)
    );
    assert_eq!(
        cases.trips,
        TripCounts {
            zero: 0,
            one: 2,
            two: 1,
            three_or_more: 0
        }
    );
    assert_eq!(cases.trips_mean, Some(4.0 / 3.0));
    assert_eq!(cases.at_most_one_trip_rate, Some(2.0 / 3.0));
    assert_eq!(cases.zero_trip_rate, Some(0.0));
    assert_eq!(stats.ratings, None);

    // Two days: yesterday's ticket joins; the other site's never does.
    let two = hall
        .stats(&supervisor, day_at(hall.center, YESTERDAY, DAY))
        .await;
    assert_eq!(two.overall.issued, 7);
    assert_eq!(row(&two.by_service, "A 企业开办").issued, 5);
    let yesterday = hall
        .stats(&supervisor, day_at(hall.center, YESTERDAY, YESTERDAY))
        .await;
    assert_eq!(yesterday.overall.issued, 1);
    assert_eq!(yesterday.cases.total, 0);
    let admin = actor("admin", Role::Admin, None);
    let branch = hall.stats(&admin, day_at(hall.branch, DAY, DAY)).await;
    assert_eq!((branch.overall.issued, branch.cases.total), (1, 0));
    // English labels when asked for.
    let english = Actor {
        lang: Lang::En,
        ..supervisor.clone()
    };
    let stats = hall.stats(&english, StatsQuery::default()).await;
    assert!(stats.by_window.iter().any(|r| r.label == "Window 3"));
    assert_eq!(stats.overall.label, "All");
}

async fn refusals_name_the_reason(db: TestDb) {
    let hall = Hall::new(db).await;
    let supervisor = actor("supervisor", Role::Supervisor, Some(hall.center));
    let refused = |actor: Actor, query: StatsQuery| {
        let state = hall.state.clone();
        async move {
            onetrip_server::stats::queue_stats(&state, &actor, &query)
                .await
                .unwrap_err()
        }
    };
    let error = refused(
        actor("clerk", Role::Clerk, Some(hall.center)),
        StatsQuery::default(),
    )
    .await;
    assert_eq!(error.code, ErrorCode::Forbidden);
    assert_eq!(error.reason.as_deref(), Some("stats_forbidden"));
    assert_eq!(error.message, "只有主管和管理员可以查看统计");

    let error = refused(supervisor.clone(), day_at(hall.branch, DAY, DAY)).await;
    assert_eq!(
        (error.code, error.reason.as_deref()),
        (ErrorCode::Forbidden, Some("stats_site_forbidden"))
    );

    let error = refused(supervisor.clone(), day_at(hall.center, "2026-13-01", DAY)).await;
    assert_eq!(
        (error.code, error.reason.as_deref()),
        (ErrorCode::Invalid, Some("stats_bad_date"))
    );
    assert!(error.message.contains("2026-13-01"), "{}", error.message);

    let error = refused(supervisor.clone(), day_at(hall.center, DAY, YESTERDAY)).await;
    assert_eq!(error.reason.as_deref(), Some("stats_range_reversed"));
    assert_eq!(error.message, "开始日期 2026-11-27 晚于结束日期 2026-11-26");

    // 366 days are fine; 367 are not.
    hall.stats(&supervisor, day_at(hall.center, "2025-11-27", DAY))
        .await;
    let error = refused(supervisor.clone(), day_at(hall.center, "2025-11-26", DAY)).await;
    assert_eq!(error.reason.as_deref(), Some("stats_range_too_long"));

    // An administrator must name the site, and it must exist.
    let admin = actor("admin", Role::Admin, None);
    let error = refused(admin.clone(), StatsQuery::default()).await;
    assert_eq!(error.reason.as_deref(), Some("stats_site_required"));
    let error = refused(admin, day_at(Uuid::new_v4(), DAY, DAY)).await;
    assert_eq!(
        (error.code, error.reason.as_deref()),
        (ErrorCode::NotFound, Some("site_not_found"))
    );

    // In English when asked for.
    let english = Actor {
        lang: Lang::En,
        ..actor("permit", Role::PermitOfficer, Some(hall.center))
    };
    let error = refused(english, StatsQuery::default()).await;
    assert_eq!(
        error.message,
        "Only supervisors and administrators may see the statistics"
    );
}

async fn exports_read_back_in_excel_terms(db: TestDb) {
    let hall = Hall::new(db).await;
    hall.play_the_day().await;
    let supervisor = actor("supervisor", Role::Supervisor, Some(hall.center));
    let query = StatsQuery::default();

    let csv = onetrip_server::stats::export_file(
        &hall.state,
        &supervisor,
        &query,
        Some(ExportFormat::Csv),
    )
    .await
    .unwrap();
    assert_eq!(
        csv.file_name,
        format!("统计_玉环市行政服务中心_{DAY}_{DAY}.csv")
    );
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"), "no byte-order mark");
    let text = String::from_utf8(csv.bytes[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n"));
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "bare LF in {text}"
    );
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "维度,项目,号票数,办结数,过号数,过号率,等候样本数,等候中位数（分钟）,等候P90（分钟）,办理样本数,办理中位数（分钟）,办理P90（分钟）"
    );
    assert_eq!(lines[1], "全部,全部,6,4,1,20.0%,4,9.5,12.1,4,3.5,8.2");
    assert!(
        lines.contains(&"业务类别,A 企业开办,4,3,1,25.0%,3,9.0,12.2,3,4.0,8.8"),
        "{text}"
    );
    assert!(lines.contains(&"时段,09:00–10:00,4,3,1,25.0%,3,9.0,12.2,3,4.0,8.8"));
    assert!(lines.contains(&"最多跑一次实现率,66.7%"), "{text}");
    assert!(lines.contains(&"零跑腿率,0.0%"));
    assert!(lines.contains(&"人均跑动次数,1.33"));
    assert!(lines.contains(&"好差评,暂未启用"));

    let xlsx = onetrip_server::stats::export_file(
        &hall.state,
        &supervisor,
        &query,
        Some(ExportFormat::Xlsx),
    )
    .await
    .unwrap();
    assert!(xlsx.file_name.ends_with(".xlsx"));
    assert!(
        xlsx.disposition
            .contains("filename*=UTF-8''%E7%BB%9F%E8%AE%A1_"),
        "{}",
        xlsx.disposition
    );
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx.bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["概览", "业务类别", "窗口", "工作人员", "时段", "办件"]
    );
    let summary = book.worksheet_range("概览").unwrap();
    let value = |range: &calamine::Range<Data>, label: &str| {
        range
            .rows()
            .find(|r| r[0] == Data::String(label.into()))
            .unwrap_or_else(|| panic!("no {label}"))[1]
            .clone()
    };
    assert_eq!(value(&summary, "取号数"), Data::Float(6.0));
    assert_eq!(value(&summary, "过号率"), Data::Float(0.2));
    assert_eq!(value(&summary, "等候中位数（分钟）"), Data::Float(9.5));
    assert_eq!(value(&summary, "办理P90（分钟）"), Data::Float(8.2));
    assert_eq!(value(&summary, "最多跑一次实现率"), Data::Float(2.0 / 3.0));
    assert_eq!(
        value(&summary, "中心/站点"),
        Data::String("玉环市行政服务中心".into())
    );

    let services = book.worksheet_range("业务类别").unwrap();
    let header: Vec<_> = services.rows().next().unwrap().to_vec();
    assert_eq!(header[0], Data::String("业务类别".into()));
    assert_eq!(header[1], Data::String("取号数".into()));
    let a: Vec<_> = services.rows().nth(1).unwrap().to_vec();
    assert_eq!(a[0], Data::String("A 企业开办".into()));
    assert_eq!(a[1], Data::Float(4.0));
    assert_eq!(a[4], Data::Float(0.25));
    assert_eq!(a[6], Data::Float(9.0));
    assert_eq!(a[7], Data::Float(12.2));
    // The total closes the sheet.
    let last: Vec<_> = services.rows().next_back().unwrap().to_vec();
    assert_eq!(
        (&last[0], &last[1]),
        (&Data::String("全部".into()), &Data::Float(6.0))
    );
    let windows = book.worksheet_range("窗口").unwrap();
    assert_eq!(
        windows.rows().next().unwrap()[1],
        Data::String("叫号数".into())
    );
    assert_eq!(windows.rows().count(), 3);
    let cases = book.worksheet_range("办件").unwrap();
    assert_eq!(value(&cases, "跑 2 次办结"), Data::Float(1.0));
}
