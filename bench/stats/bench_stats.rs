//! Statistics benchmark: a site with many tickets over a month, and how long the supervisor's
//! statistics take over the whole month — the indexed read of the columns, and the figures
//! computed from them — beside a bare `SELECT COUNT(*)` over the same rows in the same run.
//!
//! Usage: `bench_stats [TICKETS] [DATABASE_URL]` (defaults 100,000 tickets, SQLite in a
//! temporary folder; a PostgreSQL URL must name an empty database). With
//! `WITHOUT_STATS_INDEX=1` the covering index of migration 0009 is dropped first.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use onetrip_api::stats::StatsQuery;
use onetrip_domain::Lang;
use onetrip_domain::auth::Role;
use onetrip_server::actor::Actor;
use onetrip_server::clock::ManualClock;
use onetrip_server::serve::{Database, open_storage};
use sqlx::Connection;
use uuid::Uuid;

const DAYS: i64 = 30;
const MINUTE: i64 = 60_000;
/// 2026-11-01 08:30 in Yuhuan.
const FIRST_MORNING: i64 = 1_793_493_000_000;

/// One ticket of the generated month: (service, window, clerk, status, queued, called, finished, day).
type Row = (
    String,
    Option<String>,
    Option<String>,
    &'static str,
    i64,
    Option<i64>,
    Option<i64>,
    String,
);

fn rows(count: i64, services: &[Uuid], windows: &[Uuid]) -> Vec<Row> {
    // A small deterministic generator: the same month every run.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: i64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as i64
    };
    (0..count)
        .map(|i| {
            let day = i * DAYS / count;
            let queued = FIRST_MORNING + day * 24 * 60 * MINUTE + next(8 * 60) * MINUTE;
            let service = services[next(services.len() as i64) as usize].to_string();
            let window = windows[next(windows.len() as i64) as usize].to_string();
            let clerk = format!("clerk-{}", next(12));
            let called = queued + next(40 * MINUTE) + 1;
            let date = onetrip_server::clock::center_date(queued);
            match next(100) {
                0..80 => (
                    service,
                    Some(window),
                    Some(clerk),
                    "done",
                    queued,
                    Some(called),
                    Some(called + next(25 * MINUTE) + 1),
                    date,
                ),
                80..88 => (
                    service,
                    Some(window),
                    Some(clerk),
                    "no_show",
                    queued,
                    Some(called),
                    Some(called + 2 * MINUTE),
                    date,
                ),
                _ => (service, None, None, "waiting", queued, None, None, date),
            }
        })
        .collect()
}

const INSERT: &str =
    "INSERT INTO tickets (id, site_id, service_id, day, seq, status, class, queued_at_ms,
        called_at_ms, window_id, data, finished_at_ms, called_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'normal', $7, $8, $9, '{}', $10, $11)";

macro_rules! fill {
    ($conn:expr, $site:expr, $rows:expr) => {{
        let mut tx = $conn.begin().await.unwrap();
        for (seq, (service, window, clerk, status, queued, called, finished, day)) in
            $rows.iter().enumerate()
        {
            sqlx::query(INSERT)
                .bind(Uuid::new_v4().to_string())
                .bind($site.to_string())
                .bind(service)
                .bind(day)
                .bind(seq as i64 + 1)
                .bind(*status)
                .bind(*queued)
                .bind(*called)
                .bind(window.as_deref())
                .bind(*finished)
                .bind(clerk.as_deref())
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }};
}

macro_rules! count_rows {
    ($conn:expr, $site:expr) => {{
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM tickets WHERE site_id = $1 AND day >= $2 AND day <= $3",
        )
        .bind($site.to_string())
        .bind("2026-11-01")
        .bind("2026-11-30")
        .fetch_one(&mut $conn)
        .await
        .unwrap()
    }};
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let count: i64 = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("TICKETS is a number"))
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::args()
        .nth(2)
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let storage = open_storage(&Database::Url(url.clone())).await.unwrap();
    onetrip_server::seed::seed_demo(storage.as_ref(), FIRST_MORNING)
        .await
        .unwrap();
    let snapshot =
        onetrip_server::config::sql::snapshot(&mut storage.store().acquire().await.unwrap().conn())
            .await
            .unwrap();
    let site = snapshot.sites[0].id;
    let services: Vec<Uuid> = snapshot.services.iter().map(|s| s.id).collect();
    let windows: Vec<Uuid> = snapshot
        .windows
        .iter()
        .filter(|w| w.site_id == site)
        .map(|w| w.id)
        .collect();
    let generated = rows(count, &services, &windows);
    let started = Instant::now();
    let is_sqlite = url.starts_with("sqlite:");
    if is_sqlite {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        fill!(conn, site, generated);
    } else {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        fill!(conn, site, generated);
        sqlx::query("ANALYZE tickets")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    println!(
        "{} ({}): {count} tickets over {DAYS} days written in {:.1} s",
        storage.store().backend(),
        if is_sqlite {
            "temporary file"
        } else {
            "given database"
        },
        started.elapsed().as_secs_f64()
    );

    if std::env::var_os("WITHOUT_STATS_INDEX").is_some() {
        // For comparison: the same read through the older (site_id, day, called_at_ms) index,
        // which sends every row's other columns to the table.
        println!("without the covering index tickets_stats");
        if is_sqlite {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("DROP INDEX tickets_stats")
                .execute(&mut conn)
                .await
                .unwrap();
        } else {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query("DROP INDEX tickets_stats")
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
    let clock = Arc::new(ManualClock::new(FIRST_MORNING + DAYS * 24 * 60 * MINUTE));
    let state = onetrip_server::app::state(storage.clone(), clock).unwrap();
    let supervisor = Actor {
        account: onetrip_api::auth::Account {
            id: Uuid::new_v4(),
            username: "supervisor".into(),
            display_name: "supervisor".into(),
            role: Role::Supervisor,
            site_id: Some(site),
            specialty: None,
        },
        lang: Lang::ZhCn,
    };
    let query = StatsQuery {
        site: Some(site),
        from: Some("2026-11-01".into()),
        to: Some("2026-11-30".into()),
    };
    let (mut whole, mut read, mut counted) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..7 {
        let t = Instant::now();
        let stats = onetrip_server::stats::queue_stats(&state, &supervisor, &query)
            .await
            .unwrap();
        whole.push(t.elapsed());
        assert_eq!(i64::from(stats.overall.issued), count);
        let t = Instant::now();
        onetrip_server::stats::sql::stats_rows(storage.store(), site, "2026-11-01", "2026-11-30")
            .await
            .unwrap();
        read.push(t.elapsed());
        let n = if is_sqlite {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let t = Instant::now();
            let n = count_rows!(conn, site);
            counted.push(t.elapsed());
            n
        } else {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            let t = Instant::now();
            let n = count_rows!(conn, site);
            counted.push(t.elapsed());
            n
        };
        assert_eq!(n, count);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "statistics over the month (median of 7): {:.0} ms in all; reading the rows {:.0} ms; \
         a bare COUNT(*) of the same rows {:.0} ms",
        ms(median(whole)),
        ms(median(read)),
        ms(median(counted))
    );
}
