//! The blank-form ledger of each site, stored: the ranges of official forms received and each
//! form used. Printing onto forms takes the next blank serials in the same transaction that
//! records them, so two officers printing at once never get the same form; a print the
//! printer stopped part-way gives back the forms it never reached; a spoiled form is recorded
//! with why and never used.

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::permits::{
    FormLedgerView, FormPrint, FormRangeView, FormReceipt, FormTaken, FormUseKind, FormUseView,
    Permit, PermitState,
};
use onetrip_domain::auth::Role;
use onetrip_domain::permits::{FormLedger, FormUse, LedgerError, SerialError, SerialRange};
use uuid::Uuid;

use super::{PermitWrite, invalid, refuse};
use crate::actor::Actor;
use crate::storage::{Conn, StorageError, StorageResult, on_backend, opt_uuid, uuid};

/// A range of forms as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRange {
    pub id: Uuid,
    pub site_id: Uuid,
    pub range: SerialRange,
    pub note: String,
    pub received_by: String,
    pub received_at_ms: i64,
}

/// A used form as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUse {
    pub site_id: Uuid,
    pub serial: u64,
    pub kind: FormUseKind,
    pub permit_id: Option<Uuid>,
    pub reason: Option<String>,
    pub print_id: Option<Uuid>,
    pub used_by: String,
    pub used_at_ms: i64,
}

/// Changes to a site's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormsWrite {
    pub ranges: Vec<StoredRange>,
    pub uses: Vec<StoredUse>,
    /// Forms given back: (site, serial).
    pub given_back: Vec<(Uuid, u64)>,
}

impl FormsWrite {
    pub async fn store(&self, conn: &mut Conn<'_>) -> StorageResult<()> {
        const RANGE: &str = "INSERT INTO permit_form_ranges
             (id, site_id, first_serial, last_serial, width, note, received_by, received_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        const USE: &str = "INSERT INTO permit_forms
             (site_id, serial, kind, permit_id, reason, print_id, used_by, used_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        const BACK: &str = "DELETE FROM permit_forms WHERE site_id = $1 AND serial = $2";
        for range in &self.ranges {
            on_backend!(conn, c => sqlx::query(RANGE)
                .bind(range.id.to_string())
                .bind(range.site_id.to_string())
                .bind(serial_value(range.range.first())?)
                .bind(serial_value(range.range.last())?)
                .bind(i64::from(range.range.width()))
                .bind(&range.note)
                .bind(&range.received_by)
                .bind(range.received_at_ms)
                .execute(c)
                .await
                .map(drop))?;
        }
        for (site, serial) in &self.given_back {
            on_backend!(conn, c => sqlx::query(BACK)
                .bind(site.to_string())
                .bind(serial_value(*serial)?)
                .execute(c)
                .await
                .map(drop))?;
        }
        for used in &self.uses {
            on_backend!(conn, c => sqlx::query(USE)
                .bind(used.site_id.to_string())
                .bind(serial_value(used.serial)?)
                .bind(kind_key(used.kind))
                .bind(used.permit_id.map(|id| id.to_string()))
                .bind(&used.reason)
                .bind(used.print_id.map(|id| id.to_string()))
                .bind(&used.used_by)
                .bind(used.used_at_ms)
                .execute(c)
                .await
                .map(drop))?;
        }
        Ok(())
    }
}

fn serial_value(serial: u64) -> StorageResult<i64> {
    i64::try_from(serial).map_err(|_| StorageError::Corrupt(format!("serial {serial}")))
}

fn kind_key(kind: FormUseKind) -> &'static str {
    match kind {
        FormUseKind::Printed => "printed",
        FormUseKind::Reprinted => "reprinted",
        FormUseKind::Spoiled => "spoiled",
    }
}

fn kind_of(key: &str) -> StorageResult<FormUseKind> {
    match key {
        "printed" => Ok(FormUseKind::Printed),
        "reprinted" => Ok(FormUseKind::Reprinted),
        "spoiled" => Ok(FormUseKind::Spoiled),
        other => Err(StorageError::Corrupt(format!("form use {other:?}"))),
    }
}

/// A site's ranges, lowest serial first.
pub async fn ranges(conn: &mut Conn<'_>, site: Uuid) -> StorageResult<Vec<StoredRange>> {
    const SQL: &str =
        "SELECT id, first_serial, last_serial, width, note, received_by, received_at_ms
         FROM permit_form_ranges WHERE site_id = $1 ORDER BY first_serial";
    type Row = (String, i64, i64, i64, String, String, i64);
    let rows: Vec<Row> = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(site.to_string())
        .fetch_all(c)
        .await)?;
    rows.into_iter()
        .map(
            |(id, first, last, width, note, received_by, received_at_ms)| {
                let corrupt = || StorageError::Corrupt(format!("form range {id}"));
                let range = SerialRange::new(
                    u64::try_from(first).map_err(|_| corrupt())?,
                    u64::try_from(last).map_err(|_| corrupt())?,
                    u8::try_from(width).map_err(|_| corrupt())?,
                )
                .map_err(|_| corrupt())?;
                Ok(StoredRange {
                    id: uuid(&id)?,
                    site_id: site,
                    range,
                    note,
                    received_by,
                    received_at_ms,
                })
            },
        )
        .collect()
}

/// A site's used forms, by serial.
pub async fn uses(conn: &mut Conn<'_>, site: Uuid) -> StorageResult<Vec<StoredUse>> {
    const SQL: &str = "SELECT serial, kind, permit_id, reason, print_id, used_by, used_at_ms
         FROM permit_forms WHERE site_id = $1 ORDER BY serial";
    type Row = (
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        i64,
    );
    let rows: Vec<Row> = on_backend!(conn, c => sqlx::query_as(SQL)
        .bind(site.to_string())
        .fetch_all(c)
        .await)?;
    rows.into_iter()
        .map(
            |(serial, kind, permit_id, reason, print_id, used_by, used_at_ms)| {
                Ok(StoredUse {
                    site_id: site,
                    serial: u64::try_from(serial)
                        .map_err(|_| StorageError::Corrupt(format!("serial {serial}")))?,
                    kind: kind_of(&kind)?,
                    permit_id: opt_uuid(permit_id)?,
                    reason,
                    print_id: opt_uuid(print_id)?,
                    used_by,
                    used_at_ms,
                })
            },
        )
        .collect()
}

/// The ledger as the domain keeps it, with the rows it came from.
struct Loaded {
    ranges: Vec<StoredRange>,
    uses: Vec<StoredUse>,
    ledger: FormLedger<Option<Uuid>>,
}

async fn load(conn: &mut Conn<'_>, site: Uuid) -> StorageResult<Loaded> {
    let ranges = self::ranges(conn, site).await?;
    let uses = self::uses(conn, site).await?;
    let ledger = FormLedger::from_records(
        ranges.iter().map(|r| r.range),
        uses.iter().map(|u| {
            let form_use = match u.kind {
                FormUseKind::Spoiled => FormUse::Spoiled {
                    reason: u.reason.clone().unwrap_or_default(),
                },
                kind => FormUse::Printed {
                    permit: u.permit_id,
                    reprint: kind == FormUseKind::Reprinted,
                },
            };
            (u.serial, form_use)
        }),
    );
    Ok(Loaded {
        ranges,
        uses,
        ledger,
    })
}

/// How a serial of the ledger is written: as its range's forms show it.
fn show(ledger: &FormLedger<Option<Uuid>>, serial: u64) -> String {
    ledger
        .range_of(serial)
        .map_or_else(|| serial.to_string(), |range| range.show(serial))
}

/// The site whose forms an actor uses: its own, or the center's for an account of every site.
pub fn site_of(actor: &Actor, center: Option<Uuid>) -> Option<Uuid> {
    actor.account.site_id.or(center)
}

/// Who may keep the ledger and print onto forms: permit officers, the print and delivery
/// staff, supervisors and admins.
fn may_use_forms(actor: &Actor) -> bool {
    matches!(
        actor.role(),
        Role::PermitOfficer | Role::PrintDelivery | Role::Supervisor | Role::Admin
    )
}

/// The site whose forms the actor may use, or why not.
fn allowed(actor: &Actor, site: Option<Uuid>) -> Result<Uuid, ApiError> {
    if !may_use_forms(actor) {
        return Err(forbidden(actor));
    }
    site.ok_or_else(|| no_site(actor))
}

fn forbidden(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::Forbidden,
        "forms_staff_only",
        "只有排水许可审批和打证人员可以使用空白证书".into(),
        "Only permit officers and print staff may use the blank forms".into(),
    )
}

fn no_site(actor: &Actor) -> ApiError {
    invalid(
        actor,
        "no_site",
        "没有可用的服务中心".into(),
        "No service center to keep the forms of".into(),
    )
}

fn serial_error(actor: &Actor, error: &SerialError) -> ApiError {
    ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
}

fn ledger_error(actor: &Actor, error: &LedgerError, shown: impl Fn(u64) -> String) -> ApiError {
    let message = match error {
        LedgerError::Exhausted { .. } => error.message(actor.lang),
        LedgerError::NotReceived(serial) => actor.lang.pick(
            format!("流水号 {} 不在已登记入库的空白证书中", shown(*serial)),
            format!("Serial {} is not among the forms received", shown(*serial)),
        ),
        LedgerError::Used(serial) => actor.lang.pick(
            format!("流水号 {} 的证书已经使用过", shown(*serial)),
            format!("The form with serial {} was used already", shown(*serial)),
        ),
    };
    let code = match error {
        LedgerError::Exhausted { .. } => ErrorCode::Conflict,
        _ => ErrorCode::Invalid,
    };
    ApiError::new(code, message).with_reason(error.code())
}

/// A ledger refusal naming serials as the forms show them.
fn refused(actor: &Actor, ledger: &FormLedger<Option<Uuid>>, error: &LedgerError) -> ApiError {
    ledger_error(actor, error, |serial| show(ledger, serial))
}

fn forms_write(write: FormsWrite, answer: Option<serde_json::Value>) -> PermitWrite {
    PermitWrite {
        forms: Some(write),
        answer,
        ..PermitWrite::default()
    }
}

/// Records forms received.
pub async fn plan_receive(
    conn: &mut Conn<'_>,
    actor: &Actor,
    receipt: &FormReceipt,
    site: Option<Uuid>,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    let site = match allowed(actor, site) {
        Ok(site) => site,
        Err(error) => return Ok(Err(error)),
    };
    let range = match SerialRange::parse(&receipt.first, &receipt.last) {
        Ok(range) => range,
        Err(error) => return Ok(Err(serial_error(actor, &error))),
    };
    if receipt.note.chars().count() > 200 {
        return Ok(Err(invalid(
            actor,
            "note_too_long",
            "备注过长（200 字以内）".into(),
            "The note is too long (up to 200 characters)".into(),
        )));
    }
    let mut loaded = load(conn, site).await?;
    if let Err(error) = loaded.ledger.receive(range) {
        return Ok(Err(serial_error(actor, &error)));
    }
    let stored = StoredRange {
        id: receipt.id,
        site_id: site,
        range,
        note: receipt.note.trim().to_owned(),
        received_by: actor.account.username.clone(),
        received_at_ms: now_ms,
    };
    let answer = serde_json::to_value(range_view(&stored)).ok();
    Ok(Ok(forms_write(
        FormsWrite {
            ranges: vec![stored],
            ..FormsWrite::default()
        },
        answer,
    )))
}

/// Takes the next blank forms for the permits, in their order; each is a reprint when the
/// permit was printed on a form before.
pub async fn plan_print(
    conn: &mut Conn<'_>,
    actor: &Actor,
    print: &FormPrint,
    site: Option<Uuid>,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    let site = match allowed(actor, site) {
        Ok(site) => site,
        Err(error) => return Ok(Err(error)),
    };
    if print.permit_ids.is_empty() || print.permit_ids.len() > 1000 {
        return Ok(Err(invalid(
            actor,
            "print_size",
            "一次可打印 1 至 1000 份许可证".into(),
            "Print 1 to 1000 permits at a time".into(),
        )));
    }
    let mut permits: Vec<Permit> = Vec::with_capacity(print.permit_ids.len());
    for id in &print.permit_ids {
        let found = super::sql::permit(conn, *id).await?;
        let Some(permit) = found.filter(|p| p.site_id == site || actor.account.site_id.is_none())
        else {
            return Ok(Err(super::not_found(actor)));
        };
        if permit.state != PermitState::Active {
            return Ok(Err(invalid(
                actor,
                "permit_not_active",
                format!("许可证 {} 已作废或被替代，不能打印", permit.number),
                format!(
                    "Permit {} was voided or superseded and cannot be printed",
                    permit.number
                ),
            )));
        }
        permits.push(permit);
    }
    let mut loaded = load(conn, site).await?;
    let printed_before: std::collections::HashSet<Uuid> = loaded
        .uses
        .iter()
        .filter(|u| u.kind != FormUseKind::Spoiled)
        .filter_map(|u| u.permit_id)
        .collect();
    let batch: Vec<(Option<Uuid>, bool)> = permits
        .iter()
        .map(|p| (Some(p.id), printed_before.contains(&p.id)))
        .collect();
    let taken = match loaded.ledger.print(&batch) {
        Ok(taken) => taken,
        Err(error) => {
            return Ok(Err(refused(actor, &loaded.ledger, &error)));
        }
    };
    let mut write = FormsWrite::default();
    let mut answer = Vec::with_capacity(taken.len());
    for ((serial, form_use), permit) in taken.into_iter().zip(&permits) {
        let reprint = matches!(form_use, FormUse::Printed { reprint: true, .. });
        write.uses.push(StoredUse {
            site_id: site,
            serial,
            kind: if reprint {
                FormUseKind::Reprinted
            } else {
                FormUseKind::Printed
            },
            permit_id: Some(permit.id),
            reason: None,
            print_id: Some(print.print_id),
            used_by: actor.account.username.clone(),
            used_at_ms: now_ms,
        });
        answer.push(FormTaken {
            permit_id: permit.id,
            number: permit.number.clone(),
            serial: show(&loaded.ledger, serial),
            reprint,
        });
    }
    Ok(Ok(forms_write(write, serde_json::to_value(answer).ok())))
}

/// A serial as given back or spoiled: digits as typed, which must name a received form.
fn parse_serial(
    actor: &Actor,
    ledger: &FormLedger<Option<Uuid>>,
    text: &str,
) -> Result<u64, ApiError> {
    let range = SerialRange::parse(text, text).map_err(|e| serial_error(actor, &e))?;
    let serial = range.first();
    if ledger.range_of(serial).is_none() {
        return Err(ledger_error(
            actor,
            &LedgerError::NotReceived(serial),
            |_| text.trim().to_owned(),
        ));
    }
    Ok(serial)
}

/// Gives back the forms of a print that the printer never reached.
pub async fn plan_give_back(
    conn: &mut Conn<'_>,
    actor: &Actor,
    print_id: Uuid,
    serials: &[String],
    site: Option<Uuid>,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    let site = match allowed(actor, site) {
        Ok(site) => site,
        Err(error) => return Ok(Err(error)),
    };
    let mut loaded = load(conn, site).await?;
    let mut back = Vec::with_capacity(serials.len());
    for text in serials {
        match parse_serial(actor, &loaded.ledger, text) {
            Ok(serial) => back.push(serial),
            Err(error) => return Ok(Err(error)),
        }
    }
    let foreign = back.iter().find(|serial| {
        !loaded
            .uses
            .iter()
            .any(|u| u.serial == **serial && u.print_id == Some(print_id))
    });
    if let Some(serial) = foreign {
        return Ok(Err(refused(
            actor,
            &loaded.ledger,
            &LedgerError::Used(*serial),
        )));
    }
    if let Err(error) = loaded.ledger.give_back(&back) {
        return Ok(Err(refused(actor, &loaded.ledger, &error)));
    }
    Ok(Ok(forms_write(
        FormsWrite {
            given_back: back.into_iter().map(|serial| (site, serial)).collect(),
            ..FormsWrite::default()
        },
        None,
    )))
}

/// Records a blank form as spoiled.
pub async fn plan_spoil(
    conn: &mut Conn<'_>,
    actor: &Actor,
    serial: &str,
    reason: &str,
    site: Option<Uuid>,
    now_ms: i64,
) -> StorageResult<Result<PermitWrite, ApiError>> {
    let site = match allowed(actor, site) {
        Ok(site) => site,
        Err(error) => return Ok(Err(error)),
    };
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Ok(Err(invalid(
            actor,
            "spoil_reason",
            "请写明废证原因（200 字以内），如卡纸、错打、污损".into(),
            "Say why the form is spoiled (up to 200 characters): a jam, a misprint, a stain".into(),
        )));
    }
    let mut loaded = load(conn, site).await?;
    let serial = match parse_serial(actor, &loaded.ledger, serial) {
        Ok(serial) => serial,
        Err(error) => return Ok(Err(error)),
    };
    if let Err(error) = loaded.ledger.spoil(serial, reason.to_owned()) {
        return Ok(Err(refused(actor, &loaded.ledger, &error)));
    }
    let answer = serde_json::json!({ "serial": show(&loaded.ledger, serial) });
    Ok(Ok(forms_write(
        FormsWrite {
            uses: vec![StoredUse {
                site_id: site,
                serial,
                kind: FormUseKind::Spoiled,
                permit_id: None,
                reason: Some(reason.to_owned()),
                print_id: None,
                used_by: actor.account.username.clone(),
                used_at_ms: now_ms,
            }],
            ..FormsWrite::default()
        },
        Some(answer),
    )))
}

fn range_view(range: &StoredRange) -> FormRangeView {
    FormRangeView {
        id: range.id,
        first: range.range.show(range.range.first()),
        last: range.range.show(range.range.last()),
        count: range.range.len(),
        note: range.note.clone(),
        received_by: range.received_by.clone(),
        received_at_ms: range.received_at_ms,
    }
}

/// The site's ledger for the screen: ranges, uses newest first, the counts and what is wrong.
pub async fn view(
    conn: &mut Conn<'_>,
    actor: &Actor,
    site: Option<Uuid>,
) -> StorageResult<Result<FormLedgerView, ApiError>> {
    let site = match allowed(actor, site) {
        Ok(site) => site,
        Err(error) => return Ok(Err(error)),
    };
    let loaded = load(conn, site).await?;
    let numbers: std::collections::HashMap<Uuid, String> = super::sql::permits(conn, Some(site))
        .await?
        .into_iter()
        .map(|p| (p.id, p.number))
        .collect();
    let report = loaded.ledger.report();
    let shown = |serial: u64| show(&loaded.ledger, serial);
    let mut newest_first: Vec<&StoredUse> = loaded.uses.iter().collect();
    newest_first.sort_by_key(|u| std::cmp::Reverse((u.used_at_ms, u.serial)));
    let uses: Vec<FormUseView> = newest_first
        .into_iter()
        .map(|u| FormUseView {
            serial: shown(u.serial),
            kind: u.kind,
            permit_number: u.permit_id.and_then(|id| numbers.get(&id).cloned()),
            reason: u.reason.clone(),
            used_by: u.used_by.clone(),
            used_at_ms: u.used_at_ms,
        })
        .collect();
    let next = loaded
        .ledger
        .next_blank(1)
        .ok()
        .and_then(|s| s.first().map(|s| shown(*s)));
    Ok(Ok(FormLedgerView {
        ranges: loaded.ranges.iter().map(range_view).collect(),
        uses,
        received: report.received,
        printed: report.printed,
        reprinted: report.reprinted,
        spoiled: report.spoiled,
        left: report.left,
        next,
        skipped: report.skipped.iter().map(|s| shown(*s)).collect(),
        used_twice: report.used_twice.iter().map(|s| shown(*s)).collect(),
    }))
}
