//! A released opinion changed by reviewer A, seen by reviewer B: the time from A sending
//! `close_opinion` / `reopen_opinion` until B's pull holds the opinion in its new state, the
//! way the desktop learns of changes (B keeps `GET /api/events` open and, on each event past
//! its cursor, pulls `GET /api/sync?since=<cursor>`). Beside it, in the same rounds, the round
//! trip of A's command alone: the floor. The server is a separate `onetrip-server` process
//! (the one built beside this example) on a fresh SQLite data folder; with a PostgreSQL URL,
//! the same again on a fresh database made for the run (and dropped after it), first with A
//! and B on one instance, then with B on a second instance (changes cross by LISTEN/NOTIFY).
//!
//! Usage: `bench_visibility [ROUNDS] [POSTGRES_URL]` (default 300 rounds). Build the server
//! first: `cargo build --release -p onetrip-server && cargo run --release -p onetrip-server --example bench_visibility`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use onetrip_drawings::{SetOptions, generate};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

#[path = "../support/postgres.rs"]
mod postgres;
use postgres::{create_database, drop_database};

const PASSWORD: &str = "Yuhuan@2026";
const GOAL_MS: f64 = 100.0;
/// Rounds run before the measured ones (connections opened, caches warm), not counted.
const WARM_UP: usize = 10;

/// One `onetrip-server` process; killed when dropped.
struct Server {
    child: Child,
    base: String,
    data: tempfile::TempDir,
}

impl Server {
    fn start(database_url: Option<&str>) -> Server {
        let exe = std::env::current_exe().unwrap();
        let program = exe
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("onetrip-server");
        let data = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(&program);
        command
            .args(["--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(data.path());
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        let log = std::fs::File::create(data.path().join("server.log")).unwrap();
        let child = command
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start onetrip-server (build it first)");
        Server {
            child,
            base: format!("http://127.0.0.1:{port}/api"),
            data,
        }
    }

    async fn wait_ready(&self, http: &reqwest::Client) {
        for _ in 0..300 {
            if http
                .get(format!("{}/health", self.base))
                .send()
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(self.data.path().join("server.log")).unwrap_or_default();
        panic!("onetrip-server did not start:\n{log}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// JSON over HTTP to one instance; every answer must be a success.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn send(&self, request: reqwest::RequestBuilder) -> Value {
        let answer = request.send().await.unwrap();
        let status = answer.status();
        let text = answer.text().await.unwrap();
        assert!(status.is_success(), "{status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        self.send(
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    async fn login(&self, username: &str, password: &str) -> String {
        let body = json!({ "username": username, "password": password });
        self.post("/auth/login", None, body).await["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn portal(&self, token: &str, kind: &str, payload: Value) -> Value {
        let body = json!({ "id": Uuid::new_v4(), "kind": kind, "payload": payload });
        self.post("/portal/commands", Some(token), body).await
    }

    async fn staff(&self, token: &str, kind: &str, payload: Value) -> Value {
        let body = json!({ "id": Uuid::new_v4(), "kind": kind, "payload": payload });
        self.post("/commands", Some(token), body).await
    }
}

/// What the measured rounds need: A's and B's sessions and the released opinion.
struct Scene {
    reviewer_a: String,
    reviewer_b: String,
    opinion: String,
    /// Whether the opinion stands closed now.
    closed: bool,
}

/// A project of two specialties submitted by an applicant, assigned, one opinion by A saved on
/// an architecture sheet and released by the lead; all through the API, as the portal and the
/// desktop do it.
async fn set_up(api: &Api) -> Scene {
    let admin = api.login("admin", PASSWORD).await;
    api.post(
        "/applicants",
        Some(&admin),
        json!({
            "username": "bench", "password": "Jianshe@2026", "display_name": "王经办",
            "organisation_name": "玉环市城市建设投资有限公司", "credit_code": "91330000MA2ABCDE1L",
            "phone": "13805761234",
        }),
    )
    .await;
    let applicant = api.login("bench", "Jianshe@2026").await;
    let (project, round) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
    api.portal(
        &applicant,
        "register_project",
        json!({
            "id": project, "code": "2026-331021-47-01-000778", "name": "玉环市人民医院门诊楼",
            "builder": "玉环市卫生健康局", "designer": "浙江省建筑设计研究院", "town": "玉城街道",
            "kind": "public", "floor_area_m2": "18600",
            "specialties": ["architecture", "structure"], "first_round_id": round,
        }),
    )
    .await;
    let set = generate(&SetOptions {
        sheets_per_specialty: [2, 1, 0, 0, 0],
        segments_per_sheet: 300,
        ..SetOptions::default()
    })
    .unwrap();
    for file in &set.files {
        let upload = api
            .post(
                "/portal/uploads",
                Some(&applicant),
                json!({ "round_id": round, "file_name": file.name, "size": file.bytes.len() }),
            )
            .await;
        let path = format!("/portal/uploads/{}", upload["id"].as_str().unwrap());
        let request = api
            .http
            .patch(format!("{}{path}", api.base))
            .bearer_auth(&applicant)
            .header("upload-offset", "0")
            .header("content-type", "application/octet-stream")
            .body(file.bytes.clone());
        let done = api.send(request).await;
        assert_eq!(done["state"], "done", "{done}");
    }
    let view = api
        .get(&format!("/portal/projects/{project}"), &applicant)
        .await;
    let sheets: Vec<Value> = view["rounds"][0]["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!({ "sheet_id": s["id"], "number": s["number"], "title": s["title"] }))
        .collect();
    api.portal(
        &applicant,
        "confirm_sheets",
        json!({ "round_id": round, "sheets": sheets }),
    )
    .await;
    api.portal(&applicant, "submit_round", json!({ "round_id": round }))
        .await;

    let lead = api.login("supervisor", PASSWORD).await;
    let reviewer_a = api.login("reviewer", PASSWORD).await;
    let reviewer_b = api.login("structure", PASSWORD).await;
    let view = api.get(&format!("/review/projects/{project}"), &lead).await;
    for (specialty, token) in [("architecture", &reviewer_a), ("structure", &reviewer_b)] {
        let task = view["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["round_id"] == round.as_str() && t["specialty"] == specialty)
            .unwrap_or_else(|| panic!("no {specialty} task: {view}"))["id"]
            .clone();
        let reviewer = api.get("/auth/me", token).await["id"].clone();
        api.staff(
            &lead,
            "assign_task",
            json!({ "task_id": task, "reviewer_id": reviewer }),
        )
        .await;
    }
    let opinion = Uuid::new_v4().to_string();
    api.staff(
        &reviewer_a,
        "save_opinion",
        json!({
            "id": opinion, "round_id": round, "specialty": "architecture",
            "sheet_number": "建施-01",
            "markups": [{ "shape": "cloud", "rect": [1200, 900, 3400, 2100] }],
            "text": "疏散楼梯间的门应向疏散方向开启", "kind": "general", "severity": "must_change",
            "clause": null,
        }),
    )
    .await;
    let released = api
        .staff(&lead, "release_opinions", json!({ "round_id": round }))
        .await;
    assert_eq!(released["record"]["state"], "with_applicant", "{released}");
    Scene {
        reviewer_a,
        reviewer_b,
        opinion,
        closed: false,
    }
}

/// Pulls every page after `cursor`; sends each state of `opinion` it meets, with the moment its
/// page arrived, and returns the new cursor.
async fn pull(
    api: &Api,
    token: &str,
    mut cursor: i64,
    opinion: &str,
    seen: &mpsc::UnboundedSender<(String, Instant)>,
) -> i64 {
    loop {
        let page = api.get(&format!("/sync?since={cursor}"), token).await;
        let arrived = Instant::now();
        for change in page["changes"].as_array().unwrap() {
            if change["entity"] == "review_opinion" && change["id"] == opinion {
                let state = change["data"]["state"].as_str().unwrap_or("").to_owned();
                let _ = seen.send((state, arrived));
            }
        }
        cursor = page["next"].as_i64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            return cursor;
        }
    }
}

/// Reviewer B's desktop: catches up, holds the event stream open and pulls on every event past
/// its cursor, as `crates/client`'s sync engine does. Says when it is listening.
async fn watch(
    api: Api,
    token: String,
    opinion: String,
    seen: mpsc::UnboundedSender<(String, Instant)>,
    listening: oneshot::Sender<()>,
) {
    let mut cursor = pull(&api, &token, 0, &opinion, &seen).await;
    let mut events = api
        .http
        .get(format!("{}/events", api.base))
        .bearer_auth(&token)
        .header("accept", "text/event-stream")
        .header("last-event-id", cursor.to_string())
        .send()
        .await
        .unwrap();
    assert!(events.status().is_success(), "{}", events.status());
    let _ = listening.send(());
    let mut buffer = String::new();
    while let Some(bytes) = events.chunk().await.unwrap() {
        buffer.push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n"));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let seq = event
                .lines()
                .find_map(|line| line.strip_prefix("id:"))
                .and_then(|id| id.trim().parse::<i64>().ok());
            if seq.is_some_and(|seq| seq > cursor) {
                cursor = pull(&api, &token, cursor, &opinion, &seen).await;
            }
        }
    }
}

/// Milliseconds of each measured round: B seeing the change, A's command alone.
struct Figures {
    visible_ms: Vec<f64>,
    command_ms: Vec<f64>,
}

/// A closes and reopens the opinion `rounds` times on `a`; B watches on `b`.
async fn measure(a: &Api, b: &Api, scene: &mut Scene, rounds: usize) -> Figures {
    let (seen_tx, mut seen) = mpsc::unbounded_channel();
    let (listening_tx, listening) = oneshot::channel();
    let watcher = tokio::spawn(watch(
        b.clone(),
        scene.reviewer_b.clone(),
        scene.opinion.clone(),
        seen_tx,
        listening_tx,
    ));
    listening.await.unwrap();
    // What B's catch-up pull saw: the opinion as released.
    while seen.try_recv().is_ok() {}
    let mut figures = Figures {
        visible_ms: Vec::with_capacity(rounds),
        command_ms: Vec::with_capacity(rounds),
    };
    for i in 0..WARM_UP + rounds {
        let (kind, state) = if scene.closed {
            ("reopen_opinion", "open")
        } else {
            ("close_opinion", "closed")
        };
        let request = a
            .http
            .post(format!("{}/commands", a.base))
            .bearer_auth(&scene.reviewer_a)
            .json(&json!({ "id": Uuid::new_v4(), "kind": kind, "payload": { "opinion_id": scene.opinion } }));
        let sent = Instant::now();
        let answer = request.send().await.unwrap();
        let status = answer.status();
        let body = answer.bytes().await.unwrap();
        let answered = sent.elapsed();
        assert!(
            status.is_success(),
            "{kind}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        scene.closed = !scene.closed;
        let seen_at = loop {
            let next = tokio::time::timeout(Duration::from_secs(10), seen.recv())
                .await
                .unwrap_or_else(|_| panic!("B did not see {kind} within 10 s"))
                .unwrap();
            if next.0 == state {
                break next.1;
            }
        };
        if i >= WARM_UP {
            figures
                .visible_ms
                .push(seen_at.duration_since(sent).as_secs_f64() * 1e3);
            figures.command_ms.push(answered.as_secs_f64() * 1e3);
        }
    }
    watcher.abort();
    figures
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(title: &str, figures: &Figures) {
    let mut visible = figures.visible_ms.clone();
    let mut command = figures.command_ms.clone();
    visible.sort_by(f64::total_cmp);
    command.sort_by(f64::total_cmp);
    let row = |name: &str, v: &[f64]| {
        println!(
            "  {name:<34} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            percentile(v, 50.0),
            percentile(v, 95.0),
            percentile(v, 99.0),
            v[v.len() - 1]
        );
    };
    println!(
        "{title}: {} rounds (after {WARM_UP} warm-up)",
        visible.len()
    );
    println!(
        "  {:<34} {:>8} {:>8} {:>8} {:>8}",
        "ms", "p50", "p95", "p99", "max"
    );
    row("A's change visible to B", &visible);
    row("A's command round trip (floor)", &command);
    let p99 = percentile(&visible, 99.0);
    println!(
        "  p99 / goal ({GOAL_MS:.0} ms): {:.3}  ({})",
        p99 / GOAL_MS,
        if p99 <= GOAL_MS { "met" } else { "not met" }
    );
    println!(
        "  p50 visible / p50 command: {:.2}x",
        percentile(&visible, 50.0) / percentile(&command, 50.0)
    );
}

/// A fresh database beside the one `url` names; its URL.
fn api(http: &reqwest::Client, server: &Server) -> Api {
    Api {
        http: http.clone(),
        base: server.base.clone(),
    }
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let postgres = std::env::args().nth(2);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        // One client per desktop, as each reviewer has their own.
        let (http_a, http_b) = (reqwest::Client::new(), reqwest::Client::new());

        let server = Server::start(None);
        server.wait_ready(&http_a).await;
        let (a, b) = (api(&http_a, &server), api(&http_b, &server));
        let mut scene = set_up(&a).await;
        report(
            "SQLite, one instance",
            &measure(&a, &b, &mut scene, rounds).await,
        );
        drop(server);

        let Some(url) = postgres else {
            return;
        };
        let name = format!("onetrip_bench_{}", std::process::id());
        let database = create_database(&url, &name).await;
        {
            let first = Server::start(Some(&database));
            first.wait_ready(&http_a).await;
            // Started once the first has seeded the database, so that it does not seed too.
            let second = Server::start(Some(&database));
            second.wait_ready(&http_b).await;
            let a = api(&http_a, &first);
            let mut scene = set_up(&a).await;
            let same = api(&http_b, &first);
            report(
                "PostgreSQL, A and B on one instance",
                &measure(&a, &same, &mut scene, rounds).await,
            );
            let other = api(&http_b, &second);
            report(
                "PostgreSQL, B on a second instance",
                &measure(&a, &other, &mut scene, rounds).await,
            );
        }
        drop_database(&url, &name).await;
    });
}
