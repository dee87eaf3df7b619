//! The command wiring of the shell, through Tauri's mock runtime: each command reaches the
//! client and answers with its value or its `{code, message}` error, against a real embedded
//! central API started the way standalone mode starts it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use onetrip_client::Desktop;
use serde_json::{Value, json};
use tauri::Manager;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;

struct Shell {
    webview: tauri::WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
    _dir: tempfile::TempDir,
}

impl Shell {
    fn new() -> Shell {
        let dir = tempfile::tempdir().unwrap();
        let app = onetrip_desktop::with_commands(mock_builder())
            .build(mock_context(noop_assets()))
            .unwrap();
        let launcher = onetrip_desktop::standalone::launcher(dir.path().join("central"));
        let observer = onetrip_desktop::observer(app.handle().clone());
        let desktop = tauri::async_runtime::block_on(Desktop::new(
            dir.path().to_path_buf(),
            launcher,
            observer,
        ));
        app.manage(desktop.unwrap());
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Shell {
            webview,
            _app: app,
            _dir: dir,
        }
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }
}

#[test]
fn commands_reach_the_client_and_errors_keep_their_shape() {
    let shell = Shell::new();

    let settings = shell.invoke("settings_get", json!({})).unwrap();
    assert_eq!(settings["mode"], "standalone");
    assert_eq!(settings["language"], "zh-CN");

    let status = shell.invoke("connection_status", json!({})).unwrap();
    assert_eq!(status["online"], true);
    assert_eq!(status["database"], "sqlite");
    assert!(
        status["server_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );

    assert_eq!(
        shell.invoke("auth_current", json!({})).unwrap(),
        Value::Null
    );
    let refused = shell.invoke("config_load", json!({})).unwrap_err();
    assert_eq!(refused["code"], "unauthorized");

    let wrong = shell
        .invoke(
            "auth_login",
            json!({"username": "admin", "password": "nope"}),
        )
        .unwrap_err();
    assert_eq!(wrong["code"], "invalid_credentials");
    assert_eq!(wrong["message"], "用户名或密码错误，还可尝试4次");

    let account = shell
        .invoke(
            "auth_login",
            json!({"username": "admin", "password": onetrip_server::seed::DEMO_PASSWORD}),
        )
        .unwrap();
    assert_eq!(account["role"], "admin");
    assert_eq!(shell.invoke("auth_current", json!({})).unwrap(), account);

    let config = shell.invoke("config_load", json!({})).unwrap();
    assert_eq!(config["sites"].as_array().unwrap().len(), 12);
    let site = config["sites"][0]["id"].clone();
    let service = config["services"][0]["id"].clone();

    // Statistics are asked of the server; an export lands in exports/ of the data folder
    // (no Downloads folder was handed in) and the UI is told its full path.
    let query = json!({"site": site, "from": null, "to": null});
    let stats = shell
        .invoke("stats_load", json!({ "query": query }))
        .unwrap();
    assert_eq!(stats["site_name"], "玉环市行政服务中心");
    assert_eq!(stats["overall"]["issued"], 0);
    let saved = shell
        .invoke("stats_export", json!({"query": query, "format": "csv"}))
        .unwrap();
    let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
    assert!(path.is_file(), "{saved}");
    assert_eq!(path.parent().unwrap().file_name().unwrap(), "exports");
    assert!(
        saved["file_name"]
            .as_str()
            .unwrap()
            .starts_with("统计_玉环市行政服务中心_")
    );
    // The review statistics likewise: every round when no day is given.
    let review = shell
        .invoke(
            "review_stats_load",
            json!({"query": {"from": null, "to": null}}),
        )
        .unwrap();
    assert_eq!(review["projects"]["total"], 0);
    let saved = shell
        .invoke(
            "review_stats_export",
            json!({"query": {"from": "2026-12-01", "to": "2026-12-31"}, "format": "xlsx"}),
        )
        .unwrap();
    assert_eq!(saved["file_name"], "审图统计_2026-12-01_2026-12-31.xlsx");
    assert!(std::path::Path::new(saved["path"].as_str().unwrap()).is_file());
    let refused = shell
        .invoke(
            "stats_load",
            json!({"query": {"site": null, "from": "2026-11-27", "to": "2026-11-01"}}),
        )
        .unwrap_err();
    assert_eq!(refused["reason"], "stats_site_required");

    let command = |number: u16| {
        json!({"command": {"id": uuid::Uuid::new_v4(), "kind": "save_window",
            "payload": {"id": uuid::Uuid::new_v4(), "site_id": site, "number": number, "service_ids": [service]}}})
    };
    let applied = shell.invoke("command_send", command(30)).unwrap();
    assert_eq!(applied["status"], "applied");
    let duplicate = shell.invoke("command_send", command(30)).unwrap_err();
    assert_eq!(duplicate["code"], "invalid");
    assert_eq!(duplicate["reason"], "duplicate_window_number");

    let bad_url = shell
        .invoke(
            "settings_save",
            json!({"settings": {"mode": "remote", "server_url": "not a url", "language": "en"}}),
        )
        .unwrap_err();
    assert_eq!(bad_url["code"], "invalid");
    let english = shell
        .invoke(
            "settings_save",
            json!({"settings": {"mode": "standalone", "server_url": null, "language": "en"}}),
        )
        .unwrap();
    assert_eq!(english["language"], "en");
    // Changing only the language keeps the session.
    assert_eq!(shell.invoke("auth_current", json!({})).unwrap(), account);

    // Nothing waits in the outbox; an unknown id cannot be retried.
    assert_eq!(shell.invoke("outbox_failed", json!({})).unwrap(), json!([]));
    let missing = shell
        .invoke("outbox_retry", json!({"id": uuid::Uuid::new_v4()}))
        .unwrap_err();
    assert_eq!(missing["code"], "not_found");
    assert_eq!(
        shell
            .invoke("outbox_discard", json!({"id": uuid::Uuid::new_v4()}))
            .unwrap(),
        Value::Null
    );

    assert_eq!(shell.invoke("auth_logout", json!({})).unwrap(), Value::Null);
    assert_eq!(
        shell.invoke("auth_current", json!({})).unwrap(),
        Value::Null
    );
}

#[test]
fn an_unknown_command_is_refused() {
    let shell = Shell::new();
    assert!(shell.invoke("drop_database", json!({})).is_err());
}

#[test]
fn no_display_is_explained() {
    // The check reads the environment; only assert on its wording when it fails here.
    if let Err(message) = onetrip_desktop::display::check() {
        assert!(message.contains("xvfb-run -a npm start"));
        assert!(message.contains("DISPLAY"));
    }
}
