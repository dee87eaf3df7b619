//! Sync benchmarks, each beside its limit in the same run:
//!
//! 1. A command applied through client A becomes visible in client B's cache (B woken by the
//!    live event stream): median and p99 over M rounds (default 200).
//! 2. Initial pull of N rows (default 100,000) from a real `onetrip-server` over loopback into
//!    an empty cache, against a raw SQLite bulk insert of the same rows in one transaction
//!    (rusqlite, prepared statement: the fastest ordinary way, the limit).
//!
//! Run: `bench/sync/run.sh` (release build). Prints one line per figure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::sync::EntityKind;
use onetrip_client::api_client::ApiClient;
use onetrip_client::cache::{self, Cache};
use onetrip_client::secrets::Sensitive;
use onetrip_client::sync::{SyncContext, SyncEngine, SyncEvent};
use onetrip_domain::Lang;
use onetrip_domain::config::Window;
use onetrip_server::seed::DEMO_PASSWORD;
use onetrip_server::serve::{self, Database, ServeOptions};
use sqlx::Connection;
use uuid::Uuid;

fn arg(index: usize, default: usize) -> usize {
    std::env::args()
        .nth(index)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// A realistic matter record (≈300 bytes of JSON), the kind a county has thousands of.
fn matter(i: usize, service: Uuid) -> serde_json::Value {
    serde_json::json!({
        "id": Uuid::new_v4(),
        "service_id": service,
        "name": format!("第{i}号事项：个体工商户设立登记"),
        "materials": ["个体工商户登记（备案）申请书", "经营者身份证明", "经营场所使用证明"],
        "promised_days": i % 15
    })
}

async fn login(url: &str) -> (ApiClient, Sensitive<String>) {
    let client = ApiClient::new(url, Lang::ZhCn).unwrap();
    let response = client
        .login(&onetrip_api::auth::LoginRequest {
            username: "admin".into(),
            password: DEMO_PASSWORD.into(),
        })
        .await
        .unwrap();
    (client, Sensitive(response.token))
}

#[tokio::main]
async fn main() {
    let rows = arg(1, 100_000);
    let rounds = arg(2, 200);
    let dir = tempfile::tempdir().unwrap();
    let server = serve::start(ServeOptions {
        database: Database::SqliteDir(dir.path().join("central")),
        listen: "127.0.0.1:0".parse().unwrap(),
        web_dir: None,
        seed_demo: true,
        files_dir: None,
        blobs: None,
    })
    .await
    .unwrap();
    let url = server.url();

    // 1. A → B latency (on the demo center, before the large log is added). B listens to live events; each round A applies a command and the
    // clock stops when B's cache holds the change.
    let (data_tx, mut data_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let b_dir = tempfile::tempdir().unwrap();
    let b_cache = Arc::new(Cache::open(&b_dir.path().join("cache.db")).await.unwrap());
    let b = SyncEngine::start(
        b_cache.clone(),
        Arc::new(move |event| {
            if event == SyncEvent::Data {
                let _ = data_tx.send(());
            }
        }),
    );
    let (b_client, b_token) = login(&url).await;
    b.set_context(Some(SyncContext {
        client: b_client,
        token: b_token,
        owner: "b".into(),
    }))
    .await
    .unwrap();
    b.pull().await.unwrap();
    let a_dir = tempfile::tempdir().unwrap();
    let a = SyncEngine::start(
        Arc::new(Cache::open(&a_dir.path().join("cache.db")).await.unwrap()),
        Arc::new(|_| {}),
    );
    let (a_client, a_token) = login(&url).await;
    let config = a_client.config(&a_token).await.unwrap();
    a.set_context(Some(SyncContext {
        client: a_client,
        token: a_token,
        owner: "a".into(),
    }))
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    while data_rx.try_recv().is_ok() {}

    let mut latencies = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let window = Window {
            id: Uuid::new_v4(),
            site_id: config.sites[1 + round % 11].id,
            number: 100 + (round / 11) as u16,
            service_ids: vec![config.services[0].id],
        };
        let started = Instant::now();
        let outcome = a
            .submit(Command::new(CommandBody::SaveWindow(window.clone())))
            .await
            .unwrap();
        assert_eq!(outcome.status, CommandStatus::Applied);
        loop {
            tokio::time::timeout(Duration::from_secs(5), data_rx.recv())
                .await
                .expect("B heard nothing")
                .unwrap();
            if b_cache
                .contains(EntityKind::Window, window.id)
                .await
                .unwrap()
            {
                break;
            }
        }
        latencies.push(started.elapsed());
    }
    latencies.sort();
    let percentile = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "A→B visibility over {rounds} rounds: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(0.5).as_secs_f64() * 1e3,
        percentile(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3
    );

    // Fill the server's change log with `rows` matters (setup, not measured).
    let service = onetrip_server::config::current(&server.state)
        .await
        .unwrap()
        .services[0]
        .id;
    let records: Vec<serde_json::Value> = (0..rows).map(|i| matter(i, service)).collect();
    {
        let db = dir.path().join("central").join(serve::SQLITE_FILE);
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let mut tx = conn.begin().await.unwrap();
        for record in &records {
            sqlx::query(
                "INSERT INTO changes (entity, entity_id, op, data, site_id, command_id, at_ms)
                 VALUES ('matter', $1, 'upsert', $2, NULL, 'bench', 0)",
            )
            .bind(record["id"].as_str().unwrap())
            .bind(record.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }

    // 2a. The limit: the same rows inserted raw (rusqlite, one prepared statement) into an
    // empty cache table, in one transaction.
    let limit_dir = tempfile::tempdir().unwrap();
    let limit_path = limit_dir.path().join("cache.db");
    drop(Cache::open(&limit_path).await.unwrap());
    let texts: Vec<(String, String)> = records
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_owned(), r.to_string()))
        .collect();
    let started = Instant::now();
    {
        let mut raw = rusqlite::Connection::open(&limit_path).unwrap();
        raw.pragma_update(None, "journal_mode", "WAL").unwrap();
        raw.pragma_update(None, "synchronous", "NORMAL").unwrap();
        // The same page cache and checkpoint interval as the desktop's cache connections.
        raw.pragma_update(None, "cache_size", cache::CACHE_SIZE)
            .unwrap();
        raw.pragma_update(None, "wal_autocheckpoint", cache::WAL_AUTOCHECKPOINT)
            .unwrap();
        let tx = raw.transaction().unwrap();
        {
            let mut insert = tx
                .prepare("INSERT INTO entities (kind, id, version, position, data) VALUES ('matter', ?1, ?2, ?2, ?3)")
                .unwrap();
            for (seq, (id, data)) in texts.iter().enumerate() {
                insert
                    .execute(rusqlite::params![id, seq as i64, data])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let limit = started.elapsed();

    // 2b. The initial pull through the real protocol into an empty cache.
    let (client, token) = login(&url).await;
    // Where the time goes: fetching every page without writing anything.
    let started = Instant::now();
    let mut cursor = 0;
    loop {
        let page = client
            .sync_page(&token, cursor, onetrip_api::sync::MAX_PAGE)
            .await
            .unwrap();
        cursor = page.next;
        if !page.has_more {
            break;
        }
    }
    let fetch_only = started.elapsed();
    if std::env::var_os("BENCH_APPLY_ONLY").is_some() {
        let mut pages = Vec::new();
        let mut cursor = 0;
        loop {
            let page = client
                .sync_page(&token, cursor, onetrip_api::sync::MAX_PAGE)
                .await
                .unwrap();
            cursor = page.next;
            let more = page.has_more;
            pages.push(page);
            if !more {
                break;
            }
        }
        let apply_dir = tempfile::tempdir().unwrap();
        let apply_cache = Cache::open(&apply_dir.path().join("cache.db"))
            .await
            .unwrap();
        let started = Instant::now();
        for page in pages {
            apply_cache.apply_page(page, 0).await.unwrap();
        }
        println!(
            "  applying the fetched pages alone: {:.3} s",
            started.elapsed().as_secs_f64()
        );
    }
    let pull_dir = tempfile::tempdir().unwrap();
    let cache = Arc::new(
        Cache::open(&pull_dir.path().join("cache.db"))
            .await
            .unwrap(),
    );
    let engine = SyncEngine::start(cache.clone(), Arc::new(|_| {}));
    let started = Instant::now();
    // The engine's own pull, exactly as a desktop signing in for the first time runs it.
    engine
        .set_context(Some(SyncContext {
            client,
            token,
            owner: "bench".into(),
        }))
        .await
        .unwrap();
    engine.pull().await.unwrap();
    let pull = started.elapsed();
    let pulled = cache.count(EntityKind::Matter).await.unwrap();
    assert!(pulled >= rows as i64, "pulled {pulled} of {rows}");
    println!(
        "initial pull of {rows} rows: {:.3} s; raw bulk insert of the same rows: {:.3} s; ratio {:.2}x",
        pull.as_secs_f64(),
        limit.as_secs_f64(),
        pull.as_secs_f64() / limit.as_secs_f64()
    );
    println!(
        "  of which fetching and decoding the pages alone: {:.3} s",
        fetch_only.as_secs_f64()
    );
}
