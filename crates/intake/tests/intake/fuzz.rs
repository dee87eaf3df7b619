//! Valid files broken at random: intake answers every one, in bounded time, and never
//! takes the process down.

use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;

use onetrip_drawings::{Defects, SetOptions};
use onetrip_intake::{IntakeFailure, Isolation, Limits, inspect, inspect_isolated};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

use crate::make;

/// Longest one broken file may take in a debug build.
const BOUND: Duration = Duration::from_secs(20);

fn base() -> &'static [u8] {
    static BASE: OnceLock<Vec<u8>> = OnceLock::new();
    BASE.get_or_init(|| {
        let options = SetOptions {
            seed: 51,
            sheets_per_specialty: [2, 1, 0, 0, 1],
            segments_per_sheet: 150,
            page_labels: true,
            bookmarks: true,
            defects: Defects {
                shx_text: true,
                rotated: true,
                ..Defects::default()
            },
            ..SetOptions::default()
        };
        make(&options).files.remove(0).bytes
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Vec<(f64, u8)>),
    Truncate(f64),
    Splice(f64, Vec<u8>),
    Duplicate { from: f64, len: usize, to: f64 },
    Remove { from: f64, len: usize },
}

fn at(bytes: &[u8], position: f64) -> usize {
    ((bytes.len() as f64 * position) as usize).min(bytes.len())
}

fn apply(mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = base().to_vec();
    for mutation in mutations {
        match mutation {
            Mutation::Flip(flips) => {
                for (position, mask) in flips {
                    let i = at(&bytes, *position).min(bytes.len().saturating_sub(1));
                    if let Some(byte) = bytes.get_mut(i) {
                        *byte ^= mask.max(&1);
                    }
                }
            }
            Mutation::Truncate(position) => {
                let i = at(&bytes, *position);
                bytes.truncate(i);
            }
            Mutation::Splice(position, junk) => {
                let i = at(&bytes, *position);
                bytes.splice(i..i, junk.iter().copied());
            }
            Mutation::Duplicate { from, len, to } => {
                let start = at(&bytes, *from);
                let end = (start + len).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                let i = at(&bytes, *to);
                bytes.splice(i..i, copy);
            }
            Mutation::Remove { from, len } => {
                let start = at(&bytes, *from);
                let end = (start + len).min(bytes.len());
                bytes.drain(start..end);
            }
        }
    }
    bytes
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => prop::collection::vec((0.0..1.0f64, any::<u8>()), 1..24).prop_map(Mutation::Flip),
        1 => (0.0..1.0f64).prop_map(Mutation::Truncate),
        2 => (0.0..1.0f64, prop::collection::vec(any::<u8>(), 1..64)).prop_map(|(p, j)| Mutation::Splice(p, j)),
        2 => (0.0..1.0f64, 1..4096usize, 0.0..1.0f64).prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
        2 => (0.0..1.0f64, 1..2048usize).prop_map(|(from, len)| Mutation::Remove { from, len }),
    ]
}

/// Runs `inspect` on a thread so that a hang fails the test instead of stalling it.
fn inspect_bounded(bytes: Vec<u8>) -> Result<(), String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = inspect(&bytes, &Limits { max_pages: 100 });
        let _ = send.send(outcome);
    });
    match receive.recv_timeout(BOUND) {
        Ok(_) => Ok(()),
        Err(mpsc::RecvTimeoutError::Timeout) => Err("no answer in time".into()),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("the check panicked".into()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn broken_files_are_answered_in_process(mutations in prop::collection::vec(mutation(), 1..4)) {
        let bytes = apply(&mutations);
        prop_assert_eq!(inspect_bounded(bytes), Ok(()));
    }
}

/// A few broken files through the child process: each is answered (a report, a refusal, or
/// a crash of the child) within the timeout, and the test process goes on.
#[tokio::test]
async fn broken_files_are_answered_isolated() {
    let dir = tempfile::tempdir().unwrap();
    let isolation = Isolation {
        program: env!("CARGO_BIN_EXE_onetrip-intake").into(),
        timeout: BOUND,
        memory_bytes: 1 << 30,
    };
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec(mutation(), 1..4);
    for case in 0..24 {
        let mutations = strategy.new_tree(&mut runner).unwrap().current();
        let path = dir.path().join(format!("case-{case}.pdf"));
        std::fs::write(&path, apply(&mutations)).unwrap();
        let started = std::time::Instant::now();
        let outcome = inspect_isolated(&isolation, &path, &Limits { max_pages: 100 }).await;
        assert!(started.elapsed() < BOUND + Duration::from_secs(2));
        assert!(
            !matches!(
                outcome,
                Err(IntakeFailure::TimedOut | IntakeFailure::Spawn(_))
            ),
            "case {case}: {outcome:?}"
        );
    }
}
