//! Two real `onetrip-server` processes on one PostgreSQL database, as a county runs them behind
//! a load balancer: fifty windows issuing and calling at once through both never share a
//! number or a ticket, and lose none.

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
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_onetrip-server"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database_url])
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start onetrip-server");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}/api"),
    };
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
