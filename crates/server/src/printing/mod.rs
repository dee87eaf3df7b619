//! The print log: every document printed, by whom, on which printer and tray, at which site.

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::print::{MAX_COPIES, MAX_TITLE_CHARS, PrintRecord};
use onetrip_api::sync::EntityKind;

use crate::actor::Actor;
use crate::changes::ChangeRecord;
use crate::storage::{Conn, StorageResult, json, on_backend};

/// Checks a print record; the printing account and its site are the signed-in ones, whatever
/// the desktop sent.
pub fn plan(actor: &Actor, record: &PrintRecord) -> Result<PrintRecord, ApiError> {
    let refuse = |zh: &str, en: &str| {
        Err(ApiError::new(
            ErrorCode::Invalid,
            actor.lang.pick(zh.into(), en.into()),
        ))
    };
    if record.template.trim().is_empty() || record.title.trim().is_empty() {
        return refuse(
            "打印记录缺少文书名称",
            "The print record does not name the document",
        );
    }
    if record.title.chars().count() > MAX_TITLE_CHARS {
        return refuse(
            "打印记录的文书名称过长",
            "The print record's document title is too long",
        );
    }
    if record.printer.trim().is_empty() {
        return refuse(
            "打印记录缺少打印机",
            "The print record does not name the printer",
        );
    }
    if record.copies == 0 || record.copies > MAX_COPIES || record.pages == 0 {
        return refuse(
            "打印份数或页数不正确",
            "The number of copies or pages is wrong",
        );
    }
    Ok(PrintRecord {
        printed_by: actor.account.username.clone(),
        site_id: actor.account.site_id,
        ..record.clone()
    })
}

pub fn change(record: &PrintRecord) -> Result<ChangeRecord, serde_json::Error> {
    ChangeRecord::upsert(EntityKind::PrintRecord, record.id, record, record.site_id)
}

pub async fn write(conn: &mut Conn<'_>, record: &PrintRecord) -> StorageResult<()> {
    const SQL: &str = "INSERT INTO print_log (id, template, title, pages, copies, printer, tray,
             overlay, reprint, jobs, printed_by, printed_at_ms, site_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (id) DO NOTHING";
    let jobs = json(&record.jobs)?;
    on_backend!(conn, c => sqlx::query(SQL)
        .bind(record.id.to_string())
        .bind(&record.template)
        .bind(&record.title)
        .bind(i64::from(record.pages))
        .bind(i64::from(record.copies))
        .bind(&record.printer)
        .bind(record.tray.as_deref())
        .bind(record.overlay)
        .bind(record.reprint)
        .bind(&jobs)
        .bind(&record.printed_by)
        .bind(record.printed_at_ms)
        .bind(record.site_id.map(|id| id.to_string()))
        .execute(c)
        .await
        .map(drop))?;
    Ok(())
}
