//! Drawing-review statistics through the real router, on SQLite and on PostgreSQL: three
//! projects go through the real commands over two and a half weeks with a holiday and a
//! swapped working day in the calendar; the figures are checked against those worked out by
//! hand, with a range of acceptance dates and without, and the exports are read back.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Reader, Xlsx};
use http_body_util::BodyExt;
use onetrip_drawings::{DrawingSet, SetOptions, generate};
use onetrip_server::clock::ManualClock;
use onetrip_server::seed::{DEMO_PASSWORD, seed_demo};
use onetrip_server::state::AppState;
use onetrip_server::uploads::Files;
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

use crate::support::{TestDb, conformance};

/// Tuesday 2026-12-01 10:00 in the service center (UTC+8).
const NOW: i64 = 1_796_090_400_000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const CREDIT_CODE: &str = "91330000MA2ABCDE1L";
const APPLICANT_PASSWORD: &str = "Jianshe@2026";

struct Center {
    state: AppState,
    clock: Arc<ManualClock>,
    db: TestDb,
}

/// A response's status, headers and bytes.
struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

impl Center {
    async fn new(db: TestDb) -> Center {
        seed_demo(db.storage.as_ref(), NOW).await.unwrap();
        let clock = Arc::new(ManualClock::new(NOW));
        let mut state = onetrip_server::app::state(db.storage.0.clone(), clock.clone()).unwrap();
        let mut files = Files::temporary().unwrap();
        files.intake.program = PathBuf::from(env!("CARGO_BIN_EXE_onetrip-server"));
        state.files = Arc::new(files);
        Center { state, clock, db }
    }

    async fn send(&self, request: Request<Body>) -> Answer {
        let response = onetrip_server::app::router(self.state.clone(), None)
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            bytes: bytes.to_vec(),
        }
    }

    async fn get_in(&self, path: &str, token: &str, lang: &str) -> Answer {
        self.send(
            Request::builder()
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let answer = self.get_in(path, token, "zh-CN").await;
        (answer.status, answer.json())
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let answer = self
            .send(request.body(Body::from(body.to_string())).unwrap())
            .await;
        (answer.status, answer.json())
    }

    async fn token(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .post(
                "/api/auth/login",
                None,
                json!({ "username": username, "password": password }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{username}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Sessions last half a day: everyone signs in again each morning.
    async fn people(&self) -> People {
        People {
            applicant: self.token("yhct", APPLICANT_PASSWORD).await,
            lead: self.token("supervisor", DEMO_PASSWORD).await,
            architect: self.token("arch", DEMO_PASSWORD).await,
            admin: self.token("admin", DEMO_PASSWORD).await,
        }
    }

    /// Moves the clock on to 10:00 of the day `days` after 1 December.
    fn day(&self, days: i64) {
        let target = NOW + days * DAY_MS;
        self.clock.advance(target - self.state.clock.now_ms());
    }

    async fn command(&self, path: &str, token: &str, kind: &str, payload: Value) -> Value {
        let (status, outcome) = self
            .post(
                path,
                Some(token),
                json!({ "id": Uuid::new_v4(), "kind": kind, "payload": payload }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{kind}: {outcome}");
        outcome
    }

    async fn portal(&self, people: &People, kind: &str, payload: Value) -> Value {
        self.command("/api/portal/commands", &people.applicant, kind, payload)
            .await
    }

    async fn staff(&self, token: &str, kind: &str, payload: Value) -> Value {
        self.command("/api/commands", token, kind, payload).await
    }

    async fn project(&self, people: &People, project: &str) -> Value {
        let (status, view) = self
            .get(
                &format!("/api/portal/projects/{project}"),
                &people.applicant,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{view}");
        view
    }

    /// Registers a project of `kind` reviewed by architecture and structure; its id and its
    /// first round's.
    async fn register(&self, people: &People, code: &str, kind: &str) -> (String, String) {
        let (project, round) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
        self.portal(
            people,
            "register_project",
            json!({
                "id": project, "code": code, "name": format!("玉环市{code}项目"),
                "builder": "玉环市城市建设投资有限公司", "designer": "台州市建筑设计研究院有限公司",
                "town": "玉城街道", "kind": kind, "floor_area_m2": "12000",
                "specialties": ["architecture", "structure"],
                "first_round_id": round,
            }),
        )
        .await;
        (project, round)
    }

    /// Uploads the set into the round, confirms every sheet as read, and submits.
    async fn submit(&self, people: &People, project: &str, round: &str, set: &DrawingSet) {
        for file in &set.files {
            let (status, started) = self
                .post(
                    "/api/portal/uploads",
                    Some(&people.applicant),
                    json!({ "round_id": round, "file_name": file.name, "size": file.bytes.len() }),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{started}");
            let path = format!("/api/portal/uploads/{}", started["id"].as_str().unwrap());
            let answer = self
                .send(
                    Request::builder()
                        .method("PATCH")
                        .uri(&path)
                        .header(
                            header::AUTHORIZATION,
                            format!("Bearer {}", people.applicant),
                        )
                        .header("upload-offset", "0")
                        .header(header::CONTENT_TYPE, "application/octet-stream")
                        .body(Body::from(file.bytes.clone()))
                        .unwrap(),
                )
                .await;
            assert_eq!(answer.json()["state"], "done", "{}", answer.json());
        }
        let view = self.project(people, project).await;
        let sheets: Vec<Value> = view["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["round"]["id"] == round)
            .unwrap()["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| json!({ "sheet_id": s["id"], "number": s["number"], "title": s["title"] }))
            .collect();
        self.portal(
            people,
            "confirm_sheets",
            json!({ "round_id": round, "sheets": sheets }),
        )
        .await;
        self.portal(people, "submit_round", json!({ "round_id": round }))
            .await;
    }

    /// Gives the round's architecture task to the architect and structure to the lead.
    async fn assign(&self, people: &People, project: &str, round: &str) {
        let view = self.project(people, project).await;
        let (_, me) = self.get("/api/auth/me", &people.lead).await;
        let architect = self
            .db
            .storage
            .account_by_username("arch")
            .await
            .unwrap()
            .unwrap()
            .account
            .id
            .to_string();
        for task in view["tasks"].as_array().unwrap() {
            if task["round_id"] != round {
                continue;
            }
            let reviewer = match task["specialty"].as_str().unwrap() {
                "architecture" => architect.clone(),
                _ => me["id"].as_str().unwrap().to_owned(),
            };
            self.staff(
                &people.lead,
                "assign_task",
                json!({ "task_id": task["id"], "reviewer_id": reviewer }),
            )
            .await;
        }
    }

    async fn stats(&self, token: &str, query: &str) -> Value {
        let (status, stats) = self.get(&format!("/api/review/stats{query}"), token).await;
        assert_eq!(status, StatusCode::OK, "{stats}");
        stats
    }
}

struct People {
    applicant: String,
    lead: String,
    architect: String,
    admin: String,
}

fn opinion(
    round: &str,
    specialty: &str,
    sheet: &str,
    kind: &str,
    severity: &str,
    clause: Option<&str>,
) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "round_id": round,
        "specialty": specialty,
        "sheet_number": sheet,
        "markups": [{ "shape": "cloud", "rect": [1200, 900, 3400, 2100] }],
        "text": "疏散楼梯间的门应向疏散方向开启",
        "kind": kind,
        "severity": severity,
        "clause": clause,
    })
}

fn row<'a>(rows: &'a Value, specialty: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["specialty"] == specialty)
        .unwrap_or_else(|| panic!("no {specialty} in {rows}"))
}

fn counts(lines: &Value, key: &str) -> Vec<(String, u64)> {
    lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l[key].as_str().unwrap().to_owned(),
                l["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected
        .iter()
        .map(|(k, n)| ((*k).to_owned(), *n))
        .collect()
}

async fn review_figures_match_those_worked_out_by_hand(db: TestDb) {
    let center = Center::new(db).await;
    let admin = center.token("admin", DEMO_PASSWORD).await;
    let (status, _) = center
        .post(
            "/api/applicants",
            Some(&admin),
            json!({
                "username": "yhct", "password": APPLICANT_PASSWORD, "display_name": "王经办",
                "organisation_name": "玉环市城市建设投资有限公司", "credit_code": CREDIT_CODE,
                "phone": "13805761234",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    center
        .db
        .storage
        .insert_account(
            &onetrip_server::auth::sql::NewAccount {
                id: Uuid::new_v4(),
                username: "arch".into(),
                display_name: "李建筑".into(),
                role: onetrip_domain::auth::Role::Reviewer,
                site_id: None,
                specialty: Some("建筑".into()),
                password_hash: onetrip_server::password::hash_password(DEMO_PASSWORD).unwrap(),
            },
            NOW,
        )
        .await
        .unwrap();
    let people = center.people().await;
    // Thursday 3 December is a day off; Saturday 5 December is worked instead (调休).
    for (date, working, name) in [
        ("2026-12-03", false, "测试假日"),
        ("2026-12-05", true, "测试调休上班"),
    ] {
        center
            .staff(
                &people.admin,
                "save_calendar_day",
                json!({ "date": date, "working": working, "name": name }),
            )
            .await;
    }

    let options = SetOptions {
        sheets_per_specialty: [2, 1, 0, 0, 0],
        segments_per_sheet: 200,
        ..SetOptions::default()
    };
    let first = generate(&options).unwrap();
    let revised = generate(&SetOptions {
        round: onetrip_drawings::Round::Revised,
        ..options.clone()
    })
    .unwrap();
    let numbers: Vec<String> = first
        .manifest
        .iter()
        .filter_map(|e| e.sheet_number.clone())
        .collect();
    let sheet = |prefix: &str| {
        numbers
            .iter()
            .find(|n| n.starts_with(prefix))
            .unwrap()
            .clone()
    };
    let (arch_sheet, struct_sheet) = (sheet("建施"), sheet("结施"));

    // Tuesday 1 December: A (residential) and B (public) are submitted and assigned; C
    // (industrial) is only registered.
    let (a, a1) = center
        .register(&people, "2026-331021-47-01-003218", "residential")
        .await;
    let (b, b1) = center
        .register(&people, "2026-331021-47-01-003219", "public")
        .await;
    center
        .register(&people, "2026-331021-47-01-003220", "industrial")
        .await;
    center.submit(&people, &a, &a1, &first).await;
    center.submit(&people, &b, &b1, &first).await;
    center.assign(&people, &a, &a1).await;
    center.assign(&people, &b, &b1).await;

    // A's round 1: five opinions, two citing 5.5.17 (typed two ways).
    let arch_opinions = [
        (
            "mandatory",
            "must_change",
            Some("GB 50016-2014(2018年版) 第5.5.17条"),
        ),
        (
            "mandatory",
            "must_change",
            Some("GB50016-2014（2018年版）6.4.1"),
        ),
        ("general", "advice", Some("GB50016-2014(2018年版)5.5.17")),
    ];
    for (kind, severity, clause) in arch_opinions {
        center
            .staff(
                &people.architect,
                "save_opinion",
                opinion(&a1, "architecture", &arch_sheet, kind, severity, clause),
            )
            .await;
    }
    let struct_opinions = [
        ("design_depth", "advice", None),
        ("mandatory", "must_change", Some("GB 55001-2021 第2.1.1条")),
    ];
    for (kind, severity, clause) in struct_opinions {
        center
            .staff(
                &people.lead,
                "save_opinion",
                opinion(&a1, "structure", &struct_sheet, kind, severity, clause),
            )
            .await;
    }
    // B's drafts are never released: they are not counted.
    center
        .staff(
            &people.architect,
            "save_opinion",
            opinion(
                &b1,
                "architecture",
                &arch_sheet,
                "policy",
                "advice",
                Some("GB 50016-2014(2018年版) 第5.5.17条"),
            ),
        )
        .await;

    // Friday 4 December: A's round 1 is released (2 working days: the 2nd and the 4th), the
    // applicant answers and submits round 2 the same day.
    center.day(3);
    let people = center.people().await;
    center
        .staff(&people.lead, "release_opinions", json!({ "round_id": a1 }))
        .await;
    let view = center.project(&people, &a).await;
    for opinion in view["opinions"].as_array().unwrap() {
        center
            .portal(
                &people,
                "reply_opinion",
                json!({ "opinion_id": opinion["id"], "reply": { "kind": "explained" },
                    "text": "已按规范复核，见设计说明" }),
            )
            .await;
    }
    let a2 = Uuid::new_v4().to_string();
    center
        .portal(
            &people,
            "open_round",
            json!({ "project_id": a, "round_id": a2 }),
        )
        .await;
    center.submit(&people, &a, &a2, &revised).await;
    center.assign(&people, &a, &a2).await;
    let view = center.project(&people, &a).await;
    for opinion in view["opinions"].as_array().unwrap() {
        center
            .staff(
                &people.lead,
                "close_opinion",
                json!({ "opinion_id": opinion["id"] }),
            )
            .await;
    }

    // Friday 11 December: round 2 (5 days allowed: the 5th, 7th, 8th, 9th and 10th) is
    // released a day late, and A is certified.
    center.day(10);
    let people = center.people().await;
    center
        .staff(&people.lead, "release_opinions", json!({ "round_id": a2 }))
        .await;
    center
        .staff(
            &people.lead,
            "issue_certificate",
            json!({ "id": Uuid::new_v4(), "project_id": a }),
        )
        .await;
    assert_eq!(
        center.project(&people, &a).await["project"]["state"],
        "certified"
    );

    // Thursday 17 December: B's round 1 was due on the 15th and is still open.
    center.day(16);
    let people = center.people().await;
    let stats = center.stats(&people.lead, "").await;
    assert_eq!(stats["from"], Value::Null);
    assert_eq!(stats["as_of"], "2026-12-17");

    let projects = &stats["projects"];
    assert_eq!(projects["total"], 3, "{projects}");
    assert_eq!(
        counts(&projects["by_state"], "state"),
        pairs(&[
            ("preparing", 1),
            ("in_review", 1),
            ("with_applicant", 0),
            ("certified", 1)
        ])
    );
    assert_eq!(
        counts(&projects["by_kind"], "kind"),
        pairs(&[
            ("residential", 1),
            ("public", 1),
            ("industrial", 1),
            ("municipal", 0)
        ])
    );
    assert_eq!(
        (
            &projects["rounds"],
            &projects["first_rounds"],
            &projects["later_rounds"]
        ),
        (&json!(3), &json!(2), &json!(1))
    );
    assert_eq!(projects["rounds_per_certified"], 2.0);

    let opinions = &stats["opinions"];
    assert_eq!(
        opinions["all"],
        json!({ "specialty": null, "total": 5, "mandatory": 3, "general": 1, "policy": 0,
            "design_depth": 1, "must_change": 3, "advice": 2 })
    );
    let arch = row(&opinions["by_specialty"], "architecture");
    assert_eq!(
        (&arch["total"], &arch["mandatory"], &arch["general"]),
        (&json!(3), &json!(2), &json!(1))
    );
    let structure = row(&opinions["by_specialty"], "structure");
    assert_eq!(
        (
            &structure["design_depth"],
            &structure["must_change"],
            &structure["advice"]
        ),
        (&json!(1), &json!(1), &json!(1))
    );

    assert_eq!(
        stats["top_clauses"][0],
        json!({ "clause": "GB 50016-2014(2018年版) 第5.5.17条", "count": 2 })
    );
    assert_eq!(stats["top_clauses"].as_array().unwrap().len(), 3);
    assert_eq!(
        stats["top_standards"][0],
        json!({ "standard": "GB 50016-2014(2018年版)", "count": 3, "clauses": [
            { "clause": "GB 50016-2014(2018年版) 第5.5.17条", "count": 2 },
            { "clause": "GB 50016-2014(2018年版) 第6.4.1条", "count": 1 },
        ] })
    );
    assert_eq!(stats["top_standards"][1]["standard"], "GB 55001-2021");

    // Each specialty: round 1 of A on time in 2 working days (the holiday not counted), round
    // 2 of A late in 6 (the swapped Saturday counted), round 1 of B open past its due day.
    for specialty in ["architecture", "structure"] {
        let tasks = row(&stats["tasks"]["by_specialty"], specialty);
        assert_eq!(
            tasks,
            &json!({ "specialty": specialty, "tasks": 3, "done": 2, "open": 1,
                "closed_by_certificate": 0, "days_used_mean": 4.0, "days_used_max": 6,
                "days_allowed_mean": 7.5, "on_time": 1, "late_done": 1, "late_open": 1,
                "late": 2, "on_time_rate": 1.0 / 3.0 }),
            "{specialty}"
        );
    }
    let all = &stats["tasks"]["all"];
    assert_eq!(
        (&all["tasks"], &all["on_time"], &all["late"]),
        (&json!(6), &json!(2), &json!(4))
    );

    // Accepted from the 4th on: round 2 of A alone; no project came in, no opinion was raised.
    let later = center
        .stats(&people.lead, "?from=2026-12-04&to=2026-12-31")
        .await;
    assert_eq!(
        (later["from"].as_str(), later["to"].as_str()),
        (Some("2026-12-04"), Some("2026-12-31"))
    );
    assert_eq!(later["projects"]["total"], 0);
    assert_eq!(later["projects"]["rounds"], 1);
    assert_eq!(later["projects"]["later_rounds"], 1);
    assert_eq!(later["opinions"]["all"]["total"], 0);
    assert_eq!(later["top_clauses"], json!([]));
    let all = &later["tasks"]["all"];
    assert_eq!(
        (&all["tasks"], &all["late_done"], &all["days_used_max"]),
        (&json!(2), &json!(2), &json!(6))
    );
    // The 1st alone: every project came in, with every opinion.
    let first_day = center
        .stats(&people.lead, "?from=2026-12-01&to=2026-12-01")
        .await;
    assert_eq!(first_day["projects"]["total"], 3);
    assert_eq!(first_day["projects"]["rounds"], 2);
    assert_eq!(first_day["opinions"]["all"]["total"], 5);
    assert_eq!(first_day["tasks"]["all"]["tasks"], 4);

    // Bad ranges are refused with the reason.
    for (query, reason) in [
        ("?from=2026-13-01&to=2026-12-31", "stats_bad_date"),
        ("?from=2026-12-31&to=2026-12-01", "stats_range_reversed"),
        ("?from=2025-01-01&to=2026-12-31", "stats_range_too_long"),
    ] {
        let (status, refused) = center
            .get(&format!("/api/review/stats{query}"), &people.lead)
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {refused}"
        );
        assert_eq!(refused["reason"], reason);
    }

    // Only review leads see them, in the reader's language.
    let refused = center
        .get_in("/api/review/stats", &people.architect, "zh-CN")
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["reason"], "review_stats_forbidden");
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap()
            .contains("审查负责人"),
        "{}",
        refused.json()
    );
    let refused = center
        .get_in(
            "/api/review/stats/export?format=csv",
            &people.architect,
            "en",
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap()
            .contains("review leads")
    );
    let (status, _) = center.get("/api/review/stats", &people.applicant).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The exports: a CSV Excel reads as UTF-8, naming the specialties in Chinese, and a
    // workbook with a sheet per table.
    let csv = center
        .get_in("/api/review/stats/export?format=csv", &people.lead, "zh-CN")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment; "), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E5%AE%A1%E5%9B%BE%E7%BB%9F%E8%AE%A1_"),
        "审图统计_: {disposition}"
    );
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"), "no byte-order mark");
    let text = String::from_utf8(csv.bytes[3..].to_vec()).unwrap();
    for expected in [
        "建筑,3,2,1,0,0,2,1",
        "结构,2,1,0,0,1,1,1",
        "合计,5,3,1,0,1,3,2",
        "GB 50016-2014(2018年版) 第5.5.17条,2",
        "建筑,3,2,1,0,4.00,6,7.50,1,1,1,2,33.3%",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    assert!(text.contains("\r\n"));

    let (status, refused) = center.get("/api/review/stats/export", &people.lead).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["reason"], "stats_format");

    let xlsx = center
        .get_in(
            "/api/review/stats/export?format=xlsx&from=2026-12-01&to=2026-12-31",
            &people.lead,
            "en",
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK\x03\x04"), "not a zip");
    assert!(
        xlsx.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("review_stats_2026-12-01_2026-12-31.xlsx")
    );
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx.bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Opinions",
            "Working days",
            "Clauses cited",
            "Standards cited"
        ]
    );
    let opinions = book.worksheet_range("Opinions").unwrap();
    let total = opinions.rows().find(|r| r[0] == "Total").unwrap();
    assert_eq!(total[1].to_string(), "5");
    let clauses = book.worksheet_range("Clauses cited").unwrap();
    assert_eq!(
        clauses.rows().nth(1).unwrap()[1].to_string(),
        "GB 50016-2014(2018年版) 第5.5.17条"
    );
}

conformance!(review_figures_match_those_worked_out_by_hand);
