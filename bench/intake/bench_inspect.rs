//! How long intake takes on a large drawing set: a generated set of 100 A1 sheets (plus its
//! index) with thousands of line segments each, read from its title blocks alone, and the
//! same set with one sheet of 200,000 segments. Run with
//! `cargo run --release -p onetrip-intake --example bench_inspect [sheets] [segments]`.

use std::time::Instant;

use onetrip_drawings::{SetOptions, generate};
use onetrip_intake::{Limits, inspect};

fn main() {
    let mut args = std::env::args().skip(1);
    let sheets = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let segments = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    for heavy in [None, Some(200_000)] {
        let options = SetOptions {
            segments_per_sheet: segments,
            heavy_first_sheet: heavy,
            ..SetOptions::with_total(7, sheets)
        };
        let started = Instant::now();
        let set = match generate(&options) {
            Ok(set) => set,
            Err(err) => {
                eprintln!("cannot generate: {err}");
                return;
            }
        };
        let generated = started.elapsed();
        let bytes = &set.files[0].bytes;
        let mut best = f64::MAX;
        let mut read = 0;
        for _ in 0..3 {
            let started = Instant::now();
            let report = inspect(bytes, &Limits { max_pages: 1000 });
            best = best.min(started.elapsed().as_secs_f64());
            read = report.map_or(0, |r| {
                r.pages
                    .iter()
                    .zip(&set.manifest)
                    .filter(|(p, m)| {
                        p.sheet_number.as_ref().map(|r| &r.text) == m.sheet_number.as_ref()
                    })
                    .count()
            });
        }
        eprintln!(
            "{} pages, {segments} segments per sheet{}: {:.1} MB generated in {:.2} s; inspected in {:.3} s (best of 3); {read}/{} sheet numbers read",
            set.manifest.len(),
            heavy.map_or(String::new(), |h| format!(", first sheet {h}")),
            bytes.len() as f64 / 1e6,
            generated.as_secs_f64(),
            best,
            set.manifest.len(),
        );
    }
}
