//! Intake in a child process under memory and CPU limits and a wall-clock timeout, so that a
//! crafted file can neither crash nor hang the server. The child is the server's own
//! executable started with [`CHILD_FLAG`]; its answer is one JSON value on stdout.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;

use crate::{FileReport, Limits, Refusal, inspect};

/// The first argument that makes an executable run one intake check and exit.
pub const CHILD_FLAG: &str = "--onetrip-intake-child";

/// Address space a child gets when its command line does not say.
const DEFAULT_MEMORY_BYTES: u64 = 1 << 30;

/// Most bytes of a child's answer that are read.
const MAX_ANSWER_BYTES: u64 = 64 << 20;

/// Exit codes of a child that could not do its work.
const EXIT_USAGE: i32 = 2;
const EXIT_READ: i32 = 3;
const EXIT_WRITE: i32 = 4;

/// How to run intake isolated.
#[derive(Debug, Clone)]
pub struct Isolation {
    /// The executable that calls [`run_child_if_requested`] first thing in `main`.
    pub program: PathBuf,
    /// Wall-clock time the child may take; its CPU time is limited to the same (rounded up).
    pub timeout: Duration,
    /// Address space the child may use.
    pub memory_bytes: u64,
}

/// Why an isolated check gave no report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "code", content = "detail")]
pub enum IntakeFailure {
    #[error("refused: {0}")]
    Refused(Refusal),
    /// The child died or answered nothing readable (out of memory, a crash, a CPU limit).
    #[error("the check crashed")]
    Crashed,
    #[error("the check took too long")]
    TimedOut,
    #[error("the check could not be started: {0}")]
    Spawn(String),
}

/// Call first thing in `main()` of any binary that embeds the server: when started as an
/// intake child (`CHILD_FLAG <file> <max pages> <memory bytes> <cpu seconds>`) this runs
/// the check, writes the JSON of `Result<FileReport, Refusal>` to stdout and exits; otherwise
/// it returns at once.
pub fn run_child_if_requested() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD_FLAG) {
        return;
    }
    std::process::exit(child(&args[2..]));
}

fn child(args: &[String]) -> i32 {
    let Some(path) = args.first() else {
        return EXIT_USAGE;
    };
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    let max_pages = number(1)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(Limits::default().max_pages);
    limit_self(
        number(2).unwrap_or(DEFAULT_MEMORY_BYTES),
        number(3).unwrap_or(60),
    );
    let Ok(bytes) = std::fs::read(path) else {
        return EXIT_READ;
    };
    let result = inspect(&bytes, &Limits { max_pages });
    let mut out = std::io::stdout().lock();
    match serde_json::to_writer(&mut out, &result)
        .map_err(|_| ())
        .and_then(|()| out.flush().map_err(|_| ()))
    {
        Ok(()) => 0,
        Err(()) => EXIT_WRITE,
    }
}

/// Limits this process (a child doing heavy work on a file) to `memory` bytes of address
/// space and `cpu_seconds` of CPU. Limits that cannot be set leave the parent's wall-clock
/// timeout as the guard.
pub fn limit_self(memory: u64, cpu_seconds: u64) {
    let _ = rlimit::setrlimit(rlimit::Resource::AS, memory, memory);
    let _ = rlimit::setrlimit(
        rlimit::Resource::CPU,
        cpu_seconds,
        cpu_seconds.saturating_add(1),
    );
}

/// Runs `isolation.program` as a child with `flag` and `args` followed by its memory and CPU
/// limits, and gives what it wrote to stdout when it exits successfully within the timeout.
/// Any heavy work on an untrusted file can run this way (intake, revision compare).
pub async fn run_isolated(
    isolation: &Isolation,
    flag: &str,
    args: &[&std::ffi::OsStr],
) -> Result<Vec<u8>, IntakeFailure> {
    let cpu_seconds = isolation.timeout.as_secs().saturating_add(1);
    let mut child = tokio::process::Command::new(&isolation.program)
        .arg(flag)
        .args(args)
        .arg(isolation.memory_bytes.to_string())
        .arg(cpu_seconds.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| IntakeFailure::Spawn(err.to_string()))?;
    let Some(stdout) = child.stdout.take() else {
        return Err(IntakeFailure::Spawn("no stdout".into()));
    };
    let work = async {
        let mut answer = Vec::new();
        let read = stdout.take(MAX_ANSWER_BYTES).read_to_end(&mut answer).await;
        let status = child.wait().await;
        (read, status, answer)
    };
    let outcome = tokio::time::timeout(isolation.timeout, work).await;
    let Ok((read, status, answer)) = outcome else {
        // Killed now; had this failed, kill_on_drop would still end it when `child` drops.
        let _ = child.start_kill();
        return Err(IntakeFailure::TimedOut);
    };
    match (read, status) {
        (Ok(_), Ok(status)) if status.success() => Ok(answer),
        _ => Err(IntakeFailure::Crashed),
    }
}

/// Runs [`inspect`] on a file in a child process.
pub async fn inspect_isolated(
    isolation: &Isolation,
    file: &Path,
    limits: &Limits,
) -> Result<FileReport, IntakeFailure> {
    let max_pages = limits.max_pages.to_string();
    let answer = run_isolated(
        isolation,
        CHILD_FLAG,
        &[file.as_os_str(), std::ffi::OsStr::new(&max_pages)],
    )
    .await?;
    match serde_json::from_slice::<Result<FileReport, Refusal>>(&answer) {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(refusal)) => Err(IntakeFailure::Refused(refusal)),
        Err(_) => Err(IntakeFailure::Crashed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_cross_the_boundary_with_their_codes() {
        let refused = IntakeFailure::Refused(Refusal::TooManyPages { pages: 9, limit: 3 });
        let json = serde_json::to_string(&refused).unwrap();
        assert_eq!(
            json,
            r#"{"code":"refused","detail":{"code":"too_many_pages","pages":9,"limit":3}}"#
        );
        assert_eq!(
            serde_json::from_str::<IntakeFailure>(&json).unwrap(),
            refused
        );
        let json = serde_json::to_string(&IntakeFailure::TimedOut).unwrap();
        assert_eq!(json, r#"{"code":"timed_out"}"#);
    }
}
