//! How long a revision compare of two A1 sheets takes at 150 dpi, and how much memory: the
//! changed sheet of a generated set (a few thousand segments) in round 1 and in the revised
//! round 2, rasterised with hayro (in-process) and with a pdftoppm process, then compared;
//! beside it `pdftoppm -r 150` rendering the same two pages to PPM files, the native limit.
//! Then the same for a first sheet of 200,000 segments compared with itself. Peak memory is
//! measured in a fresh process per renderer (this executable started again), as VmHWM.
//! Run with `cargo run --release -p onetrip-compare --example bench_compare [dpi] [runs]`;
//! `BENCH_BAND_ROWS` sets hayro's band height, `BENCH_SAVE=prefix` writes the overlays.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use onetrip_compare::{
    CompareOptions, Comparison, HayroRasteriser, PageRef, PdftoppmRasteriser, RasterOptions,
    Rasteriser, compare, compare_pages,
};
use onetrip_drawings::{DrawingSet, Round, SetOptions, generate};

const PEAK_FLAG: &str = "--peak";

/// The sets the cases come from.
struct Sets {
    first: DrawingSet,
    second: DrawingSet,
    heavy: DrawingSet,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    Changed,
    Heavy,
}

impl Case {
    fn name(self) -> &'static str {
        match self {
            Self::Changed => "changed",
            Self::Heavy => "heavy",
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(PEAK_FLAG) {
        peak_child(&args[1..]);
        return;
    }
    let dpi: f32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(150.0);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let dir = std::env::temp_dir().join(format!("bench-compare-{}", std::process::id()));
    if let Err(err) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot make {}: {err}", dir.display());
        return;
    }
    let Some(sets) = make_sets() else {
        return;
    };
    if let Some(rect) = sets.second.manifest.iter().find_map(|e| e.changed_region) {
        eprintln!("changed_region in the manifest: {rect:?}");
    }
    for case in [Case::Changed, Case::Heavy] {
        let Some((old, new)) = pages(&sets, case) else {
            eprintln!("no changed sheet in the revised set");
            return;
        };
        run_case(&dir, case, old, new, dpi, runs);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "peak RSS of this process (VmHWM): {} kB",
        peak_kb().unwrap_or(0)
    );
}

fn make_sets() -> Option<Sets> {
    let make = |options: &SetOptions| match generate(options) {
        Ok(set) => Some(set),
        Err(err) => {
            eprintln!("cannot generate: {err}");
            None
        }
    };
    let base = SetOptions {
        sheets_per_specialty: [3, 2, 1, 1, 1],
        ..SetOptions::default()
    };
    let revised = SetOptions {
        round: Round::Revised,
        ..base.clone()
    };
    let heavy = SetOptions {
        sheets_per_specialty: [1, 0, 0, 0, 0],
        heavy_first_sheet: Some(200_000),
        index_sheet: false,
        ..SetOptions::default()
    };
    Some(Sets {
        first: make(&base)?,
        second: make(&revised)?,
        heavy: make(&heavy)?,
    })
}

/// The two pages of a case: the sheet whose linework round 2 changed, as a page of each round,
/// or the heavy sheet twice.
fn pages(sets: &Sets, case: Case) -> Option<(PageRef<'_>, PageRef<'_>)> {
    match case {
        Case::Changed => {
            let entry = sets
                .second
                .manifest
                .iter()
                .find(|e| e.changed_region.is_some())?;
            let before = sets
                .first
                .manifest
                .iter()
                .find(|e| e.sheet_number == entry.sheet_number)?;
            Some((
                PageRef {
                    pdf: &sets.first.files[before.file].bytes,
                    page: before.page as usize,
                },
                PageRef {
                    pdf: &sets.second.files[entry.file].bytes,
                    page: entry.page as usize,
                },
            ))
        }
        Case::Heavy => {
            let page = PageRef {
                pdf: &sets.heavy.files[0].bytes,
                page: 0,
            };
            Some((page, page))
        }
    }
}

fn hayro() -> HayroRasteriser {
    let band_rows = std::env::var("BENCH_BAND_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(HayroRasteriser::default().band_rows);
    HayroRasteriser { band_rows }
}

fn raster_options(dpi: f32) -> RasterOptions {
    RasterOptions {
        dpi,
        ..RasterOptions::default()
    }
}

fn run_case(dir: &Path, case: Case, old: PageRef<'_>, new: PageRef<'_>, dpi: f32, runs: usize) {
    let raster = raster_options(dpi);
    let options = CompareOptions::default();
    let old_path = dir.join("old.pdf");
    let new_path = dir.join("new.pdf");
    if std::fs::write(&old_path, old.pdf)
        .and_then(|()| std::fs::write(&new_path, new.pdf))
        .is_err()
    {
        eprintln!("cannot write the files");
        return;
    }
    // The native limit: pdftoppm rendering each page to a PPM file, one after the other and
    // both at once.
    let pdftoppm = |path: &Path, page: usize, out: &str| {
        let number = (page + 1).to_string();
        Command::new("pdftoppm")
            .args(["-r", &dpi.to_string(), "-f", &number, "-l", &number])
            .arg(path)
            .arg(dir.join(out))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    };
    let both = [(&old_path, old.page, "old"), (&new_path, new.page, "new")];
    let native_serial = best(runs, || {
        for (path, page, out) in both {
            if let Ok(mut child) = pdftoppm(path, page, out) {
                let _ = child.wait();
            }
        }
    });
    let native_parallel = best(runs, || {
        let children: Vec<_> = both
            .into_iter()
            .filter_map(|(path, page, out)| pdftoppm(path, page, out).ok())
            .collect();
        for mut child in children {
            let _ = child.wait();
        }
    });

    let hayro = hayro();
    let poppler = PdftoppmRasteriser::default();
    let render_one = |r: &dyn Rasteriser| {
        best(runs, || {
            let _ = r.rasterise(new.pdf, new.page, &raster);
        })
    };
    let hayro_one = render_one(&hayro);
    let poppler_one = render_one(&poppler);
    let mut last: Option<Comparison> = None;
    let mut compare_all = |r: &dyn Rasteriser| {
        best(runs, || {
            last = compare_pages(r, old, new, &raster, &options).ok();
        })
    };
    let hayro_both = compare_all(&hayro);
    let poppler_both = compare_all(&poppler);
    let (Ok(a), Ok(b)) = (
        hayro.rasterise(old.pdf, old.page, &raster),
        hayro.rasterise(new.pdf, new.page, &raster),
    ) else {
        eprintln!("cannot rasterise");
        return;
    };
    let compare_only = best(runs, || {
        last = Some(compare(&a, &b, &options));
    });
    let peak = |renderer: &str| peak_in_child(case, renderer, dpi);
    let (hayro_peak, poppler_peak) = (peak("hayro"), peak("pdftoppm"));

    eprintln!(
        "== {} sheet, {dpi} dpi, {} × {} px ({:.1} Mpx), best of {runs}; hayro bands of {} rows",
        case.name(),
        b.width,
        b.height,
        f64::from(b.width) * f64::from(b.height) / 1e6,
        hayro.band_rows
    );
    eprintln!(
        "  one page: hayro {hayro_one:.3} s, pdftoppm piped {poppler_one:.3} s (hayro/pdftoppm {:.2})",
        hayro_one / poppler_one
    );
    eprintln!(
        "  pdftoppm -r {dpi}, both pages to PPM files: {native_serial:.3} s one after the other, {native_parallel:.3} s both at once"
    );
    eprintln!("  compare step alone (one pass, regions, overlay PNG): {compare_only:.3} s");
    let native = native_serial.min(native_parallel);
    eprintln!(
        "  rasterise both + compare: hayro {hayro_both:.3} s = {:.2}× the native limit ({native:.3} s); pdftoppm process {poppler_both:.3} s = {:.2}×",
        hayro_both / native,
        poppler_both / native,
    );
    eprintln!(
        "  peak RSS, fresh process, both + compare: hayro {hayro_peak}; pdftoppm {poppler_peak}"
    );
    if let Ok(c) = poppler.rasterise(new.pdf, new.page, &raster) {
        let cross = compare(&b, &c, &options);
        eprintln!(
            "  hayro against pdftoppm, same page: {} × {} against {} × {} px, {} px only in hayro, {} px only in pdftoppm, {} regions",
            b.width,
            b.height,
            c.width,
            c.height,
            cross.removed_px,
            cross.added_px,
            cross.regions.len()
        );
    }
    if let Some(result) = last {
        eprintln!(
            "  {} regions, {} px removed, {} px added, overlay PNG {} KB",
            result.regions.len(),
            result.removed_px,
            result.added_px,
            result.overlay_png.as_ref().map_or(0, Vec::len) / 1024
        );
        for region in &result.regions {
            eprintln!("    {:?}", region.rect);
        }
        if let (Ok(prefix), Some(png)) = (std::env::var("BENCH_SAVE"), &result.overlay_png) {
            let _ = std::fs::write(format!("{prefix}-{}.png", case.name()), png);
        }
    }
}

/// Runs one rasterise-both-and-compare in a fresh process and reports its peak memory.
fn peak_in_child(case: Case, renderer: &str, dpi: f32) -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "unknown".to_owned();
    };
    let output = Command::new(exe)
        .args([PEAK_FLAG, case.name(), renderer, &dpi.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    match output {
        Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        Err(err) => format!("cannot run: {err}"),
    }
}

/// The child of [`peak_in_child`]: `--peak <case> <renderer> <dpi>`.
fn peak_child(args: &[String]) {
    let case = match args.first().map(String::as_str) {
        Some("heavy") => Case::Heavy,
        _ => Case::Changed,
    };
    let dpi = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(150.0);
    let Some(sets) = make_sets() else {
        return;
    };
    let Some((old, new)) = pages(&sets, case) else {
        return;
    };
    let hayro = hayro();
    let poppler = PdftoppmRasteriser::default();
    let rasteriser: &dyn Rasteriser = match args.get(1).map(String::as_str) {
        Some("pdftoppm") => &poppler,
        _ => &hayro,
    };
    let before = peak_kb().unwrap_or(0);
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let start = current_kb().unwrap_or(0);
    let result = compare_pages(
        rasteriser,
        old,
        new,
        &raster_options(dpi),
        &CompareOptions::default(),
    );
    let peak = peak_kb().unwrap_or(0);
    let px = result.map_or(0, |r| u64::from(r.width) * u64::from(r.height));
    eprintln!(
        "{:.0} MiB ({:.0} MiB above the {:.0} MiB held before; {:.1} bytes a pixel of one page; generating the sets peaked at {:.0} MiB)",
        peak as f64 / 1024.0,
        peak.saturating_sub(start) as f64 / 1024.0,
        start as f64 / 1024.0,
        peak.saturating_sub(start) as f64 * 1024.0 / px.max(1) as f64,
        before as f64 / 1024.0,
    );
}

fn best(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.trim_start_matches(field)
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// VmHWM: the most resident memory the process has had (since the last reset).
fn peak_kb() -> Option<u64> {
    status_kb("VmHWM:")
}

fn current_kb() -> Option<u64> {
    status_kb("VmRSS:")
}
