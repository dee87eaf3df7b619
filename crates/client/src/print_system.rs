//! Printing to the operating system's printers through CUPS (`lpstat`, `lp`), as on Linux and
//! macOS: list printers, submit a PDF with options, follow a job.
//!
//! Overlay printing (套打) depends on the printer not rescaling the page: jobs are sent with
//! the real paper size and `print-scaling=none` unless the caller asks otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use onetrip_api::error::{ApiError, ErrorCode};
pub use onetrip_api::print::{JobState, Printer, PrinterState};
use onetrip_api::verify::VerifyResponse;
use onetrip_domain::Lang;
use onetrip_print::signing::{PublicKey, center_date};
use onetrip_print::template::PageSize;
use onetrip_print::{Calibration, FontSet, PrintError, RenderOptions, Template, render_to_files};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Why printing failed, in words fit for the person at the printer.
#[derive(Debug, thiserror::Error)]
pub enum PrintingError {
    #[error(
        "找不到打印系统命令 {command}（请安装 CUPS）/ print system command {command} not found (install CUPS): {source}"
    )]
    Missing {
        command: &'static str,
        source: std::io::Error,
    },
    #[error("打印系统报错 / the print system refused: {0}")]
    Refused(String),
    #[error("打印份数须在 1–99 之间 / copies must be between 1 and 99")]
    Copies,
    #[error("无法识别打印系统的回复 / unexpected reply from the print system: {0}")]
    Unexpected(String),
    #[error("打印机 {printer} 已停止（{reason}）/ the printer {printer} stopped ({reason})")]
    Stopped { printer: String, reason: String },
    #[error(
        "打印机 {printer} 长时间没有打完这一页 / the printer {printer} did not finish the page in time"
    )]
    TimedOut { printer: String },
    #[error(transparent)]
    Document(#[from] PrintError),
    #[error(transparent)]
    Calibration(#[from] CalibrationError),
}

/// Options of one print job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrintOptions {
    /// Shown in the queue (`排水许可证 玉排许字〔2026〕第0001号`).
    pub title: String,
    pub copies: u32,
    /// Paper size as CUPS names it: `A4`, `A5`, or `Custom.80x116mm` for a ticket roll.
    pub media: Option<String>,
    /// Print at 100 %: required for overlay printing on pre-printed forms.
    pub no_scaling: bool,
    /// Tray (`InputSlot`), when the printer has several.
    pub tray: Option<String>,
}

impl Default for PrintOptions {
    fn default() -> Self {
        Self {
            title: "OneTrip".into(),
            copies: 1,
            media: Some("A4".into()),
            no_scaling: true,
            tray: None,
        }
    }
}

/// A submitted job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintJob {
    /// The spooler's id (`cups-pdf-3`).
    pub id: String,
    pub printer: String,
}

/// The print system: the local CUPS scheduler, or one at a given address.
#[derive(Debug, Clone, Default)]
pub struct PrintSystem {
    /// `host:port` of a CUPS server; none for the machine's default.
    server: Option<String>,
}

impl PrintSystem {
    /// The machine's own print system.
    pub fn local() -> Self {
        Self { server: None }
    }

    /// A CUPS server at `host:port`.
    pub fn at(server: &str) -> Self {
        Self {
            server: Some(server.to_owned()),
        }
    }

    fn command(&self, program: &'static str) -> Command {
        let mut command = Command::new(program);
        // Replies are parsed: keep them in English whatever the desktop's language.
        command.env("LC_ALL", "C").env("LANG", "C");
        if let Some(server) = &self.server {
            command.arg("-h").arg(server);
        }
        command
    }

    fn run(&self, program: &'static str, args: &[&str]) -> Result<String, PrintingError> {
        let output = self
            .command(program)
            .args(args)
            .output()
            .map_err(|source| PrintingError::Missing {
                command: program,
                source,
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if output.status.success() {
            Ok(stdout)
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(PrintingError::Refused(
                format!("{} {}", stdout.trim(), stderr.trim())
                    .trim()
                    .to_owned(),
            ))
        }
    }

    /// The printers, the default one marked.
    pub fn printers(&self) -> Result<Vec<Printer>, PrintingError> {
        let listing = match self.run("lpstat", &["-p"]) {
            Ok(listing) => listing,
            // No printers at all is not an error.
            Err(PrintingError::Refused(message)) if message.contains("No destinations") => {
                return Ok(Vec::new());
            }
            Err(err) => return Err(err),
        };
        let default = self.run("lpstat", &["-d"]).ok().and_then(|line| {
            line.split_once("system default destination:")
                .map(|(_, name)| name.trim().to_owned())
        });
        let accepting = self.run("lpstat", &["-a"]).unwrap_or_default();
        Ok(parse_printers(&listing, default.as_deref(), &accepting))
    }

    /// Sends a PDF to a printer; returns the job.
    pub fn submit(
        &self,
        printer: &str,
        pdf: &Path,
        options: &PrintOptions,
    ) -> Result<PrintJob, PrintingError> {
        if !(1..=99).contains(&options.copies) {
            return Err(PrintingError::Copies);
        }
        let copies = options.copies.to_string();
        let mut args: Vec<String> = vec![
            "-d".into(),
            printer.into(),
            "-t".into(),
            options.title.clone(),
            "-n".into(),
            copies,
        ];
        if let Some(media) = &options.media {
            args.push("-o".into());
            args.push(format!("media={media}"));
        }
        if options.no_scaling {
            args.push("-o".into());
            args.push("print-scaling=none".into());
        }
        if let Some(tray) = &options.tray {
            args.push("-o".into());
            args.push(format!("InputSlot={tray}"));
        }
        args.push("--".into());
        args.push(pdf.to_string_lossy().into_owned());
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let reply = self.run("lp", &arg_refs)?;
        parse_request_id(&reply)
            .map(|id| PrintJob {
                id,
                printer: printer.to_owned(),
            })
            .ok_or(PrintingError::Unexpected(reply))
    }

    /// Cancels a job that has not printed.
    pub fn cancel(&self, job: &PrintJob) -> Result<(), PrintingError> {
        self.run("cancel", &[job.id.as_str()]).map(drop)
    }

    /// Why a printer is stopped or refusing jobs, when it is: CUPS's reason (`paper jam`), or
    /// its state in words.
    pub fn stopped(&self, printer: &str) -> Result<Option<String>, PrintingError> {
        let found = self.printers()?.into_iter().find(|p| p.name == printer);
        let Some(found) = found else {
            return Ok(Some("not found".into()));
        };
        if found.state != PrinterState::Disabled && found.accepting {
            return Ok(None);
        }
        let listing = self.run("lpstat", &["-p", printer]).unwrap_or_default();
        let reason = listing
            .lines()
            .skip(1)
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or(if found.accepting {
                "disabled"
            } else {
                "not accepting jobs"
            });
        Ok(Some(reason.to_owned()))
    }

    /// Waits until the job has left the printer's queue. Fails, cancelling the job so it
    /// cannot come out later, when the printer stops or refuses jobs meanwhile (a jam, out of
    /// paper, switched off) or the job waits longer than `wait`.
    pub fn wait_printed(&self, job: &PrintJob, wait: Duration) -> Result<(), PrintingError> {
        let started = Instant::now();
        loop {
            if self.job_state(job)? != JobState::Queued {
                return Ok(());
            }
            let failure = match self.stopped(&job.printer)? {
                Some(reason) => Some(PrintingError::Stopped {
                    printer: job.printer.clone(),
                    reason,
                }),
                None if started.elapsed() > wait => Some(PrintingError::TimedOut {
                    printer: job.printer.clone(),
                }),
                None => None,
            };
            if let Some(failure) = failure {
                // Best effort: a job that is gone already needs no cancelling.
                let _ = self.cancel(job);
                return Err(failure);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Where a job is now.
    pub fn job_state(&self, job: &PrintJob) -> Result<JobState, PrintingError> {
        let listed = |which: &str| -> Result<bool, PrintingError> {
            let listing = self.run("lpstat", &["-W", which, "-o", &job.printer])?;
            Ok(listing
                .lines()
                .any(|line| line.split_whitespace().next() == Some(job.id.as_str())))
        };
        if listed("not-completed")? {
            Ok(JobState::Queued)
        } else if listed("completed")? {
            Ok(JobState::Finished)
        } else {
            Ok(JobState::Unknown)
        }
    }
}

/// `request id is cups-pdf-3 (1 file(s))` → `cups-pdf-3`.
fn parse_request_id(reply: &str) -> Option<String> {
    reply
        .lines()
        .find_map(|line| line.trim().strip_prefix("request id is "))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
}

fn parse_printers(listing: &str, default: Option<&str>, accepting: &str) -> Vec<Printer> {
    listing
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("printer ")?;
            let (name, status) = rest.split_once(' ')?;
            let state = if status.starts_with("is idle") {
                PrinterState::Idle
            } else if status.starts_with("now printing") {
                PrinterState::Printing
            } else if status.starts_with("disabled") {
                PrinterState::Disabled
            } else {
                PrinterState::Unknown
            };
            let accepting = accepting.lines().any(|line| {
                let mut words = line.split_whitespace();
                words.next() == Some(name) && words.next() == Some("accepting")
            });
            Some(Printer {
                name: name.to_owned(),
                is_default: default == Some(name),
                state,
                accepting,
            })
        })
        .collect()
}

/// The paper size CUPS should use for a page size: `A4`, `A5`, or a custom size in
/// millimetres (a ticket roll). Landscape pages use the portrait name; CUPS turns them.
pub fn media_for(page: PageSize) -> String {
    let (short, long) = if page.width <= page.height {
        (page.width, page.height)
    } else {
        (page.height, page.width)
    };
    let near = |a: f32, b: f32| (a - b).abs() < 0.5;
    if near(short, 210.0) && near(long, 297.0) {
        "A4".into()
    } else if near(short, 148.0) && near(long, 210.0) {
        "A5".into()
    } else {
        format!("Custom.{}x{}mm", page.width.round(), page.height.round())
    }
}

/// Documents to print: a template, its records (one page each), and where.
#[derive(Debug, Clone)]
pub struct DocumentJob<'a> {
    pub template: &'a Template,
    pub records: &'a [Value],
    /// Only the variable fields, onto pre-printed forms (套打).
    pub overlay: bool,
    pub printer: &'a str,
    pub tray: Option<&'a str>,
    pub copies: u32,
    pub title: String,
}

/// Renders documents with the printer's calibration and sends them: one job per file (large
/// batches are several files). The PDF is written to `out` (parts beside it) and kept, so a
/// reprint sends the same bytes.
pub fn print_documents(
    system: &PrintSystem,
    fonts: &FontSet,
    calibrations: &CalibrationStore,
    job: &DocumentJob<'_>,
    out: &Path,
) -> Result<Vec<PrintJob>, PrintingError> {
    let calibration = calibrations.get(job.printer, job.tray)?;
    let options = RenderOptions {
        overlay: job.overlay,
        calibration: Some(calibration),
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(PrintError::from)?;
    }
    let files = render_to_files(
        fonts,
        job.template,
        job.records,
        &options,
        out,
        onetrip_print::render::DEFAULT_PAGES_PER_PART,
        &mut |_| {},
    )?;
    let print_options = PrintOptions {
        title: job.title.clone(),
        copies: job.copies,
        media: Some(media_for(job.template.page)),
        no_scaling: true,
        tray: job.tray.map(str::to_owned),
    };
    files
        .iter()
        .map(|file| system.submit(job.printer, file, &print_options))
        .collect()
}

/// How long one page may wait at a printer that has neither stopped nor refused jobs.
pub const PAGE_WAIT: Duration = Duration::from_secs(300);

/// Where a page-by-page print stopped: the pages before `printed` came out, that one and
/// the rest did not.
#[derive(Debug)]
pub struct Stopped {
    pub printed: usize,
    pub jobs: Vec<PrintJob>,
    pub error: PrintingError,
}

/// Prints each record as a job of its own, waiting for it to leave the printer before sending
/// the next, so a printer that stops part-way leaves a clear line: the pages before printed,
/// the rest did not (its stuck job is cancelled). For forms that each carry a serial, where
/// the ledger must know which were used. Each page's PDF is kept beside `out`
/// (`<stem>-<n>.pdf`).
pub fn print_one_by_one(
    system: &PrintSystem,
    fonts: &FontSet,
    calibrations: &CalibrationStore,
    job: &DocumentJob<'_>,
    out: &Path,
    wait: Duration,
) -> Result<Vec<PrintJob>, Stopped> {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut jobs = Vec::with_capacity(job.records.len());
    for (i, record) in job.records.iter().enumerate() {
        let page = DocumentJob {
            records: std::slice::from_ref(record),
            ..job.clone()
        };
        let file = out.with_file_name(format!("{stem}-{}.pdf", i + 1));
        let sent = print_documents(system, fonts, calibrations, &page, &file).and_then(|sent| {
            for one in &sent {
                system.wait_printed(one, wait)?;
            }
            Ok(sent)
        });
        match sent {
            Ok(sent) => jobs.extend(sent),
            Err(error) => {
                return Err(Stopped {
                    printed: i,
                    jobs,
                    error,
                });
            }
        }
    }
    Ok(jobs)
}

/// File in the data folder keeping the issuing authority's public key for offline checks.
pub const VERIFY_KEY_FILE: &str = "issuer-public-key.txt";

/// Keeps the authority's key for later offline checks (a convenience: nothing fails without it).
pub fn keep_verify_key(data_dir: &Path, key: &str) {
    let path = data_dir.join(VERIFY_KEY_FILE);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(key) {
        let _ = std::fs::write(&path, key);
    }
}

/// Checks a QR payload with the authority's public key: `fetched` from the central API just
/// now (then kept in the data folder), or the one kept from before when it cannot be reached.
pub fn verify_with_kept_key(
    data_dir: &Path,
    fetched: Option<&str>,
    payload: &str,
    now_ms: i64,
    lang: Lang,
) -> Result<VerifyResponse, ApiError> {
    let path = data_dir.join(VERIFY_KEY_FILE);
    let key_text = match fetched {
        Some(key) => {
            keep_verify_key(data_dir, key);
            key.to_owned()
        }
        None => std::fs::read_to_string(&path).map_err(|_| {
            ApiError::new(
                ErrorCode::Offline,
                lang.pick(
                    "无法连接服务器，本机也还没有发证机关的公钥，暂时无法核验".into(),
                    "The server cannot be reached and this computer has no copy of the authority's key yet".into(),
                ),
            )
        })?,
    };
    let key = PublicKey::parse(&key_text).map_err(|err| {
        ApiError::new(
            ErrorCode::Internal,
            lang.pick(
                format!("发证机关公钥无效：{err}"),
                format!("The authority's key is not valid: {err}"),
            ),
        )
    })?;
    Ok(VerifyResponse::check(&key, payload, center_date(now_ms)))
}

/// The calibration profiles of this desktop's printers and trays, kept in a JSON file in the
/// data folder: calibration belongs to the machine a printer is attached to.
#[derive(Debug, Clone)]
pub struct CalibrationStore {
    path: PathBuf,
}

/// File name of the profiles inside the data folder.
pub const CALIBRATION_FILE: &str = "printer-calibration.json";

/// Why profiles could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    #[error("校准数据无法读写 / cannot read or write the calibration profiles: {0}")]
    Io(#[from] std::io::Error),
    #[error("校准数据已损坏 / the calibration profiles are damaged: {0}")]
    Damaged(#[from] serde_json::Error),
    #[error("{0}")]
    OutOfRange(String),
}

impl CalibrationStore {
    /// The profiles in a data folder.
    pub fn in_dir(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(CALIBRATION_FILE),
        }
    }

    /// Every profile kept.
    pub fn all(&self) -> Result<Vec<Calibration>, CalibrationError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes)?),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(err) => Err(err.into()),
        }
    }

    /// The profile of a printer and tray; no correction if it was never calibrated.
    pub fn get(&self, printer: &str, tray: Option<&str>) -> Result<Calibration, CalibrationError> {
        Ok(self
            .all()?
            .into_iter()
            .find(|profile| profile.printer == printer && profile.tray.as_deref() == tray)
            .unwrap_or_else(|| Calibration {
                tray: tray.map(str::to_owned),
                ..Calibration::identity(printer)
            }))
    }

    /// Keeps a profile, replacing the one of the same printer and tray. Written to a temporary
    /// file first, so a crash never leaves a half-written file.
    pub fn save(&self, profile: &Calibration) -> Result<(), CalibrationError> {
        profile.validate().map_err(CalibrationError::OutOfRange)?;
        let mut all = self.all()?;
        all.retain(|kept| !(kept.printer == profile.printer && kept.tray == profile.tray));
        all.push(profile.clone());
        all.sort_by(|a, b| (&a.printer, &a.tray).cmp(&(&b.printer, &b.tray)));
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, serde_json::to_vec_pretty(&all)?)?;
        std::fs::rename(&temporary, &self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn replies_of_lp_and_lpstat_are_understood() {
        assert_eq!(
            parse_request_id("request id is cups-pdf-3 (1 file(s))\n").as_deref(),
            Some("cups-pdf-3")
        );
        assert_eq!(parse_request_id("lp: Error"), None);
        let printers = parse_printers(
            "printer cups-pdf is idle.  enabled since Fri Nov 27 01:00:00 2026\nprinter hall now printing hall-7.  enabled since Fri Nov 27 01:00:00 2026\nprinter old disabled since Fri Nov 27 01:00:00 2026 -\n\treason unknown\n",
            Some("hall"),
            "cups-pdf accepting requests since Fri Nov 27 01:00:00 2026\nold not accepting requests since Fri Nov 27 01:00:00 2026 -\n",
        );
        assert_eq!(printers.len(), 3);
        assert_eq!(printers[0].state, PrinterState::Idle);
        assert!(printers[0].accepting && !printers[0].is_default);
        assert_eq!(printers[1].state, PrinterState::Printing);
        assert!(printers[1].is_default && !printers[1].accepting);
        assert_eq!(printers[2].state, PrinterState::Disabled);
        assert!(!printers[2].accepting);
    }

    #[test]
    fn page_sizes_become_cups_media_names() {
        assert_eq!(media_for(PageSize::A4), "A4");
        assert_eq!(media_for(PageSize::A4_LANDSCAPE), "A4");
        assert_eq!(
            media_for(PageSize {
                width: 80.0,
                height: 116.0
            }),
            "Custom.80x116mm"
        );
    }

    #[test]
    fn calibration_profiles_are_kept_per_printer_and_tray() {
        let dir = tempfile::tempdir().unwrap();
        let store = CalibrationStore::in_dir(dir.path());
        assert!(store.get("hall", None).unwrap().is_identity());
        let upper = Calibration {
            tray: Some("Tray1".into()),
            offset_x: 1.5,
            offset_y: -0.8,
            ..Calibration::identity("hall")
        };
        let lower = Calibration {
            tray: Some("Tray2".into()),
            scale_x: 1.01,
            ..Calibration::identity("hall")
        };
        store.save(&upper).unwrap();
        store.save(&lower).unwrap();
        let moved = Calibration {
            offset_x: 2.0,
            ..upper.clone()
        };
        store.save(&moved).unwrap();
        assert_eq!(store.get("hall", Some("Tray1")).unwrap(), moved);
        assert_eq!(store.get("hall", Some("Tray2")).unwrap(), lower);
        assert_eq!(store.all().unwrap().len(), 2);
        // Reopened from the file.
        let again = CalibrationStore::in_dir(dir.path());
        assert_eq!(again.get("hall", Some("Tray1")).unwrap().offset_x, 2.0);
        // A typo is refused and changes nothing.
        let typo = Calibration {
            offset_x: 150.0,
            ..moved
        };
        assert!(matches!(
            store.save(&typo),
            Err(CalibrationError::OutOfRange(_))
        ));
        assert_eq!(again.get("hall", Some("Tray1")).unwrap().offset_x, 2.0);
    }
}

/// The print system and the fonts, loaded on first use (a desktop that never prints never
/// reads 34 MB of fonts).
#[derive(Default)]
pub struct PrintSetup {
    pub(crate) system: PrintSystem,
    font_dir: Option<PathBuf>,
    fonts: OnceLock<Arc<FontSet>>,
}

impl PrintSetup {
    pub fn new(system: PrintSystem, font_dir: Option<PathBuf>) -> Self {
        Self {
            system,
            font_dir,
            fonts: OnceLock::new(),
        }
    }

    pub(crate) fn fonts(&self) -> Result<Arc<FontSet>, PrintError> {
        if let Some(fonts) = self.fonts.get() {
            return Ok(fonts.clone());
        }
        let fonts = Arc::new(match &self.font_dir {
            Some(dir) => FontSet::from_dir(dir)?,
            None => FontSet::bundled()?,
        });
        Ok(self.fonts.get_or_init(|| fonts).clone())
    }
}
