//! Drawing review through the real router, on SQLite and on PostgreSQL: an organisation signs
//! up and is approved, registers a project, uploads a generated drawing set over a connection
//! that drops part-way, has bad files refused with the reason, confirms the sheet list and
//! submits; a second organisation sees none of it, and staff routes stay closed to applicants.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use onetrip_drawings::{SetOptions, generate};
use onetrip_server::clock::ManualClock;
use onetrip_server::seed::{DEMO_PASSWORD, seed_demo};
use onetrip_server::state::AppState;
use onetrip_server::uploads::Files;
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

use crate::support::{TestDb, conformance};

/// 2026-12-01 10:00 in the service center (UTC+8).
pub(crate) const NOW: i64 = 1_796_090_400_000;

pub(crate) struct Portal {
    pub(crate) state: AppState,
    pub(crate) db: TestDb,
}

impl Portal {
    pub(crate) async fn new(db: TestDb) -> Portal {
        seed_demo(db.storage.as_ref(), NOW).await.unwrap();
        let mut state =
            onetrip_server::app::state(db.storage.0.clone(), Arc::new(ManualClock::new(NOW)))
                .unwrap();
        let mut files = Files::temporary().unwrap();
        files.intake.program = PathBuf::from(env!("CARGO_BIN_EXE_onetrip-server"));
        state.files = Arc::new(files);
        crate::permits::store_materials(&state).await;
        Portal { state, db }
    }

    pub(crate) async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
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

    pub(crate) fn request(
        method: &str,
        path: &str,
        token: Option<&str>,
    ) -> axum::http::request::Builder {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        request
    }

    pub(crate) async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.send(
            Self::request("GET", path, Some(token))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub(crate) async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        self.send(
            Self::request("POST", path, token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    pub(crate) async fn patch(
        &self,
        path: &str,
        token: &str,
        offset: u64,
        body: Body,
    ) -> (StatusCode, Value) {
        self.send(
            Self::request("PATCH", path, Some(token))
                .header("upload-offset", offset.to_string())
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(body)
                .unwrap(),
        )
        .await
    }

    pub(crate) async fn login(&self, username: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/api/auth/login",
            None,
            json!({ "username": username, "password": password }),
        )
        .await
    }

    pub(crate) async fn token(&self, username: &str, password: &str) -> String {
        let (status, body) = self.login(username, password).await;
        assert_eq!(status, StatusCode::OK, "{username}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn command(
        &self,
        token: &str,
        kind: &str,
        payload: Value,
    ) -> (StatusCode, Value) {
        self.post(
            "/api/portal/commands",
            Some(token),
            json!({ "id": Uuid::new_v4(), "kind": kind, "payload": payload }),
        )
        .await
    }

    /// Uploads `bytes` whole into the round; the final status.
    pub(crate) async fn upload(&self, token: &str, round: &str, name: &str, bytes: &[u8]) -> Value {
        let (status, started) = self
            .post(
                "/api/portal/uploads",
                Some(token),
                json!({ "round_id": round, "file_name": name, "size": bytes.len() }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{started}");
        let path = format!("/api/portal/uploads/{}", started["id"].as_str().unwrap());
        let (status, done) = self
            .patch(&path, token, 0, Body::from(bytes.to_vec()))
            .await;
        assert_eq!(status, StatusCode::OK, "{done}");
        done
    }
}

pub(crate) const CREDIT_CODE: &str = "91330000MA2ABCDE1L";
/// The same code as a Chinese input method types it: full-width.
pub(crate) const CREDIT_CODE_FULL_WIDTH: &str = "９１３３００００ＭＡ２ＡＢＣＤＥ１Ｌ";

pub(crate) fn sign_up(username: &str, credit_code: &str) -> Value {
    json!({
        "username": username,
        "password": "Jianshe@2026",
        "display_name": "王经办",
        "organisation_name": "玉环市城市建设投资有限公司",
        "credit_code": credit_code,
        "phone": "13805761234",
    })
}

async fn the_whole_intake_of_a_round(db: TestDb) {
    let portal = Portal::new(db).await;
    let valid_code = onetrip_domain::identity::check_credit_code(CREDIT_CODE);
    assert!(valid_code.is_ok(), "the test's credit code must be valid");

    // An organisation signs up; until approved it cannot sign in.
    let (status, registration) = portal
        .post(
            "/api/portal/sign-up",
            None,
            sign_up("yhct", CREDIT_CODE_FULL_WIDTH),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{registration}");
    assert_eq!(registration["credit_code"], CREDIT_CODE);
    assert_eq!(registration["state"], "pending");
    let (status, _) = portal.login("yhct", "Jianshe@2026").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A wrong check character is refused with the reason.
    let (status, refused) = portal
        .post(
            "/api/portal/sign-up",
            None,
            sign_up("other", "91330000MA2ABCDE1M"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("校验"),
        "{refused}"
    );

    let supervisor = portal.token("supervisor", DEMO_PASSWORD).await;
    let (status, pending) = portal
        .get("/api/applicants/registrations", &supervisor)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let approve = format!(
        "/api/applicants/registrations/{}/approve",
        registration["id"].as_str().unwrap()
    );
    let (status, approved) = portal.post(&approve, Some(&supervisor), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let (status, again) = portal.post(&approve, Some(&supervisor), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "approved once only: {again}");

    let applicant = portal.token("yhct", "Jianshe@2026").await;
    let (status, me) = portal.get("/api/portal/me", &applicant).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["credit_code"], CREDIT_CODE);
    // Staff routes stay closed to an applicant, and the portal's to staff.
    let (status, _) = portal.get("/api/config", &applicant).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = portal.get("/api/portal/projects", &supervisor).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A project, with its code typed full-width.
    let project_id = Uuid::new_v4();
    let round_id = Uuid::new_v4();
    let draft = json!({
        "id": project_id,
        "code": "２０２６－３３１０２１－４７－０１－００３２１８",
        "name": "玉环市漩门湾安置小区二期",
        "builder": "玉环市城市建设投资有限公司",
        "designer": "台州市建筑设计研究院有限公司",
        "town": "玉城街道",
        "kind": "residential",
        "floor_area_m2": "52,318.4",
        "specialties": ["architecture", "structure", "plumbing", "hvac", "electrical"],
        "first_round_id": round_id,
    });
    let (status, outcome) = portal
        .command(&applicant, "register_project", draft.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["record"]["code"], "2026-331021-47-01-003218");
    assert_eq!(outcome["record"]["floor_area_m2"], "52318.40");
    let mut twice = draft.clone();
    twice["id"] = json!(Uuid::new_v4());
    twice["first_round_id"] = json!(Uuid::new_v4());
    let (status, taken) = portal.command(&applicant, "register_project", twice).await;
    assert_eq!(status, StatusCode::CONFLICT, "{taken}");
    assert_eq!(taken["reason"], "project_code_taken");
    // Staff cannot register on the applicant's behalf through the staff endpoint.
    let (status, _) = portal
        .post(
            "/api/commands",
            Some(&supervisor),
            json!({ "id": Uuid::new_v4(), "kind": "register_project", "payload": draft }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The drawing set arrives over a connection that drops after the first part.
    let set = generate(&SetOptions {
        sheets_per_specialty: [3, 2, 1, 1, 1],
        segments_per_sheet: 400,
        ..SetOptions::default()
    })
    .unwrap();
    let file = &set.files[0];
    let round = round_id.to_string();
    let (status, started) = portal
        .post(
            "/api/portal/uploads",
            Some(&applicant),
            json!({ "round_id": round, "file_name": "C:\\图纸\\送审图.pdf", "size": file.bytes.len() }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    assert_eq!(started["file_name"], "送审图.pdf");
    let path = format!("/api/portal/uploads/{}", started["id"].as_str().unwrap());
    let cut = file.bytes.len() / 3;
    let dropped = Body::from_stream(futures::stream::iter(vec![
        Ok::<Bytes, std::io::Error>(Bytes::copy_from_slice(&file.bytes[..cut])),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "cable pulled",
        )),
    ]));
    let _ = portal.patch(&path, &applicant, 0, dropped).await;
    let (status, standing) = portal.get(&path, &applicant).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        standing["received"], cut,
        "what arrived before the drop is kept"
    );
    assert_eq!(standing["state"], "receiving");
    // Resuming from the wrong place is refused with where it stands.
    let (status, wrong) = portal
        .patch(&path, &applicant, 0, Body::from(file.bytes.clone()))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{wrong}");
    assert_eq!(wrong["reason"], "upload_offset");
    let (status, done) = portal
        .patch(
            &path,
            &applicant,
            cut as u64,
            Body::from(file.bytes[cut..].to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["state"], "done", "{done}");

    // Intake read every sheet's number and title from its title block.
    let project_path = format!("/api/portal/projects/{project_id}");
    let (status, view) = portal.get(&project_path, &applicant).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let round_view = &view["rounds"][0];
    let sheets = round_view["sheets"].as_array().unwrap();
    assert_eq!(sheets.len(), set.manifest.len());
    for (sheet, truth) in sheets.iter().zip(&set.manifest) {
        assert_eq!(
            sheet["number"].as_str(),
            truth.sheet_number.as_deref(),
            "{sheet}"
        );
        assert!(sheet["confidence"].as_u64().unwrap() < 100);
    }
    assert_eq!(round_view["files"][0]["size"], file.bytes.len());
    let index = &round_view["index"];
    assert_eq!(index["missing"], json!([]), "{index}");
    assert_eq!(index["extra"], json!([]), "{index}");
    let blockers = round_view["blockers"].as_array().unwrap();
    assert!(
        blockers.iter().any(|b| b["kind"] == "unconfirmed"),
        "{blockers:?}"
    );
    // Submitting before the sheet list is confirmed is refused.
    let (status, blocked) = portal
        .command(&applicant, "submit_round", json!({ "round_id": round }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{blocked}");

    // Bad files are refused with the reason, in the uploader's language.
    let refused = portal
        .upload(&applicant, &round, "说明.docx", "这不是PDF".as_bytes())
        .await;
    assert_eq!(refused["state"], "refused");
    assert_eq!(refused["error"]["reason"], "not_pdf");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("不是 PDF")
    );
    let half = &file.bytes[..file.bytes.len() / 2];
    let truncated = portal.upload(&applicant, &round, "半截.pdf", half).await;
    assert_eq!(truncated["error"]["reason"], "pdf_truncated", "{truncated}");
    let (status, too_big) = portal
        .post(
            "/api/portal/uploads",
            Some(&applicant),
            json!({ "round_id": round, "file_name": "总图.pdf", "size": 600_000_000u64 }),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        too_big["message"].as_str().unwrap().contains("500 MB"),
        "{too_big}"
    );

    // The applicant corrects one number, confirms the rest, and submits.
    let mut edits: Vec<Value> = sheets
        .iter()
        .map(|sheet| {
            json!({
                "sheet_id": sheet["id"],
                "number": sheet["number"],
                "title": sheet["title"],
            })
        })
        .collect();
    edits[1]["number"] = json!("建施０１");
    let (status, confirmed) = portal
        .command(
            &applicant,
            "confirm_sheets",
            json!({ "round_id": round, "sheets": edits }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let (_, view) = portal.get(&project_path, &applicant).await;
    assert_eq!(view["rounds"][0]["sheets"][1]["number"], "建施-01");
    assert_eq!(view["rounds"][0]["blockers"], json!([]));
    let (status, submitted) = portal
        .command(&applicant, "submit_round", json!({ "round_id": round }))
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["record"]["state"], "in_review");
    let (_, view) = portal.get(&project_path, &applicant).await;
    assert_eq!(view["rounds"][0]["round"]["accepted_on"], "2026-12-01");
    let tasks = view["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 5);
    // Ten working days from Tuesday 1 December 2026.
    assert!(
        tasks.iter().all(|t| t["due_on"] == "2026-12-15"),
        "{tasks:?}"
    );
    let (status, _) = portal
        .command(&applicant, "submit_round", json!({ "round_id": round }))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "submitted once only"
    );

    // Another organisation sees none of it.
    let admin = portal.token("admin", DEMO_PASSWORD).await;
    let (status, _) = portal
        .post(
            "/api/applicants",
            Some(&admin),
            sign_up("tzsj", "91331000MA2DEFGH2W"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let other = portal.token("tzsj", "Jianshe@2026").await;
    let (_, theirs) = portal.get("/api/portal/projects", &other).await;
    assert_eq!(theirs, json!([]));
    let (status, _) = portal.get(&project_path, &other).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = portal.get(&path, &other).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor its uploads");

    // Staff's sync carries none of the portal's records yet.
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    let (_, page) = portal.get("/api/sync?since=0&limit=5000", &clerk).await;
    let kinds: Vec<&str> = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["entity"].as_str())
        .collect();
    assert!(kinds.iter().all(|k| !k.starts_with("review_")), "{kinds:?}");
}

impl Portal {
    /// A staff command through `/api/commands`.
    pub(crate) async fn staff(
        &self,
        token: &str,
        kind: &str,
        payload: Value,
    ) -> (StatusCode, Value) {
        self.post(
            "/api/commands",
            Some(token),
            json!({ "id": Uuid::new_v4(), "kind": kind, "payload": payload }),
        )
        .await
    }

    /// The kinds and ids of the changes `token`'s reader pulls from the start.
    pub(crate) async fn pulled(&self, token: &str) -> Vec<(String, String, Value)> {
        let (status, page) = self.get("/api/sync?since=0&limit=5000", token).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["entity"].as_str().unwrap().to_owned(),
                    c["id"].as_str().unwrap().to_owned(),
                    c["data"].clone(),
                )
            })
            .collect()
    }

    /// An applicant of an organisation the admin created (`yhct`, [`CREDIT_CODE`]): its token.
    pub(crate) async fn applicant(&self) -> String {
        let admin = self.token("admin", DEMO_PASSWORD).await;
        let (status, _) = self
            .post(
                "/api/applicants",
                Some(&admin),
                sign_up("yhct", CREDIT_CODE),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        self.token("yhct", "Jianshe@2026").await
    }

    /// An approved organisation's project with `set`'s file uploaded, confirmed and
    /// submitted; the applicant's token, the project's id and round 1's id.
    pub(crate) async fn submitted(
        &self,
        set: &onetrip_drawings::DrawingSet,
    ) -> (String, String, String) {
        let applicant = self.applicant().await;
        let (project, round) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
        let (status, outcome) = self
            .command(
                &applicant,
                "register_project",
                json!({
                    "id": project, "code": "2026-331021-47-01-003218", "name": "漩门湾安置小区二期",
                    "builder": "玉环市城市建设投资有限公司", "designer": "台州市建筑设计研究院有限公司",
                    "town": "玉城街道", "kind": "residential", "floor_area_m2": "52318.4",
                    "specialties": ["architecture", "structure", "plumbing", "hvac", "electrical"],
                    "first_round_id": round,
                }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
        self.submit_round(&applicant, &project, &round, set).await;
        (applicant, project, round)
    }

    /// Uploads the set into the round, confirms every sheet as read, and submits.
    pub(crate) async fn submit_round(
        &self,
        applicant: &str,
        project: &str,
        round: &str,
        set: &onetrip_drawings::DrawingSet,
    ) -> Value {
        for file in &set.files {
            let done = self.upload(applicant, round, &file.name, &file.bytes).await;
            assert_eq!(done["state"], "done", "{done}");
        }
        let (_, view) = self
            .get(&format!("/api/portal/projects/{project}"), applicant)
            .await;
        let round_view = view["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["round"]["id"] == round)
            .unwrap()
            .clone();
        let edits: Vec<Value> = round_view["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| json!({ "sheet_id": s["id"], "number": s["number"], "title": s["title"] }))
            .collect();
        let (status, outcome) = self
            .command(
                applicant,
                "confirm_sheets",
                json!({ "round_id": round, "sheets": edits }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
        let (status, outcome) = self
            .command(applicant, "submit_round", json!({ "round_id": round }))
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
        outcome
    }

    pub(crate) async fn add_reviewer(&self, username: &str, name: &str, specialty: &str) -> String {
        let id = Uuid::new_v4();
        self.db
            .storage
            .insert_account(
                &onetrip_server::auth::sql::NewAccount {
                    id,
                    username: username.into(),
                    display_name: name.into(),
                    role: onetrip_domain::auth::Role::Reviewer,
                    site_id: None,
                    specialty: Some(specialty.into()),
                    password_hash: onetrip_server::password::hash_password(DEMO_PASSWORD).unwrap(),
                },
                NOW,
            )
            .await
            .unwrap();
        id.to_string()
    }
}

fn task_of(view: &Value, round: &str, specialty: &str) -> String {
    view["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["round_id"] == round && t["specialty"] == specialty)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn opinion(round: &str, specialty: &str, sheet: &str, kind: &str, clause: Option<&str>) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "round_id": round,
        "specialty": specialty,
        "sheet_number": sheet,
        "markups": [{ "shape": "cloud", "rect": [1200, 900, 3400, 2100] }],
        "text": "疏散楼梯间的门应向疏散方向开启",
        "kind": kind,
        "severity": "must_change",
        "clause": clause,
    })
}

async fn a_round_from_assignment_to_resubmission(db: TestDb) {
    let portal = Portal::new(db).await;
    let options = SetOptions {
        sheets_per_specialty: [3, 2, 1, 1, 1],
        segments_per_sheet: 300,
        ..SetOptions::default()
    };
    let first = generate(&options).unwrap();
    let (applicant, project, round) = portal.submitted(&first).await;
    let architect = portal.add_reviewer("arch", "李建筑", "建筑").await;
    let engineer = portal.add_reviewer("struct", "陈结构", "结构").await;
    let lead = portal.token("supervisor", DEMO_PASSWORD).await;
    let arch = portal.token("arch", DEMO_PASSWORD).await;
    let structure = portal.token("struct", DEMO_PASSWORD).await;
    let project_path = format!("/api/portal/projects/{project}");
    let (_, view) = portal.get(&project_path, &applicant).await;

    // Before assignment a reviewer may not write, and sees nothing of the project.
    let (status, refused) = portal
        .staff(
            &arch,
            "save_opinion",
            opinion(&round, "architecture", "建施-01", "general", None),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{refused}");
    assert!(
        portal
            .pulled(&arch)
            .await
            .iter()
            .all(|(k, _, _)| !k.starts_with("review_"))
    );

    // The lead assigns each task to a reviewer of its specialty, and no one else.
    let arch_task = task_of(&view, &round, "architecture");
    let struct_task = task_of(&view, &round, "structure");
    let (status, wrong) = portal
        .staff(
            &lead,
            "assign_task",
            json!({ "task_id": struct_task, "reviewer_id": architect }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
    assert_eq!(wrong["reason"], "reviewer_specialty");
    let (status, _) = portal
        .staff(
            &arch,
            "assign_task",
            json!({ "task_id": arch_task, "reviewer_id": architect }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the lead assigns");
    for (task, reviewer) in [(&arch_task, &architect), (&struct_task, &engineer)] {
        let (status, outcome) = portal
            .staff(
                &lead,
                "assign_task",
                json!({ "task_id": task, "reviewer_id": reviewer }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
    }
    // Assigned, the reviewer's desktop pulls the whole project, sheets included.
    let pulled = portal.pulled(&arch).await;
    let sheets = pulled
        .iter()
        .filter(|(k, _, _)| k == "review_sheet")
        .count();
    assert!(sheets >= first.manifest.len(), "{sheets} sheets pulled");
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    assert!(
        portal
            .pulled(&clerk)
            .await
            .iter()
            .all(|(k, _, _)| !k.starts_with("review_"))
    );

    // The staff's own reads: the reviewer's projects, the file as uploaded, and for the lead
    // the reviewers by specialty.
    let (status, mine) = portal.get("/api/review/projects", &arch).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (status, _) = portal.get("/api/review/projects", &clerk).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, staff_view) = portal
        .get(&format!("/api/review/projects/{project}"), &arch)
        .await;
    let file_id = staff_view["rounds"][0]["files"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = onetrip_server::app::router(portal.state.clone(), None)
        .oneshot(
            Portal::request("GET", &format!("/api/review/files/{file_id}"), Some(&arch))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        bytes.as_ref(),
        first.files[0].bytes.as_slice(),
        "the original, unchanged"
    );
    let (status, _) = portal
        .get(&format!("/api/review/files/{file_id}"), &clerk)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, reviewers) = portal.get("/api/review/reviewers", &lead).await;
    assert!(
        reviewers
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["display_name"] == "陈结构" && r["specialty"] == "structure")
    );

    // The clause library offers the edition, and says what superseded its mandatory clauses.
    let (status, editions) = portal.get("/api/review/clauses?q=50016", &arch).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(editions[0]["title"], "建筑设计防火规范");
    assert_eq!(
        editions[0]["superseded"]["instead"],
        "GB 55037-2022 建筑防火通用规范"
    );
    let (_, fire) = portal
        .get("/api/review/clauses?q=%E9%98%B2%E7%81%AB", &arch)
        .await;
    assert!(
        fire.as_array()
            .unwrap()
            .iter()
            .any(|e| e["edition"] == "GB 55037-2022")
    );

    // A mandatory-clause opinion without its clause is refused; with it, the superseded
    // edition is flagged.
    let (status, refused) = portal
        .staff(
            &arch,
            "save_opinion",
            opinion(&round, "architecture", "建施-01", "mandatory", None),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "clause_required");
    let arch_opinion = opinion(
        &round,
        "architecture",
        "建施－０１",
        "mandatory",
        Some("GB50016-2014（2018年版）5.5.17"),
    );
    let (status, saved) = portal
        .staff(&arch, "save_opinion", arch_opinion.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["record"]["code"], "建-R1-01");
    assert_eq!(
        saved["record"]["clause"],
        "GB 50016-2014(2018年版) 第5.5.17条"
    );
    assert_eq!(
        saved["record"]["superseded"]["instead"],
        "GB 55037-2022 建筑防火通用规范"
    );
    let (status, saved) = portal
        .staff(
            &structure,
            "save_opinion",
            opinion(&round, "structure", "结施-01", "general", None),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["record"]["code"], "结-R1-01");
    let struct_opinion = saved["record"]["id"].as_str().unwrap().to_owned();
    // Writing for another specialty, or on a sheet the round does not have, is refused.
    let (status, _) = portal
        .staff(
            &structure,
            "save_opinion",
            opinion(&round, "architecture", "建施-01", "general", None),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, missing) = portal
        .staff(
            &arch,
            "save_opinion",
            opinion(&round, "architecture", "建施-99", "general", None),
        )
        .await;
    assert_eq!(
        missing["reason"], "sheet_not_in_round",
        "{status} {missing}"
    );

    // Drafts are private to their reviewer until released; the applicant sees none.
    let arch_id = arch_opinion["id"].as_str().unwrap();
    let seen_by = |pulled: &[(String, String, Value)], id: &str| {
        pulled
            .iter()
            .any(|(k, i, _)| k == "review_opinion" && i == id)
    };
    assert!(seen_by(&portal.pulled(&arch).await, arch_id));
    assert!(!seen_by(&portal.pulled(&structure).await, arch_id));
    let (_, view) = portal.get(&project_path, &applicant).await;
    assert_eq!(view["opinions"], json!([]));

    // The round is released only when every specialty has its reviewer; the lead takes the
    // remaining ones on themselves.
    let (status, refused) = portal
        .staff(&lead, "release_opinions", json!({ "round_id": round }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "tasks_unassigned");
    assert!(
        refused["message"].as_str().unwrap().contains("给排水"),
        "{refused}"
    );
    let (_, me) = portal.get("/api/auth/me", &lead).await;
    let (_, view) = portal.get(&project_path, &applicant).await;
    for specialty in ["plumbing", "hvac", "electrical"] {
        let task = task_of(&view, &round, specialty);
        let (status, outcome) = portal
            .staff(
                &lead,
                "assign_task",
                json!({ "task_id": task, "reviewer_id": me["id"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
    }

    // The lead releases the round: everyone on the project sees the opinions; the applicant too.
    let (status, released) = portal
        .staff(&lead, "release_opinions", json!({ "round_id": round }))
        .await;
    assert_eq!(status, StatusCode::OK, "{released}");
    assert_eq!(released["record"]["state"], "with_applicant");
    assert!(seen_by(&portal.pulled(&structure).await, arch_id));
    let (_, view) = portal.get(&project_path, &applicant).await;
    let codes: Vec<&str> = view["opinions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["建-R1-01", "结-R1-01"]);
    assert!(
        view["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["done_on"] == "2026-12-01")
    );
    // Released opinions no longer change.
    let (status, _) = portal
        .staff(&arch, "save_opinion", arch_opinion.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The applicant must answer every opinion before the next round goes in.
    let round2 = Uuid::new_v4().to_string();
    let (status, opened) = portal
        .command(
            &applicant,
            "open_round",
            json!({ "project_id": project, "round_id": round2 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    let revised = generate(&SetOptions {
        round: onetrip_drawings::Round::Revised,
        ..options.clone()
    })
    .unwrap();
    for file in &revised.files {
        portal
            .upload(&applicant, &round2, &file.name, &file.bytes)
            .await;
    }
    let (_, view) = portal.get(&project_path, &applicant).await;
    let blockers = &view["rounds"][1]["blockers"];
    assert!(
        blockers
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["kind"] == "unreplied" && b["opinions"] == 2),
        "{blockers}"
    );
    let (status, refused) = portal
        .command(
            &applicant,
            "reply_opinion",
            json!({ "opinion_id": arch_id, "reply": { "kind": "changed", "sheets": [] }, "text": "" }),
        )
        .await;
    assert_eq!(refused["reason"], "reply_sheets", "{status} {refused}");
    for (id, reply) in [
        (
            arch_id,
            json!({ "kind": "changed", "sheets": ["建施０１"] }),
        ),
        (struct_opinion.as_str(), json!({ "kind": "disagree" })),
    ] {
        let (status, outcome) = portal
            .command(
                &applicant,
                "reply_opinion",
                json!({ "opinion_id": id, "reply": reply, "text": "按规范复核，理由见设计说明" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
    }

    // Resubmitted in another order, the open opinions follow their sheet numbers.
    for file_id in view["rounds"][1]["files"].as_array().unwrap() {
        let (status, _) = portal
            .command(
                &applicant,
                "remove_file",
                json!({ "round_id": round2, "file_id": file_id["id"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let submitted = portal
        .submit_round(&applicant, &project, &round2, &revised)
        .await;
    assert_eq!(submitted["record"]["current_round"], 2);
    let (_, view) = portal.get(&project_path, &applicant).await;
    for opinion in view["opinions"].as_array().unwrap() {
        assert_eq!(opinion["round_id"], round2, "{opinion}");
        assert_eq!(opinion["carried"], "same", "{opinion}");
        assert_eq!(opinion["state"], "replied");
    }
    let round2_tasks: Vec<&Value> = view["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["round_id"] == round2)
        .collect();
    assert_eq!(round2_tasks.len(), 5);
    assert!(
        round2_tasks
            .iter()
            .all(|t| t["allowed_days"] == 5 && t["due_on"] == "2026-12-08")
    );

    // The new round is compared with the old one, sheet by sheet: only the sheet the revision
    // changed (and the index, whose list grew) differ, the changed area is found, and the
    // opinion carried onto 建施-01 is told whether its area changed.
    let truth = revised
        .manifest
        .iter()
        .find(|entry| entry.changed_region.is_some())
        .unwrap();
    let changed_number = truth.sheet_number.clone().unwrap();
    let mut view = Value::Null;
    // Compared in the background after the acceptance; two minutes even on a loaded machine.
    for _ in 0..1200 {
        view = portal.get(&project_path, &applicant).await.1;
        let compared = view["rounds"][1]["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !s["compared"].is_null())
            .count();
        let told = view["opinions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == arch_id && !o["region"].is_null());
        if compared >= first.manifest.len() && told {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for sheet in view["rounds"][1]["sheets"].as_array().unwrap() {
        let number = sheet["number"].as_str().unwrap();
        let in_first = first
            .manifest
            .iter()
            .any(|e| e.sheet_number.as_deref() == Some(number));
        if !in_first {
            assert!(
                sheet["compared"].is_null(),
                "the added sheet has nothing to compare: {sheet}"
            );
            continue;
        }
        let changed = sheet["compared"]["changed"]
            .as_bool()
            .unwrap_or_else(|| panic!("{sheet}"));
        assert_eq!(
            changed,
            number == changed_number || number == "目录",
            "{number}"
        );
    }
    let changed_sheet = view["rounds"][1]["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["number"] == changed_number.as_str())
        .unwrap();
    let [x0, y0, x1, y1] = truth.changed_region.unwrap();
    let covered = changed_sheet["compared"]["regions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| {
            let r: Vec<f32> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32 / 10.0)
                .collect();
            r[0] <= x0 + 5.0 && r[1] <= y0 + 5.0 && r[2] >= x1 - 5.0 && r[3] >= y1 - 5.0
        });
    assert!(covered, "{changed_sheet}");
    // The reviewer overlays it on round 1's: a PNG of the A1 sheet at 100 dpi.
    let sheet_id = changed_sheet["id"].as_str().unwrap();
    let (status, png) = portal
        .download(&format!("/api/review/sheets/{sheet_id}/overlay"), &arch)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    assert!((3300..=3320).contains(&width), "{width} px wide");
    let (status, _) = portal
        .download(&format!("/api/review/sheets/{sheet_id}/overlay"), &clerk)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let carried = view["opinions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == arch_id)
        .unwrap();
    let region = carried["region"]
        .as_str()
        .unwrap_or_else(|| panic!("{carried}"));
    // Its reply said 已修改 on 建施-01: unsupported exactly when nothing changed there.
    assert_eq!(
        carried["reply_unsupported"],
        region == "unchanged",
        "{carried}"
    );
    if changed_number != "建施-01" {
        assert_eq!(region, "unchanged");
    }

    // Round 2's tasks are assigned again; the reviewer closes what was fixed, and may reopen.
    let (_, view) = portal.get(&project_path, &applicant).await;
    let task = task_of(&view, &round2, "architecture");
    let (status, _) = portal
        .staff(
            &lead,
            "assign_task",
            json!({ "task_id": task, "reviewer_id": architect }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, closed) = portal
        .staff(&arch, "close_opinion", json!({ "opinion_id": arch_id }))
        .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    let (status, _) = portal
        .staff(
            &arch,
            "close_opinion",
            json!({ "opinion_id": struct_opinion }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another specialty's opinion");
    let (status, _) = portal
        .staff(&arch, "reopen_opinion", json!({ "opinion_id": arch_id }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, view) = portal.get(&project_path, &applicant).await;
    let states: Vec<&str> = view["opinions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["open", "replied"]);
    // The certificate lists what blocks it: the specialties not signed off or not assigned in
    // round 2, and the must-change opinions open.
    let blockers = view["certificate_blockers"].as_array().unwrap();
    let has = |kind: &str, specialty: &str| {
        blockers
            .iter()
            .any(|b| b["kind"] == kind && (specialty.is_empty() || b["specialty"] == specialty))
    };
    assert!(has("not_signed_off", "architecture"), "{blockers:?}");
    assert!(has("not_signed_off", "structure"), "{blockers:?}");
    assert!(has("unassigned", "structure"), "{blockers:?}");
    assert!(!has("unassigned", "architecture"), "{blockers:?}");
    assert!(has("must_change_open", ""), "{blockers:?}");

    // Round 1's consolidated letter, for the applicant: by specialty, with ids and clauses.
    let (status, letter) = portal
        .pdf(
            &format!("/api/portal/projects/{project}/letter?round=1"),
            &applicant,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&letter);
    for expected in [
        "施工图审查意见书",
        "第1轮（送审）",
        "建-R1-01",
        "结-R1-01",
        "一、建筑专业（审查人：李建筑）",
        "二、结构专业（审查人：陈结构）",
        "三、给排水专业",
        "本专业本轮无审查意见",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not in the letter:\n{text}"
        );
    }
    let (status, _) = portal
        .pdf(
            &format!("/api/portal/projects/{project}/certificate"),
            &applicant,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no certificate yet");

    // Round 2's file exported with the markups: drawn on, as named annotations, as XFDF.
    let file = view["rounds"][1]["files"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let export = |form: &str| format!("/api/portal/files/{file}/export?form={form}");
    let (status, flat) = portal.download(&export("flattened"), &applicant).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        pdf_text(&flat).contains("建-R1-01"),
        "the id labels its markup"
    );
    let (status, annotated) = portal
        .download(
            &format!("/api/review/files/{file}/export?form=annotated"),
            &arch,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(annotation_names(&annotated), ["建-R1-01", "结-R1-01"]);
    let (status, xfdf) = portal.download(&export("xfdf"), &applicant).await;
    assert_eq!(status, StatusCode::OK);
    let xfdf = String::from_utf8(xfdf).unwrap();
    assert!(xfdf.contains("name=\"建-R1-01\""), "{xfdf}");
    let (status, _) = portal
        .download(
            &format!("/api/review/files/{file}/export?form=flattened"),
            &clerk,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not the clerk's to see");

    // Issuing is refused while anything blocks it, and to anyone but the lead.
    let certificate = |id: Uuid| json!({ "id": id, "project_id": project });
    let (status, refused) = portal
        .staff(&lead, "issue_certificate", certificate(Uuid::new_v4()))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "certificate_blocked");
    let (status, _) = portal
        .staff(&arch, "issue_certificate", certificate(Uuid::new_v4()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Every specialty reviewed in round 2 and every opinion closed: the lead issues it.
    let (_, view) = portal.get(&project_path, &applicant).await;
    let struct_task = task_of(&view, &round2, "structure");
    let (status, _) = portal
        .staff(
            &lead,
            "assign_task",
            json!({ "task_id": struct_task, "reviewer_id": engineer }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for specialty in ["plumbing", "hvac", "electrical"] {
        let task = task_of(&view, &round2, specialty);
        let (status, _) = portal
            .staff(
                &lead,
                "assign_task",
                json!({ "task_id": task, "reviewer_id": me["id"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    for (token, id) in [(&arch, arch_id), (&structure, struct_opinion.as_str())] {
        let (status, outcome) = portal
            .staff(token, "close_opinion", json!({ "opinion_id": id }))
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
    }
    let (_, view) = portal.get(&project_path, &applicant).await;
    assert_eq!(view["certificate_blockers"], json!([]), "{view}");
    let first_id = Uuid::new_v4();
    let (status, issued) = portal
        .staff(&lead, "issue_certificate", certificate(first_id))
        .await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    let number = issued["record"]["number"].as_str().unwrap().to_owned();
    assert_eq!(number, "施审合字〔2026〕第0001号");
    let (_, view) = portal.get(&project_path, &applicant).await;
    assert_eq!(view["project"]["state"], "certified");
    assert_eq!(view["certificate"]["number"], number.as_str());
    let (status, again) = portal
        .staff(&lead, "issue_certificate", certificate(Uuid::new_v4()))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");

    // The certificate names every specialty's reviewer; its QR code checks as valid.
    let (status, pdf) = portal
        .pdf(
            &format!("/api/portal/projects/{project}/certificate"),
            &applicant,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    for expected in [
        "施工图设计文件审查合格书",
        &number,
        "李建筑",
        "陈结构",
        "第2轮（复审）",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not on the certificate:\n{text}"
        );
    }
    let payload = view["certificate"]["payload"].as_str().unwrap().to_owned();
    let (status, verdict) = portal
        .post("/api/verify", None, json!({ "payload": payload }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verdict["verdict"], "valid", "{verdict}");
    assert_eq!(verdict["claim"]["kind"], "review-certificate");

    // Reopening an opinion reopens the project and revokes the certificate, which /verify then
    // reports as revoked, naming the opinion.
    let (status, _) = portal
        .staff(&arch, "reopen_opinion", json!({ "opinion_id": arch_id }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, view) = portal.get(&project_path, &applicant).await;
    assert_eq!(view["project"]["state"], "in_review");
    assert_eq!(view["certificate"]["revoked"]["opinion_code"], "建-R1-01");
    let (_, verdict) = portal
        .post("/api/verify", None, json!({ "payload": payload }))
        .await;
    assert_eq!(verdict["verdict"], "revoked", "{verdict}");
    assert!(
        verdict["withdrawn"]["reason_zh"]
            .as_str()
            .unwrap()
            .contains("建-R1-01"),
        "{verdict}"
    );
    let (status, _) = portal
        .pdf(
            &format!("/api/portal/projects/{project}/certificate"),
            &applicant,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a revoked certificate is not printed"
    );
    // Closed again, the next certificate takes the next number; the revoked one keeps its own.
    let (status, _) = portal
        .staff(&arch, "close_opinion", json!({ "opinion_id": arch_id }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, issued) = portal
        .staff(&lead, "issue_certificate", certificate(Uuid::new_v4()))
        .await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    assert_eq!(issued["record"]["number"], "施审合字〔2026〕第0002号");
    let (_, verdict) = portal
        .post("/api/verify", None, json!({ "payload": payload }))
        .await;
    assert_eq!(verdict["verdict"], "revoked", "the first stays revoked");
    // The reviewer's desktop syncs the certificate with the project.
    assert!(
        portal
            .pulled(&arch)
            .await
            .iter()
            .any(|(k, id, _)| k == "review_certificate" && *id == first_id.to_string())
    );
}

/// The text of a PDF, as `pdftotext` reads it, without spaces or line breaks.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (scripts/setup.sh installs it)");
    assert!(output.status.success(), "pdftotext failed on the document");
    String::from_utf8_lossy(&output.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The names (`/NM`) of a PDF's annotations.
fn annotation_names(pdf: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let mut names = Vec::new();
    for page in document.get_pages().into_values() {
        for annotation in document.get_page_annotations(page).unwrap_or_default() {
            if let Ok(name) = annotation.get(b"NM") {
                names.push(lopdf::decode_text_string(name).unwrap());
            }
        }
    }
    names
}

impl Portal {
    /// A file's bytes, and the status.
    pub(crate) async fn download(&self, path: &str, token: &str) -> (StatusCode, Vec<u8>) {
        let response = onetrip_server::app::router(self.state.clone(), None)
            .oneshot(
                Portal::request("GET", path, Some(token))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    }

    /// A document's bytes, and the status.
    pub(crate) async fn pdf(&self, path: &str, token: &str) -> (StatusCode, Vec<u8>) {
        let response = onetrip_server::app::router(self.state.clone(), None)
            .oneshot(
                Portal::request("GET", path, Some(token))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status();
        if status == StatusCode::OK {
            assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    }
}

conformance!(
    the_whole_intake_of_a_round,
    a_round_from_assignment_to_resubmission
);
