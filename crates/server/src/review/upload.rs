//! Files coming into a round: a resumable upload per file, checked by intake in a child
//! process when its last byte arrives, then kept as a blob with one sheet per page.

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{
    IntakeWarning, NewUpload, ReadingSource, RoundFile, Sheet, UploadState, UploadStatus,
};
use onetrip_api::sync::EntityKind;
use onetrip_domain::Lang;
use onetrip_domain::input::echo;
use onetrip_domain::review::SheetNumber;
use onetrip_intake::{FileReport, IntakeFailure, Refusal, Source, Warning};
use uuid::Uuid;

use super::{IndexEntries, sql, upsert};
use crate::actor::{Actor, refuse};
use crate::http_error::internal;
use crate::state::AppState;
use crate::uploads::{self, AppendError, Upload};

fn status(upload: &Upload, received: u64) -> UploadStatus {
    UploadStatus {
        id: upload.id,
        round_id: upload.target,
        file_name: upload.file_name.clone(),
        size: upload.size,
        received,
        state: upload.state,
        file_id: upload.file_id,
        error: upload.error.clone(),
    }
}

fn megabytes(bytes: u64) -> u64 {
    bytes / 1_000_000
}

/// Starts an upload into one of the applicant's rounds still being prepared.
pub async fn start(
    state: &AppState,
    actor: &Actor,
    request: &NewUpload,
) -> Result<UploadStatus, ApiError> {
    let lang = actor.lang;
    let limits = &state.files.limits;
    // Only the name, never a path the browser may have sent along.
    let file_name = request
        .file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if file_name.is_empty() || file_name.chars().count() > 255 {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "file_name",
            "文件名不能为空，且不超过 255 个字符".into(),
            "The file name must be 1–255 characters".into(),
        ));
    }
    if request.size == 0 {
        return Err(refuse(
            actor,
            ErrorCode::Invalid,
            "file_empty",
            format!("“{}”是空文件", echo(&file_name)),
            format!("“{}” is empty", echo(&file_name)),
        ));
    }
    if request.size > limits.max_file_bytes {
        return Err(refuse(
            actor,
            ErrorCode::PayloadTooLarge,
            "file_too_large",
            format!(
                "“{}”有 {} MB，超过单个文件 {} MB 的上限；请拆分后分别上传",
                echo(&file_name),
                megabytes(request.size),
                megabytes(limits.max_file_bytes)
            ),
            format!(
                "“{}” is {} MB, over the {} MB limit per file; split it and upload the parts",
                echo(&file_name),
                megabytes(request.size),
                megabytes(limits.max_file_bytes)
            ),
        ));
    }
    let mut tx = state
        .store
        .begin_write()
        .await
        .map_err(|e| internal(lang, e))?;
    super::preparing_round(&mut tx.conn(), actor, request.round_id)
        .await
        .map_err(|e| internal(lang, e))??;
    let upload = Upload {
        id: Uuid::new_v4(),
        owner_id: actor.account.id,
        target: request.round_id,
        file_name,
        size: request.size,
        state: UploadState::Receiving,
        created_at_ms: state.clock.now_ms(),
        file_id: None,
        error: None,
    };
    uploads::create(&mut tx.conn(), &upload)
        .await
        .map_err(|e| internal(lang, e))?;
    tx.commit().await.map_err(|e| internal(lang, e))?;
    Ok(status(&upload, 0))
}

fn no_upload(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::NotFound,
        "upload_not_found",
        "没有这个上传".into(),
        "No such upload".into(),
    )
}

async fn own_upload(state: &AppState, actor: &Actor, id: Uuid) -> Result<Upload, ApiError> {
    let mut pooled = state
        .store
        .acquire()
        .await
        .map_err(|e| internal(actor.lang, e))?;
    uploads::get(&mut pooled.conn(), id)
        .await
        .map_err(|e| internal(actor.lang, e))?
        .filter(|upload| upload.owner_id == actor.account.id)
        .ok_or_else(|| no_upload(actor))
}

/// Where the upload stands.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> Result<UploadStatus, ApiError> {
    let upload = own_upload(state, actor, id).await?;
    let received = match upload.state {
        UploadState::Receiving => state
            .files
            .received(id)
            .await
            .map_err(|e| internal(actor.lang, e))?,
        _ => upload.size,
    };
    Ok(status(&upload, received))
}

/// Appends the bytes of `body` at `offset`; once the last byte is in, checks and keeps the file.
pub async fn append(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    offset: u64,
    body: axum::body::Body,
) -> Result<UploadStatus, ApiError> {
    let upload = own_upload(state, actor, id).await?;
    if upload.state != UploadState::Receiving {
        return Ok(status(&upload, upload.size));
    }
    let received = match state.files.append(id, offset, upload.size, body).await {
        Ok(received) => received,
        Err(AppendError::Offset { received }) => {
            return Err(refuse(
                actor,
                ErrorCode::Conflict,
                "upload_offset",
                format!("服务器已收到 {received} 字节，请从该处继续上传"),
                format!("The server has {received} bytes; continue from there"),
            ));
        }
        Err(AppendError::TooLong { size }) => {
            return Err(refuse(
                actor,
                ErrorCode::PayloadTooLarge,
                "upload_too_long",
                format!("收到的内容超过了申报的文件大小（{size} 字节）"),
                format!("More bytes arrived than the declared size ({size} bytes)"),
            ));
        }
        Err(AppendError::Busy) => {
            return Err(refuse(
                actor,
                ErrorCode::Conflict,
                "upload_busy",
                "该文件正在另一个窗口中上传".into(),
                "This file is being uploaded from elsewhere".into(),
            ));
        }
        Err(AppendError::Io(error)) => return Err(internal(actor.lang, error)),
    };
    if received < upload.size {
        return Ok(status(&upload, received));
    }
    complete(state, actor, upload).await
}

/// Why intake refused a file, in the uploader's language.
fn refusal(lang: Lang, name: &str, refusal: &Refusal) -> ApiError {
    let name = echo(name);
    let (reason, zh, en) = match refusal {
        Refusal::NotPdf => (
            "not_pdf",
            format!("“{name}”不是 PDF 文件；请上传 CAD 导出或打印成的 PDF"),
            format!("“{name}” is not a PDF; upload the PDF exported or printed from CAD"),
        ),
        Refusal::Truncated => (
            "pdf_truncated",
            format!("“{name}”不完整（文件被截断），请重新导出后上传"),
            format!("“{name}” is incomplete (cut short); export it again and upload it"),
        ),
        Refusal::Damaged => (
            "pdf_damaged",
            format!("“{name}”已损坏，无法读取，请重新导出后上传"),
            format!("“{name}” is damaged and cannot be read; export it again"),
        ),
        Refusal::Encrypted => (
            "pdf_encrypted",
            format!("“{name}”设置了密码或加密，请取消加密后再上传"),
            format!("“{name}” is encrypted or password-protected; remove the protection"),
        ),
        Refusal::Portfolio => (
            "pdf_portfolio",
            format!("“{name}”是 PDF 文件包（Portfolio），请把其中的图纸分别导出为 PDF"),
            format!("“{name}” is a PDF portfolio; export the drawings in it as PDFs"),
        ),
        Refusal::TooManyPages { pages, limit } => (
            "too_many_sheets",
            format!("“{name}”有 {pages} 页，超过每轮 {limit} 张图纸的上限"),
            format!("“{name}” has {pages} pages, over the limit of {limit} sheets per round"),
        ),
    };
    ApiError::new(ErrorCode::Invalid, lang.pick(zh, en)).with_reason(reason)
}

fn unreadable(lang: Lang, name: &str) -> ApiError {
    let name = echo(name);
    ApiError::new(
        ErrorCode::Invalid,
        lang.pick(
            format!("“{name}”无法在限定时间和内存内读完（文件可能已损坏或结构异常），请重新导出后上传"),
            format!("“{name}” could not be read within the time and memory allowed (it may be damaged); export it again"),
        ),
    )
    .with_reason("pdf_unreadable")
}

fn sheet_size(size: &onetrip_intake::SheetSize) -> String {
    use onetrip_intake::SheetSize::*;
    match size {
        A0 => "A0".into(),
        A1 => "A1".into(),
        A2 => "A2".into(),
        A3 => "A3".into(),
        A4 => "A4".into(),
        Lengthened { base, long_mm } => format!("A{base}加长 {long_mm}mm"),
    }
}

/// The sheets intake read from a file, one per page.
fn sheets_of(round: Uuid, file: Uuid, report: &FileReport) -> Vec<Sheet> {
    report
        .pages
        .iter()
        .map(|page| {
            let number = page
                .sheet_number
                .as_ref()
                .and_then(|reading| SheetNumber::parse(&reading.text).ok());
            let confidence = page.sheet_number.as_ref().map_or(0, |reading| {
                // A reading is never as sure as the applicant's own confirmation.
                (reading.confidence.clamp(0.0, 0.99) * 100.0).round() as u8
            });
            Sheet {
                id: Uuid::new_v5(&file, format!("page:{}", page.page).as_bytes()),
                round_id: round,
                file_id: file,
                page: page.page,
                specialty: number.as_ref().and_then(SheetNumber::specialty),
                number: number.map(|n| n.to_string()),
                title: page
                    .title
                    .as_ref()
                    .map(|reading| reading.text.chars().take(100).collect())
                    .unwrap_or_default(),
                confidence,
                source: page
                    .sheet_number
                    .as_ref()
                    .map(|reading| match reading.source {
                        Source::PageLabel => ReadingSource::PageLabel,
                        Source::Bookmark => ReadingSource::Bookmark,
                        Source::TitleBlock => ReadingSource::TitleBlock,
                    }),
                size: page.size.as_ref().map(sheet_size),
                warnings: page
                    .warnings
                    .iter()
                    .map(|warning| match warning {
                        Warning::NotDrawingSize => IntakeWarning::NotDrawingSize,
                        Warning::FontNotEmbedded { font } => IntakeWarning::FontNotEmbedded {
                            font: font.chars().take(80).collect(),
                        },
                        Warning::ShxText { count } => IntakeWarning::ShxText { count: *count },
                        Warning::ImageOnly => IntakeWarning::ImageOnly,
                        Warning::Rotated { degrees } => {
                            IntakeWarning::Rotated { degrees: *degrees }
                        }
                    })
                    .collect(),
                compared: None,
            }
        })
        .collect()
}

/// Records how the upload ended when intake refused the file; its bytes go.
async fn refused(
    state: &AppState,
    actor: &Actor,
    mut upload: Upload,
    error: ApiError,
) -> Result<UploadStatus, ApiError> {
    let lang = actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    uploads::finish(
        &mut pooled.conn(),
        upload.id,
        UploadState::Refused,
        None,
        Some(&error),
    )
    .await
    .map_err(|e| internal(lang, e))?;
    drop(pooled);
    state
        .files
        .discard(upload.id)
        .await
        .map_err(|e| internal(lang, e))?;
    upload.state = UploadState::Refused;
    upload.error = Some(error);
    Ok(status(&upload, upload.size))
}

/// Checks the complete file, keeps it as a blob and adds it to the round with its sheets.
async fn complete(
    state: &AppState,
    actor: &Actor,
    mut upload: Upload,
) -> Result<UploadStatus, ApiError> {
    let lang = actor.lang;
    let files = &state.files;
    let round_id = upload.target;
    let already = {
        let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
        sql::count_sheets(&mut pooled.conn(), round_id)
            .await
            .map_err(|e| internal(lang, e))?
    };
    let room = i64::from(files.limits.max_sheets_per_round) - already;
    let limits = onetrip_intake::Limits {
        max_pages: u32::try_from(room.max(0)).unwrap_or(0),
    };
    let path = files.partial_path(upload.id);
    let report = match onetrip_intake::inspect_isolated(&files.intake, &path, &limits).await {
        Ok(report) => report,
        Err(IntakeFailure::Refused(Refusal::TooManyPages { pages, .. })) => {
            let limit = files.limits.max_sheets_per_round;
            let error = refusal(
                lang,
                &upload.file_name,
                &Refusal::TooManyPages { pages, limit },
            );
            return refused(state, actor, upload, error).await;
        }
        Err(IntakeFailure::Refused(why)) => {
            let error = refusal(lang, &upload.file_name, &why);
            return refused(state, actor, upload, error).await;
        }
        Err(IntakeFailure::Crashed | IntakeFailure::TimedOut) => {
            let error = unreadable(lang, &upload.file_name);
            return refused(state, actor, upload, error).await;
        }
        // The bytes stay: sending the last request again retries the check.
        Err(IntakeFailure::Spawn(error)) => return Err(internal(lang, error)),
    };
    let stored = files
        .keep(upload.id, files.limits.max_file_bytes)
        .await
        .map_err(|e| internal(lang, e))?;
    let now = state.clock.now_ms();
    let file = RoundFile {
        id: upload.id,
        round_id,
        name: upload.file_name.clone(),
        blob: stored.id.to_string(),
        size: stored.size,
        pages: u32::try_from(report.pages.len()).unwrap_or(u32::MAX),
        uploaded_at_ms: now,
    };
    let sheets = sheets_of(round_id, file.id, &report);
    let index = report.index.as_ref().map(|index| IndexEntries {
        sheet_id: Uuid::new_v5(&file.id, format!("page:{}", index.page).as_bytes()),
        numbers: index
            .entries
            .iter()
            .map(|entry| entry.sheet_number.clone())
            .collect(),
    });
    let mut tx = state
        .store
        .begin_write()
        .await
        .map_err(|e| internal(lang, e))?;
    let stored_round = async {
        let conn = &mut tx.conn();
        // The round may have been submitted while the file was being checked.
        let project = match super::preparing_round(conn, actor, round_id).await? {
            Ok((project, _)) => project,
            Err(error) => return Ok(Err(error)),
        };
        sql::insert_file(conn, &file).await?;
        sql::save_sheets(conn, &sheets).await?;
        if index.is_some() {
            sql::save_index_entries(conn, round_id, index.as_ref()).await?;
        }
        uploads::finish(conn, upload.id, UploadState::Done, Some(file.id), None).await?;
        let mut changes = vec![
            upsert(EntityKind::ReviewFile, file.id, &file, project.id)
                .map_err(crate::storage::corrupt)?,
        ];
        for sheet in &sheets {
            changes.push(
                upsert(EntityKind::ReviewSheet, sheet.id, sheet, project.id)
                    .map_err(crate::storage::corrupt)?,
            );
        }
        let command = upload.id.to_string();
        let entries: Vec<_> = changes
            .into_iter()
            .map(|change| (change, command.clone(), now))
            .collect();
        let seq = crate::changes::record_all(conn, &entries).await?;
        crate::command_log::audit_action(conn, actor, "upload_file", &file, now).await?;
        Ok::<_, crate::storage::StorageError>(Ok(seq))
    }
    .await
    .map_err(|e| internal(lang, e))?;
    let seq = match stored_round {
        Ok(seq) => seq,
        Err(error) => return Err(error),
    };
    if let Some(seq) = seq {
        state
            .store
            .notify(&mut tx, seq)
            .await
            .map_err(|e| internal(lang, e))?;
    }
    tx.commit().await.map_err(|e| internal(lang, e))?;
    if let Some(seq) = seq {
        state.store.committed(seq);
    }
    upload.state = UploadState::Done;
    upload.file_id = Some(file.id);
    Ok(status(&upload, upload.size))
}
