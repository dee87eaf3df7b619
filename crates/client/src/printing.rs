//! Printing to the operating system's printers through CUPS (`lpstat`, `lp`), as on Linux and
//! macOS: list printers, submit a PDF with options, follow a job.
//!
//! Overlay printing (套打) depends on the printer not rescaling the page: jobs are sent with
//! the real paper size and `print-scaling=none` unless the caller asks otherwise.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

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
}

/// A printer the OS knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printer {
    pub name: String,
    pub is_default: bool,
    pub state: PrinterState,
    pub accepting: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Idle,
    Printing,
    Disabled,
    Unknown,
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

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting or printing.
    Queued,
    /// Left the queue: printed, or cancelled.
    Finished,
    /// The spooler no longer knows it.
    Unknown,
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

#[cfg(test)]
mod tests {
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
}
