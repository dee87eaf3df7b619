//! The document signing key and `GET /api/verify/key`, `POST /api/verify`.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use onetrip_print::signing::{Claim, PublicKey};
use onetrip_server::clock::ManualClock;
use onetrip_server::serve::{self, Database, ServeOptions};
use onetrip_server::state::AppState;
use onetrip_server::verify::{KEY_FILE, center_date, load_or_create_key};
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
    let state = AppState::new(db.storage.clone(), Arc::new(ManualClock::new(NOW))).unwrap();

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
