//! The document signing key, `GET /api/verify/key`, `POST /api/verify` and the `/verify` page.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use onetrip_print::signing::{Claim, PublicKey};
use onetrip_server::clock::ManualClock;
use onetrip_server::clock::center_date;
use onetrip_server::documents::keys::{KEY_FILE, load_or_create_key};
use onetrip_server::serve::{self, Database, ServeOptions};
use onetrip_server::state::AppState;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

use crate::support::sqlite;

/// 2027-03-01 10:00 in China (02:00 UTC).
const NOW: i64 = 1_803_866_400_000;

async fn call(state: &AppState, request: Request<Body>) -> (StatusCode, Value) {
    let response = onetrip_server::app::router(state.clone(), None)
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn claim(valid_until: &str) -> Claim {
    Claim {
        kind: "drainage-permit".into(),
        number: "玉排许字〔2026〕第0042号".into(),
        holder: "玉环市楚门镇老街面馆".into(),
        valid_from: "2026-11-27".into(),
        valid_until: valid_until.into(),
        issuer: "玉环市住房和城乡建设局".into(),
    }
}

#[test]
fn the_center_date_is_china_time() {
    assert_eq!(center_date(NOW), "2027-03-01");
    // 2026-12-31 20:00 UTC is already 2027-01-01 in China.
    assert_eq!(center_date(1_798_747_200_000), "2027-01-01");
}

#[tokio::test]
async fn the_public_key_verifies_what_the_server_signs_and_nothing_else() {
    let db = sqlite().await;
    let state =
        onetrip_server::app::state(db.storage.0.clone(), Arc::new(ManualClock::new(NOW))).unwrap();

    let (status, body) = call(
        &state,
        Request::get("/api/verify/key").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let public = PublicKey::parse(body["key"].as_str().unwrap()).unwrap();

    let payload = state.issuer_key.sign(&claim("2031-11-26")).unwrap();
    // Offline, with the published key only.
    assert!(matches!(
        public.verify(&payload, "2027-03-01"),
        onetrip_print::signing::Verdict::Valid { .. }
    ));

    let post = |payload: String| {
        Request::post("/api/verify")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "payload": payload }).to_string()))
            .unwrap()
    };
    let (status, body) = call(&state, post(payload.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["verdict"], "valid", "{body}");
    assert_eq!(body["claim"]["holder"], "玉环市楚门镇老街面馆");
    assert_eq!(body["checked_on"], "2027-03-01");

    let expired = state.issuer_key.sign(&claim("2027-02-28")).unwrap();
    let (_, body) = call(&state, post(expired)).await;
    assert_eq!(body["verdict"], "expired", "{body}");

    let (_, body) = call(&state, post(payload.replace("第0042号", "第0043号"))).await;
    assert_eq!(body["verdict"], "tampered", "{body}");
    assert!(body["claim"].is_null());

    let (_, body) = call(&state, post("https://example.com/".into())).await;
    assert_eq!(body["verdict"], "invalid", "{body}");

    let (status, _) = call(
        &state,
        Request::post("/api/verify")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"nope\": 1}"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_key_is_created_at_first_start_and_kept_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        serve::start(ServeOptions {
            database: Database::SqliteDir(dir.path().to_path_buf()),
            listen: "127.0.0.1:0".parse().unwrap(),
            web_dir: None,
            seed_demo: false,
            files_dir: None,
            blobs: None,
        })
    };
    let first = start().await.unwrap();
    let key = first.state.issuer_key.public_key();
    first.stop().await.unwrap();
    let path = dir.path().join(KEY_FILE);
    assert!(path.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the key file is readable by others: {mode:o}"
        );
    }
    let second = start().await.unwrap();
    assert_eq!(second.state.issuer_key.public_key(), key);
    second.stop().await.unwrap();
    assert_eq!(load_or_create_key(&path).unwrap().public_key(), key);

    std::fs::write(&path, "not hex").unwrap();
    assert!(load_or_create_key(&path).is_err());
}

/// `GET /verify` as a browser would send it: the status, the content type and the page.
async fn page(
    state: &AppState,
    query: &str,
    accept_language: Option<&str>,
) -> (StatusCode, String, String) {
    let mut request = Request::get(format!("/verify{query}"));
    if let Some(lang) = accept_language {
        request = request.header(header::ACCEPT_LANGUAGE, lang);
    }
    let response = onetrip_server::app::router(state.clone(), None)
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

/// A query string value, percent-encoded as a form would send it.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

async fn page_state() -> (crate::support::TestDb, AppState) {
    let db = sqlite().await;
    let state =
        onetrip_server::app::state(db.storage.0.clone(), Arc::new(ManualClock::new(NOW))).unwrap();
    (db, state)
}

#[tokio::test]
async fn the_verify_page_opens_without_a_session_and_loads_nothing_from_elsewhere() {
    let (_db, state) = page_state().await;
    let (status, content_type, html) = page(&state, "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("证件二维码核验"));
    assert!(html.contains("<form class=\"card\" method=\"get\" action=\"/verify\">"));
    assert!(html.contains(">验证</button>"));
    assert!(
        !html.contains("data-testid=\"verify-result\""),
        "no verdict yet"
    );
    // Self-contained: no scripts, no external stylesheets, fonts or images.
    assert!(!html.contains("<script"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<link rel=\"stylesheet\""));
    // The issuer's public key, the same as `/api/verify/key`.
    let (_, key) = call(
        &state,
        Request::get("/api/verify/key").body(Body::empty()).unwrap(),
    )
    .await;
    let key = key["key"].as_str().unwrap();
    assert!(html.contains(&format!("<code data-testid=\"verify-key\">{key}</code>")));
}

#[tokio::test]
async fn the_verify_page_shows_a_valid_document_with_its_details() {
    let (_db, state) = page_state().await;
    let payload = state.issuer_key.sign(&claim("2031-11-26")).unwrap();
    let (status, _, html) = page(&state, &format!("?payload={}", encoded(&payload)), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-verdict=\"valid\""), "{html}");
    assert!(html.contains("</span>有效</p>"));
    assert!(html.contains("证件真实，且在有效期内"));
    // The kind by its Chinese name, then every field of the claim.
    assert!(html.contains("<dd>城镇污水排入排水管网许可证</dd>"));
    assert!(html.contains("<dd>玉排许字〔2026〕第0042号</dd>"));
    assert!(html.contains("<dd>玉环市楚门镇老街面馆</dd>"));
    assert!(html.contains("<dd>2026-11-27 至 2031-11-26</dd>"));
    assert!(html.contains("<dd>玉环市住房和城乡建设局</dd>"));
    assert!(html.contains("核验日期：2027-03-01"));
    // The payload stays in the box, and the language link keeps it.
    assert!(html.contains(&format!(">{payload}</textarea>")));
    assert!(html.contains(&format!(
        "href=\"/verify?lang=en&amp;payload={}\"",
        encoded(&payload)
    )));

    // A kind without a known name is shown by its machine name.
    let mut other = claim("2031-11-26");
    other.kind = "fishing-licence".into();
    let payload = state.issuer_key.sign(&other).unwrap();
    let (_, _, html) = page(&state, &format!("?payload={}", encoded(&payload)), None).await;
    assert!(html.contains("data-verdict=\"valid\""));
    assert!(html.contains("<dd>fishing-licence</dd>"));
}

#[tokio::test]
async fn the_verify_page_tells_an_expired_document_and_a_tampered_one() {
    let (_db, state) = page_state().await;
    let expired = state.issuer_key.sign(&claim("2027-02-28")).unwrap();
    let (status, _, html) = page(&state, &format!("?payload={}", encoded(&expired)), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-verdict=\"expired\""), "{html}");
    assert!(html.contains("</span>已过期</p>"));
    assert!(html.contains("有效期已于 2027-02-28 届满"));
    assert!(html.contains("<dd>玉环市楚门镇老街面馆</dd>"));

    let mut future = claim("2031-11-26");
    future.valid_from = "2027-06-01".into();
    let future = state.issuer_key.sign(&future).unwrap();
    let (_, _, html) = page(&state, &format!("?payload={}", encoded(&future)), None).await;
    assert!(html.contains("data-verdict=\"not_yet_valid\""), "{html}");
    assert!(html.contains("自 2027-06-01 起才生效"));

    // One byte changed, in the signed text and in the signature.
    let valid = state.issuer_key.sign(&claim("2031-11-26")).unwrap();
    let in_text = valid.replacen("0042", "0043", 1);
    let mut in_signature = valid.clone().into_bytes();
    let last = in_signature.len() - 5;
    in_signature[last] = if in_signature[last] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let in_signature = String::from_utf8(in_signature).unwrap();
    for tampered in [in_text, in_signature] {
        assert_ne!(tampered, valid);
        let (status, _, html) =
            page(&state, &format!("?payload={}", encoded(&tampered)), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-verdict=\"tampered\""), "{html}");
        assert!(html.contains("</span>被篡改</p>"));
        assert!(html.contains("可能被改动或伪造"));
        // Nothing of an unverified claim is presented as a document's details.
        assert!(!html.contains("data-testid=\"verify-claim\""));
    }
}

#[tokio::test]
async fn the_verify_page_escapes_everything_it_echoes() {
    let (_db, state) = page_state().await;
    let attack = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>";
    let (status, _, html) = page(&state, &format!("?payload={}", encoded(attack)), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-verdict=\"invalid\""), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;img src=x onerror=alert(2)&gt;"
    ));

    // A genuinely signed claim with markup in its fields is shown as text too.
    let mut signed = claim("2031-11-26");
    signed.holder = "<script>alert(3)</script>".into();
    let payload = state.issuer_key.sign(&signed).unwrap();
    let (_, _, html) = page(&state, &format!("?payload={}", encoded(&payload)), None).await;
    assert!(html.contains("data-verdict=\"valid\""));
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("<dd>&lt;script&gt;alert(3)&lt;/script&gt;</dd>"));

    // Markup in the language parameter goes nowhere.
    let (_, _, html) = page(&state, &format!("?lang={}", encoded("\"><script>")), None).await;
    assert!(!html.contains("<script"), "{html}");
}

#[tokio::test]
async fn the_verify_page_speaks_english_when_asked() {
    let (_db, state) = page_state().await;
    let payload = state.issuer_key.sign(&claim("2031-11-26")).unwrap();
    let query = format!("?lang=en&payload={}", encoded(&payload));
    let (status, _, html) = page(&state, &query, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("</span>Valid</p>"), "{html}");
    assert!(html.contains("Genuine and in force"));
    assert!(html.contains("<dd>Permit for discharging urban sewage into drainage networks</dd>"));
    assert!(html.contains("<dd>2026-11-27 to 2031-11-26</dd>"));
    assert!(html.contains(">Verify</button>"));
    assert!(html.contains("<input type=\"hidden\" name=\"lang\" value=\"en\">"));
    // The way back to Chinese keeps the payload.
    assert!(html.contains(&format!(
        "href=\"/verify?lang=zh-CN&amp;payload={}\"",
        encoded(&payload)
    )));

    // An English browser gets English without asking; `lang` wins over it.
    let (_, _, html) = page(&state, "", Some("en-GB,en;q=0.9")).await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Check a document"));
    let (_, _, html) = page(&state, "?lang=zh-CN", Some("en-GB,en;q=0.9")).await;
    assert!(html.contains("<html lang=\"zh-CN\">"));
    let (_, _, html) = page(&state, "?payload=nonsense", Some("en-US")).await;
    assert!(html.contains("</span>Invalid</p>"), "{html}");
    assert!(html.contains("it carries no signature"));
}

#[tokio::test]
async fn the_verify_page_refuses_huge_input_and_explains_malformed_input() {
    let (_db, state) = page_state().await;
    let huge = "OT1|".repeat(501);
    let (status, content_type, html) =
        page(&state, &format!("?payload={}", encoded(&huge)), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(html.contains("内容过长，未予核验"), "{html}");
    assert!(html.contains("最多 2000 个字符，收到的有 2004 个"));
    assert!(!html.contains("data-testid=\"verify-result\""));
    assert!(!html.contains(&huge), "the refused input is not sent back");
    let (status, _, html) = page(
        &state,
        &format!("?lang=en&payload={}", encoded(&huge)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("Too long to check: a QR code holds at most 2000 characters, this has 2004")
    );

    // Exactly at the limit is still checked.
    let (status, _, html) = page(&state, &format!("?payload={}", "x".repeat(2000)), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-verdict=\"invalid\""));

    // Malformed payloads are invalid, with the reason, never an error.
    let malformed = [
        ("https://example.com/", "没有签名"),
        ("OT1|drainage-permit|x", "不是本平台的证件二维码"),
        ("no separator at all", "没有签名"),
        ("OT1|a|b|c|d|e|f|!!!not-base64!!!", ""),
    ];
    for (payload, reason) in malformed {
        let (status, _, html) = page(&state, &format!("?payload={}", encoded(payload)), None).await;
        assert_eq!(status, StatusCode::OK, "{payload}");
        assert!(
            html.contains("data-verdict=\"invalid\"") || html.contains("data-verdict=\"tampered\""),
            "{payload}: {html}"
        );
        assert!(html.contains(reason), "{payload}: {html}");
    }
    // Broken query strings, blank input and repeated parameters still give the page.
    for query in [
        "?payload=%ZZ%E7",
        "?payload=",
        "?payload=+++",
        "?payload=a&payload=b&lang",
    ] {
        let (status, _, html) = page(&state, query, None).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(html.contains("</html>"), "{query}");
    }
    let (_, _, html) = page(&state, "?payload=+", None).await;
    assert!(html.contains("请先粘贴二维码内容"));
}

async fn login(state: &AppState, username: &str) -> String {
    let (status, body) = call(
        state,
        Request::post("/api/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"username": username, "password": onetrip_server::seed::DEMO_PASSWORD})
                    .to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

fn sign_command(id: &str, claim: &Claim) -> Value {
    json!({
        "id": id,
        "kind": "sign_document",
        "payload": {
            "id": uuid::Uuid::new_v4(),
            "claim": claim,
            // A client cannot choose what the server signs: this is replaced.
            "payload": "OT1|forged",
        },
    })
}

async fn send(state: &AppState, token: &str, command: &Value) -> (StatusCode, Value) {
    call(
        state,
        Request::post("/api/commands")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(command.to_string()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_server_signs_a_document_it_issues_and_the_payload_verifies() {
    let db = sqlite().await;
    assert!(
        onetrip_server::seed::seed_demo(db.storage.as_ref(), NOW)
            .await
            .unwrap()
    );
    let state =
        onetrip_server::app::state(db.storage.0.clone(), Arc::new(ManualClock::new(NOW))).unwrap();
    let officer = login(&state, "permit").await;
    let command = sign_command(&uuid::Uuid::new_v4().to_string(), &claim("2031-11-26"));
    let (status, body) = send(&state, &officer, &command).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let payload = body["record"]["payload"].as_str().unwrap().to_owned();
    assert_eq!(body["record"]["signed_by"], "permit");
    assert_eq!(
        payload,
        state.issuer_key.sign(&claim("2031-11-26")).unwrap()
    );
    // Anyone checks it with the published key.
    let (_, verdict) = call(
        &state,
        Request::post("/api/verify")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "payload": payload }).to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(verdict["verdict"], "valid");
    // Sent again by a retry: the same document, the same payload.
    let (_, again) = send(&state, &officer, &command).await;
    assert_eq!(again["record"]["payload"], payload.as_str());

    // A window clerk may not issue documents; a claim that cannot be signed says why.
    let clerk = login(&state, "clerk").await;
    let (status, body) = send(
        &state,
        &clerk,
        &sign_command(&uuid::Uuid::new_v4().to_string(), &claim("2031-11-26")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["reason"], "sign_forbidden");
    let mut bad = claim("2031-11-26");
    bad.holder = "老街|面馆".into();
    let (status, body) = send(
        &state,
        &officer,
        &sign_command(&uuid::Uuid::new_v4().to_string(), &bad),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("证件信息不能签发"),
        "{body}"
    );
}
