//! Batch approval of drainage permits: 1,000 complete applications approved in one command
//! (each checked, numbered, signed and written with its change-log entries, in one
//! transaction), on SQLite and on PostgreSQL, beside the limit measured in the same run: the
//! same rows the approval wrote (permits, issued documents, the applications' new state, the
//! change-log entries) inserted raw in one transaction into empty copies of the tables, many
//! rows a statement, with no reading, checking, numbering or signing.
//!
//! Usage: `bench_batch [COUNT] [RUNS] [DATABASE_URL]` (defaults 1,000 and 3; PostgreSQL too
//! when a URL is given: a fresh database is made for each run and dropped after it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::Instant;

use onetrip_api::auth::Account;
use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_api::permits::{ApplicationDraft, BatchApproval, Discharger, MaterialFile};
use onetrip_domain::Lang;
use onetrip_domain::auth::Role;
use onetrip_domain::identity::ApplicantId;
use onetrip_domain::permits::{Industry, Material, Outfall, Pretreatment};
use onetrip_print::signing::IssuerKey;
use onetrip_server::actor::Actor;
use onetrip_server::commands::Commands;
use onetrip_server::serve::{Database, open_storage};
use sqlx::Connection;
use uuid::Uuid;

#[path = "../support/postgres.rs"]
mod postgres;
use postgres::{create_database, drop_database};

fn arg(index: usize) -> Option<String> {
    std::env::args().nth(index)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A valid resident ID number for person `n`.
fn resident_id(n: u32) -> String {
    let body = format!("331021198001{:02}{:03}", 1 + n / 1000 % 28, n % 1000);
    onetrip_domain::identity::complete_resident_id(&body).unwrap()
}

fn material(kind: Material, n: u32) -> MaterialFile {
    MaterialFile {
        kind,
        blob: format!("{n:064x}"),
        name: "材料.pdf".into(),
        size: 20_000,
    }
}

fn application(n: u32) -> ApplicationDraft {
    let town = ["楚门镇", "坎门街道", "大麦屿街道", "玉城街道"][n as usize % 4];
    ApplicationDraft {
        id: Uuid::new_v4(),
        site_id: None,
        case_id: None,
        discharger: Discharger {
            name: format!("玉环{n}号小吃店"),
            id: ApplicantId::Person(resident_id(n)),
            legal_representative: "林小明".into(),
            address: format!("{town}人民路{}号", 5000 - n),
            town: town.into(),
            industry: Industry::Catering,
            contact_phone: "13805761234".into(),
        },
        outfalls: vec![Outfall {
            code: "WS-01".into(),
            location: "店后巷".into(),
            receiving: "人民路污水管".into(),
        }],
        daily_volume_litres: 2500,
        pollutants: vec!["COD".into(), "动植物油".into()],
        pretreatment: vec![Pretreatment::GreaseTrap],
        sampling_well: false,
        materials: [
            Material::ApplicationForm,
            Material::DrainageDrawing,
            Material::SeparationPledge,
            Material::WaterQualityPledge,
        ]
        .into_iter()
        .map(|kind| material(kind, n))
        .collect(),
        construction_ends: None,
        paper_materials: Vec::new(),
        supersedes: None,
        renews: None,
    }
}

async fn actor(commands: &Commands, username: &str, role: Role) -> Actor {
    let mut pooled = commands.store().acquire().await.unwrap();
    let snapshot =
        onetrip_server::config::sql::cached_snapshot(&mut pooled.conn(), commands.config())
            .await
            .unwrap();
    let center = snapshot
        .sites
        .iter()
        .find(|s| s.parent_id.is_none())
        .unwrap()
        .id;
    Actor {
        account: Account {
            id: Uuid::new_v4(),
            username: username.into(),
            display_name: username.into(),
            role,
            site_id: Some(center),
            specialty: None,
        },
        lang: Lang::ZhCn,
    }
}

async fn apply(commands: &Commands, actor: &Actor, body: CommandBody) -> serde_json::Value {
    let command = Command {
        id: Uuid::new_v4(),
        base_version: None,
        body,
    };
    let outcome = commands.apply(actor, &command, now_ms()).await.unwrap();
    assert_eq!(
        outcome.status,
        CommandStatus::Applied,
        "{:?}",
        outcome.error
    );
    outcome.record.unwrap_or_default()
}

/// The tables the batch wrote to: the columns copied, and which rows are the batch's.
const COPIED: [(&str, &str, &str); 4] = [
    (
        "permits",
        "id, application_id, site_id, prefix, year, seq, number, state, batch_id, expires_on, data",
        "TRUE",
    ),
    (
        "issued_documents",
        "id, kind, number, payload, signed_by, signed_at_ms, data",
        "kind = 'drainage-permit'",
    ),
    (
        "permit_applications",
        "id, site_id, organisation, state, industry, town, discharger_key, submitted_at_ms, data",
        "state = 'approved'",
    ),
    (
        "changes",
        "entity, entity_id, op, data, site_id, command_id, at_ms",
        "entity IN ('permit', 'permit_application') AND command_id = $1",
    ),
];
const NUMBERS: [&str; 4] = ["year", "seq", "signed_at_ms", "submitted_at_ms"];

enum Value {
    Text(Option<String>),
    Number(i64),
}

/// One backend: the approval's time and the raw inserts' time, in milliseconds.
async fn run(url: &str, count: u32) -> (f64, f64) {
    let commands = open_storage(&Database::Url(url.into())).await.unwrap();
    onetrip_server::seed::seed_demo(&commands, now_ms())
        .await
        .unwrap();
    commands.set_key(Arc::new(IssuerKey::generate().unwrap()));
    let clerk = actor(&commands, "clerk", Role::Clerk).await;
    let officer = actor(&commands, "permit", Role::PermitOfficer).await;
    let mut ids = Vec::new();
    for n in 0..count {
        let draft = application(n);
        ids.push(draft.id);
        apply(
            &commands,
            &clerk,
            CommandBody::SubmitPermitApplication(draft),
        )
        .await;
    }
    let batch = Command {
        id: Uuid::new_v4(),
        base_version: None,
        body: CommandBody::ApprovePermits(BatchApproval {
            batch_id: Uuid::new_v4(),
            application_ids: ids,
        }),
    };
    let started = Instant::now();
    let outcome = commands.apply(&officer, &batch, now_ms()).await.unwrap();
    let approval = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(
        outcome.status,
        CommandStatus::Applied,
        "{:?}",
        outcome.error
    );
    let permits = outcome.record.unwrap()["permits"].as_array().unwrap().len();
    assert_eq!(permits, count as usize);
    drop(commands);
    (approval, raw_inserts(url, batch.id).await)
}

/// The rows the batch wrote, inserted again into empty copies of their tables in one
/// transaction, many rows a statement (the quickest way to write them).
async fn raw_inserts(url: &str, command_id: Uuid) -> f64 {
    macro_rules! measure {
        ($conn:expr, $db:ty, $copy:expr) => {{
            use sqlx::Row;
            let mut tables: Vec<(&str, &str, Vec<Vec<Value>>)> = Vec::new();
            for (table, columns, which) in COPIED {
                let select = format!("SELECT {columns} FROM {table} WHERE {which}");
                let mut query = sqlx::query(sqlx::AssertSqlSafe(select));
                if table == "changes" {
                    query = query.bind(command_id.to_string());
                }
                let rows = query.fetch_all(&mut $conn).await.unwrap();
                let names: Vec<&str> = columns.split(", ").collect();
                let rows = rows
                    .iter()
                    .map(|row| {
                        names
                            .iter()
                            .enumerate()
                            .map(
                                |(i, name)| match NUMBERS.contains(name) || *name == "at_ms" {
                                    true => Value::Number(row.try_get::<i64, _>(i).unwrap()),
                                    false => {
                                        Value::Text(row.try_get::<Option<String>, _>(i).unwrap())
                                    }
                                },
                            )
                            .collect()
                    })
                    .collect();
                sqlx::raw_sql(sqlx::AssertSqlSafe($copy(table)))
                    .execute(&mut $conn)
                    .await
                    .unwrap();
                tables.push((table, columns, rows));
            }
            let started = Instant::now();
            let mut tx = $conn.begin().await.unwrap();
            for (table, columns, rows) in &tables {
                for chunk in rows.chunks(500) {
                    let mut insert: sqlx::QueryBuilder<$db> =
                        sqlx::QueryBuilder::new(format!("INSERT INTO raw_{table} ({columns}) "));
                    insert.push_values(chunk, |mut b, row| {
                        for value in row {
                            match value {
                                Value::Text(text) => b.push_bind(text.clone()),
                                Value::Number(n) => b.push_bind(*n),
                            };
                        }
                    });
                    insert.build().execute(&mut *tx).await.unwrap();
                }
            }
            tx.commit().await.unwrap();
            started.elapsed().as_secs_f64() * 1000.0
        }};
    }
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        measure!(conn, sqlx::Sqlite, |t: &str| format!(
            "CREATE TABLE raw_{t} AS SELECT * FROM {t} WHERE 0"
        ))
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        measure!(conn, sqlx::Postgres, |t: &str| format!(
            "CREATE TABLE raw_{t} (LIKE {t} INCLUDING DEFAULTS INCLUDING IDENTITY)"
        ))
    }
}

fn report(backend: &str, runs: &[(f64, f64)]) {
    let best = |f: fn(&(f64, f64)) -> f64| runs.iter().map(f).fold(f64::MAX, f64::min);
    let (approval, raw) = (best(|r| r.0), best(|r| r.1));
    println!(
        "{backend}: batch approval {approval:.0} ms; the same rows inserted raw in one transaction {raw:.0} ms; ratio ×{:.2} (best of {})",
        approval / raw,
        runs.len()
    );
}

#[tokio::main]
async fn main() {
    let count: u32 = arg(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let runs: usize = arg(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let postgres = arg(3);
    let mut sqlite_runs = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        sqlite_runs.push(run(&url, count).await);
    }
    report(&format!("SQLite, {count} applications"), &sqlite_runs);
    if let Some(admin) = postgres {
        let mut pg_runs = Vec::new();
        for _ in 0..runs {
            let name = format!("onetrip_bench_{}", Uuid::new_v4().simple());
            let url = create_database(&admin, &name).await;
            pg_runs.push(run(&url, count).await);
            drop_database(&admin, &name).await;
        }
        report(&format!("PostgreSQL, {count} applications"), &pg_runs);
    }
}
