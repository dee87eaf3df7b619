//! Printing documents: the templates, a preview of what will print, printing
//! with the printer's calibration and a print-log entry for every print, reprints of the kept
//! file, the calibration profiles and their test grid, the print log.

use std::path::{Path, PathBuf};

use onetrip_api::command::{Command, CommandBody};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::print::{JobStatus, MAX_COPIES, PrintRecord, PrintRequest, PrintTemplateInfo};
use onetrip_domain::Lang;
use onetrip_print::builtin::{builtin_templates, find_template, sample_records};
use onetrip_print::{Calibration, PrintError, RenderOptions, Template};
use serde_json::Value;
use uuid::Uuid;

pub use crate::print_system::*;

use crate::desktop::Desktop;
use crate::sync_engine::now_ms;

/// A document rendered elsewhere, to print as it is.
pub struct RenderedPrint {
    /// What kind of document, for the print log (`review-letter`).
    pub template: String,
    pub title: String,
    pub pdf: Vec<u8>,
    pub pages: u32,
    pub printer: String,
    pub tray: Option<String>,
    pub copies: u32,
}

/// The print-log entry of records printed from `request`.
fn log_entry(
    id: Uuid,
    request: PrintRequest,
    title: String,
    pages: usize,
    jobs: &[PrintJob],
    printed_by: String,
    reprint: bool,
) -> PrintRecord {
    PrintRecord {
        id,
        template: request.template,
        title,
        pages: u32::try_from(pages).unwrap_or(u32::MAX),
        copies: request.copies,
        printer: request.printer,
        tray: request.tray,
        overlay: request.overlay,
        reprint,
        jobs: jobs.iter().map(|job| job.id.clone()).collect(),
        printed_by,
        printed_at_ms: now_ms(),
        site_id: None,
    }
}

/// What the print system is given for `request`.
fn document_job<'a>(
    template: &'a Template,
    request: &'a PrintRequest,
    title: String,
) -> DocumentJob<'a> {
    DocumentJob {
        template,
        records: &request.records,
        overlay: request.overlay,
        printer: &request.printer,
        tray: request.tray.as_deref(),
        copies: request.copies,
        title,
    }
}

/// A page-by-page print the printer stopped part-way: how many pages came out, their log
/// entry, and why it stopped.
#[derive(Debug)]
pub struct PartialPrint {
    pub printed: usize,
    pub record: Option<PrintRecord>,
    pub error: ApiError,
}

/// The desk's documents.
pub struct Printing<'a> {
    pub(crate) desktop: &'a Desktop,
}

/// Folder in the data folder keeping every printed file, named by its print-log entry.
pub const SPOOL_DIR: &str = "spool";
/// Most pages one print may have.
pub const MAX_PAGES: usize = 10_000;
/// How many print-log entries the desktop shows.
pub const LOG_LIMIT: i64 = 500;

fn printing_error(error: impl Into<PrintingError>) -> ApiError {
    let error = error.into();
    let code = match error {
        PrintingError::Document(PrintError::Io(_)) | PrintingError::Missing { .. } => {
            ErrorCode::Internal
        }
        _ => ErrorCode::Invalid,
    };
    ApiError::new(code, error.to_string())
}

/// Runs blocking printing work (rendering, the print system's commands) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ApiError::new(ErrorCode::Internal, error.to_string()))?
}

fn template(name: &str) -> Result<Template, ApiError> {
    find_template(name).map_err(printing_error)
}

fn invalid(lang: Lang, zh: &str, en: &str) -> ApiError {
    ApiError::new(ErrorCode::Invalid, lang.pick(zh.into(), en.into()))
}

/// The spooled file of a print-log entry, and its parts.
fn spooled_files(dir: &Path, id: Uuid) -> Vec<PathBuf> {
    let prefix = id.to_string();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| {
                    path.file_name()
                        .and_then(|name| name.to_str())
                        .is_some_and(|name| name.starts_with(&prefix) && name.ends_with(".pdf"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

impl Printing<'_> {
    fn spool_dir(&self) -> PathBuf {
        self.desktop.data_dir.join(SPOOL_DIR)
    }

    fn calibrations(&self) -> CalibrationStore {
        CalibrationStore::in_dir(&self.desktop.data_dir)
    }

    /// The built-in templates.
    pub fn print_templates(&self) -> Vec<PrintTemplateInfo> {
        builtin_templates()
            .into_iter()
            .map(|template| PrintTemplateInfo {
                name: template.name,
                title: template.title,
                width_mm: template.page.width,
                height_mm: template.page.height,
                has_form: !template.statics.is_empty(),
            })
            .collect()
    }

    /// Example data of a template, to try a printer with.
    pub fn sample_records(&self, template: &str) -> Result<Vec<Value>, ApiError> {
        sample_records(template).map_err(printing_error)
    }

    /// The PDF that printing `records` would send (without the printer's calibration).
    pub async fn preview_document(
        &self,
        template: &str,
        records: Vec<Value>,
        overlay: bool,
    ) -> Result<Vec<u8>, ApiError> {
        let lang = self.desktop.language().await;
        check_pages(lang, records.len())?;
        let template = self::template(template)?;
        let fonts = self.desktop.printing.fonts().map_err(printing_error)?;
        blocking(move || {
            let options = RenderOptions {
                overlay,
                calibration: None,
            };
            onetrip_print::render(&fonts, &template, &records, &options, &mut |_| {})
                .map_err(printing_error)
        })
        .await
    }

    /// The printers the operating system knows.
    pub async fn printers(&self) -> Result<Vec<Printer>, ApiError> {
        let system = self.desktop.printing.system.clone();
        blocking(move || system.printers().map_err(printing_error)).await
    }

    /// Prints documents with the printer's calibration, keeps the file for reprints and puts
    /// the print on record (sent to the server through the outbox).
    /// The checks every print of records passes first: the signed-in account, the page and copy
    /// counts, a title.
    async fn checked(&self, request: &PrintRequest) -> Result<(String, String), ApiError> {
        let lang = self.desktop.language().await;
        let account = self.signed_in_account().await?;
        check_pages(lang, request.records.len())?;
        check_copies(lang, request.copies)?;
        let title = request.title.trim().to_owned();
        if title.is_empty() {
            return Err(invalid(
                lang,
                "请填写打印内容的名称",
                "Say what is being printed",
            ));
        }
        Ok((account, title))
    }

    /// Prints the records one page per job, each waited for before the next (forms with
    /// serials, where the ledger must know which came out). Logs what printed; when the printer
    /// stops part-way, says how many pages came out, and why it stopped.
    pub async fn print_one_by_one(
        &self,
        request: PrintRequest,
    ) -> Result<PrintRecord, PartialPrint> {
        let partial = |error| PartialPrint {
            printed: 0,
            record: None,
            error,
        };
        let (account, title) = self.checked(&request).await.map_err(partial)?;
        let template = self::template(&request.template).map_err(partial)?;
        let id = Uuid::new_v4();
        let fonts = self
            .desktop
            .printing
            .fonts()
            .map_err(|e| partial(printing_error(e)))?;
        let (system, calibrations) = (self.desktop.printing.system.clone(), self.calibrations());
        let out = self.spool_dir().join(format!("{id}.pdf"));
        let outcome = {
            let request = request.clone();
            let title = title.clone();
            tokio::task::spawn_blocking(move || {
                let job = document_job(&template, &request, title);
                print_one_by_one(&system, &fonts, &calibrations, &job, &out, PAGE_WAIT)
            })
            .await
            .map_err(|e| partial(ApiError::new(ErrorCode::Internal, e.to_string())))?
        };
        let (printed, jobs, error) = match outcome {
            Ok(jobs) => (request.records.len(), jobs, None),
            Err(stopped) => (
                stopped.printed,
                stopped.jobs,
                Some(printing_error(stopped.error)),
            ),
        };
        let record = if printed > 0 {
            let reprint = self
                .printed_before(&request.template, &title)
                .await
                .unwrap_or(false);
            let record = log_entry(id, request, title, printed, &jobs, account, reprint);
            if let Err(error) = self.record_print(&record).await {
                tracing::warn!(%error, "the print log entry of a page-by-page print was not kept");
            }
            Some(record)
        } else {
            None
        };
        match (error, record) {
            (None, Some(record)) => Ok(record),
            (error, record) => Err(PartialPrint {
                printed,
                record,
                error: error
                    .unwrap_or_else(|| ApiError::new(ErrorCode::Internal, "nothing was printed")),
            }),
        }
    }

    pub async fn print_document(&self, request: PrintRequest) -> Result<PrintRecord, ApiError> {
        let (account, title) = self.checked(&request).await?;
        let template = self::template(&request.template)?;
        let id = Uuid::new_v4();
        let fonts = self.desktop.printing.fonts().map_err(printing_error)?;
        let (system, calibrations) = (self.desktop.printing.system.clone(), self.calibrations());
        let out = self.spool_dir().join(format!("{id}.pdf"));
        let pages = request.records.len();
        let jobs = {
            let request = request.clone();
            let title = title.clone();
            blocking(move || {
                let job = document_job(&template, &request, title);
                print_documents(&system, &fonts, &calibrations, &job, &out).map_err(printing_error)
            })
            .await?
        };
        let reprint = self.printed_before(&request.template, &title).await?;
        let record = log_entry(id, request, title, pages, &jobs, account, reprint);
        self.record_print(&record).await?;
        Ok(record)
    }

    /// Prints a logged print again from its kept file, on the same or another printer, and
    /// records the reprint.
    pub async fn reprint(
        &self,
        id: Uuid,
        printer: Option<String>,
        copies: Option<u32>,
    ) -> Result<PrintRecord, ApiError> {
        let lang = self.desktop.language().await;
        let account = self.signed_in_account().await?;
        let owner = self.desktop.owner().await?;
        let original = self
            .desktop
            .sync
            .cache
            .print_log(&owner, i64::MAX)
            .await?
            .into_iter()
            .find(|entry| entry.id == id)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    lang.pick(
                        "打印记录中没有这一项".into(),
                        "No such entry in the print log".into(),
                    ),
                )
            })?;
        let files = spooled_files(&self.spool_dir(), id);
        if files.is_empty() {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                lang.pick(
                    "这份文书不是在本机打印的，本机没有保存它的打印文件，请从原业务重新打印".into(),
                    "This document was not printed on this computer, so its file is not kept here; print it again from where it came from".into(),
                ),
            ));
        }
        let copies = copies.unwrap_or(original.copies);
        check_copies(lang, copies)?;
        let printer = printer.unwrap_or_else(|| original.printer.clone());
        let new_id = Uuid::new_v4();
        let options = PrintOptions {
            title: original.title.clone(),
            copies,
            // Documents that are not template forms (an opinion letter) are A4.
            media: Some(
                find_template(&original.template)
                    .map(|template| media_for(template.page))
                    .unwrap_or_else(|_| "A4".into()),
            ),
            no_scaling: true,
            tray: original.tray.clone(),
        };
        let (system, spool) = (self.desktop.printing.system.clone(), self.spool_dir());
        let jobs = {
            let printer = printer.clone();
            blocking(move || {
                files
                    .iter()
                    .map(|file| {
                        // Kept under the new entry too, so that it can be reprinted in turn.
                        let name = file
                            .file_name()
                            .and_then(|name| name.to_str())
                            .unwrap_or_default()
                            .replacen(&id.to_string(), &new_id.to_string(), 1);
                        std::fs::copy(file, spool.join(name))
                            .map_err(|e| printing_error(PrintError::Io(e)))?;
                        system
                            .submit(&printer, file, &options)
                            .map_err(printing_error)
                    })
                    .collect::<Result<Vec<PrintJob>, ApiError>>()
            })
            .await?
        };
        let record = PrintRecord {
            id: new_id,
            copies,
            printer,
            reprint: true,
            jobs: jobs.into_iter().map(|job| job.id).collect(),
            printed_by: account,
            printed_at_ms: now_ms(),
            site_id: None,
            ..original
        };
        self.record_print(&record).await?;
        Ok(record)
    }

    /// Prints a document rendered elsewhere (a review letter, a certificate) on A4 at 100 %,
    /// keeps its file for reprints and puts the print on record.
    pub async fn print_rendered(&self, print: RenderedPrint) -> Result<PrintRecord, ApiError> {
        let lang = self.desktop.language().await;
        let account = self.signed_in_account().await?;
        check_copies(lang, print.copies)?;
        let id = Uuid::new_v4();
        let out = self.spool_dir().join(format!("{id}.pdf"));
        let options = PrintOptions {
            title: print.title.clone(),
            copies: print.copies,
            media: Some("A4".into()),
            no_scaling: true,
            tray: print.tray.clone(),
        };
        let system = self.desktop.printing.system.clone();
        let job = {
            let (printer, pdf) = (print.printer.clone(), print.pdf);
            blocking(move || {
                if let Some(dir) = out.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| printing_error(PrintError::Io(e)))?;
                }
                std::fs::write(&out, &pdf).map_err(|e| printing_error(PrintError::Io(e)))?;
                system
                    .submit(&printer, &out, &options)
                    .map_err(printing_error)
            })
            .await?
        };
        let reprint = self.printed_before(&print.template, &print.title).await?;
        let record = PrintRecord {
            id,
            template: print.template,
            title: print.title,
            pages: print.pages.max(1),
            copies: print.copies,
            printer: print.printer,
            tray: print.tray,
            overlay: false,
            reprint,
            jobs: vec![job.id],
            printed_by: account,
            printed_at_ms: now_ms(),
            site_id: None,
        };
        self.record_print(&record).await?;
        Ok(record)
    }

    /// Whether the same document (template and title) is in the print log already.
    async fn printed_before(&self, template: &str, title: &str) -> Result<bool, ApiError> {
        let owner = self.desktop.owner().await?;
        Ok(self
            .desktop
            .sync
            .cache
            .print_log(&owner, i64::MAX)
            .await?
            .iter()
            .any(|entry| entry.template == template && entry.title == title))
    }

    async fn signed_in_account(&self) -> Result<String, ApiError> {
        match self.desktop.auth().current_account().await? {
            Some(account) => Ok(account.username),
            None => Err(invalid(
                self.desktop.language().await,
                "请先登录",
                "Please log in",
            )),
        }
    }

    async fn record_print(&self, record: &PrintRecord) -> Result<(), ApiError> {
        self.desktop
            .outbox()
            .send(Command::new(CommandBody::RecordPrint(record.clone())))
            .await
            .map(|_| ())
    }

    /// Where the jobs of a print stand.
    pub async fn print_jobs(
        &self,
        jobs: Vec<(String, String)>,
    ) -> Result<Vec<JobStatus>, ApiError> {
        let system = self.desktop.printing.system.clone();
        blocking(move || {
            jobs.into_iter()
                .map(|(printer, id)| {
                    let job = PrintJob { id, printer };
                    let state = system.job_state(&job).map_err(printing_error)?;
                    Ok(JobStatus {
                        job: job.id,
                        printer: job.printer,
                        state,
                    })
                })
                .collect()
        })
        .await
    }

    /// The newest entries of the print log, prints not yet sent to the server first.
    pub async fn print_log(&self) -> Result<Vec<PrintRecord>, ApiError> {
        let owner = self.desktop.owner().await?;
        self.desktop.sync.cache.print_log(&owner, LOG_LIMIT).await
    }

    /// The calibration of a printer and tray (none yet: no correction).
    pub fn calibration(&self, printer: &str, tray: Option<&str>) -> Result<Calibration, ApiError> {
        self.calibrations()
            .get(printer, tray)
            .map_err(printing_error)
    }

    /// Keeps a printer and tray's calibration.
    pub fn save_calibration(&self, profile: &Calibration) -> Result<Calibration, ApiError> {
        self.calibrations().save(profile).map_err(printing_error)?;
        Ok(profile.clone())
    }

    /// Prints the calibration grid on A4 with the printer and tray's current profile applied:
    /// what is still off on paper is what to correct next.
    pub async fn print_calibration_grid(
        &self,
        printer: String,
        tray: Option<String>,
    ) -> Result<JobStatus, ApiError> {
        let profile = self.calibration(&printer, tray.as_deref())?;
        let fonts = self.desktop.printing.fonts().map_err(printing_error)?;
        let (system, spool) = (self.desktop.printing.system.clone(), self.spool_dir());
        let lang = self.desktop.language().await;
        blocking(move || {
            let page = onetrip_print::template::PageSize::A4;
            let pdf =
                onetrip_print::calibration_grid(&fonts, page, &profile).map_err(printing_error)?;
            std::fs::create_dir_all(&spool).map_err(|e| printing_error(PrintError::Io(e)))?;
            let file = spool.join("calibration-grid.pdf");
            std::fs::write(&file, pdf).map_err(|e| printing_error(PrintError::Io(e)))?;
            let options = PrintOptions {
                title: lang.pick("打印校准测试页".into(), "Calibration grid".into()),
                copies: 1,
                media: Some(media_for(page)),
                no_scaling: true,
                tray,
            };
            let job = system
                .submit(&printer, &file, &options)
                .map_err(printing_error)?;
            let state = system.job_state(&job).map_err(printing_error)?;
            Ok(JobStatus {
                job: job.id,
                printer: job.printer,
                state,
            })
        })
        .await
    }

    /// Checks a document's QR payload: on the central API when it can be reached, which also
    /// knows revoked and superseded documents; offline with the issuing authority's public key,
    /// fetched from the central API before and kept for when it cannot.
    pub async fn verify_document(
        &self,
        payload: &str,
    ) -> Result<onetrip_api::verify::VerifyResponse, ApiError> {
        let settings = self.desktop.state.lock().await.settings.clone();
        let fetched = match self.desktop.client(&settings).await {
            Ok(client) => {
                if let Ok(response) = client.verify(payload).await
                    && let Ok(key) = client.verify_key().await
                {
                    keep_verify_key(&self.desktop.data_dir, &key.key);
                    return Ok(response);
                }
                client.verify_key().await.ok().map(|key| key.key)
            }
            Err(_) => None,
        };
        verify_with_kept_key(
            &self.desktop.data_dir,
            fetched.as_deref(),
            payload,
            now_ms(),
            settings.language,
        )
    }
}

fn check_pages(lang: Lang, pages: usize) -> Result<(), ApiError> {
    if pages == 0 {
        return Err(invalid(
            lang,
            "没有要打印的内容",
            "There is nothing to print",
        ));
    }
    if pages > MAX_PAGES {
        return Err(invalid(
            lang,
            "一次最多打印 10000 页，请分批打印",
            "At most 10,000 pages at a time; print in batches",
        ));
    }
    Ok(())
}

fn check_copies(lang: Lang, copies: u32) -> Result<(), ApiError> {
    if copies == 0 || copies > MAX_COPIES {
        return Err(invalid(
            lang,
            "打印份数须在 1–99 之间",
            "Copies must be between 1 and 99",
        ));
    }
    Ok(())
}

impl Desktop {
    /// Documents: preview, print, reprint, calibrate, verify.
    pub fn printing(&self) -> Printing<'_> {
        Printing { desktop: self }
    }
}
