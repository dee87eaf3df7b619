//! Intake against generated drawing sets whose truth is known.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fuzz;
mod index;
mod isolation;
mod readings;
mod refusals;
mod warnings;

use onetrip_drawings::{DrawingSet, SetOptions, generate};
use onetrip_intake::{FileReport, Limits, inspect};

/// A small set: few segments, so that debug builds stay fast.
pub fn small(seed: u64) -> SetOptions {
    SetOptions {
        seed,
        sheets_per_specialty: [4, 3, 2, 2, 2],
        segments_per_sheet: 400,
        ..SetOptions::default()
    }
}

pub fn make(options: &SetOptions) -> DrawingSet {
    generate(options).unwrap()
}

pub fn inspect_one(bytes: &[u8]) -> FileReport {
    inspect(bytes, &Limits { max_pages: 500 }).unwrap()
}
