//! Real `onetrip-server` processes. Two on one PostgreSQL database, as a county runs them
//! behind a load balancer: fifty windows issuing and calling at once through both never share a
//! number or a ticket, and lose none; two officers approving overlapping cohorts through both
//! approve no permit twice and leave no gap in the numbers. And one killed in the middle of a
//! batch approval, on either backend, leaves it whole or not done at all.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::postgres;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str, data: &std::path::Path) -> Server {
    start_on(Some(database_url), data).await
}

/// A server on PostgreSQL at `database_url`, or on SQLite in `data` when none.
async fn start_on(database_url: Option<&str>, data: &std::path::Path) -> Server {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_onetrip-server"));
    command.args(["--listen", &format!("127.0.0.1:{port}")]);
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    let child = command
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start onetrip-server");
    wait_healthy(Server {
        child,
        base: format!("http://127.0.0.1:{port}/api"),
    })
    .await
}

async fn wait_healthy(server: Server) -> Server {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let health = reqwest::get(format!("{}/health", server.base)).await;
        if health.is_ok_and(|response| response.status().is_success()) {
            return server;
        }
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn call(
    http: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    path: &str,
    body: Option<Value>,
) -> Value {
    let request = match &body {
        Some(body) => http.post(format!("{base}{path}")).json(body),
        None => http.get(format!("{base}{path}")),
    };
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    let response = request.send().await.expect("request");
    let status = response.status();
    let value: Value = response.json().await.expect("JSON body");
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

fn command(kind: &str, payload: Value) -> Value {
    json!({ "id": Uuid::new_v4(), "kind": kind, "payload": payload })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_windows_over_two_server_processes_never_share_a_ticket() {
    const WINDOWS: usize = 50;
    let db = postgres().await;
    let data = tempfile::tempdir().unwrap();
    // The first process seeds the empty database; the second finds it seeded.
    let first = start(&db.url, data.path()).await;
    let second = start(&db.url, data.path()).await;
    let bases = [first.base.clone(), second.base.clone()];
    let http = reqwest::Client::new();

    let login = |user: &'static str, base: String| {
        let http = http.clone();
        async move {
            let body = json!({ "username": user, "password": onetrip_server::seed::DEMO_PASSWORD });
            call(&http, &base, None, "/auth/login", Some(body)).await["token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let admin = login("admin", bases[0].clone()).await;
    let clerk = login("clerk", bases[1].clone()).await;
    let me = call(&http, &bases[0], Some(&clerk), "/auth/me", None).await;
    let center = me["site_id"].as_str().unwrap().to_owned();
    let config = call(&http, &bases[0], Some(&admin), "/config", None).await;
    let service = config["services"][0]["id"].as_str().unwrap().to_owned();

    // Fifty new windows of one service, saved through alternating processes.
    let mut windows = Vec::new();
    for i in 0..WINDOWS {
        let id = Uuid::new_v4();
        let window =
            json!({ "id": id, "site_id": center, "number": 500 + i, "service_ids": [service] });
        let base = &bases[i % 2];
        let outcome = call(
            &http,
            base,
            Some(&admin),
            "/commands",
            Some(command("save_window", window)),
        )
        .await;
        assert_eq!(outcome["status"], "applied", "{outcome}");
        windows.push(id);
    }

    // Fifty tickets issued at once through both processes: numbers 1 to 50, each once.
    let issues = (0..WINDOWS).map(|i| {
        let (http, base, clerk) = (http.clone(), bases[i % 2].clone(), clerk.clone());
        let body = command(
            "issue_ticket",
            json!({ "id": Uuid::new_v4(), "site_id": center, "service_id": service,
                    "class": "normal", "source": "kiosk", "appointment_at_ms": null }),
        );
        tokio::spawn(async move { call(&http, &base, Some(&clerk), "/commands", Some(body)).await })
    });
    let mut seqs = Vec::new();
    for issued in futures::future::join_all(issues).await {
        let outcome = issued.unwrap();
        assert_eq!(outcome["status"], "applied", "{outcome}");
        seqs.push(outcome["record"]["seq"].as_i64().unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=WINDOWS as i64).collect::<Vec<_>>());

    // Fifty windows call the next ticket at the same instant, half through each process.
    let calls = windows.iter().enumerate().map(|(i, window)| {
        let (http, base, clerk) = (http.clone(), bases[i % 2].clone(), clerk.clone());
        let body = command("call_next", json!({ "window_id": window }));
        tokio::spawn(async move { call(&http, &base, Some(&clerk), "/commands", Some(body)).await })
    });
    let mut called = Vec::new();
    for outcome in futures::future::join_all(calls).await {
        let outcome = outcome.unwrap();
        assert_eq!(outcome["status"], "applied", "{outcome}");
        called.push(outcome["record"]["id"].as_str().unwrap().to_owned());
    }
    let distinct: std::collections::HashSet<_> = called.iter().collect();
    assert_eq!(
        distinct.len(),
        WINDOWS,
        "a ticket was called to two windows"
    );

    // Nobody is left waiting, and the public display agrees.
    let hall: Value = reqwest::get(format!("{}/public/sites/{center}/hall", bases[1]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(hall["waiting"], 0, "{hall}");
    assert!(hall["current"].as_array().unwrap().len() >= WINDOWS);
}

async fn login(http: &reqwest::Client, base: &str, user: &str) -> String {
    let body = json!({ "username": user, "password": onetrip_server::seed::DEMO_PASSWORD });
    call(http, base, None, "/auth/login", Some(body)).await["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `count` complete restaurant applications submitted at the window; their ids.
async fn applications(http: &reqwest::Client, base: &str, clerk: &str, count: u32) -> Vec<Value> {
    // The materials the drafts name, uploaded as the window scans them.
    for (kind, name) in crate::permits::MATERIALS {
        let response = http
            .post(format!("{base}/permits/materials"))
            .query(&[("kind", kind), ("name", name)])
            .bearer_auth(clerk)
            .body(crate::permits::material_pdf(kind))
            .send()
            .await
            .expect("upload");
        assert!(
            response.status().is_success(),
            "{kind}: {}",
            response.status()
        );
    }
    let mut ids = Vec::new();
    for n in 0..count {
        let draft = crate::permits::restaurant(n, ["楚门镇", "坎门街道"][n as usize % 2]);
        let outcome = call(
            http,
            base,
            Some(clerk),
            "/commands",
            Some(command("submit_permit_application", draft)),
        )
        .await;
        ids.push(outcome["record"]["id"].clone());
    }
    ids
}

/// Every permit's sequence number, sorted.
async fn permit_seqs(http: &reqwest::Client, base: &str, officer: &str) -> Vec<u32> {
    let permits = call(http, base, Some(officer), "/permits", None).await;
    let mut seqs: Vec<u32> = permits
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            onetrip_domain::permits::PermitNumber::parse(p["number"].as_str().unwrap())
                .unwrap()
                .seq()
        })
        .collect();
    seqs.sort_unstable();
    seqs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_officers_approve_overlapping_cohorts_through_two_processes() {
    const COUNT: usize = 200;
    let db = postgres().await;
    let data = tempfile::tempdir().unwrap();
    let first = start(&db.url, data.path()).await;
    let second = start(&db.url, data.path()).await;
    let http = reqwest::Client::new();
    let clerk = login(&http, &first.base, "clerk").await;
    let officer = login(&http, &first.base, "permit").await;
    let ids = applications(&http, &first.base, &clerk, COUNT as u32).await;

    // One officer takes the first 150, the other the last 150, at the same moment, each
    // through its own process: the 100 in both are approved once.
    let batches = [
        (first.base.clone(), &ids[..150]),
        (second.base.clone(), &ids[50..]),
    ]
    .map(|(base, part)| {
        let (http, officer) = (http.clone(), officer.clone());
        let body = command(
            "approve_permits",
            json!({ "batch_id": Uuid::new_v4(), "application_ids": part }),
        );
        tokio::spawn(
            async move { call(&http, &base, Some(&officer), "/commands", Some(body)).await },
        )
    });
    let mut approved = Vec::new();
    let mut left_out = 0;
    for outcome in futures::future::join_all(batches).await {
        let outcome = outcome.unwrap();
        assert_eq!(outcome["status"], "applied", "{outcome}");
        for permit in outcome["record"]["permits"].as_array().unwrap() {
            approved.push(permit["application_id"].as_str().unwrap().to_owned());
        }
        for exception in outcome["record"]["exceptions"].as_array().unwrap() {
            assert_eq!(
                exception["reasons"][0]["code"], "already_decided",
                "{exception}"
            );
            left_out += 1;
        }
    }
    let distinct: std::collections::HashSet<_> = approved.iter().collect();
    assert_eq!(approved.len(), COUNT, "each application approved once");
    assert_eq!(distinct.len(), COUNT);
    assert_eq!(
        left_out, 100,
        "the overlap is reported by the batch that came second"
    );
    assert_eq!(
        permit_seqs(&http, &second.base, &officer).await,
        (1..=COUNT as u32).collect::<Vec<_>>(),
        "numbers unique and gap-free"
    );
}

/// Kills a server while it writes a batch of 1,000 approvals, starts it again, and checks that
/// nothing of the batch is left and no number was used.
async fn killed_mid_batch(database_url: Option<&str>) {
    const COUNT: u32 = 1000;
    let data = tempfile::tempdir().unwrap();
    let start_here = || start_on(database_url, data.path());
    let mut server = start_here().await;
    let http = reqwest::Client::new();
    let clerk = login(&http, &server.base, "clerk").await;
    let officer = login(&http, &server.base, "permit").await;
    let ids = applications(&http, &server.base, &clerk, COUNT).await;
    let body = command(
        "approve_permits",
        json!({ "batch_id": Uuid::new_v4(), "application_ids": ids }),
    );
    let request = http
        .post(format!("{}/commands", server.base))
        .bearer_auth(&officer)
        .json(&body)
        .send();
    let wal = data
        .path()
        .join(format!("{}-wal", onetrip_server::serve::SQLITE_FILE));
    if database_url.is_none() {
        // An empty log to start from: the applications' writes may have left it large, and
        // SQLite reuses it from the start after a checkpoint, so the batch would not grow it.
        use sqlx::Connection;
        let file = data.path().join(onetrip_server::serve::SQLITE_FILE);
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let wal_before = std::fs::metadata(&wal).map_or(0, |m| m.len());
    let sent = tokio::spawn(request);
    // Killed once the batch's transaction is writing: PostgreSQL shows the server's
    // connection inserting permits inside an open transaction; SQLite's write-ahead log grows
    // as the transaction's pages spill.
    let deadline = Instant::now() + Duration::from_secs(30);
    let caught = loop {
        let writing = match database_url {
            Some(url) => {
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                let busy: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                     AND xact_start IS NOT NULL AND query ILIKE 'INSERT INTO permits%'",
                )
                .fetch_one(&mut conn)
                .await
                .unwrap();
                busy > 0
            }
            None => std::fs::metadata(&wal).map_or(0, |m| m.len()) > wal_before + 256 * 1024,
        };
        if writing || sent.is_finished() || Instant::now() > deadline {
            break writing && !sent.is_finished();
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let answered = sent.await.unwrap();
    drop(server);

    let server = start_here().await;
    let officer = login(&http, &server.base, "permit").await;
    let seqs = permit_seqs(&http, &server.base, &officer).await;
    let run = call(
        &http,
        &server.base,
        Some(&officer),
        "/permits/dry-run",
        None,
    )
    .await;
    let still = run["eligible"].as_array().unwrap().len();
    eprintln!(
        "killed during the batch: {} permits after the restart, {still} still to approve",
        seqs.len()
    );
    assert!(
        caught,
        "the server was not caught writing the batch: {answered:?}"
    );
    assert!(seqs.is_empty(), "a half-written batch survived: {seqs:?}");
    assert_eq!(
        still, COUNT as usize,
        "every application is still to approve"
    );
    assert_eq!(
        run["eligible"][0]["number"], "玉排许字〔2026〕第0001号",
        "no number was used"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_batch_on_postgres_leaves_nothing_half_done() {
    let db = postgres().await;
    killed_mid_batch(Some(&db.url)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_batch_on_sqlite_leaves_nothing_half_done() {
    killed_mid_batch(None).await;
}
