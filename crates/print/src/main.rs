//! `onetrip-print`: render documents and check QR codes from the command line, for
//! administrators' scripts and for machines without the desktop.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use onetrip_print::render::DEFAULT_PAGES_PER_PART;
use onetrip_print::signing::{PublicKey, Verdict};
use onetrip_print::template::PageSize;
use onetrip_print::{
    Calibration, FontSet, PrintError, Progress, RenderOptions, Template, builtin_templates,
    calibration_grid, find_template, render_to_files, sample_records,
};
use serde_json::Value;

#[derive(Parser)]
#[command(
    name = "onetrip-print",
    version,
    about = "OneTrip documents: render PDFs, verify QR codes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the built-in templates (or print one as JSON, to start a custom template from).
    Templates {
        /// Print this template as JSON.
        #[arg(long)]
        json: Option<String>,
    },
    /// Print sample records for a built-in template as JSON.
    Sample { template: String },
    /// Render one record (a JSON object) or a batch (an array of objects) into PDF.
    Render {
        /// A built-in template name, or a template JSON file.
        #[arg(long)]
        template: String,
        /// JSON file with one record or an array of records.
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Only the variable fields, for printing onto pre-printed forms (套打).
        #[arg(long)]
        overlay: bool,
        /// A calibration profile (JSON) for the printer the output is meant for.
        #[arg(long)]
        calibration: Option<PathBuf>,
        /// Large batches are written as several files of at most this many pages.
        #[arg(long, default_value_t = DEFAULT_PAGES_PER_PART)]
        pages_per_part: usize,
    },
    /// Render the calibration test grid.
    Grid {
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        calibration: Option<PathBuf>,
        /// Page size in millimetres, WIDTHxHEIGHT.
        #[arg(long, default_value = "210x297")]
        page: String,
    },
    /// Check a QR payload against the issuing authority's public key.
    Verify {
        /// The text read from the QR code.
        payload: String,
        /// The public key (`ed25519:…`), or a file holding it.
        #[arg(long)]
        key: String,
        /// The day to check validity on (YYYY-MM-DD); today by default.
        #[arg(long)]
        today: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "错误 / error: {message}");
            ExitCode::from(2)
        }
    }
}

fn out(text: &str) -> Result<(), String> {
    writeln!(std::io::stdout().lock(), "{text}").map_err(|err| err.to_string())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|err| format!("{} is not valid JSON: {err}", path.display()))
}

fn load_template(name: &str) -> Result<Template, String> {
    if name.ends_with(".json") || Path::new(name).is_file() {
        let json =
            std::fs::read_to_string(name).map_err(|err| format!("cannot read {name}: {err}"))?;
        Template::from_json(&json).map_err(|err| format!("{name}: {err}"))
    } else {
        find_template(name).map_err(|err| err.to_string())
    }
}

fn load_calibration(path: Option<&Path>) -> Result<Option<Calibration>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let calibration: Calibration = serde_json::from_value(read_json(path)?)
        .map_err(|err| format!("calibration {}: {err}", path.display()))?;
    calibration.validate()?;
    Ok(Some(calibration))
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Templates { json: Some(name) } => {
            let template = find_template(&name).map_err(|err| err.to_string())?;
            out(&serde_json::to_string_pretty(&template).map_err(|err| err.to_string())?)?;
        }
        Command::Templates { json: None } => {
            for template in builtin_templates() {
                out(&format!(
                    "{:<20} {:<16} {:>5.0}×{:<4.0}mm  {}",
                    template.name,
                    template.title,
                    template.page.width,
                    template.page.height,
                    template.description
                ))?;
            }
        }
        Command::Sample { template } => {
            let records = sample_records(&template).map_err(|err| err.to_string())?;
            out(&serde_json::to_string_pretty(&records).map_err(|err| err.to_string())?)?;
        }
        Command::Render {
            template,
            data,
            out: out_path,
            overlay,
            calibration,
            pages_per_part,
        } => {
            let template = load_template(&template)?;
            let records = match read_json(&data)? {
                Value::Array(records) => records,
                record => vec![record],
            };
            let options = RenderOptions {
                overlay,
                calibration: load_calibration(calibration.as_deref())?,
            };
            let fonts = FontSet::bundled().map_err(|err| err.to_string())?;
            let mut stderr = std::io::stderr();
            let step = (records.len() / 20).max(1);
            let mut report = |progress: Progress| {
                if progress.done.is_multiple_of(step) || progress.done == progress.total {
                    let _ = write!(stderr, "\r{}/{}", progress.done, progress.total);
                }
            };
            let paths = render_to_files(
                &fonts,
                &template,
                &records,
                &options,
                &out_path,
                pages_per_part,
                &mut report,
            )
            .map_err(|err: PrintError| {
                let _ = writeln!(std::io::stderr());
                err.to_string()
            })?;
            let _ = writeln!(std::io::stderr());
            for path in paths {
                out(&path.display().to_string())?;
            }
        }
        Command::Grid {
            out: out_path,
            calibration,
            page,
        } => {
            let (width, height) = page
                .split_once(['x', 'X', '×'])
                .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)))
                .ok_or_else(|| format!("page '{page}' is not WIDTHxHEIGHT in millimetres"))?;
            let calibration = load_calibration(calibration.as_deref())?
                .unwrap_or_else(|| Calibration::identity("-"));
            let fonts = FontSet::bundled().map_err(|err| err.to_string())?;
            let bytes = calibration_grid(&fonts, PageSize { width, height }, &calibration)
                .map_err(|err| err.to_string())?;
            std::fs::write(&out_path, bytes)
                .map_err(|err| format!("cannot write {}: {err}", out_path.display()))?;
            out(&out_path.display().to_string())?;
        }
        Command::Verify {
            payload,
            key,
            today,
        } => {
            let key_text = if Path::new(&key).is_file() {
                std::fs::read_to_string(&key).map_err(|err| format!("cannot read {key}: {err}"))?
            } else {
                key
            };
            let key = PublicKey::parse(&key_text).map_err(|err| err.to_string())?;
            let today = today.unwrap_or_else(center_today);
            let verdict = key.verify(&payload, &today);
            out(verdict.label())?;
            match &verdict {
                Verdict::Valid { claim }
                | Verdict::Expired { claim }
                | Verdict::NotYetValid { claim } => {
                    out(&format!("类型 / kind: {}", claim.kind))?;
                    out(&format!("编号 / number: {}", claim.number))?;
                    out(&format!("持证人 / holder: {}", claim.holder))?;
                    out(&format!(
                        "有效期 / validity: {} – {}",
                        claim.valid_from, claim.valid_until
                    ))?;
                    out(&format!("发证机关 / issuer: {}", claim.issuer))?;
                }
                Verdict::Invalid { reason } => out(&format!("原因 / reason: {reason}"))?,
                Verdict::Tampered => {}
            }
            return Ok(if matches!(verdict, Verdict::Valid { .. }) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Today at the service center (China time) as YYYY-MM-DD, from the system clock.
fn center_today() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    onetrip_print::signing::center_date(ms)
}
