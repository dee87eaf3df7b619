//! HTTP tests through the real router and a real SQLite file.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use onetrip_api::command::{Command, CommandBody};
use onetrip_api::config::ConfigSnapshot;
use onetrip_domain::auth::{LOCKOUT_MS, SESSION_LIFETIME_MS};
use onetrip_domain::config::Window;
use onetrip_server::clock::ManualClock;
use onetrip_server::seed::{DEMO_PASSWORD, seed_demo};
use onetrip_server::state::AppState;
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

use crate::support::{TestDb, sqlite};

const START: i64 = 1_790_000_000_000;

struct Harness {
    state: AppState,
    clock: Arc<ManualClock>,
    _db: TestDb,
}

impl Harness {
    async fn new() -> Harness {
        let db = sqlite().await;
        seed_demo(db.storage.as_ref(), START).await.unwrap();
        let clock = Arc::new(ManualClock::new(START));
        let state = onetrip_server::app::state(db.storage.0.clone(), clock.clone()).unwrap();
        Harness {
            state,
            clock,
            _db: db,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = onetrip_server::app::router(self.state.clone(), None)
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        (status, body)
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut request = Request::get(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(body.into()).unwrap()).await
    }

    async fn login_as(&self, username: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/api/auth/login",
            None,
            json!({"username": username, "password": password}).to_string(),
        )
        .await
    }

    async fn token(&self, username: &str) -> String {
        let (status, body) = self.login_as(username, DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    async fn config(&self, token: &str) -> ConfigSnapshot {
        let (status, body) = self.get("/api/config", Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    async fn command(&self, token: &str, command: &Command) -> (StatusCode, Value) {
        self.post(
            "/api/commands",
            Some(token),
            serde_json::to_string(command).unwrap(),
        )
        .await
    }
}

fn add_window(config: &ConfigSnapshot, number: u16) -> Command {
    Command::new(CommandBody::SaveWindow(Window {
        id: Uuid::new_v4(),
        site_id: config.sites[0].id,
        number,
        service_ids: vec![config.services[0].id],
    }))
}

#[tokio::test]
async fn health_names_the_backend() {
    let h = Harness::new().await;
    let (status, body) = h.get("/api/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "sqlite");
}

#[tokio::test]
async fn login_me_logout() {
    let h = Harness::new().await;
    let (status, body) = h.login_as("clerk", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["account"]["role"], "clerk");
    assert_eq!(body["expires_at_ms"], START + SESSION_LIFETIME_MS);
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 64);

    let (status, me) = h.get("/api/auth/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["display_name"], "王小红");

    let (status, _) = h.post("/api/auth/logout", Some(&token), "").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = h.get("/api/auth/me", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
}

#[tokio::test]
async fn the_token_is_stored_only_as_a_hash() {
    let h = Harness::new().await;
    let token = h.token("clerk").await;
    assert!(h._db.storage.session(&token).await.unwrap().is_none());
    let hashed = onetrip_server::auth::token_hash(&token);
    assert!(h._db.storage.session(&hashed).await.unwrap().is_some());
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_until_the_lock_expires() {
    let h = Harness::new().await;
    for attempt in 1..=4 {
        let (status, body) = h.login_as("clerk", "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "invalid_credentials");
        assert_eq!(
            body["message"],
            format!("用户名或密码错误，还可尝试{}次", 5 - attempt)
        );
    }
    let (status, body) = h.login_as("clerk", "wrong").await;
    assert_eq!(status, StatusCode::LOCKED);
    assert_eq!(body["code"], "account_locked");
    // Even the right password is refused while locked.
    let (status, body) = h.login_as("clerk", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::LOCKED, "{body}");
    h.clock.advance(LOCKOUT_MS);
    let (status, _) = h.login_as("clerk", DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    // A success clears the count.
    let (_, body) = h.login_as("clerk", "wrong").await;
    assert_eq!(body["message"], "用户名或密码错误，还可尝试4次");
}

#[tokio::test]
async fn unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let h = Harness::new().await;
    let (status, body) = h.login_as("nobody", "x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "invalid_credentials");
}

#[tokio::test]
async fn sessions_expire() {
    let h = Harness::new().await;
    let token = h.token("admin").await;
    h.clock.advance(SESSION_LIFETIME_MS - 1);
    assert_eq!(h.get("/api/auth/me", Some(&token)).await.0, StatusCode::OK);
    h.clock.advance(1);
    let (status, body) = h.get("/api/auth/me", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "session_expired");
    assert_eq!(body["message"], "登录已过期，请重新登录");
}

#[tokio::test]
async fn a_clerk_cannot_edit_configuration() {
    let h = Harness::new().await;
    let token = h.token("clerk").await;
    let before = h.config(&token).await;
    let command = add_window(&before, 90);
    let (status, body) = h.command(&token, &command).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "forbidden");
    assert_eq!(body["message"], "您的角色无权修改站点配置");
    assert_eq!(h.config(&token).await, before);
    // The refused attempt is in the audit log, with who tried.
    let audit = h._db.storage.audit_log(1).await.unwrap();
    assert_eq!(audit[0].command_id, command.id);
    assert_eq!(audit[0].username, "clerk");
    assert_eq!(audit[0].status, "rejected");
}

#[tokio::test]
async fn reading_is_limited_to_the_scope() {
    let h = Harness::new().await;
    let admin = h.config(&h.token("admin").await).await;
    let clerk = h.config(&h.token("clerk").await).await;
    assert_eq!(admin.sites.len(), 12);
    assert_eq!(clerk.sites.len(), 1);
    assert_eq!(clerk.sites[0].name, "玉环市行政服务中心");
    assert!(clerk.windows.iter().all(|w| w.site_id == clerk.sites[0].id));
    assert_eq!(clerk.windows.len(), 8);
    assert_eq!(clerk.services, admin.services);
}

#[tokio::test]
async fn a_command_sent_twice_over_http_is_applied_once() {
    let h = Harness::new().await;
    let token = h.token("admin").await;
    let command = add_window(&h.config(&token).await, 12);
    let (first_status, first) = h.command(&token, &command).await;
    let (second_status, second) = h.command(&token, &command).await;
    assert_eq!(first_status, StatusCode::OK);
    assert_eq!(second_status, StatusCode::OK);
    assert_eq!(first, second);
    assert_eq!(first["status"], "applied");
    let windows = h.config(&token).await.windows;
    assert_eq!(windows.iter().filter(|w| w.number == 12).count(), 1);
}

#[tokio::test]
async fn domain_rules_refuse_with_a_reason_in_the_users_language() {
    let h = Harness::new().await;
    let token = h.token("admin").await;
    let before = h.config(&token).await;
    let command = add_window(&before, 3);
    let request = Request::post("/api/commands")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.8")
        .body(Body::from(serde_json::to_string(&command).unwrap()))
        .unwrap();
    let (status, body) = h.send(request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "invalid");
    assert_eq!(body["reason"], "duplicate_window_number");
    assert_eq!(body["message"], "Window 3 already exists at this site");
    assert_eq!(h.config(&token).await, before);
}

#[tokio::test]
async fn malformed_and_oversized_bodies_are_refused_and_change_nothing() {
    let h = Harness::new().await;
    let token = h.token("admin").await;
    let before = h.config(&token).await;
    let audit_before = h._db.storage.audit_log(100_000).await.unwrap().len();

    let (status, body) = h.post("/api/commands", Some(&token), "{\"id\": ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("请求格式不正确")
    );

    let (status, body) = h
        .post(
            "/api/commands",
            Some(&token),
            json!({"id": Uuid::new_v4(), "kind": "launch_rocket"}).to_string(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");

    let huge = json!({"id": Uuid::new_v4(), "kind": "save_service",
        "payload": {"id": Uuid::new_v4(), "prefix": "Z", "name": "x".repeat(2 * 1024 * 1024)}});
    let (status, body) = h
        .post("/api/commands", Some(&token), huge.to_string())
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "payload_too_large");

    assert_eq!(h.config(&token).await, before);
    assert_eq!(
        h._db.storage.audit_log(100_000).await.unwrap().len(),
        audit_before
    );
}

#[tokio::test]
async fn requests_without_a_session_are_refused() {
    let h = Harness::new().await;
    let (status, body) = h.get("/api/config", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
    let (status, _) = h.get("/api/config", Some("forged")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn openapi_document_lists_every_route() {
    let h = Harness::new().await;
    let (status, doc) = h.get("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/health",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/auth/me",
        "/api/config",
        "/api/commands",
    ] {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
    assert!(doc["components"]["schemas"].get("Command").is_some());
}

#[tokio::test]
async fn unknown_api_paths_answer_with_the_error_shape() {
    let h = Harness::new().await;
    let (status, body) = h.get("/api/nothing", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn sync_pages_are_scoped_and_need_a_session() {
    let h = Harness::new().await;
    assert_eq!(
        h.get("/api/sync?since=0", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let clerk = h.token("clerk").await;
    let (status, page) = h.get("/api/sync?since=0&limit=5000", Some(&clerk)).await;
    assert_eq!(status, StatusCode::OK);
    let changes = page["changes"].as_array().unwrap();
    // 1 site, 5 services, 9 matters and the center's 8 windows.
    assert_eq!(changes.len(), 1 + 5 + 9 + 8);
    assert_eq!(page["has_more"], false);
    let (_, small) = h.get("/api/sync?since=0&limit=2", Some(&clerk)).await;
    assert_eq!(small["changes"].as_array().unwrap().len(), 2);
    assert_eq!(small["has_more"], true);
    assert_eq!(small["next"], small["changes"][1]["seq"]);
    let (status, body) = h.get("/api/sync?since=abc", Some(&clerk)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

async fn next_event(body: &mut axum::body::Body) -> String {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .expect("an event within 5 s")
            .expect("the stream is open")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            let text = String::from_utf8(data.to_vec()).unwrap();
            if text.contains("id:") {
                return text;
            }
        }
    }
}

#[tokio::test]
async fn the_event_stream_carries_change_positions_and_resumes() {
    let h = Harness::new().await;
    let token = h.token("admin").await;
    let head = h._db.storage.head().await.unwrap();
    let request = Request::get(format!("/api/events?access_token={token}"))
        .body(Body::empty())
        .unwrap();
    let response = onetrip_server::app::router(h.state.clone(), None)
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body();
    // A new listener learns the head at once.
    let first = next_event(&mut body).await;
    assert!(first.contains("event: change"), "{first}");
    assert!(first.contains(&format!("id: {head}")), "{first}");

    let command = add_window(&h.config(&token).await, 70);
    assert_eq!(h.command(&token, &command).await.0, StatusCode::OK);
    let second = next_event(&mut body).await;
    assert!(second.contains(&format!("id: {}", head + 1)), "{second}");

    // Resuming from the head: nothing to catch up on, so the first event is the next change.
    let request = Request::get("/api/events")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("Last-Event-ID", (head + 1).to_string())
        .body(Body::empty())
        .unwrap();
    let mut resumed = onetrip_server::app::router(h.state.clone(), None)
        .oneshot(request)
        .await
        .unwrap()
        .into_body();
    let command = add_window(&h.config(&token).await, 71);
    h.command(&token, &command).await;
    let event = next_event(&mut resumed).await;
    assert!(event.contains(&format!("id: {}", head + 2)), "{event}");
}

#[tokio::test]
async fn a_stale_edit_is_a_409_conflict() {
    let h = Harness::new().await;
    let token = h.token("admin").await;
    let config = h.config(&token).await;
    let window = config.windows[2].clone();
    let mut command = Command::new(CommandBody::SaveWindow(Window {
        number: 50,
        ..window
    }));
    command.base_version = Some(1);
    let (status, body) = h.command(&token, &command).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "conflict");
    assert_eq!(h.config(&token).await, config);
}

#[tokio::test]
async fn statistics_and_their_exports_over_http() {
    let h = Harness::new().await;
    let supervisor = h.token("supervisor").await;
    let (status, body) = h.get("/api/stats", Some(&supervisor)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["site_name"], "玉环市行政服务中心");
    assert_eq!(body["overall"]["issued"], 0);
    assert_eq!(body["ratings"], Value::Null);

    // The file, with its Chinese name encoded for the browser.
    let response = onetrip_server::app::router(h.state.clone(), None)
        .oneshot(
            Request::get("/api/stats/export?format=xlsx&from=2026-11-01&to=2026-11-27")
                .header(header::AUTHORIZATION, format!("Bearer {supervisor}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    // 统计_玉环市行政服务中心_2026-11-01_2026-11-27.xlsx
    assert!(
        disposition.ends_with(
            "filename*=UTF-8''%E7%BB%9F%E8%AE%A1_%E7%8E%89%E7%8E%AF%E5%B8%82%E8%A1%8C%E6%94%BF%E6%9C%8D%E5%8A%A1%E4%B8%AD%E5%BF%83_2026-11-01_2026-11-27.xlsx"
        ),
        "{disposition}"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(bytes.starts_with(b"PK"), "not a zip (xlsx) file");

    // Refusals are `{code, message}` with the fitting status, in the language asked for.
    let (status, body) = h
        .get(
            "/api/stats?from=2026-11-27&to=2026-11-01",
            Some(&supervisor),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["reason"], "stats_range_reversed");
    assert_eq!(
        body["message"],
        "开始日期 2026-11-27 晚于结束日期 2026-11-01"
    );
    let response = onetrip_server::app::router(h.state.clone(), None)
        .oneshot(
            Request::get("/api/stats?from=yesterday")
                .header(header::AUTHORIZATION, format!("Bearer {supervisor}"))
                .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(
        body["message"],
        "“yesterday” is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27"
    );
    let clerk = h.token("clerk").await;
    let (status, body) = h.get("/api/stats/export?format=csv", Some(&clerk)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["reason"], "stats_forbidden");
    let (status, body) = h.get("/api/stats/export", Some(&supervisor)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["reason"], "stats_format");
    let (status, body) = h
        .get("/api/stats/export?format=pdf", Some(&supervisor))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");
    let (status, _) = h.get("/api/stats", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn documented_bounds_are_enforced_not_clamped() {
    let h = Harness::new().await;
    let clerk = h.token("clerk").await;
    for query in ["limit=5001", "limit=0", "since=-1", "since=0&limit=100000"] {
        let (status, body) = h.get(&format!("/api/sync?{query}"), Some(&clerk)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["code"], "bad_request");
        assert!(body["message"].as_str().unwrap().contains("5000"), "{body}");
    }
    let (status, _) = h.get("/api/sync?since=0&limit=5000", Some(&clerk)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_description_lists_the_public_pages_and_every_error_an_operation_gives() {
    let h = Harness::new().await;
    let (status, doc) = h.get("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/public/sites/{site}/hall",
        "/api/public/sites/{site}/kiosk",
        "/api/public/sites/{site}/checkin",
        "/api/public/windows/{window}/rating",
        "/api/verify",
        "/hall/{site}",
        "/kiosk/{site}",
        "/rate/{window}",
        "/verify",
    ] {
        assert!(paths.contains_key(path), "{path} is not described");
    }
    let limit = &paths["/api/sync"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(limit["in"], "query");
    assert_eq!(limit["required"], false);
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{method} {path}");
            let authed = operation.get("security").is_some();
            if authed {
                assert!(responses.contains_key("401"), "{method} {path}");
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ApiError",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    let error = &doc["components"]["schemas"]["ApiError"]["properties"];
    for field in ["code", "message", "reason"] {
        assert!(error.get(field).is_some(), "ApiError has no {field}");
    }
}

#[tokio::test]
async fn the_kiosk_takes_a_phone_number_as_a_chinese_input_method_types_it() {
    let h = Harness::new().await;
    let admin = h.token("admin").await;
    let config = h.config(&admin).await;
    let site = config.sites[0].id;
    let service = config.services[0].id;
    let (status, ticket) = h
        .post(
            &format!("/api/public/sites/{site}/kiosk"),
            None,
            json!({"service_id": service, "phone": "１３８ １２３４－５６７８"}).to_string(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    assert_eq!(ticket["phone"], "138****5678");
    let (status, refused) = h
        .post(
            &format!("/api/public/sites/{site}/kiosk"),
            None,
            json!({"service_id": service, "phone": "２３８１２３４５６７８"}).to_string(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "holder_phone");
}

#[tokio::test]
async fn error_messages_quote_at_most_eighty_characters_of_what_was_sent() {
    let h = Harness::new().await;
    let supervisor = h.token("supervisor").await;
    let long = "九".repeat(5_000);
    let sent = [
        h.get(&format!("/api/stats?from={long}"), Some(&supervisor))
            .await,
        h.get(&format!("/api/sync?since={long}"), Some(&supervisor))
            .await,
        h.post(
            "/api/commands",
            Some(&supervisor),
            json!({"id": Uuid::new_v4(), "kind": long, "payload": {}}).to_string(),
        )
        .await,
    ];
    for (status, body) in sent {
        assert!(status.is_client_error(), "{status}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.chars().count() < 160,
            "{} characters: {message}",
            message.chars().count()
        );
        assert!(!message.contains(&"九".repeat(81)), "{message}");
    }
}
