use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use onetrip_intake::{IntakeFailure, Isolation, Limits, Refusal, inspect, inspect_isolated};

use crate::{make, small};

fn isolation(program: PathBuf) -> Isolation {
    Isolation {
        program,
        timeout: Duration::from_secs(20),
        memory_bytes: 1 << 30,
    }
}

fn child() -> PathBuf {
    env!("CARGO_BIN_EXE_onetrip-intake").into()
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test]
async fn the_child_reports_what_inspect_reports() {
    let dir = tempfile::tempdir().unwrap();
    let set = make(&onetrip_drawings::SetOptions {
        page_labels: true,
        ..small(61)
    });
    let path = dir.path().join("set.pdf");
    std::fs::write(&path, &set.files[0].bytes).unwrap();
    let limits = Limits { max_pages: 100 };
    let isolated = inspect_isolated(&isolation(child()), &path, &limits)
        .await
        .unwrap();
    assert_eq!(isolated, inspect(&set.files[0].bytes, &limits).unwrap());

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a drawing").unwrap();
    assert_eq!(
        inspect_isolated(&isolation(child()), &text, &limits).await,
        Err(IntakeFailure::Refused(Refusal::NotPdf))
    );
    assert_eq!(
        inspect_isolated(&isolation(child()), &path, &Limits { max_pages: 3 }).await,
        Err(IntakeFailure::Refused(Refusal::TooManyPages {
            pages: u32::try_from(set.manifest.len()).unwrap(),
            limit: 3
        }))
    );
}

#[tokio::test]
async fn a_child_over_time_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("still-running");
    let slow = script(
        dir.path(),
        "slow",
        &format!("sleep 5\ntouch '{}'", marker.display()),
    );
    let isolation = Isolation {
        timeout: Duration::from_millis(500),
        ..isolation(slow)
    };
    let started = Instant::now();
    let outcome = inspect_isolated(&isolation, Path::new("/dev/null"), &Limits::default()).await;
    assert_eq!(outcome, Err(IntakeFailure::TimedOut));
    assert!(started.elapsed() < Duration::from_secs(3));
    // The shell was killed before its sleep ended, so it never gets to the marker.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(!marker.exists());
}

#[tokio::test]
async fn a_dying_or_babbling_child_is_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits::default();
    let file = Path::new("/dev/null");
    let killed = script(dir.path(), "killed", "kill -9 $$");
    assert_eq!(
        inspect_isolated(&isolation(killed), file, &limits).await,
        Err(IntakeFailure::Crashed)
    );
    let babbling = script(dir.path(), "babbling", "echo '{not json'");
    assert_eq!(
        inspect_isolated(&isolation(babbling), file, &limits).await,
        Err(IntakeFailure::Crashed)
    );
    let missing = dir.path().join("no-such-program");
    assert!(matches!(
        inspect_isolated(&isolation(missing), file, &limits).await,
        Err(IntakeFailure::Spawn(_))
    ));
}

#[tokio::test]
async fn a_child_over_its_memory_limit_is_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let options = onetrip_drawings::SetOptions {
        sheets_per_specialty: [1, 0, 0, 0, 0],
        heavy_first_sheet: Some(100_000),
        ..small(62)
    };
    let set = make(&options);
    let path = dir.path().join("set.pdf");
    std::fs::write(&path, &set.files[0].bytes).unwrap();
    // Less than the decoded content of the heavy sheet alone.
    let isolation = Isolation {
        memory_bytes: 4 << 20,
        ..isolation(child())
    };
    assert_eq!(
        inspect_isolated(&isolation, &path, &Limits::default()).await,
        Err(IntakeFailure::Crashed)
    );
}
