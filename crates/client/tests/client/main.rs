//! Client tests against real parts: the OS keychain backend of this machine, and a real
//! central API started the way standalone mode starts it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod printing;
mod ratings;
mod sync;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::desktop::{ServerMode, Settings};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_client::Desktop;
use onetrip_client::desktop::StandaloneLauncher;
use onetrip_client::secrets::{self, Sensitive};
use onetrip_domain::Lang;
use onetrip_domain::config::Window;
use onetrip_server::seed::DEMO_PASSWORD;
use onetrip_server::serve::{self, Database, RunningServer, ServeOptions};
use tokio::sync::OnceCell;
use uuid::Uuid;

/// A launcher like the shell's: starts the embedded server in `dir` on first use.
fn launcher(dir: PathBuf) -> (StandaloneLauncher, Arc<OnceCell<RunningServer>>) {
    let cell = Arc::new(OnceCell::<RunningServer>::new());
    let shared = cell.clone();
    let launcher: StandaloneLauncher = Arc::new(move || {
        let cell = shared.clone();
        let dir = dir.clone();
        Box::pin(async move {
            let server = cell
                .get_or_try_init(|| async {
                    serve::start(ServeOptions {
                        database: Database::SqliteDir(dir),
                        listen: "127.0.0.1:0".parse().expect("address"),
                        web_dir: None,
                        seed_demo: true,
                        files_dir: None,
                        blobs: None,
                    })
                    .await
                })
                .await
                .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
            Ok(server.url())
        })
    });
    (launcher, cell)
}

/// A desktop over `dir` whose sync observer ignores events.
async fn open(dir: PathBuf, launcher: StandaloneLauncher) -> Desktop {
    Desktop::new(dir, launcher, Arc::new(|_| {})).await.unwrap()
}

fn standalone_key(dir: &Path) -> String {
    format!("session:standalone:{}", dir.display())
}

#[test]
fn keychain_round_trip() {
    let key = format!("test:{}", Uuid::new_v4());
    assert_eq!(secrets::retrieve(&key, Lang::ZhCn).unwrap(), None);
    secrets::persist(&key, &Sensitive("秘密-token".into()), Lang::ZhCn).unwrap();
    assert_eq!(
        secrets::retrieve(&key, Lang::ZhCn).unwrap(),
        Some(Sensitive("秘密-token".to_string()))
    );
    secrets::persist(&key, &Sensitive("replaced".into()), Lang::ZhCn).unwrap();
    assert_eq!(
        secrets::retrieve(&key, Lang::ZhCn).unwrap(),
        Some(Sensitive("replaced".to_string()))
    );
    secrets::delete(&key, Lang::ZhCn).unwrap();
    assert_eq!(secrets::retrieve(&key, Lang::ZhCn).unwrap(), None);
    // Deleting twice is harmless.
    secrets::delete(&key, Lang::ZhCn).unwrap();
    eprintln!("keychain backend: {:?}", secrets::backend());
}

#[test]
fn sensitive_values_never_print() {
    let secret = Sensitive("abc".to_string());
    assert_eq!(format!("{secret:?} {secret}"), "<redacted> <redacted>");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_mode_starts_the_embedded_server_and_logs_in() {
    let dir = tempfile::tempdir().unwrap();
    let (launch, server) = launcher(dir.path().join("central"));
    let desktop = open(dir.path().to_path_buf(), launch.clone()).await;
    assert_eq!(
        desktop.config().settings().await.mode,
        ServerMode::Standalone
    );

    let status = desktop.outbox().status().await;
    assert!(status.online);
    assert_eq!(status.database.as_deref(), Some("sqlite"));
    assert!(server.get().unwrap().seeded);
    assert!(dir.path().join("central").join(serve::SQLITE_FILE).exists());

    let account = desktop.auth().login("admin", DEMO_PASSWORD).await.unwrap();
    assert_eq!(account.display_name, "系统管理员");
    let stored = secrets::retrieve(&standalone_key(dir.path()), Lang::ZhCn).unwrap();
    assert!(stored.is_some_and(|token| token.0.len() >= 64));

    let config = desktop.config().load().await.unwrap();
    assert_eq!(config.sites.len(), 12);
    let window = Window {
        id: Uuid::new_v4(),
        site_id: config.sites[0].id,
        number: 9,
        service_ids: vec![config.services[0].id],
    };
    let outcome = desktop
        .outbox()
        .send(Command::new(CommandBody::SaveWindow(window)))
        .await
        .unwrap();
    assert_eq!(outcome.status, CommandStatus::Applied);

    // A restarted desktop finds its session in the keychain.
    let restarted = open(dir.path().to_path_buf(), launch.clone()).await;
    assert_eq!(
        restarted.auth().current_account().await.unwrap(),
        Some(account)
    );
    assert!(
        restarted
            .config()
            .load()
            .await
            .unwrap()
            .windows
            .iter()
            .any(|w| w.number == 9)
    );

    // Logging out deletes the token; the old token no longer works on the server either.
    let token = secrets::retrieve(&standalone_key(dir.path()), Lang::ZhCn)
        .unwrap()
        .unwrap();
    restarted.auth().logout().await.unwrap();
    assert_eq!(
        secrets::retrieve(&standalone_key(dir.path()), Lang::ZhCn).unwrap(),
        None
    );
    let client =
        onetrip_client::api_client::ApiClient::new(&launch().await.unwrap(), Lang::ZhCn).unwrap();
    assert_eq!(
        client.me(&token).await.unwrap_err().code,
        ErrorCode::Unauthorized
    );
    assert_eq!(restarted.auth().current_account().await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_arrive_with_code_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let (launch, _server) = launcher(dir.path().join("central"));
    let desktop = open(dir.path().to_path_buf(), launch).await;

    let error = desktop.auth().login("clerk", "wrong").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidCredentials);
    assert_eq!(error.message, "用户名或密码错误，还可尝试4次");
    assert_eq!(
        desktop.config().load().await.unwrap_err().code,
        ErrorCode::Unauthorized
    );

    desktop.auth().login("clerk", DEMO_PASSWORD).await.unwrap();
    let config = desktop.config().load().await.unwrap();
    let window = Window {
        id: Uuid::new_v4(),
        site_id: config.sites[0].id,
        number: 20,
        service_ids: vec![],
    };
    let error = desktop
        .outbox()
        .send(Command::new(CommandBody::SaveWindow(window)))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Forbidden);
    desktop.auth().logout().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_token_in_the_keychain_is_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let (launch, _server) = launcher(dir.path().join("central"));
    secrets::persist(
        &standalone_key(dir.path()),
        &Sensitive("forged".into()),
        Lang::ZhCn,
    )
    .unwrap();
    let desktop = open(dir.path().to_path_buf(), launch).await;
    assert_eq!(desktop.auth().current_account().await.unwrap(), None);
    assert_eq!(
        secrets::retrieve(&standalone_key(dir.path()), Lang::ZhCn).unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_reported_as_offline() {
    let dir = tempfile::tempdir().unwrap();
    let (launch, _server) = launcher(dir.path().join("central"));
    let desktop = open(dir.path().to_path_buf(), launch).await;
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = Settings {
        mode: ServerMode::Remote,
        server_url: Some(format!("http://127.0.0.1:{port}/")),
        ..Default::default()
    };
    let saved = desktop.config().save_settings(settings).await.unwrap();
    assert_eq!(saved.server_url, Some(format!("http://127.0.0.1:{port}")));
    let reread = open(
        dir.path().to_path_buf(),
        launcher(dir.path().join("unused")).0,
    )
    .await;
    assert_eq!(reread.config().settings().await, saved);

    let error = desktop
        .auth()
        .login("admin", DEMO_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Offline);
    assert!(
        error.message.starts_with("无法连接到服务器"),
        "{}",
        error.message
    );
    let status = desktop.outbox().status().await;
    assert!(!status.online);
    assert_eq!(status.mode, ServerMode::Remote);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_server_signs_out_of_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let (launch, _server) = launcher(dir.path().join("central"));
    let desktop = open(dir.path().to_path_buf(), launch).await;
    desktop.auth().login("admin", DEMO_PASSWORD).await.unwrap();
    assert!(
        secrets::retrieve(&standalone_key(dir.path()), Lang::ZhCn)
            .unwrap()
            .is_some()
    );

    let bad = Settings {
        mode: ServerMode::Remote,
        server_url: Some("ftp://x".into()),
        language: Lang::En,
    };
    let error = desktop.config().save_settings(bad).await.unwrap_err();
    assert_eq!(error.reason.as_deref(), Some("invalid_server_url"));
    assert!(error.message.starts_with("The server address is invalid"));
    // A refused change keeps the session.
    assert!(desktop.auth().current_account().await.unwrap().is_some());

    let remote = Settings {
        mode: ServerMode::Remote,
        server_url: Some("http://127.0.0.1:9".into()),
        language: Lang::ZhCn,
    };
    desktop.config().save_settings(remote).await.unwrap();
    assert_eq!(
        secrets::retrieve(&standalone_key(dir.path()), Lang::ZhCn).unwrap(),
        None
    );
    assert_eq!(
        desktop.config().load().await.unwrap_err().code,
        ErrorCode::Unauthorized
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_reads_statistics_and_exports_them_into_the_export_folder() {
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("Downloads");
    std::fs::create_dir(&downloads).unwrap();
    let (launch, _server) = launcher(dir.path().join("central"));
    let desktop = open(dir.path().to_path_buf(), launch)
        .await
        .with_export_dir(Some(downloads.clone()));
    let account = desktop
        .auth()
        .login("supervisor", DEMO_PASSWORD)
        .await
        .unwrap();
    let query = onetrip_api::stats::StatsQuery::default();
    let stats = desktop.stats().figures(query.clone()).await.unwrap();
    assert_eq!(stats.site_id, account.site_id.unwrap());
    assert_eq!(stats.site_name, "玉环市行政服务中心");

    // Saved under the server's Chinese name; a second export of the same days keeps the first.
    let first = desktop
        .stats()
        .export(query.clone(), onetrip_api::stats::ExportFormat::Xlsx)
        .await
        .unwrap();
    let name = format!("统计_玉环市行政服务中心_{}_{}.xlsx", stats.from, stats.to);
    assert_eq!(first.file_name, name);
    assert_eq!(Path::new(&first.path), downloads.join(&name));
    assert!(std::fs::read(&first.path).unwrap().starts_with(b"PK"));
    let second = desktop
        .stats()
        .export(query.clone(), onetrip_api::stats::ExportFormat::Xlsx)
        .await
        .unwrap();
    assert_eq!(
        second.file_name,
        format!(
            "统计_玉环市行政服务中心_{}_{} (2).xlsx",
            stats.from, stats.to
        )
    );
    assert!(Path::new(&first.path).exists());

    // Without a Downloads folder, into exports/ in the data folder.
    std::fs::remove_dir_all(&downloads).unwrap();
    let csv = desktop
        .stats()
        .export(query, onetrip_api::stats::ExportFormat::Csv)
        .await
        .unwrap();
    assert_eq!(
        Path::new(&csv.path).parent().unwrap(),
        dir.path().join("exports")
    );
    assert!(
        std::fs::read(&csv.path)
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF")
    );

    // A refusal arrives with the server's message.
    desktop.auth().logout().await.unwrap();
    desktop.auth().login("clerk", DEMO_PASSWORD).await.unwrap();
    let refused = desktop
        .stats()
        .figures(onetrip_api::stats::StatsQuery::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    assert_eq!(refused.message, "只有主管和管理员可以查看统计");
}

#[test]
fn attachment_names_are_read_from_the_header() {
    use onetrip_client::api_client::attachment_name;
    assert_eq!(
        attachment_name(
            "attachment; filename=\"x.csv\"; filename*=UTF-8''%E7%BB%9F%E8%AE%A1_a%20b.csv"
        )
        .as_deref(),
        Some("统计_a b.csv")
    );
    assert_eq!(
        attachment_name("attachment; filename=\"stats.xlsx\"").as_deref(),
        Some("stats.xlsx")
    );
    assert_eq!(attachment_name("attachment"), None);
    // A name that tries to leave the folder is cut to its last part.
    let dir = tempfile::tempdir().unwrap();
    let saved = onetrip_client::stats::save_export(
        dir.path(),
        "../../etc/统计.csv",
        onetrip_api::stats::ExportFormat::Csv,
        b"x",
        Lang::ZhCn,
    )
    .unwrap();
    assert_eq!(Path::new(&saved.path), dir.path().join("统计.csv"));
}
