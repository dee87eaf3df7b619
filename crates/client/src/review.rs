//! Drawing review on the desktop: projects, rounds, sheets, tasks and opinions read from the
//! local cache (so they read offline), opinions written through the outbox, and the drawing
//! files kept in a local blob cache of bounded size, so a sheet opened once opens at once
//! again and stays readable offline.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::review::{
    Certificate, Opinion, OpinionState, Project, ProjectView, ReviewTask, Reviewer, Round,
    RoundFile, RoundState, RoundView, Sheet, SheetPage, SheetRegion,
};
use onetrip_api::review_documents::{ExportForm, ReviewDocument, compose, export_file};
use onetrip_api::sync::EntityKind;
use onetrip_domain::calendar::{Calendar, Day};
use uuid::Uuid;

use crate::desktop::Desktop;
use crate::sync_engine::now_ms;

/// How much drawing data the desktop keeps by default: 4 GB.
pub const DEFAULT_BLOB_CACHE_BYTES: u64 = 4_000_000_000;

/// How many drawing files the native viewer keeps open (read into memory) at once.
const OPEN_FILES: usize = 3;

/// The drawing files the native viewer has open, the most recent last, so that drawing a
/// region does not read the file again.
#[derive(Default)]
pub(crate) struct OpenFiles(std::sync::Mutex<Vec<(Uuid, Arc<Vec<u8>>)>>);

impl OpenFiles {
    fn get(&self, id: Uuid) -> Option<Arc<Vec<u8>>> {
        let mut files = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let at = files.iter().position(|(f, _)| *f == id)?;
        let entry = files.remove(at);
        let bytes = entry.1.clone();
        files.push(entry);
        Some(bytes)
    }

    fn put(&self, id: Uuid, bytes: Arc<Vec<u8>>) {
        let mut files = self.0.lock().unwrap_or_else(|e| e.into_inner());
        files.retain(|(f, _)| *f != id);
        if files.len() >= OPEN_FILES {
            files.remove(0);
        }
        files.push((id, bytes));
    }
}

pub struct Review<'a> {
    pub(crate) desktop: &'a Desktop,
}

fn local_error(lang: onetrip_domain::Lang, error: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        lang.pick(
            format!("本机图纸缓存出错：{error}"),
            format!("The drawing cache on this computer failed: {error}"),
        ),
    )
}

impl Review<'_> {
    /// The projects this account reviews or leads, newest first.
    pub async fn projects(&self) -> Result<Vec<Project>, ApiError> {
        self.desktop.owner().await?;
        let mut projects: Vec<Project> = self
            .desktop
            .sync
            .cache
            .records(EntityKind::ReviewProject)
            .await?;
        projects.sort_by_key(|p| std::cmp::Reverse(p.registered_at_ms));
        Ok(projects)
    }

    /// A project with its rounds, sheets, tasks and opinions, from the local cache; opinions
    /// written offline show as drafts until the server takes them.
    pub async fn project(&self, id: Uuid) -> Result<ProjectView, ApiError> {
        let owner = self.desktop.owner().await?;
        let lang = self.desktop.language().await;
        let cache = &self.desktop.sync.cache;
        let project: Project = cache
            .record(EntityKind::ReviewProject, id)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    lang.pick(
                        "本机没有这个项目（可能尚未同步，或您未被分派）".into(),
                        "This project is not on this computer (not synced yet, or not assigned to you)".into(),
                    ),
                )
            })?;
        let mut rounds: Vec<Round> = cache.project_records(EntityKind::ReviewRound, id).await?;
        rounds.sort_by_key(|round| round.number);
        let files: Vec<RoundFile> = cache.records(EntityKind::ReviewFile).await?;
        let sheets: Vec<Sheet> = cache.records(EntityKind::ReviewSheet).await?;
        let mut views = Vec::with_capacity(rounds.len());
        for round in rounds {
            let mut round_files: Vec<RoundFile> = files
                .iter()
                .filter(|f| f.round_id == round.id)
                .cloned()
                .collect();
            round_files.sort_by_key(|f| f.uploaded_at_ms);
            let order: Vec<Uuid> = round_files.iter().map(|f| f.id).collect();
            let mut round_sheets: Vec<Sheet> = sheets
                .iter()
                .filter(|s| s.round_id == round.id)
                .cloned()
                .collect();
            round_sheets.sort_by_key(|s| {
                (
                    order
                        .iter()
                        .position(|f| *f == s.file_id)
                        .unwrap_or(usize::MAX),
                    s.page,
                )
            });
            views.push(RoundView {
                blockers: Vec::new(),
                index: None,
                files: round_files,
                sheets: round_sheets,
                round,
            });
        }
        let snapshot = cache.config_snapshot(&owner).await?;
        let calendar = Calendar::new(&snapshot.calendar).unwrap_or_default();
        let today = Day::parse(&onetrip_print::signing::center_date(now_ms()))
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "today is not a date"))?;
        let mut tasks: Vec<ReviewTask> = cache
            .project_records::<ReviewTask>(EntityKind::ReviewTask, id)
            .await?
            .into_iter()
            .map(|task| task.with_clock(&calendar, today))
            .collect();
        tasks.sort_by_key(|t| (t.round, t.specialty));
        let mut opinions: Vec<Opinion> =
            cache.project_records(EntityKind::ReviewOpinion, id).await?;
        for pending in self.pending_opinions(&owner, &views).await? {
            match opinions.iter_mut().find(|o| o.id == pending.id) {
                Some(known) => *known = pending,
                None => opinions.push(pending),
            }
        }
        opinions.sort_by(|a, b| {
            (a.specialty, a.code.len(), &a.code).cmp(&(b.specialty, b.code.len(), &b.code))
        });
        let certificate_blockers = onetrip_api::review::certificate_blockers(
            &project,
            &views.iter().map(|r| r.round.clone()).collect::<Vec<_>>(),
            &tasks,
            &opinions,
        );
        let certificate = cache
            .project_records::<Certificate>(EntityKind::ReviewCertificate, id)
            .await?
            .into_iter()
            .max_by_key(|c| c.issued_at_ms);
        Ok(ProjectView {
            project,
            rounds: views,
            tasks,
            opinions,
            certificate_blockers,
            certificate,
        })
    }

    /// Opinions saved while offline, as drafts without their id yet (待同步).
    async fn pending_opinions(
        &self,
        owner: &str,
        rounds: &[RoundView],
    ) -> Result<Vec<Opinion>, ApiError> {
        let account = self
            .desktop
            .state
            .lock()
            .await
            .session
            .as_ref()
            .map(|s| s.account.clone());
        let Some(account) = account else {
            return Ok(Vec::new());
        };
        let lang = self.desktop.language().await;
        let mut pending = Vec::new();
        for command in self.desktop.sync.cache.pending(owner).await? {
            let onetrip_api::command::CommandBody::SaveOpinion(draft) = command.body else {
                continue;
            };
            let Some(round) = rounds.iter().find(|r| r.round.id == draft.round_id) else {
                continue;
            };
            pending.push(Opinion {
                id: draft.id,
                code: lang.pick("待同步".into(), "Not synced".into()),
                project_id: round.round.project_id,
                round_id: draft.round_id,
                specialty: draft.specialty,
                sheet_number: onetrip_domain::review::SheetNumber::parse(&draft.sheet_number)
                    .map(|n| n.to_string())
                    .unwrap_or(draft.sheet_number),
                markups: draft.markups,
                text: draft.text,
                kind: draft.kind,
                severity: draft.severity,
                clause: draft.clause,
                superseded: None,
                state: OpinionState::Draft,
                author: account.id,
                author_name: account.display_name.clone(),
                saved_at_ms: now_ms(),
                released_at_ms: None,
                reply: None,
                carried: None,
                previous_sheet: None,
                region: None,
                reply_unsupported: false,
            });
        }
        Ok(pending)
    }

    /// The clause library's editions matching `query`: the library ships with the app, so
    /// this works offline.
    pub fn clauses(&self, query: &str) -> Vec<onetrip_api::review::ClauseEdition> {
        let today = onetrip_print::signing::center_date(now_ms());
        onetrip_api::review::ClauseEdition::find(query, &today)
    }

    /// The reviewers the lead may assign, asked of the server.
    pub async fn reviewers(&self) -> Result<Vec<Reviewer>, ApiError> {
        self.desktop
            .with_session(|client, token| async move { client.reviewers(&token).await })
            .await
    }

    fn blob_dir(&self) -> PathBuf {
        self.desktop.data_dir.join("drawings")
    }

    /// A round's file: from the local blob cache when it is there, else fetched from the
    /// server, checked against its SHA-256 and kept.
    pub async fn file(&self, id: Uuid) -> Result<Vec<u8>, ApiError> {
        let path = self.keep_file(id).await?;
        let lang = self.desktop.language().await;
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| local_error(lang, e))?;
        touch(&path);
        Ok(bytes)
    }

    /// A sheet's page as the native viewer draws it: its size and its transform.
    pub async fn sheet_page(&self, file: Uuid, page: u32) -> Result<SheetPage, ApiError> {
        let lang = self.desktop.language().await;
        let bytes = self.open_file(file).await?;
        let opened = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(|| {
                onetrip_compare::PageView::open(bytes, page as usize).map(|view| SheetPage {
                    width: view.width(),
                    height: view.height(),
                    to_view: view.to_view().0,
                })
            })
        })
        .await;
        unrendered(lang, opened)
    }

    /// A region of a sheet's page drawn natively, as a PNG: the desktop's viewer shows these
    /// instead of drawing the PDF in the webview, whose canvas is too slow for heavy sheets.
    pub async fn sheet_region(
        &self,
        file: Uuid,
        page: u32,
        region: SheetRegion,
    ) -> Result<Vec<u8>, ApiError> {
        let lang = self.desktop.language().await;
        let bytes = self.open_file(file).await?;
        let region = onetrip_compare::Region {
            scale: region.scale,
            x: region.x,
            y: region.y,
            width: region.width,
            height: region.height,
        };
        // Bands of at least 256 rows, one per core: small regions are not worth a thread.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4) as u32);
        let parts = (region.height / 256).clamp(1, cores);
        let drawn = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(|| {
                onetrip_compare::render_parallel(&bytes, page as usize, &region, parts)
                    .and_then(|image| image.to_png())
            })
        })
        .await;
        unrendered(lang, drawn)
    }

    /// A file's bytes for the native viewer: kept open for the next region.
    async fn open_file(&self, id: Uuid) -> Result<Arc<Vec<u8>>, ApiError> {
        self.desktop.owner().await?;
        if let Some(bytes) = self.desktop.open_files.get(id) {
            return Ok(bytes);
        }
        let bytes = Arc::new(self.file(id).await?);
        self.desktop.open_files.put(id, bytes.clone());
        Ok(bytes)
    }

    /// Keeps every file of the project's rounds on this computer, to review it offline;
    /// the number of files now kept.
    pub async fn take_offline(&self, project: Uuid) -> Result<u32, ApiError> {
        let view = self.project(project).await?;
        let mut kept = 0;
        for round in view
            .rounds
            .iter()
            .filter(|r| r.round.state == RoundState::Accepted)
        {
            for file in &round.files {
                self.keep_file(file.id).await?;
                kept += 1;
            }
        }
        Ok(kept)
    }

    /// The path of the file in the blob cache, downloading it when missing.
    async fn keep_file(&self, id: Uuid) -> Result<PathBuf, ApiError> {
        self.desktop.owner().await?;
        let lang = self.desktop.language().await;
        let file: RoundFile = self
            .desktop
            .sync
            .cache
            .record(EntityKind::ReviewFile, id)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    lang.pick(
                        "本机没有这个图纸文件".into(),
                        "No such drawing file here".into(),
                    ),
                )
            })?;
        let dir = self.blob_dir();
        let path = dir.join(&file.blob);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(path);
        }
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| local_error(lang, e))?;
        let partial = dir.join(format!("{}.part", Uuid::new_v4().simple()));
        let target = partial.clone();
        let downloaded = self
            .desktop
            .with_session(|client, token| async move {
                client.download_review_file(&token, id, &target).await
            })
            .await;
        let (hash, _) = match downloaded {
            Ok(done) => done,
            Err(error) => {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(error);
            }
        };
        if hash != file.blob {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(ApiError::new(
                ErrorCode::Internal,
                lang.pick(
                    "下载的图纸与服务器记录的校验值不符，请重试".into(),
                    "The drawing downloaded does not match its checksum; try again".into(),
                ),
            ));
        }
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(|e| local_error(lang, e))?;
        evict(&dir, DEFAULT_BLOB_CACHE_BYTES, &path);
        Ok(path)
    }

    /// A project's letter or certificate, rendered from the cache as the server renders it:
    /// the file's title and its bytes. Works offline.
    pub async fn document(
        &self,
        project: Uuid,
        which: ReviewDocument,
        round: Option<u32>,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let lang = self.desktop.language().await;
        let view = self.project(project).await?;
        let owner = self.desktop.owner().await?;
        let snapshot = self.desktop.sync.cache.config_snapshot(&owner).await?;
        let issuer = onetrip_api::review_documents::issuing_body(&snapshot.sites);
        let file = compose(&view, which, round, &issuer, lang)?;
        let fonts = self
            .desktop
            .printing
            .fonts()
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let title = file.title.clone();
        let pdf = tokio::task::spawn_blocking(move || file.render(&fonts))
            .await
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
            .map_err(|e| ApiError::new(ErrorCode::Invalid, e.to_string()))?;
        Ok((title, pdf))
    }

    /// Saves a project's letter or certificate into the export folder and says where.
    pub async fn save_document(
        &self,
        project: Uuid,
        which: ReviewDocument,
        round: Option<u32>,
    ) -> Result<onetrip_api::stats::SavedExport, ApiError> {
        let (title, pdf) = self.document(project, which, round).await?;
        let lang = self.desktop.language().await;
        let name = format!("{title}.pdf");
        crate::stats::save_file(
            &self.desktop.export_folder(),
            &name,
            "document.pdf",
            &pdf,
            lang,
        )
    }

    /// Exports a round's file with the released opinions' markups, from the kept drawing and
    /// the cached opinions, into the export folder.
    pub async fn export_file(
        &self,
        file: Uuid,
        form: ExportForm,
    ) -> Result<onetrip_api::stats::SavedExport, ApiError> {
        let lang = self.desktop.language().await;
        let cache = &self.desktop.sync.cache;
        let round: Option<Round> = match cache
            .record::<RoundFile>(EntityKind::ReviewFile, file)
            .await?
        {
            Some(found) => {
                cache
                    .record(EntityKind::ReviewRound, found.round_id)
                    .await?
            }
            None => None,
        };
        let Some(round) = round else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                lang.pick(
                    "本机没有这个文件".into(),
                    "This file is not on this computer".into(),
                ),
            ));
        };
        let view = self.project(round.project_id).await?;
        let original = self.file(file).await?;
        let exported = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(|| export_file(&view, file, &original, form))
        })
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
        .map_err(|_| ApiError::new(ErrorCode::Internal, "the export panicked on the file"))?
        .map_err(|e| ApiError::new(ErrorCode::Invalid, e.to_string()))?;
        crate::stats::save_file(
            &self.desktop.export_folder(),
            &exported.name,
            "export.pdf",
            &exported.bytes,
            lang,
        )
    }

    /// A compared sheet over the same sheet of the round before (old red, new green, common
    /// dark) as a PNG at [`OVERLAY_DPI`], drawn here from the kept drawings: offline too.
    pub async fn overlay(&self, sheet: Uuid) -> Result<Vec<u8>, ApiError> {
        let lang = self.desktop.language().await;
        let cache = &self.desktop.sync.cache;
        let unavailable = || {
            ApiError::new(
                ErrorCode::NotFound,
                lang.pick(
                    "这张图纸没有可对比的上一轮图纸".into(),
                    "This sheet has no sheet of the round before to compare with".into(),
                ),
            )
        };
        let new: Sheet = cache
            .record(EntityKind::ReviewSheet, sheet)
            .await?
            .ok_or_else(unavailable)?;
        let previous = new
            .compared
            .as_ref()
            .ok_or_else(unavailable)?
            .previous_sheet;
        let old: Sheet = cache
            .record(EntityKind::ReviewSheet, previous)
            .await?
            .ok_or_else(unavailable)?;
        let (new_pdf, old_pdf) = (self.file(new.file_id).await?, self.file(old.file_id).await?);
        let (new_page, old_page) = (new.page as usize, old.page as usize);
        let drawn = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(|| {
                onetrip_compare::compare_pages(
                    &onetrip_compare::HayroRasteriser::default(),
                    onetrip_compare::PageRef {
                        pdf: &old_pdf,
                        page: old_page,
                    },
                    onetrip_compare::PageRef {
                        pdf: &new_pdf,
                        page: new_page,
                    },
                    &onetrip_compare::RasterOptions {
                        dpi: OVERLAY_DPI,
                        ..onetrip_compare::RasterOptions::default()
                    },
                    &onetrip_compare::CompareOptions::default(),
                )
            })
        })
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let failed = |detail: String| {
            ApiError::new(
                ErrorCode::Invalid,
                lang.pick(
                    format!("无法对比这两张图纸：{detail}"),
                    format!("The two sheets cannot be compared: {detail}"),
                ),
            )
        };
        drawn
            .map_err(|_| failed("renderer panicked".into()))?
            .map_err(|e| failed(e.to_string()))?
            .overlay_png
            .ok_or_else(|| failed("no overlay".into()))
    }

    /// Prints a project's letter or certificate and puts the print on record.
    pub async fn print_document(
        &self,
        project: Uuid,
        which: ReviewDocument,
        round: Option<u32>,
        printer: String,
        tray: Option<String>,
        copies: u32,
    ) -> Result<onetrip_api::print::PrintRecord, ApiError> {
        let (title, pdf) = self.document(project, which, round).await?;
        let pages = u32::try_from(onetrip_print::pdf::count_pages(&pdf)).unwrap_or(u32::MAX);
        let template = match which {
            ReviewDocument::Letter => "review-letter",
            ReviewDocument::Certificate => onetrip_api::review_documents::CERTIFICATE_TEMPLATE,
        };
        self.desktop
            .printing()
            .print_rendered(crate::printing::RenderedPrint {
                template: template.into(),
                title,
                pdf,
                pages,
                printer,
                tray,
                copies,
            })
            .await
    }
}

/// What the native viewer's renderer gave: the value, or why the sheet cannot be drawn.
fn unrendered<T>(
    lang: onetrip_domain::Lang,
    drawn: Result<
        std::thread::Result<Result<T, onetrip_compare::RasterError>>,
        tokio::task::JoinError,
    >,
) -> Result<T, ApiError> {
    let failed = |detail: String| {
        ApiError::new(
            ErrorCode::Invalid,
            lang.pick(
                format!("无法显示这张图纸：{detail}"),
                format!("The sheet cannot be shown: {detail}"),
            ),
        )
    };
    use onetrip_compare::RasterError;
    let detail = |error: RasterError| match error {
        RasterError::Unreadable => lang.pick(
            "文件已损坏或无法读取".into(),
            "the file is damaged or cannot be read".into(),
        ),
        RasterError::NoSuchPage { page, pages } => lang.pick(
            format!("文件只有 {pages} 页，没有第 {} 页", page + 1),
            format!("the file has {pages} pages, not page {}", page + 1),
        ),
        RasterError::BadResolution => {
            lang.pick("缩放比例无效".into(), "the zoom is not valid".into())
        }
        RasterError::TooLarge { .. } => lang.pick(
            "要显示的区域太大".into(),
            "the region asked for is too large".into(),
        ),
        RasterError::Renderer(why) => lang.pick(
            format!("绘制出错（{why}）"),
            format!("drawing failed ({why})"),
        ),
    };
    drawn
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
        .map_err(|_| failed(lang.pick("绘制程序出错".into(), "the renderer crashed".into())))?
        .map_err(|e| failed(detail(e)))
}

/// Resolution of the compare overlay, as the server draws it.
pub const OVERLAY_DPI: f32 = 100.0;

/// Marks a kept file as just used, so that eviction takes the least recently used first.
fn touch(path: &Path) {
    if let Ok(file) = std::fs::File::options().append(true).open(path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
}

/// Removes the least recently used files of `dir` until it holds at most `budget` bytes,
/// never `keep`.
pub fn evict(dir: &Path, budget: u64, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            let name = entry.file_name();
            let kept = meta.is_file() && !name.to_string_lossy().ends_with(".part");
            kept.then_some(())?;
            Some((meta.modified().ok()?, meta.len(), entry.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|(_, size, _)| size).sum();
    files.sort_by_key(|(modified, _, _)| *modified);
    for (_, size, path) in files {
        if total <= budget {
            break;
        }
        if path != keep && std::fs::remove_file(&path).is_ok() {
            total -= size;
        }
    }
}

impl Desktop {
    pub fn review(&self) -> Review<'_> {
        Review { desktop: self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eviction_takes_the_least_recently_used_first_and_keeps_the_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let now = std::time::SystemTime::now();
        for (i, name) in ["old", "middle", "new"].iter().enumerate() {
            let path = dir.path().join(name);
            std::fs::write(&path, vec![0u8; 100]).unwrap();
            let file = std::fs::File::options().append(true).open(&path).unwrap();
            file.set_modified(now - std::time::Duration::from_secs(100 - i as u64 * 10))
                .unwrap();
        }
        std::fs::write(dir.path().join("x.part"), vec![0u8; 1000]).unwrap();
        evict(dir.path(), 200, &dir.path().join("old"));
        assert!(dir.path().join("old").exists(), "the file just kept stays");
        assert!(!dir.path().join("middle").exists());
        assert!(dir.path().join("new").exists());
        assert!(
            dir.path().join("x.part").exists(),
            "a download under way is left alone"
        );
    }
}
