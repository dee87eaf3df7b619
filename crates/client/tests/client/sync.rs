//! Sync against real servers: the `onetrip-server` binary as a process (killed and restarted),
//! in-process servers for the property test, and PostgreSQL with two server processes.

use std::collections::HashSet;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::time::Duration;

use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::desktop::{ServerMode, Settings};
use onetrip_api::sync::{EntityKind, SyncPage};
use onetrip_client::Desktop;
use onetrip_client::api_client::ApiClient;
use onetrip_client::desktop::StandaloneLauncher;
use onetrip_client::secrets::Sensitive;
use onetrip_domain::Lang;
use onetrip_domain::config::Window;
use onetrip_server::seed::DEMO_PASSWORD;
use proptest::prelude::*;
use uuid::Uuid;

/// The server binary built next to this test (`cargo test --workspace` builds it).
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("onetrip-server");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p onetrip-server` first",
        path.display()
    );
    path
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// `onetrip-server` as a real process that can be killed and started again on the same port.
struct ServerProcess {
    addr: SocketAddr,
    args: Vec<String>,
    child: Option<Child>,
}

impl ServerProcess {
    async fn start(addr: SocketAddr, database: &[&str]) -> ServerProcess {
        let mut args = vec!["--listen".to_string(), addr.to_string()];
        args.extend(database.iter().map(|s| s.to_string()));
        let mut server = ServerProcess {
            addr,
            args,
            child: None,
        };
        server.restart().await;
        server
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn restart(&mut self) {
        let child = Process::new(server_binary())
            .args(&self.args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let client = ApiClient::new(&self.url(), Lang::ZhCn).unwrap();
        eventually("the server answers", || async {
            client.health().await.is_ok()
        })
        .await;
    }

    /// SIGKILL: no shutdown, no flushing, like a crash or a pulled plug.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

fn no_standalone() -> StandaloneLauncher {
    Arc::new(|| {
        Box::pin(async {
            Err(onetrip_api::error::ApiError::new(
                onetrip_api::error::ErrorCode::Internal,
                "remote only",
            ))
        })
    })
}

/// A desktop pointed at `url`, signed in as `username`.
async fn desktop_at(dir: &Path, url: &str, username: &str) -> Desktop {
    let desktop = super::open(dir.to_path_buf(), no_standalone()).await;
    desktop
        .config()
        .save_settings(Settings {
            mode: ServerMode::Remote,
            server_url: Some(url.into()),
            language: Lang::ZhCn,
        })
        .await
        .unwrap();
    desktop.auth().login(username, DEMO_PASSWORD).await.unwrap();
    desktop
}

async fn token(url: &str, username: &str) -> (ApiClient, Sensitive<String>) {
    let client = ApiClient::new(url, Lang::ZhCn).unwrap();
    let login = client
        .login(&onetrip_api::auth::LoginRequest {
            username: username.into(),
            password: DEMO_PASSWORD.into(),
        })
        .await
        .unwrap();
    (client, Sensitive(login.token))
}

async fn server_config(url: &str, username: &str) -> ConfigSnapshot {
    let (client, token) = token(url, username).await;
    client.config(&token).await.unwrap()
}

/// Every change after 0 for this user, straight from the server.
async fn server_changes(url: &str) -> Vec<onetrip_api::sync::Change> {
    let (client, token) = token(url, "admin").await;
    let mut cursor = 0;
    let mut all = Vec::new();
    loop {
        let SyncPage {
            changes,
            next,
            has_more,
        } = client.sync_page(&token, cursor, 5000).await.unwrap();
        all.extend(changes);
        cursor = next;
        if !has_more {
            return all;
        }
    }
}

fn window_at(config: &ConfigSnapshot, number: u16) -> Command {
    Command::new(CommandBody::SaveWindow(Window {
        id: Uuid::new_v4(),
        site_id: config.sites[0].id,
        number,
        service_ids: vec![config.services[0].id],
    }))
}

/// Waits until the desktop's cache, outbox drained, shows what the server shows.
async fn converged(desktop: &Desktop, url: &str, username: &str) {
    eventually("the cache equals the server", || async {
        desktop.sync_engine().wake();
        let pending = desktop.outbox().status().await.pending;
        pending == 0
            && desktop.config().load().await.ok() == Some(server_config(url, username).await)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_pull_and_mid_push_loses_nothing_and_applies_nothing_twice() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data_arg = data.path().display().to_string();
    let mut server = ServerProcess::start(free_addr(), &["--data-dir", &data_arg]).await;
    let url = server.url();
    // Mid-pull: pages of one change from the very first pull, and the kill lands as soon as
    // part of the log has arrived.
    let desktop = super::open(dir.path().to_path_buf(), no_standalone()).await;
    let engine = desktop.sync_engine().clone();
    engine.set_page_size(1);
    let settings = Settings {
        mode: ServerMode::Remote,
        server_url: Some(url.clone()),
        language: Lang::ZhCn,
    };
    desktop.config().save_settings(settings).await.unwrap();
    // The head is read before signing in, so that the pull has not started meanwhile.
    let head = server_changes(&url).await.last().unwrap().seq;
    desktop.auth().login("admin", DEMO_PASSWORD).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while engine.cache.cursor().await.unwrap() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "nothing arrived");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.kill();
    let partial = engine.cache.cursor().await.unwrap();
    assert!(
        partial < head,
        "the pull finished before the kill ({partial} of {head})"
    );
    server.restart().await;
    engine.set_page_size(5000);
    converged(&desktop, &url, "admin").await;
    assert!(engine.cache.cursor().await.unwrap() >= head);

    // Mid-push: forty commands, and the kill lands while they are going out.
    let config = desktop.config().load().await.unwrap();
    let commands: Vec<Command> = (0..40).map(|i| window_at(&config, 200 + i)).collect();
    let sender = {
        let commands = commands.clone();
        let desktop_engine = engine.clone();
        let context = desktop_engine.context().unwrap();
        tokio::spawn(async move {
            for command in &commands {
                desktop_engine
                    .cache
                    .enqueue(&context.owner, command, 0)
                    .await
                    .unwrap();
            }
            desktop_engine.wake();
        })
    };
    sender.await.unwrap();
    let owner = engine.context().unwrap().owner;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while engine.cache.outbox_counts(&owner).await.unwrap().0 == 40 {
        assert!(tokio::time::Instant::now() < deadline, "nothing went out");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.kill();
    let left = engine.cache.outbox_counts(&owner).await.unwrap().0;
    assert!(left > 0, "the kill came too late to test anything");
    server.restart().await;
    converged(&desktop, &url, "admin").await;

    let changes = server_changes(&url).await;
    for command in &commands {
        let (_, id) = command.body.target();
        assert_eq!(
            changes.iter().filter(|c| c.id == id).count(),
            1,
            "window {id} applied exactly once"
        );
    }
    let windows = desktop.config().load().await.unwrap().windows;
    assert_eq!(
        windows
            .iter()
            .filter(|w| (200..240).contains(&w.number))
            .count(),
        40
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_command_delivered_three_times_is_applied_once() {
    let data = tempfile::tempdir().unwrap();
    let data_arg = data.path().display().to_string();
    let server = ServerProcess::start(free_addr(), &["--data-dir", &data_arg]).await;
    let (client, token) = token(&server.url(), "admin").await;
    let config = client.config(&token).await.unwrap();
    let command = window_at(&config, 77);
    let answers =
        futures::future::join_all((0..3).map(|_| client.send_command(&token, &command))).await;
    for answer in answers {
        assert_eq!(answer.unwrap().status, CommandStatus::Applied);
    }
    let (_, id) = command.body.target();
    assert_eq!(
        server_changes(&server.url())
            .await
            .iter()
            .filter(|c| c.id == id)
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn offline_work_queues_comes_back_and_reports_what_was_refused() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data_arg = data.path().display().to_string();
    let mut server = ServerProcess::start(free_addr(), &["--data-dir", &data_arg]).await;
    let url = server.url();
    let desktop = desktop_at(dir.path(), &url, "admin").await;
    let config = desktop.config().load().await.unwrap();

    server.kill();
    let ok_a = window_at(&config, 31);
    let clash = window_at(&config, 3); // window 3 exists: refused on arrival
    let ok_b = window_at(&config, 32);
    for command in [&ok_a, &clash, &ok_b] {
        let outcome = desktop.outbox().send(command.clone()).await.unwrap();
        assert_eq!(outcome.status, CommandStatus::Queued);
    }
    // Reading works offline, with the queued work shown.
    let offline = desktop.config().load().await.unwrap();
    let numbers: Vec<u16> = offline
        .windows
        .iter()
        .filter(|w| w.site_id == config.sites[0].id)
        .map(|w| w.number)
        .collect();
    assert!(numbers.contains(&31) && numbers.contains(&32));
    let status = desktop.outbox().status().await;
    assert!(!status.online);
    assert_eq!(status.pending, 3);
    // Online-only commands say at once that they cannot go now.
    let delete = Command::new(CommandBody::DeleteWindow {
        id: config.windows[0].id,
    });
    let error = desktop.outbox().send(delete).await.unwrap_err();
    assert_eq!(error.code, onetrip_api::error::ErrorCode::Offline);
    assert!(
        error.message.contains("无法连接到服务器"),
        "{}",
        error.message
    );

    server.restart().await;
    converged(&desktop, &url, "admin").await;
    let failed = desktop.outbox().failed().await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].command.id, clash.id);
    assert_eq!(
        failed[0].error.reason.as_deref(),
        Some("duplicate_window_number")
    );
    assert_eq!(failed[0].error.message, "本中心已有3号窗口");
    let windows = desktop.config().load().await.unwrap().windows;
    let (_, clash_id) = clash.body.target();
    assert!(
        windows.iter().all(|w| w.id != clash_id),
        "the refused window's local effect is undone"
    );
    assert_eq!(desktop.outbox().status().await.failed, 1);

    // The user discards it; nothing waits any more.
    desktop.outbox().discard(clash.id).await.unwrap();
    assert!(desktop.outbox().failed().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restarted_client_resumes_sending_its_outbox() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data_arg = data.path().display().to_string();
    let mut server = ServerProcess::start(free_addr(), &["--data-dir", &data_arg]).await;
    let url = server.url();
    let queued = {
        let desktop = desktop_at(dir.path(), &url, "admin").await;
        let config = desktop.config().load().await.unwrap();
        server.kill();
        let commands = [window_at(&config, 61), window_at(&config, 62)];
        for command in &commands {
            assert_eq!(
                desktop.outbox().send(command.clone()).await.unwrap().status,
                CommandStatus::Queued
            );
        }
        commands
    };
    // The app was closed; the server comes back; the app starts again and restores its session.
    server.restart().await;
    let desktop = super::open(dir.path().to_path_buf(), no_standalone()).await;
    assert!(desktop.auth().current_account().await.unwrap().is_some());
    converged(&desktop, &url, "admin").await;
    let windows = server_config(&url, "admin").await.windows;
    for command in &queued {
        let (_, id) = command.body.target();
        assert!(windows.iter().any(|w| w.id == id));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_user_never_receives_changes_outside_their_scope() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data_arg = data.path().display().to_string();
    let server = ServerProcess::start(free_addr(), &["--data-dir", &data_arg]).await;
    let url = server.url();
    let clerk = desktop_at(dir.path(), &url, "clerk").await;
    let mine = clerk.config().load().await.unwrap();
    assert_eq!(mine.sites.len(), 1);

    let (admin, token) = token(&url, "admin").await;
    let all = admin.config(&token).await.unwrap();
    let branch = all.sites[5].id;
    let elsewhere = Command::new(CommandBody::SaveWindow(Window {
        id: Uuid::new_v4(),
        site_id: branch,
        number: 9,
        service_ids: vec![all.services[0].id],
    }));
    admin.send_command(&token, &elsewhere).await.unwrap();
    let here = window_at(&all, 99);
    admin.send_command(&token, &here).await.unwrap();

    converged(&clerk, &url, "clerk").await;
    let engine = clerk.sync_engine();
    assert_eq!(engine.cache.count(EntityKind::Site).await.unwrap(), 1);
    let windows = clerk.config().load().await.unwrap().windows;
    assert!(windows.iter().all(|w| w.site_id == mine.sites[0].id));
    assert!(windows.iter().any(|w| w.number == 99));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_through_one_postgres_server_reaches_a_client_of_another() {
    let admin_url = std::env::var("ONETRIP_TEST_DATABASE_URL")
        .expect("ONETRIP_TEST_DATABASE_URL must name a PostgreSQL server (npm test sets it)");
    let name = format!("onetrip_test_{}", Uuid::new_v4().simple());
    {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&admin_url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let database = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let first = ServerProcess::start(free_addr(), &["--database-url", &database]).await;
    let second = ServerProcess::start(free_addr(), &["--database-url", &database]).await;

    let dir = tempfile::tempdir().unwrap();
    let desktop = desktop_at(dir.path(), &second.url(), "admin").await;
    let before = desktop.config().load().await.unwrap();
    // Let the live stream connect, then change something through the other server.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (client, token) = token(&first.url(), "admin").await;
    let command = window_at(&before, 88);
    client.send_command(&token, &command).await.unwrap();
    let started = tokio::time::Instant::now();
    let (_, id) = command.body.target();
    // Without waking the engine: only the live event can bring it this fast (the periodic
    // pull waits 30 s).
    let deadline = started + Duration::from_secs(10);
    loop {
        let windows = desktop.config().load().await.unwrap().windows;
        if windows.iter().any(|w| w.id == id) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the change did not arrive through the other server"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "arrived through the other server after {:?}",
        started.elapsed()
    );
}

/// One step of the property test.
#[derive(Debug, Clone)]
enum Step {
    /// Client `n` saves a window with this number (possibly clashing: then refused).
    Save(usize, u16),
    /// Client `n` edits the number of one of the windows it can see.
    Renumber(usize, usize, u16),
    /// The server stops and starts again.
    Restart,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..3usize, 10..20u16).prop_map(|(c, n)| Step::Save(c, n)),
        2 => (0..3usize, 0..40usize, 10..20u16).prop_map(|(c, w, n)| Step::Renumber(c, w, n)),
        1 => Just(Step::Restart),
    ]
}

async fn in_process_server(dir: &Path, addr: SocketAddr) -> onetrip_server::serve::RunningServer {
    onetrip_server::serve::start(onetrip_server::serve::ServeOptions {
        database: onetrip_server::serve::Database::SqliteDir(dir.to_path_buf()),
        listen: addr,
        web_dir: None,
        seed_demo: true,
        files_dir: None,
        blobs: None,
    })
    .await
    .unwrap()
}

async fn interleave(steps: Vec<Step>) {
    let data = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut server = Some(in_process_server(data.path(), addr).await);
    let url = format!("http://{addr}");
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut clients = Vec::new();
    for dir in &dirs {
        clients.push(desktop_at(dir.path(), &url, "admin").await);
    }
    for step in steps {
        match step {
            Step::Save(c, number) => {
                let config = clients[c].config().load().await.unwrap();
                let _ = clients[c].outbox().send(window_at(&config, number)).await;
            }
            Step::Renumber(c, w, number) => {
                let config = clients[c].config().load().await.unwrap();
                let mut window = config.windows[w % config.windows.len()].clone();
                window.number = number;
                let _ = clients[c]
                    .outbox()
                    .send(Command::new(CommandBody::SaveWindow(window)))
                    .await;
            }
            Step::Restart => {
                server.take().unwrap().stop().await.unwrap();
                server = Some(in_process_server(data.path(), addr).await);
            }
        }
    }
    for client in &clients {
        converged(client, &url, "admin").await;
    }
    let truth = server_config(&url, "admin").await;
    let numbers: HashSet<_> = truth
        .windows
        .iter()
        .map(|w| (w.site_id, w.number))
        .collect();
    assert_eq!(
        numbers.len(),
        truth.windows.len(),
        "no two windows share a number at a site"
    );
    for client in &clients {
        assert_eq!(client.config().load().await.unwrap(), truth);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_interleavings_of_three_clients_converge(steps in proptest::collection::vec(step(), 4..14)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
        runtime.block_on(interleave(steps));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn switching_user_clears_the_previous_users_cache() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data_arg = data.path().display().to_string();
    let server = ServerProcess::start(free_addr(), &["--data-dir", &data_arg]).await;
    let desktop = desktop_at(dir.path(), &server.url(), "admin").await;
    desktop.config().load().await.unwrap();
    let engine = desktop.sync_engine().clone();
    assert_eq!(engine.cache.count(EntityKind::Site).await.unwrap(), 12);
    desktop.auth().logout().await.unwrap();

    desktop.auth().login("clerk", DEMO_PASSWORD).await.unwrap();
    // Nothing of the administrator's wider view is left (the clerk's own pull may already
    // have brought the clerk's one site).
    assert!(engine.cache.count(EntityKind::Site).await.unwrap() <= 1);
    let config = desktop.config().load().await.unwrap();
    assert_eq!(config.sites.len(), 1);
    assert_eq!(engine.cache.count(EntityKind::Site).await.unwrap(), 1);
}

/// Door delivery on a laptop that loses the connection: the run is pulled while online, two
/// stops are recorded offline (the second stop first) and wait in the outbox; once the server
/// is back they sync, each onto its own permit with the moment it happened at the door, and
/// the 送达回证 prints with its receiver and permit number.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deliveries_recorded_offline_sync_onto_their_own_permits() {
    use onetrip_api::delivery::{AttemptDraft, AttemptOutcome, RunDraft, StopDraft};
    use onetrip_api::permits::{BatchApproval, BatchOutcome};
    use onetrip_domain::permits::Relation;

    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data_arg = data.path().display().to_string();
    let mut server = ServerProcess::start(free_addr(), &["--data-dir", &data_arg]).await;
    let url = server.url();

    // Two permits, approved and planned into a run by the officer through the API.
    let (api, officer) = token(&url, "permit").await;
    let mut ids = Vec::new();
    for n in 1..=2 {
        let draft = crate::printing::window_application(n);
        ids.push(draft.id);
        let body = CommandBody::SubmitPermitApplication(draft);
        assert!(
            api.send_command(&officer, &Command::new(body))
                .await
                .unwrap()
                .error
                .is_none()
        );
    }
    let batch = CommandBody::ApprovePermits(BatchApproval {
        batch_id: Uuid::new_v4(),
        application_ids: ids,
    });
    let approved = api
        .send_command(&officer, &Command::new(batch))
        .await
        .unwrap();
    let approved: BatchOutcome = serde_json::from_value(approved.record.unwrap()).unwrap();
    let run_id = Uuid::new_v4();
    let run = CommandBody::SaveDeliveryRun(RunDraft {
        id: run_id,
        name: "楚门镇（人民路）".into(),
        day: "2026-12-03".into(),
        courier: "周海波".into(),
        stops: approved
            .permits
            .iter()
            .map(|p| StopDraft {
                permit_id: p.id,
                window: Some("18:00-02:00".into()),
            })
            .collect(),
    });
    let planned = api
        .send_command(&officer, &Command::new(run))
        .await
        .unwrap();
    assert!(planned.error.is_none(), "{planned:?}");

    // The courier's laptop pulls the run, then goes out of reach.
    let desktop = desktop_at(dir.path(), &url, "delivery").await;
    eventually("the run reaches the laptop", || async {
        desktop.sync_engine().wake();
        desktop
            .delivery()
            .runs()
            .await
            .is_ok_and(|runs| runs.len() == 1)
    })
    .await;
    server.kill();
    let signature = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let at_door = |permit: usize, receiver: &str, at_ms: i64| AttemptDraft {
        id: Uuid::new_v4(),
        run_id,
        permit_id: approved.permits[permit].id,
        outcome: AttemptOutcome::Delivered,
        at_ms,
        receiver: receiver.into(),
        relation: Some(Relation::Holder),
        signature_png: Some(signature.into()),
        photo_jpeg: None,
        witness: String::new(),
        reason: String::new(),
    };
    let second = at_door(1, "林二号", now - 2_000);
    let first = at_door(0, "林一号", now - 1_000);
    for draft in [second.clone(), first.clone()] {
        let outcome = desktop.delivery().record(draft).await.unwrap();
        assert_eq!(outcome.status, CommandStatus::Queued);
    }
    assert_eq!(desktop.outbox().status().await.pending, 2);

    server.restart().await;
    eventually("both deliveries reach the server and come back", || async {
        desktop.sync_engine().wake();
        desktop
            .delivery()
            .attempts()
            .await
            .is_ok_and(|a| a.len() == 2)
    })
    .await;
    let attempts = desktop.delivery().attempts().await.unwrap();
    for (draft, permit) in [(&first, 0), (&second, 1)] {
        let recorded = attempts.iter().find(|a| a.draft.id == draft.id).unwrap();
        assert_eq!(recorded.permit_number, approved.permits[permit].number);
        assert_eq!(recorded.draft.receiver, draft.receiver);
        assert_eq!(recorded.draft.at_ms, draft.at_ms, "the moment at the door");
    }
    assert!(desktop.outbox().failed().await.unwrap().is_empty());

    // The 送达回证 of the first stop, rendered and read back.
    let receipt = desktop.delivery().receipt(first.id).await.unwrap();
    let pdf = desktop
        .printing()
        .preview_document("delivery-receipt", vec![receipt], false)
        .await
        .unwrap();
    let file = dir.path().join("receipt.pdf");
    std::fs::write(&file, pdf).unwrap();
    let text = Process::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("林一号（本人）"), "{text}");
    assert!(text.contains(&approved.permits[0].number), "{text}");
    assert!(text.contains("签名已存档"), "{text}");
}
