//! The desktop viewer's native regions: how long hayro takes to draw the part of an A1 sheet of
//! 200,000 path segments that a 1280 × 800 view shows, at the sheet's fit and after zooms of
//! 1.5×, in one pass and in two bands on two threads (as the desktop does), with the PNG the
//! webview is sent; beside it `pdftoppm` drawing the same region at the same resolution, the
//! native limit. Best of three each.
//! Run with `cargo run --release -p onetrip-compare --example bench_tiles`.

use std::error::Error;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use onetrip_compare::{PageView, Region, render_parallel};
use onetrip_drawings::{SetOptions, generate};

const VIEW: (u32, u32) = (1280, 800);
const RUNS: usize = 3;

fn main() -> Result<(), Box<dyn Error>> {
    let set = generate(&SetOptions {
        sheets_per_specialty: [1, 0, 0, 0, 0],
        heavy_first_sheet: Some(200_000),
        index_sheet: false,
        ..SetOptions::default()
    })?;
    let dir = std::env::temp_dir().join(format!("bench-tiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("heavy.pdf");
    std::fs::write(&file, &set.files[0].bytes)?;
    let pdf = Arc::new(set.files[0].bytes.clone());
    let view = PageView::open(pdf.clone(), 0)?;
    let fit = f64::from(VIEW.0) / view.width();
    eprintln!(
        "A1 sheet, 200,000 segments, view {} × {} px",
        VIEW.0, VIEW.1
    );
    eprintln!(
        "| zoom | dpi | hayro, one pass | hayro, two bands | PNG | pdftoppm | two bands ÷ pdftoppm |"
    );
    eprintln!("|---|---|---|---|---|---|---|");
    for step in 0..6 {
        let zoom = 1.5f64.powi(step);
        let scale = fit * zoom;
        let (pw, ph) = (
            (view.width() * scale) as u32,
            (view.height() * scale) as u32,
        );
        let region = Region {
            scale,
            x: pw.saturating_sub(VIEW.0) / 2,
            y: ph.saturating_sub(VIEW.1) / 2,
            width: VIEW.0.min(pw),
            height: VIEW.1.min(ph),
        };
        let one = best(|| view.render(&region).map(drop))?;
        let two = best(|| render_parallel(&pdf, 0, &region, 2).map(drop))?;
        let image = view.render(&region)?;
        let png = best(|| image.to_png().map(drop))?;
        let dpi = scale * 72.0;
        let native = best(|| pdftoppm(&file, dpi, &region))?;
        eprintln!(
            "| {zoom:.2}× | {dpi:.0} | {one:.0} ms | {two:.0} ms | {png:.0} ms | {native:.0} ms | ×{:.2} |",
            (two + png) / native
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The fastest of [`RUNS`] runs, in milliseconds.
fn best<E: Into<Box<dyn Error>>>(
    mut run: impl FnMut() -> Result<(), E>,
) -> Result<f64, Box<dyn Error>> {
    let mut best = f64::MAX;
    for _ in 0..RUNS {
        let started = Instant::now();
        run().map_err(Into::into)?;
        best = best.min(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(best)
}

fn pdftoppm(file: &std::path::Path, dpi: f64, region: &Region) -> Result<(), String> {
    let status = Command::new("pdftoppm")
        .args(["-r", &format!("{dpi}"), "-f", "1", "-l", "1", "-png"])
        .args(["-x", &region.x.to_string(), "-y", &region.y.to_string()])
        .args([
            "-W",
            &region.width.to_string(),
            "-H",
            &region.height.to_string(),
        ])
        .arg(file)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("pdftoppm: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("pdftoppm failed: {status}"))
}
