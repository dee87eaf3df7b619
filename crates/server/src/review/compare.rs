//! Revision compare after a later round is accepted: every sheet whose number was in the round
//! before is compared with it (in a child process of the server, bounded like intake), marked
//! changed or unchanged with the regions that changed, and every opinion carried onto it is
//! told whether the drawing changed under its markups — and flagged when its reply says
//! 已修改 where nothing changed.

use std::collections::HashMap;
use std::path::PathBuf;

use onetrip_api::review::{Opinion, RegionCheck, ReplyKind, RoundState, Sheet, SheetComparison};
use onetrip_api::sync::EntityKind;
use onetrip_compare::{
    CompareOptions, HayroRasteriser, PageRef, PdfRect, RasterOptions, compare_pages,
};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use super::{opinion_change, sql, upsert};
use crate::blobs::BlobId;
use crate::state::AppState;
use crate::storage::{StorageError, StorageResult, corrupt};

/// The first argument that makes the server's executable compare sheets and exit.
pub const CHILD_FLAG: &str = "--onetrip-compare-child";

/// Resolution sheets are compared at: fine enough for a changed line, quick on A0.
const DPI: f32 = 75.0;

/// Resolution of the overlay a reviewer looks at: the changed lines stay legible on A1.
pub const OVERLAY_DPI: f32 = 100.0;

/// What the child compares: pairs of pages of files on disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Job {
    pairs: Vec<Pair>,
    /// Where to write the first pair's overlay PNG, when one is wanted.
    #[serde(default)]
    overlay: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pair {
    sheet: Uuid,
    old_file: PathBuf,
    old_page: u32,
    new_file: PathBuf,
    new_page: u32,
}

/// One pair's result: the changed regions in tenths of a point (none: unchanged), or why the
/// pages could not be compared.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Marked {
    sheet: Uuid,
    regions: Result<Vec<[i32; 4]>, String>,
}

/// Call first thing in `main()` of a binary that embeds the server: when started as a compare
/// child (`CHILD_FLAG <job file> <memory bytes> <cpu seconds>`) this compares, writes the JSON
/// of the results to stdout and exits; otherwise it returns at once.
pub fn run_child_if_requested() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD_FLAG) {
        return;
    }
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    onetrip_intake::limit_self(number(3).unwrap_or(2 << 30), number(4).unwrap_or(300));
    let job: Option<Job> = args
        .get(2)
        .and_then(|path| std::fs::read(path).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let Some(job) = job else {
        std::process::exit(2);
    };
    let mut files: HashMap<PathBuf, Vec<u8>> = HashMap::new();
    let rasteriser = HayroRasteriser::default();
    let raster = RasterOptions {
        dpi: if job.overlay.is_some() {
            OVERLAY_DPI
        } else {
            DPI
        },
        ..RasterOptions::default()
    };
    let options = CompareOptions {
        overlay: job.overlay.is_some(),
        ..CompareOptions::default()
    };
    let mut marked = Vec::with_capacity(job.pairs.len());
    for pair in &job.pairs {
        for path in [&pair.old_file, &pair.new_file] {
            if !files.contains_key(path) {
                let bytes = std::fs::read(path).unwrap_or_default();
                files.insert(path.clone(), bytes);
            }
        }
        let (Some(old), Some(new)) = (files.get(&pair.old_file), files.get(&pair.new_file)) else {
            continue;
        };
        let result = compare_pages(
            &rasteriser,
            PageRef {
                pdf: old,
                page: pair.old_page as usize,
            },
            PageRef {
                pdf: new,
                page: pair.new_page as usize,
            },
            &raster,
            &options,
        );
        if let (Some(out), Ok(comparison)) = (&job.overlay, &result)
            && let Some(png) = &comparison.overlay_png
            && std::fs::write(out, png).is_err()
        {
            std::process::exit(5);
        }
        marked.push(Marked {
            sheet: pair.sheet,
            regions: result
                .map(|comparison| comparison.regions.iter().map(|r| tenths(&r.rect)).collect())
                .map_err(|error| error.to_string()),
        });
    }
    let written = serde_json::to_writer(std::io::stdout().lock(), &marked);
    std::process::exit(if written.is_ok() { 0 } else { 4 });
}

fn tenths(rect: &PdfRect) -> [i32; 4] {
    [rect.x0, rect.y0, rect.x1, rect.y1].map(|v| (v * 10.0).round() as i32)
}

fn rect_of(tenths: &[i32; 4]) -> PdfRect {
    let [x0, y0, x1, y1] = tenths.map(|v| v as f32 / 10.0);
    PdfRect::new(x0, y0, x1, y1)
}

/// Whether the drawing changed under the opinion's markups (the area around them, when it
/// has none: the whole sheet).
fn region_of(opinion: &Opinion, comparison: &SheetComparison) -> RegionCheck {
    let changed = if opinion.markups.is_empty() {
        comparison.changed
    } else {
        opinion.markups.iter().any(|markup| {
            let area = rect_of(&markup.rect);
            comparison
                .regions
                .iter()
                .any(|region| rect_of(region).overlaps(&area))
        })
    };
    if changed {
        RegionCheck::Changed
    } else {
        RegionCheck::Unchanged
    }
}

/// Compares the round with the one before it and records what changed. Runs after the
/// round's acceptance was committed; a failure is logged and leaves the sheets unmarked.
pub async fn mark_round(state: AppState, round_id: Uuid) {
    if let Err(error) = try_mark_round(&state, round_id).await {
        tracing::warn!(%error, %round_id, "revision compare failed");
    }
}

async fn try_mark_round(state: &AppState, round_id: Uuid) -> StorageResult<()> {
    let (round, new_sheets, old_sheets, files) = {
        let mut pooled = state.store.acquire().await?;
        let conn = &mut pooled.conn();
        let Some(round) = sql::round(conn, round_id).await? else {
            return Ok(());
        };
        let rounds = sql::rounds_of(conn, round.project_id).await?;
        let Some(previous) = rounds
            .iter()
            .filter(|r| r.number < round.number && r.state == RoundState::Accepted)
            .max_by_key(|r| r.number)
            .cloned()
        else {
            return Ok(());
        };
        let new_sheets = sql::sheets_of(conn, round.id).await?;
        let old_sheets = sql::sheets_of(conn, previous.id).await?;
        let mut files = sql::files_of(conn, round.id).await?;
        files.extend(sql::files_of(conn, previous.id).await?);
        (round, new_sheets, old_sheets, files)
    };
    // The files, from the blob store into a folder of their own for the child to read.
    let work = tempfile::Builder::new()
        .prefix("onetrip-compare")
        .tempdir()
        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let mut paths: HashMap<Uuid, PathBuf> = HashMap::new();
    for file in &files {
        if let Some(path) = materialise(state, work.path(), file).await? {
            paths.insert(file.id, path);
        }
    }
    let old_by_number: HashMap<&str, &Sheet> = old_sheets
        .iter()
        .filter_map(|s| s.number.as_deref().map(|n| (n, s)))
        .collect();
    let mut pairs = Vec::new();
    for sheet in &new_sheets {
        let Some(old) = sheet.number.as_deref().and_then(|n| old_by_number.get(n)) else {
            continue;
        };
        let (Some(old_file), Some(new_file)) = (paths.get(&old.file_id), paths.get(&sheet.file_id))
        else {
            continue;
        };
        pairs.push(Pair {
            sheet: sheet.id,
            old_file: old_file.clone(),
            old_page: old.page,
            new_file: new_file.clone(),
            new_page: sheet.page,
        });
    }
    if pairs.is_empty() {
        return Ok(());
    }
    let job_path = work.path().join("job.json");
    let job = serde_json::to_vec(&Job {
        pairs,
        overlay: None,
    })
    .map_err(corrupt)?;
    tokio::fs::write(&job_path, job).await.map_err(corrupt)?;
    let isolation = onetrip_intake::Isolation {
        timeout: std::time::Duration::from_secs(600),
        ..state.files.intake.clone()
    };
    let answer = onetrip_intake::run_isolated(&isolation, CHILD_FLAG, &[job_path.as_os_str()])
        .await
        .map_err(corrupt)?;
    let marked: Vec<Marked> = serde_json::from_slice(&answer).map_err(corrupt)?;
    record(state, &round, &new_sheets, &old_by_number, marked).await
}

/// Copies a file's blob into `dir` for the child to read.
async fn materialise(
    state: &AppState,
    dir: &std::path::Path,
    file: &onetrip_api::review::RoundFile,
) -> StorageResult<Option<PathBuf>> {
    let Some(blob) = BlobId::parse(&file.blob) else {
        return Ok(None);
    };
    let Some((mut reader, _)) = state.files.blobs.open(blob).await.map_err(corrupt)? else {
        return Ok(None);
    };
    let path = dir.join(file.id.simple().to_string());
    let mut out = tokio::fs::File::create(&path).await.map_err(corrupt)?;
    tokio::io::copy(&mut reader, &mut out)
        .await
        .map_err(corrupt)?;
    out.flush().await.map_err(corrupt)?;
    Ok(Some(path))
}

/// The overlay of a compared sheet on the same sheet of the round before (old red, new green,
/// common dark), as a PNG at [`OVERLAY_DPI`], drawn in a bounded child; `None` when the sheet
/// was not compared or the actor may not see it.
pub async fn overlay(
    state: &AppState,
    actor: &crate::actor::Actor,
    sheet: Uuid,
) -> StorageResult<Option<Vec<u8>>> {
    let (new_sheet, old_sheet, new_file, old_file) = {
        let mut pooled = state.store.acquire().await?;
        let conn = &mut pooled.conn();
        let Some(new_sheet) = sql::sheet(conn, sheet).await? else {
            return Ok(None);
        };
        let Some(previous) = new_sheet.compared.as_ref().map(|c| c.previous_sheet) else {
            return Ok(None);
        };
        let Some(old_sheet) = sql::sheet(conn, previous).await? else {
            return Ok(None);
        };
        let Some(round) = sql::round(conn, new_sheet.round_id).await? else {
            return Ok(None);
        };
        if super::visible_project(conn, actor, round.project_id)
            .await?
            .is_err()
        {
            return Ok(None);
        }
        let (Some(new_file), Some(old_file)) = (
            sql::file(conn, new_sheet.file_id).await?,
            sql::file(conn, old_sheet.file_id).await?,
        ) else {
            return Ok(None);
        };
        (new_sheet, old_sheet, new_file, old_file)
    };
    let work = tempfile::Builder::new()
        .prefix("onetrip-overlay")
        .tempdir()
        .map_err(corrupt)?;
    let (Some(new_path), Some(old_path)) = (
        materialise(state, work.path(), &new_file).await?,
        materialise(state, work.path(), &old_file).await?,
    ) else {
        return Ok(None);
    };
    let out = work.path().join("overlay.png");
    let job = Job {
        pairs: vec![Pair {
            sheet: new_sheet.id,
            old_file: old_path,
            old_page: old_sheet.page,
            new_file: new_path,
            new_page: new_sheet.page,
        }],
        overlay: Some(out.clone()),
    };
    let job_path = work.path().join("job.json");
    tokio::fs::write(&job_path, serde_json::to_vec(&job).map_err(corrupt)?)
        .await
        .map_err(corrupt)?;
    let isolation = onetrip_intake::Isolation {
        timeout: std::time::Duration::from_secs(120),
        ..state.files.intake.clone()
    };
    onetrip_intake::run_isolated(&isolation, CHILD_FLAG, &[job_path.as_os_str()])
        .await
        .map_err(corrupt)?;
    Ok(tokio::fs::read(&out).await.ok())
}

/// Writes the comparisons onto the sheets and their carried opinions, with their changes.
async fn record(
    state: &AppState,
    round: &onetrip_api::review::Round,
    new_sheets: &[Sheet],
    old_by_number: &HashMap<&str, &Sheet>,
    marked: Vec<Marked>,
) -> StorageResult<()> {
    let mut sheets = Vec::new();
    for result in marked {
        let Some(sheet) = new_sheets.iter().find(|s| s.id == result.sheet) else {
            continue;
        };
        let Ok(regions) = result.regions else {
            tracing::warn!(sheet = %sheet.id, "a sheet could not be compared");
            continue;
        };
        let Some(previous) = sheet.number.as_deref().and_then(|n| old_by_number.get(n)) else {
            continue;
        };
        sheets.push(Sheet {
            compared: Some(SheetComparison {
                previous_sheet: previous.id,
                changed: !regions.is_empty(),
                regions,
            }),
            ..sheet.clone()
        });
    }
    let now = state.clock.now_ms();
    let mut tx = state.store.begin_write().await?;
    let conn = &mut tx.conn();
    let opinions = sql::opinions_of(conn, round.project_id).await?;
    let mut changed_opinions = Vec::new();
    for opinion in opinions.iter().filter(|o| o.round_id == round.id) {
        let Some(comparison) = sheets
            .iter()
            .find(|s| s.number.as_deref() == Some(&opinion.sheet_number))
            .and_then(|s| s.compared.as_ref())
        else {
            continue;
        };
        let region = region_of(opinion, comparison);
        let claims_changed = matches!(
            opinion.reply.as_ref().map(|r| &r.reply),
            Some(ReplyKind::Changed { sheets }) if sheets.contains(&opinion.sheet_number)
        );
        changed_opinions.push(Opinion {
            region: Some(region),
            reply_unsupported: claims_changed && region == RegionCheck::Unchanged,
            ..opinion.clone()
        });
    }
    sql::save_sheets(conn, &sheets).await?;
    let mut changes = Vec::new();
    for sheet in &sheets {
        changes.push(
            upsert(EntityKind::ReviewSheet, sheet.id, sheet, round.project_id).map_err(corrupt)?,
        );
    }
    // Writers take turns (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), so the
    // opinions read in this transaction are the ones written back.
    let rounds = sql::rounds_of(conn, round.project_id).await?;
    for opinion in &changed_opinions {
        sql::save_opinion(conn, opinion, super::raised_in(opinion, &rounds)).await?;
        changes.push(opinion_change(opinion).map_err(corrupt)?);
    }
    let command = format!("compare:{}", round.id);
    let entries: Vec<_> = changes
        .into_iter()
        .map(|c| (c, command.clone(), now))
        .collect();
    let seq = crate::changes::record_all(conn, &entries).await?;
    if let Some(seq) = seq {
        state.store.notify(&mut tx, seq).await?;
    }
    tx.commit().await?;
    if let Some(seq) = seq {
        state.store.committed(seq);
    }
    Ok(())
}
