//! Delivering permits to the door through the real router, on SQLite and on PostgreSQL: a run
//! planned with its time windows; attempts recorded at the door arriving out of order, each on
//! its own permit; what each outcome must carry; a failed attempt freeing the permit for a
//! later run, a delivered one closing it.

use axum::http::StatusCode;
use onetrip_server::seed::DEMO_PASSWORD;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::permits::{ids, restaurant};
use crate::review::Portal;
use crate::support::{TestDb, conformance};

/// A 1×1 PNG, as a signature pad gives one (smaller).
const SIGNATURE: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

async fn three_permits(portal: &Portal) -> Vec<Value> {
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    let officer = portal.token("permit", DEMO_PASSWORD).await;
    for n in 0..3 {
        portal.submit(&clerk, &restaurant(40 + n, "楚门镇")).await;
    }
    let run = portal.dry_run(&officer).await;
    let batch = json!({ "batch_id": Uuid::new_v4(), "application_ids": ids(&run["eligible"]) });
    let (status, outcome) = portal.staff(&officer, "approve_permits", batch).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    outcome["record"]["permits"].as_array().unwrap().clone()
}

async fn a_run_is_delivered_door_to_door_whatever_order_the_attempts_arrive_in(db: TestDb) {
    let portal = Portal::new(db).await;
    let permits = three_permits(&portal).await;
    let officer = portal.token("permit", DEMO_PASSWORD).await;
    let courier = portal.token("delivery", DEMO_PASSWORD).await;
    let run_id = Uuid::new_v4();
    let stops = |windows: [&str; 3]| -> Value {
        permits
            .iter()
            .zip(windows)
            .map(|(p, w)| json!({ "permit_id": p["id"], "window": w }))
            .collect()
    };
    let run = |id: Uuid, stops: Value| json!({ "id": id, "name": "楚门镇（人民路）", "day": "2026-12-03", "courier": "周海波", "stops": stops });

    // A window that is not a time of day is refused with an example.
    let (status, refused) = portal
        .staff(
            &officer,
            "save_delivery_run",
            run(Uuid::new_v4(), stops(["", "晚上", ""])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "stop_window");

    let (status, planned) = portal
        .staff(
            &officer,
            "save_delivery_run",
            run(run_id, stops(["", "１８：００-02:00", "9:00-11:30"])),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    let planned = &planned["record"];
    assert_eq!(planned["number"], "SD-20261203-01");
    assert_eq!(
        planned["stops"][1]["window"], "18:00–02:00",
        "a night shop's window"
    );
    assert_eq!(planned["stops"][0]["permit_number"], permits[0]["number"]);
    // A permit waiting in one run goes on no other.
    let (status, twice) = portal
        .staff(
            &officer,
            "save_delivery_run",
            run(Uuid::new_v4(), json!([{ "permit_id": permits[0]["id"] }])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{twice}");
    assert_eq!(twice["reason"], "in_another_run");

    let attempt = |permit: &Value, outcome: &str, at_ms: i64, extra: Value| {
        let mut body = json!({
            "id": Uuid::new_v4(), "run_id": run_id, "permit_id": permit["id"],
            "outcome": outcome, "at_ms": at_ms,
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let send = async |body: Value| portal.staff(&courier, "record_delivery", body).await;
    // The server's clock: when it planned the run.
    let t = planned["created_at_ms"].as_i64().unwrap();

    // What each outcome must carry.
    for (body, reason) in [
        (
            attempt(
                &permits[0],
                "delivered",
                t,
                json!({ "relation": "holder", "signature_png": SIGNATURE }),
            ),
            "receiver_required",
        ),
        (
            attempt(
                &permits[0],
                "delivered",
                t,
                json!({ "receiver": "林小明", "relation": "holder" }),
            ),
            "proof_required",
        ),
        (
            attempt(
                &permits[0],
                "delivered",
                t,
                json!({ "receiver": "林小明", "relation": "holder", "signature_png": "bm90IGEgcG5n" }),
            ),
            "signature_invalid",
        ),
        (
            attempt(&permits[0], "refused", t, json!({ "receiver": "林小明" })),
            "witness_or_photo_required",
        ),
        (
            attempt(&permits[0], "failed", t, json!({})),
            "reason_required",
        ),
    ] {
        let (status, refused) = send(body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["reason"], reason, "{refused}");
    }

    // Captured offline: the second stop's signature reaches the server before the first's;
    // each lands on its own permit, with the moment it happened at the door.
    let second = attempt(
        &permits[1],
        "delivered",
        t + 2_000,
        json!({ "receiver": "陈小华", "relation": "legal_representative", "signature_png": SIGNATURE }),
    );
    let first = attempt(
        &permits[0],
        "delivered",
        t + 1_000,
        json!({ "receiver": "林小明", "relation": "holder", "signature_png": SIGNATURE }),
    );
    let (status, b) = send(second).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let (status, a) = send(first).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(b["record"]["permit_number"], permits[1]["number"]);
    assert_eq!(a["record"]["permit_number"], permits[0]["number"]);
    assert_eq!(
        a["record"]["at_ms"],
        t + 1_000,
        "the moment at the door, not of the sync"
    );
    let year = &onetrip_server::clock::center_date(t)[..4];
    assert_eq!(b["record"]["receipt_number"], format!("SDHZ-{year}-0001"));
    assert_eq!(a["record"]["receipt_number"], format!("SDHZ-{year}-0002"));

    // Delivered once: not again, and on no later run.
    let (status, again) = send(attempt(
        &permits[0],
        "delivered",
        t,
        json!({ "receiver": "林小明", "relation": "holder", "photo_jpeg": "/9j/4AAQ" }),
    ))
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(again["reason"], "already_delivered");

    // The third shop was closed: the permit goes back for a later run. A permit of no stop of
    // this run is refused, so nothing lands on the wrong permit.
    let (status, failed) = send(attempt(
        &permits[2],
        "failed",
        t,
        json!({ "reason": "店铺未营业" }),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{failed}");
    assert!(failed["record"].get("receipt_number").is_none());
    let later = Uuid::new_v4();
    let (status, replanned) = portal
        .staff(
            &officer,
            "save_delivery_run",
            run(
                later,
                json!([{ "permit_id": permits[2]["id"], "window": "19:00-21:00" }]),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{replanned}");
    assert_eq!(replanned["record"]["number"], "SD-20261203-02");
    let (status, wrong) = portal
        .staff(
            &courier,
            "record_delivery",
            json!({
                "id": Uuid::new_v4(), "run_id": later, "permit_id": permits[0]["id"],
                "outcome": "refused", "at_ms": t, "witness": "网格员 王芳",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
    assert_eq!(wrong["reason"], "not_in_run");
    let (status, refused) = portal
        .staff(
            &courier,
            "record_delivery",
            json!({
                "id": Uuid::new_v4(), "run_id": later, "permit_id": permits[2]["id"],
                "outcome": "refused", "at_ms": t, "receiver": "店主", "witness": "网格员 王芳",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{refused}");

    // The courier's desktop pulls the runs and attempts of its site.
    let pulled = portal.pulled(&courier).await;
    let count = |kind: &str| pulled.iter().filter(|(k, _, _)| k == kind).count();
    assert_eq!(count("delivery_run"), 2);
    assert_eq!(count("delivery_attempt"), 4);
    // A clerk has no delivery to do.
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    let (status, _) = portal
        .staff(
            &clerk,
            "save_delivery_run",
            run(Uuid::new_v4(), json!([{ "permit_id": permits[2]["id"] }])),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

conformance!(a_run_is_delivered_door_to_door_whatever_order_the_attempts_arrive_in,);
