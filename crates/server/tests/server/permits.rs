//! Drainage permits through the real router, on SQLite and on PostgreSQL: applications from the
//! window and the portal, checked against their templates; a cohort's dry run; a batch of 500
//! with 3 exceptions approved all or nothing (a failure part-way leaves nothing approved and no
//! number used), numbered in order without a gap; `/verify` for a permit, a voided one and a
//! superseded one.

use axum::http::StatusCode;
use onetrip_domain::permits::AddressOrder;
use onetrip_server::seed::DEMO_PASSWORD;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::review::{CREDIT_CODE, CREDIT_CODE_FULL_WIDTH, Portal};
use crate::support::{TestDb, conformance};

/// A valid resident ID number for person `n` (0–999): born 1980-01-01 in 玉环.
pub(crate) fn resident_id(n: u32) -> String {
    onetrip_domain::identity::complete_resident_id(&format!("33102119800101{:03}", n % 1000))
        .unwrap()
}

const TOWNS: [&str; 3] = ["楚门镇", "坎门街道", "大麦屿街道"];

/// The materials of a small restaurant's application (一表一图一承诺), by kind and file name.
pub(crate) const MATERIALS: [(&str, &str); 4] = [
    ("application_form", "申请表.pdf"),
    ("drainage_drawing", "排水图.pdf"),
    ("separation_pledge", "雨污分流承诺书.pdf"),
    ("water_quality_pledge", "水质承诺书.pdf"),
];

/// A whole (if tiny) PDF standing for one material.
pub(crate) fn material_pdf(kind: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {kind}\n%%EOF\n").into_bytes()
}

/// Keeps the test materials in a server's blob store, as their uploads would.
pub(crate) async fn store_materials(state: &onetrip_server::state::AppState) {
    for (kind, _) in MATERIALS {
        let bytes = material_pdf(kind);
        state
            .files
            .blobs
            .put(&mut bytes.as_slice(), 1 << 20)
            .await
            .unwrap();
    }
}

/// A small restaurant's complete application (一表一图一承诺, with its grease trap).
pub(crate) fn restaurant(n: u32, town: &str) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "discharger": {
            "name": format!("玉环{n}号小吃店"),
            "id": { "kind": "person", "value": resident_id(n) },
            "legal_representative": "林小明",
            "address": format!("{town}人民路{}号", 1000 - n),
            "town": town,
            "industry": "catering",
            "contact_phone": "13805761234",
        },
        "outfalls": [{ "code": "WS-01", "location": "店后巷", "receiving": "人民路污水管" }],
        "daily_volume_litres": 2500,
        "pollutants": ["COD", "动植物油"],
        "pretreatment": ["grease_trap"],
        "sampling_well": false,
        "materials": MATERIALS.map(|(kind, name)| json!({
            "kind": kind,
            "blob": onetrip_server::blobs::BlobId::of(&material_pdf(kind)).to_string(),
            "name": name,
            "size": material_pdf(kind).len(),
        })),
    })
}

impl Portal {
    pub(crate) async fn submit(&self, token: &str, draft: &Value) -> Value {
        let (status, outcome) = self
            .staff(token, "submit_permit_application", draft.clone())
            .await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
        outcome["record"].clone()
    }

    pub(crate) async fn dry_run(&self, token: &str) -> Value {
        let (status, run) = self.get("/api/permits/dry-run", token).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        run
    }

    async fn verify(&self, payload: &str) -> Value {
        let (status, verdict) = self
            .post("/api/verify", None, json!({ "payload": payload }))
            .await;
        assert_eq!(status, StatusCode::OK, "{verdict}");
        verdict
    }
}

pub(crate) fn ids(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["application_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_batch_is_all_or_nothing_and_numbered_in_order(db: TestDb) {
    let portal = Portal::new(db).await;
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    let officer = portal.token("permit", DEMO_PASSWORD).await;

    // 500 complete applications at the window, and three exceptions: no grease trap, no
    // drawing, and a second application for a discharger's outfall already applied for.
    let mut submitted = Vec::new();
    for n in 0..500 {
        submitted.push(
            portal
                .submit(&clerk, &restaurant(n, TOWNS[n as usize % 3]))
                .await,
        );
    }
    let mut no_trap = restaurant(900, "楚门镇");
    no_trap["pretreatment"] = json!([]);
    let mut no_drawing = restaurant(901, "楚门镇");
    no_drawing["materials"].as_array_mut().unwrap().remove(1);
    let mut again = restaurant(7, "坎门街道");
    again["discharger"]["address"] = json!("坎门街道人民路993号");
    let no_trap = portal.submit(&clerk, &no_trap).await;
    let no_drawing = portal.submit(&clerk, &no_drawing).await;
    let again = portal.submit(&clerk, &again).await;
    assert_eq!(
        no_trap["reasons"][0]["code"], "missing_pretreatment",
        "{no_trap}"
    );
    assert!(
        submitted[0]["reasons"].as_array().unwrap().is_empty(),
        "{}",
        submitted[0]
    );
    assert_eq!(submitted[0]["channel"], "window");
    assert_eq!(again["duplicate_of"], submitted[7]["id"]);

    // The dry run: 500 eligible in town then address order with the numbers they would get,
    // 3 exceptions with their reasons. Nothing is written.
    let run = portal.dry_run(&officer).await;
    let eligible = run["eligible"].as_array().unwrap();
    assert_eq!(eligible.len(), 500);
    assert_eq!(
        run["exceptions"].as_array().unwrap().len(),
        3,
        "{}",
        run["exceptions"]
    );
    let order: Vec<(String, String)> = eligible
        .iter()
        .map(|r| {
            (
                r["town"].as_str().unwrap().into(),
                r["address"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort_by_cached_key(|(town, address)| (town.clone(), AddressOrder::of(address)));
    assert_eq!(order, sorted, "numbered by town, then address");
    // House numbers by value: 人民路501号 before 人民路1000号.
    let chumen: Vec<&str> = order
        .iter()
        .filter(|(town, _)| town == "楚门镇")
        .map(|(_, address)| address.as_str())
        .collect();
    assert!(
        chumen.windows(2).all(|w| w[0].len() <= w[1].len()),
        "{chumen:?}"
    );
    assert_eq!(eligible[0]["number"], "玉排许字〔2026〕第0001号");
    assert_eq!(eligible[499]["number"], "玉排许字〔2026〕第0500号");
    let duplicate = run["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["application_id"] == again["id"])
        .unwrap();
    assert_eq!(duplicate["reasons"][0]["code"], "duplicate");
    // The exceptions go out as a list, one line each with its reasons.
    let (status, csv) = portal
        .download("/api/permits/dry-run/exceptions?format=csv", &officer)
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains("缺少预处理设施：隔油池"), "{csv}");
    assert!(csv.contains("玉环901号小吃店"), "{csv}");
    let (status, _) = portal
        .download("/api/permits/dry-run/exceptions", &officer)
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the format is asked for"
    );

    // A failure part-way (number 0250 is already on a stray row, so writing that permit
    // fails) leaves nothing approved and no number used.
    let stray = no_trap["id"].as_str().unwrap();
    let insert: &'static str = Box::leak(
        format!(
            "INSERT INTO permits (id, application_id, site_id, prefix, year, seq, number, state,
             batch_id, expires_on, data) VALUES ('{}', '{stray}', 'x', '玉排许字', 2026, 250,
             '玉排许字〔2026〕第0250号', 'active', 'x', '2031-11-30', '{{}}')",
            Uuid::new_v4()
        )
        .into_boxed_str(),
    );
    portal.db.raw_execute(insert).await.unwrap();
    let all: Vec<String> = ids(&run["eligible"])
        .into_iter()
        .chain(ids(&run["exceptions"]))
        .collect();
    let batch = json!({ "batch_id": Uuid::new_v4(), "application_ids": all });
    let (status, failed) = portal
        .staff(&officer, "approve_permits", batch.clone())
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{failed}");
    let after = portal.dry_run(&officer).await;
    assert_eq!(
        after["eligible"].as_array().unwrap().len(),
        500,
        "nothing was approved"
    );
    assert_eq!(
        after["eligible"][0]["number"], "玉排许字〔2026〕第0001号",
        "no number used"
    );
    portal
        .db
        .raw_execute("DELETE FROM permits WHERE seq = 250 AND batch_id = 'x'")
        .await
        .unwrap();

    // Approved again (a new command: the failed one was never applied): 500 permits, numbers
    // 0001 to 0500 in the dry run's order, the three exceptions untouched.
    let batch = json!({ "batch_id": Uuid::new_v4(), "application_ids": ids(&run["eligible"]).into_iter().chain(ids(&run["exceptions"])).collect::<Vec<_>>() });
    let (status, outcome) = portal.staff(&officer, "approve_permits", batch).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    let permits = outcome["record"]["permits"].as_array().unwrap();
    assert_eq!(permits.len(), 500);
    assert_eq!(outcome["record"]["exceptions"].as_array().unwrap().len(), 3);
    for (i, (permit, row)) in permits.iter().zip(eligible).enumerate() {
        assert_eq!(
            permit["number"],
            format!("玉排许字〔2026〕第{:04}号", i + 1)
        );
        assert_eq!(permit["application_id"], row["application_id"]);
        assert_eq!(permit["issued_on"], "2026-12-01");
        assert_eq!(permit["expires_on"], "2031-11-30", "five years less a day");
    }
    let rest = portal.dry_run(&officer).await;
    assert!(rest["eligible"].as_array().unwrap().is_empty());
    assert_eq!(rest["exceptions"].as_array().unwrap().len(), 3);
    let (_, listed) = portal.get("/api/permits", &officer).await;
    assert_eq!(listed.as_array().unwrap().len(), 500);

    // The QR verifies; a voided permit keeps its number and reads as withdrawn; a change of
    // outfall is a new permit, the next number, and the old one reads as superseded.
    let first = &permits[0];
    let verdict = portal.verify(first["payload"].as_str().unwrap()).await;
    assert_eq!(verdict["verdict"], "valid", "{verdict}");
    assert_eq!(verdict["claim"]["kind"], "drainage-permit");
    let (status, voided) = portal
        .staff(
            &officer,
            "void_permit",
            json!({ "permit_id": first["id"], "reason": "排水户歇业" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{voided}");
    assert_eq!(voided["record"]["number"], first["number"]);
    let verdict = portal.verify(first["payload"].as_str().unwrap()).await;
    assert_eq!(verdict["verdict"], "revoked", "{verdict}");
    assert!(
        verdict["withdrawn"]["reason_zh"]
            .as_str()
            .unwrap()
            .contains("排水户歇业"),
        "{verdict}"
    );
    let (status, twice) = portal
        .staff(
            &officer,
            "void_permit",
            json!({ "permit_id": first["id"], "reason": "再次" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{twice}");

    let second = &permits[1];
    let application = submitted
        .iter()
        .find(|a| a["id"] == second["application_id"])
        .unwrap();
    let mut change = application["draft"].clone();
    change["id"] = json!(Uuid::new_v4());
    change["supersedes"] = second["id"].clone();
    change["outfalls"] =
        json!([{ "code": "WS-02", "location": "店前", "receiving": "人民路污水管" }]);
    let changed = portal.submit(&clerk, &change).await;
    assert!(
        changed["reasons"].as_array().unwrap().is_empty(),
        "{changed}"
    );
    let batch = json!({ "batch_id": Uuid::new_v4(), "application_ids": [changed["id"]] });
    let (status, outcome) = portal.staff(&officer, "approve_permits", batch).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(
        outcome["record"]["permits"][0]["number"],
        "玉排许字〔2026〕第0501号"
    );
    let verdict = portal.verify(second["payload"].as_str().unwrap()).await;
    assert_eq!(verdict["verdict"], "revoked", "{verdict}");
    assert!(
        verdict["withdrawn"]["reason_zh"]
            .as_str()
            .unwrap()
            .contains("第0501号"),
        "{verdict}"
    );

    // Only officers approve; the batch says why an application it names is left out.
    let batch = json!({ "batch_id": Uuid::new_v4(), "application_ids": [no_drawing["id"]] });
    let (status, refused) = portal.staff(&clerk, "approve_permits", batch).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
}

async fn a_discharger_applies_in_the_portal(db: TestDb) {
    let portal = Portal::new(db).await;
    let applicant = portal.applicant().await;

    // A full-width credit code, as a Chinese input method types it, is accepted and kept
    // normalised; zero trips.
    let mut draft = restaurant(1, "玉城街道");
    draft["discharger"]["id"] = json!({ "kind": "organisation", "value": CREDIT_CODE_FULL_WIDTH });
    let (status, outcome) = portal
        .command(&applicant, "submit_permit_application", draft)
        .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    let record = &outcome["record"];
    assert_eq!(record["channel"], "portal");
    assert_eq!(record["draft"]["discharger"]["id"]["value"], CREDIT_CODE);
    assert_eq!(record["organisation"], CREDIT_CODE);

    // A wrong check character is refused with the reason, in the applicant's language.
    let mut wrong = restaurant(2, "玉城街道");
    wrong["discharger"]["id"] = json!({ "kind": "organisation", "value": "91330000MA2ABCDE1M" });
    let (status, refused) = portal
        .command(&applicant, "submit_permit_application", wrong)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("校验位"),
        "{refused}"
    );

    // A material the draft names but never uploaded (or uploaded cut short) is refused by name.
    let mut unsent = restaurant(4, "玉城街道");
    unsent["discharger"]["id"] = json!({ "kind": "organisation", "value": CREDIT_CODE });
    unsent["materials"][1]["blob"] = json!("e".repeat(64));
    let (status, refused) = portal
        .command(&applicant, "submit_permit_application", unsent.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "material_missing");
    assert!(
        refused["message"].as_str().unwrap().contains("排水图.pdf"),
        "{refused}"
    );
    unsent["materials"][1]["blob"] = json!("not a blob");
    let (status, _) = portal
        .command(&applicant, "submit_permit_application", unsent.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    unsent["materials"][1] = restaurant(4, "玉城街道")["materials"][1].clone();
    unsent["materials"][1]["size"] = json!(999_999);
    let (status, _) = portal
        .command(&applicant, "submit_permit_application", unsent)
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a size the upload did not have"
    );

    // The organisation sees its own; staff see it in their cohort.
    let (status, mine) = portal
        .get("/api/portal/permit-applications", &applicant)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let officer = portal.token("permit", DEMO_PASSWORD).await;
    let (status, cohort) = portal
        .get("/api/permits/applications?industry=catering", &officer)
        .await;
    assert_eq!(status, StatusCode::OK, "{cohort}");
    assert_eq!(cohort.as_array().unwrap().len(), 1);
    let (status, none) = portal
        .get("/api/permits/applications?industry=car_wash", &officer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(none.as_array().unwrap().is_empty());
    // Staff routes stay closed to applicants.
    let (status, _) = portal.get("/api/permits/dry-run", &applicant).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A command id another kind of command used first is refused, not answered with that
    // command's outcome; the first command's replay still gets its own.
    let id = Uuid::new_v4();
    let void = json!({ "id": id, "kind": "void_permit", "payload": { "permit_id": Uuid::new_v4(), "reason": "歇业" } });
    let (first, _) = portal
        .post("/api/commands", Some(&officer), void.clone())
        .await;
    assert_eq!(first, StatusCode::NOT_FOUND);
    let other = json!({ "id": id, "kind": "submit_permit_application", "payload": restaurant(3, "玉城街道") });
    let (status, reused) = portal.post("/api/commands", Some(&officer), other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{reused}");
    assert_eq!(reused["reason"], "command_id_reused");
    let (again, _) = portal.post("/api/commands", Some(&officer), void).await;
    assert_eq!(again, StatusCode::NOT_FOUND);
}

/// Deciding a window case for the drainage-permit matter opens its application: the case's
/// acceptance starts the clock and the materials handed in on paper count; a case of another
/// matter, one not accepted, or none at all opens nothing, and the portal has no paper.
async fn a_window_case_opens_its_application(db: TestDb) {
    let portal = Portal::new(db).await;
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    let (status, config) = portal.get("/api/config", &clerk).await;
    assert_eq!(status, StatusCode::OK, "{config}");
    let matters = config["matters"].as_array().unwrap();
    let permit = matters
        .iter()
        .find(|m| m["name"] == "城镇污水排入排水管网许可")
        .unwrap();
    let other = matters
        .iter()
        .find(|m| m["name"] != permit["name"] && m["promised_days"].as_u64() > Some(0))
        .unwrap();
    let decide = async |matter: &Value, outcome: &str| {
        let provided = if outcome == "incomplete" {
            json!([])
        } else {
            matter["materials"].clone()
        };
        let (status, decided) = portal
            .staff(
                &clerk,
                "decide_case",
                json!({
                    "id": Uuid::new_v4(),
                    "ticket_id": null,
                    "matter_id": matter["id"],
                    "applicant": { "kind": "person", "value": resident_id(7) },
                    "applicant_name": "林小明",
                    "provided": provided,
                    "outcome": outcome,
                }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        decided["record"].clone()
    };
    let paper = |draft: &mut Value, case: &Value, materials: &[&str]| {
        draft["materials"] = json!([]);
        draft["case_id"] = case["id"].clone();
        draft["paper_materials"] = json!(materials);
    };

    let case = decide(permit, "accepted").await;
    let mut draft = restaurant(7, "楚门镇");
    let all = [
        "application_form",
        "drainage_drawing",
        "separation_pledge",
        "water_quality_pledge",
    ];
    paper(&mut draft, &case, &all);
    let application = portal.submit(&clerk, &draft).await;
    assert_eq!(application["channel"], "window");
    assert_eq!(application["case_id"], case["id"]);
    assert_eq!(application["site_id"], case["site_id"]);
    assert_eq!(application["reasons"], json!([]), "{application}");
    assert_eq!(
        application["accepted_on"],
        onetrip_server::clock::center_date(case["decided_at_ms"].as_i64().unwrap())
    );
    // The decision clock: 15 working days from acceptance in the center's calendar.
    let snapshot: onetrip_api::config::ConfigSnapshot =
        serde_json::from_value(config.clone()).unwrap();
    let calendar = onetrip_server::config::working_calendar(&snapshot);
    let accepted =
        onetrip_domain::calendar::Day::parse(application["accepted_on"].as_str().unwrap()).unwrap();
    let clock = onetrip_domain::permits::decision_clock(accepted);
    assert_eq!(
        application["decision_due"],
        clock.due(&calendar).to_string()
    );
    assert_eq!(
        application["decision_due_soon"],
        clock.due_soon_from(&calendar).to_string()
    );

    // A drawing not handed in is a reason like any missing material.
    let mut short = restaurant(8, "楚门镇");
    paper(&mut short, &decide(permit, "accepted").await, &all[..1]);
    let lacking = portal.submit(&clerk, &short).await;
    let reasons = lacking["reasons"].as_array().unwrap();
    assert!(
        reasons.contains(&json!({ "code": "missing_material", "value": "drainage_drawing" })),
        "{lacking}"
    );

    for (case, reason) in [
        (decide(other, "accepted").await, "case_other_matter"),
        (decide(permit, "incomplete").await, "case_not_accepted"),
        (json!({ "id": Uuid::new_v4() }), "no_case"),
    ] {
        let mut draft = restaurant(9, "楚门镇");
        paper(&mut draft, &case, &all);
        let (status, refused) = portal
            .staff(&clerk, "submit_permit_application", draft)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["reason"], reason, "{refused}");
    }

    let applicant = portal.applicant().await;
    let mut online = restaurant(10, "楚门镇");
    online["paper_materials"] = json!(["application_form"]);
    let (status, refused) = portal
        .command(&applicant, "submit_permit_application", online)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "window_only");
}

/// The blank-form ledger: forms received (typed full-width), printed in order, a printer that
/// stopped after the first permit gives back the rest and its jammed form is spoiled, the
/// print resumes on the next forms, a reprint takes a new one; nothing is skipped or used
/// twice, and running out says so.
async fn the_form_ledger_survives_a_spoiled_form_and_a_failed_printer(db: TestDb) {
    let portal = Portal::new(db).await;
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    let officer = portal.token("permit", DEMO_PASSWORD).await;
    for n in 0..3 {
        portal.submit(&clerk, &restaurant(20 + n, "楚门镇")).await;
    }
    let run = portal.dry_run(&officer).await;
    let batch = json!({ "batch_id": Uuid::new_v4(), "application_ids": ids(&run["eligible"]) });
    let (status, outcome) = portal.staff(&officer, "approve_permits", batch).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    let permits: Vec<Value> = outcome["record"]["permits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(permits.len(), 3);
    let print = |ids: Vec<Value>| {
        let print_id = Uuid::new_v4();
        let portal = &portal;
        let officer = &officer;
        async move {
            let (status, outcome) = portal
                .staff(
                    officer,
                    "print_on_forms",
                    json!({ "print_id": print_id, "permit_ids": ids }),
                )
                .await;
            (print_id, status, outcome)
        }
    };
    let serials = |outcome: &Value| -> Vec<String> {
        outcome["record"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["serial"].as_str().unwrap().to_owned())
            .collect()
    };

    // No forms yet.
    let (_, status, refused) = print(permits.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["reason"], "forms_exhausted");

    let receive = |first: &str, last: &str| json!({ "id": Uuid::new_v4(), "first": first, "last": last, "note": "省厅下发第 3 批" });
    let (status, received) = portal
        .staff(
            &officer,
            "receive_forms",
            receive("００１２００１", "0012005"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{received}");
    assert_eq!(received["record"]["first"], "0012001");
    assert_eq!(received["record"]["count"], 5);
    let (status, overlap) = portal
        .staff(&officer, "receive_forms", receive("0012005", "0012010"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{overlap}");
    assert_eq!(overlap["reason"], "serial_overlaps");

    // Three permits onto the next three forms, in order.
    let (first_print, status, taken) = print(permits.clone()).await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    assert_eq!(serials(&taken), ["0012001", "0012002", "0012003"]);
    assert_eq!(
        taken["record"][0]["number"],
        outcome["record"]["permits"][0]["number"]
    );

    // The printer stopped after the first: the other two forms come back, the jammed one is
    // spoiled, and the print resumes from the second permit on the next forms.
    let (status, back) = portal
        .staff(
            &officer,
            "give_back_forms",
            json!({ "print_id": first_print, "serials": ["0012002", "0012003"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    let (status, spoiled) = portal
        .staff(
            &officer,
            "spoil_form",
            json!({ "serial": "００１２００２", "reason": "卡纸" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{spoiled}");
    assert_eq!(
        spoiled["record"]["serial"], "0012002",
        "shown as the forms show it"
    );
    let (_, status, resumed) = print(permits[1..].to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{resumed}");
    assert_eq!(serials(&resumed), ["0012003", "0012004"]);

    // A reprint of the first permit takes a new form and says it is a reprint.
    let (_, status, reprint) = print(permits[..1].to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{reprint}");
    assert_eq!(serials(&reprint), ["0012005"]);
    assert_eq!(reprint["record"][0]["reprint"], true);

    // Out of forms; a form of another print cannot be given back; a used one not spoiled.
    let (_, status, out) = print(permits[2..].to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{out}");
    assert!(
        out["message"].as_str().unwrap().contains("只剩 0 张"),
        "{out}"
    );
    let (status, foreign) = portal
        .staff(
            &officer,
            "give_back_forms",
            json!({ "print_id": first_print, "serials": ["0012004"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{foreign}");
    let (status, used) = portal
        .staff(
            &officer,
            "spoil_form",
            json!({ "serial": "0012001", "reason": "污损" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{used}");
    assert_eq!(used["reason"], "serial_used");

    // The issue-and-delivery clock runs from the decision.
    let permit = &outcome["record"]["permits"][0];
    assert!(permit["delivery_due"].as_str().unwrap() > permit["issued_on"].as_str().unwrap());
    assert!(
        permit["delivery_due_soon"].as_str().unwrap() < permit["delivery_due"].as_str().unwrap()
    );

    let (status, ledger) = portal.get("/api/permits/forms", &officer).await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    for (field, count) in [
        ("received", 5),
        ("printed", 3),
        ("reprinted", 1),
        ("spoiled", 1),
        ("left", 0),
    ] {
        assert_eq!(ledger[field], count, "{field}: {ledger}");
    }
    assert_eq!(ledger["skipped"], json!([]));
    assert_eq!(ledger["used_twice"], json!([]));
    let uses = ledger["uses"].as_array().unwrap();
    assert_eq!(uses.len(), 5);
    let spoiled = uses.iter().find(|u| u["serial"] == "0012002").unwrap();
    assert_eq!(spoiled["kind"], "spoiled");
    assert_eq!(spoiled["reason"], "卡纸");
    let (status, _) = portal.get("/api/permits/forms", &clerk).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A site that needs a second officer: a batch and a void wait until another officer confirms
/// them; the maker cannot confirm their own; a batch sent back numbers nothing, so the next
/// one confirmed takes the next number without a gap.
async fn a_second_officer_confirms_batches_and_voids(db: TestDb) {
    let portal = Portal::new(db).await;
    let admin = portal.token("admin", DEMO_PASSWORD).await;
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    let (_, maker) = portal.login("permit", DEMO_PASSWORD).await;
    let (_, checker) = portal.login("supervisor", DEMO_PASSWORD).await;
    let officer = maker["token"].as_str().unwrap().to_owned();
    let second = checker["token"].as_str().unwrap().to_owned();

    let (_, config) = portal.get("/api/config", &admin).await;
    let mut center = config["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["parent_id"].is_null())
        .unwrap()
        .clone();
    center["permit_second_officer"] = json!(true);
    let (status, saved) = portal.staff(&admin, "save_site", center).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    let complete = [
        portal.submit(&clerk, &restaurant(1, "楚门镇")).await,
        portal.submit(&clerk, &restaurant(2, "楚门镇")).await,
    ];
    let mut no_trap = restaurant(3, "楚门镇");
    no_trap["pretreatment"] = json!([]);
    let no_trap = portal.submit(&clerk, &no_trap).await;
    let all = json!([complete[0]["id"], complete[1]["id"], no_trap["id"]]);

    // The maker's batch is held: nothing approved, nothing numbered, the exception reported.
    let batch_id = Uuid::new_v4();
    let (status, held) = portal
        .staff(
            &officer,
            "approve_permits",
            json!({ "batch_id": batch_id, "application_ids": all }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{held}");
    let record = &held["record"];
    assert_eq!(record["permits"], json!([]), "{record}");
    assert_eq!(record["exceptions"].as_array().unwrap().len(), 1);
    assert_eq!(record["held"]["state"], "pending");
    assert_eq!(
        record["held"]["made_by_name"],
        maker["account"]["display_name"]
    );
    let run = portal.dry_run(&officer).await;
    assert_eq!(run["eligible"][0]["number"], "玉排许字〔2026〕第0001号");
    let (_, permits) = portal.get("/api/permits", &officer).await;
    assert_eq!(permits, json!([]));
    let (status, pending) = portal.get("/api/permits/checks", &second).await;
    assert_eq!(status, StatusCode::OK, "{pending}");
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["action"]["kind"], "batch");
    assert_eq!(
        pending[0]["action"]["application_ids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The maker cannot confirm their own batch; the second officer can, once.
    let confirm = json!({ "check_id": batch_id });
    let (status, own) = portal
        .staff(&officer, "confirm_permit_check", confirm.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{own}");
    assert_eq!(own["reason"], "same_officer");
    let (status, confirmed) = portal
        .staff(&second, "confirm_permit_check", confirm.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let issued = confirmed["record"]["permits"].as_array().unwrap();
    assert_eq!(issued.len(), 2, "{confirmed}");
    assert_eq!(issued[0]["number"], "玉排许字〔2026〕第0001号");
    assert_eq!(issued[1]["number"], "玉排许字〔2026〕第0002号");
    assert_eq!(issued[0]["approved_by"], maker["account"]["id"]);
    assert_eq!(issued[0]["checked_by"], checker["account"]["id"]);
    let (status, again) = portal.staff(&second, "confirm_permit_check", confirm).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    // The batch's id sent again cannot reset the confirmed check to pending; a batch with
    // nothing eligible is not held at all.
    let (status, reused) = portal
        .staff(
            &officer,
            "approve_permits",
            json!({ "batch_id": batch_id, "application_ids": [no_trap["id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{reused}");
    assert_eq!(reused["reason"], "batch_id_used");
    let (status, empty) = portal
        .staff(
            &officer,
            "approve_permits",
            json!({ "batch_id": Uuid::new_v4(), "application_ids": [no_trap["id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{empty}");
    assert_eq!(empty["reason"], "nothing_eligible");
    let (_, pending) = portal.get("/api/permits/checks", &second).await;
    assert_eq!(pending, json!([]));

    // A void waits too: sent back, the permit stays valid; confirmed, it is withdrawn.
    let permit = &issued[0];
    let void = json!({ "permit_id": permit["id"], "reason": "排水户歇业" });
    let (status, held) = portal.staff(&officer, "void_permit", void.clone()).await;
    assert_eq!(status, StatusCode::OK, "{held}");
    assert_eq!(held["record"]["action"]["kind"], "void", "{held}");
    let check_id = held["record"]["id"].clone();
    let (status, refused) = portal
        .staff(
            &second,
            "reject_permit_check",
            json!({ "check_id": check_id, "reason": " " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, rejected) = portal
        .staff(
            &second,
            "reject_permit_check",
            json!({ "check_id": check_id, "reason": "歇业证明未附" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["record"]["state"], "rejected");
    let verdict = portal.verify(permit["payload"].as_str().unwrap()).await;
    assert_eq!(verdict["verdict"], "valid", "{verdict}");
    let (_, held) = portal.staff(&officer, "void_permit", void).await;
    let (status, voided) = portal
        .staff(
            &second,
            "confirm_permit_check",
            json!({ "check_id": held["record"]["id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{voided}");
    assert_eq!(voided["record"]["state"], "voided", "{voided}");
    let verdict = portal.verify(permit["payload"].as_str().unwrap()).await;
    assert_eq!(verdict["verdict"], "revoked", "{verdict}");

    // A batch sent back leaves no gap: the next confirmed takes 0003.
    let later = [
        portal.submit(&clerk, &restaurant(4, "坎门街道")).await,
        portal.submit(&clerk, &restaurant(5, "坎门街道")).await,
    ];
    for (application, send_back) in [(&later[0], true), (&later[1], false)] {
        let id = Uuid::new_v4();
        let (status, _) = portal
            .staff(
                &officer,
                "approve_permits",
                json!({ "batch_id": id, "application_ids": [application["id"]] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (kind, payload) = if send_back {
            (
                "reject_permit_check",
                json!({ "check_id": id, "reason": "材料待核" }),
            )
        } else {
            ("confirm_permit_check", json!({ "check_id": id }))
        };
        let (status, outcome) = portal.staff(&second, kind, payload).await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
        if !send_back {
            assert_eq!(
                outcome["record"]["permits"][0]["number"],
                "玉排许字〔2026〕第0003号"
            );
        }
    }
}

/// Renewals, spot checks and the figures: permits near expiry get the reminder due, once; a
/// renewal pending near expiry raises the alarm, and approving it runs the new permit on from
/// the old one's last day; each pledge's spot check is recorded with what was found; and the
/// statistics count permits by town and industry, their clocks and the trips they took.
async fn renewals_spot_checks_and_figures(db: TestDb) {
    let portal = Portal::new(db).await;
    let clerk = portal.token("clerk", DEMO_PASSWORD).await;
    let officer = portal.token("permit", DEMO_PASSWORD).await;
    let applicant = portal.applicant().await;

    // Two construction sites whose works end within the month (their permits end then), a
    // restaurant valid five years, and one applied for online.
    let mut soon = restaurant(1, "楚门镇");
    soon["construction_ends"] = json!("2026-12-10");
    let mut later = restaurant(2, "楚门镇");
    later["construction_ends"] = json!("2026-12-25");
    let soon = portal.submit(&clerk, &soon).await;
    let later = portal.submit(&clerk, &later).await;
    let plain = portal.submit(&clerk, &restaurant(3, "坎门街道")).await;
    let mut online = restaurant(4, "坎门街道");
    online["discharger"]["id"] = json!({ "kind": "organisation", "value": CREDIT_CODE });
    let (status, online) = portal
        .command(&applicant, "submit_permit_application", online)
        .await;
    assert_eq!(status, StatusCode::OK, "{online}");
    let ids = json!([soon["id"], later["id"], plain["id"], online["record"]["id"]]);
    let (status, batch) = portal
        .staff(
            &officer,
            "approve_permits",
            json!({ "batch_id": Uuid::new_v4(), "application_ids": ids }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{batch}");
    let issued = batch["record"]["permits"].as_array().unwrap().clone();
    let permit_of = |application: &Value| {
        issued
            .iter()
            .find(|p| p["application_id"] == application["id"])
            .unwrap()
            .clone()
    };
    let (first, second) = (permit_of(&soon), permit_of(&later));
    assert_eq!(first["expires_on"], "2026-12-10");

    // Today (1 December) the first is 9 days from expiry (its 14-day reminder is due), the
    // second 24 (its 30-day one); the restaurant is years away and not listed.
    let (status, rows) = portal.get("/api/permits/renewals", &officer).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["permit"]["id"], first["id"]);
    assert_eq!(rows[0]["days_left"], 9);
    assert_eq!(rows[0]["reminder"], 14);
    assert_eq!(rows[0]["alarm"], false);
    assert_eq!(rows[1]["days_left"], 24);
    assert_eq!(rows[1]["reminder"], 30);
    let (status, sent) = portal
        .staff(
            &officer,
            "record_reminders",
            json!({ "permit_ids": [first["id"], second["id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["record"]["recorded"], 2);
    let (_, rows) = portal.get("/api/permits/renewals", &officer).await;
    assert!(rows[0]["reminder"].is_null(), "sent once: {rows}");
    assert_eq!(rows[0]["last_reminded_on"], "2026-12-01");

    // A renewal of another discharger's permit is refused; the holder's own, pending 9 days
    // before expiry, raises the alarm.
    let mut stranger = restaurant(5, "楚门镇");
    stranger["renews"] = first["id"].clone();
    let (status, refused) = portal
        .staff(&clerk, "submit_permit_application", stranger)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "renew_other_holder");
    let mut renewal = soon["draft"].clone();
    renewal["id"] = json!(Uuid::new_v4());
    renewal["renews"] = first["id"].clone();
    renewal.as_object_mut().unwrap().remove("construction_ends");
    let renewal = portal.submit(&clerk, &renewal).await;
    let (_, rows) = portal.get("/api/permits/renewals", &officer).await;
    assert_eq!(rows[0]["renewal_id"], renewal["id"]);
    assert_eq!(rows[0]["alarm"], true);

    // Approved, it runs five years from the day after the old permit's last, which stays valid
    // until then and leaves the list.
    let (status, renewed) = portal
        .staff(
            &officer,
            "approve_permits",
            json!({ "batch_id": Uuid::new_v4(), "application_ids": [renewal["id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let new = &renewed["record"]["permits"][0];
    assert_eq!(new["issued_on"], "2026-12-01");
    assert_eq!(new["valid_from"], "2026-12-11");
    assert_eq!(
        new["expires_on"], "2031-12-10",
        "five years, not a day more"
    );
    let verdict = portal.verify(first["payload"].as_str().unwrap()).await;
    assert_eq!(
        verdict["verdict"], "valid",
        "valid to its last day: {verdict}"
    );
    let verdict = portal.verify(new["payload"].as_str().unwrap()).await;
    assert_eq!(verdict["claim"]["valid_from"], "2026-12-11", "{verdict}");
    let (_, rows) = portal.get("/api/permits/renewals", &officer).await;
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    // Renewed once, it cannot be renewed again.
    let mut again = soon["draft"].clone();
    again["id"] = json!(Uuid::new_v4());
    again["renews"] = first["id"].clone();
    let (status, refused) = portal
        .staff(&clerk, "submit_permit_application", again)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");

    // A renewal whose permit is voided before it is decided is left as an exception, and a
    // reminder for a permit no longer listed is skipped, not refused.
    let mut late = later["draft"].clone();
    late["id"] = json!(Uuid::new_v4());
    late["renews"] = second["id"].clone();
    late.as_object_mut().unwrap().remove("construction_ends");
    let late = portal.submit(&clerk, &late).await;
    let (status, _) = portal
        .staff(
            &officer,
            "void_permit",
            json!({ "permit_id": second["id"], "reason": "工地停工" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, outcome) = portal
        .staff(
            &officer,
            "approve_permits",
            json!({ "batch_id": Uuid::new_v4(), "application_ids": [late["id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["record"]["permits"], json!([]));
    assert_eq!(
        outcome["record"]["exceptions"][0]["reasons"][0]["code"],
        "permit_not_active"
    );
    let (status, sent) = portal
        .staff(
            &officer,
            "record_reminders",
            json!({ "permit_ids": [second["id"]] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["record"]["skipped"], 1);

    // Each pledge made a spot check; a broken pledge needs the finding, and is recorded once.
    let (status, checks) = portal.get("/api/permits/spot-checks", &officer).await;
    assert_eq!(status, StatusCode::OK, "{checks}");
    let checks = checks.as_array().unwrap().clone();
    assert!(!checks.is_empty(), "pledges make spot checks");
    assert!(
        !checks[0]["town"].as_str().unwrap().is_empty(),
        "{}",
        checks[0]
    );
    let check_id = checks[0]["id"].clone();
    let (status, refused) = portal
        .staff(
            &officer,
            "record_spot_check",
            json!({ "check_id": check_id, "kept": false, "finding": "  " }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["reason"], "finding_required");
    let (status, done) = portal
        .staff(
            &officer,
            "record_spot_check",
            json!({ "check_id": check_id, "kept": false, "finding": "隔油池未设置，承诺不实" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["record"]["kept"], false);
    assert_eq!(done["record"]["done_on"], "2026-12-01");
    let (status, _) = portal
        .staff(
            &officer,
            "record_spot_check",
            json!({ "check_id": check_id, "kept": true, "finding": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, open) = portal.get("/api/permits/spot-checks", &officer).await;
    assert_eq!(open.as_array().unwrap().len(), checks.len() - 1);

    // The figures: five permits this year, by town and industry; all decided within the clock,
    // none printed or delivered yet; the online one took no trip.
    let (status, figures) = portal.get("/api/permits/stats", &officer).await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    assert_eq!(figures["issued"], 5, "{figures}");
    let chumen = figures["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["town"] == "楚门镇")
        .unwrap();
    assert_eq!(chumen["count"], 3);
    assert_eq!(chumen["industry"], "catering");
    assert_eq!(figures["to_decision"]["count"], 5);
    assert_eq!(figures["to_decision"]["late"], 0);
    assert_eq!(figures["to_decision"]["limit_days"], 15);
    // The voided one will never be printed or delivered: four wait.
    assert_eq!(figures["to_print"]["waiting"], 4);
    assert_eq!(figures["to_delivery"]["waiting"], 4);
    assert_eq!(
        figures["trips"],
        json!([{ "trips": 0, "count": 1 }, { "trips": 1, "count": 4 }])
    );
    assert!((figures["zero_trip_share"].as_f64().unwrap() - 0.2).abs() < 1e-9);
    let (status, _) = portal
        .get("/api/permits/stats?from=2026-12-05&to=2026-12-01", &officer)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = portal.get("/api/permits/stats", &clerk).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

conformance!(
    a_batch_is_all_or_nothing_and_numbered_in_order,
    a_discharger_applies_in_the_portal,
    a_window_case_opens_its_application,
    the_form_ledger_survives_a_spoiled_form_and_a_failed_printer,
    a_second_officer_confirms_batches_and_voids,
    renewals_spot_checks_and_figures,
);
