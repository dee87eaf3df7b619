//! `drawing-set`: writes a generated drawing set and its manifest into a folder.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use onetrip_drawings::{Defects, Layout, Round, SetOptions, generate};

/// Writes a CAD-like Chinese drawing set (施工图) and `manifest.json` into a folder.
#[derive(Debug, Parser)]
#[command(name = "drawing-set", version)]
struct Args {
    /// Folder to write into (created if missing).
    #[arg(long, default_value = "drawing-set")]
    out: PathBuf,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Total drawing sheets, shared out over the specialties.
    #[arg(long, conflicts_with = "per_specialty")]
    sheets: Option<u32>,
    /// Sheets for 建施,结施,水施,暖施,电施, comma-separated.
    #[arg(long, value_delimiter = ',')]
    per_specialty: Option<Vec<u32>>,
    /// Line segments per sheet.
    #[arg(long, default_value_t = 3000)]
    segments: u32,
    /// Line segments on the first drawing sheet (e.g. 200000 for a viewer benchmark).
    #[arg(long)]
    heavy_first_sheet: Option<u32>,
    /// One file per sheet instead of one file with many pages.
    #[arg(long)]
    file_per_sheet: bool,
    /// Write /PageLabels with the sheet numbers.
    #[arg(long)]
    page_labels: bool,
    /// Write bookmarks titled with sheet number and title.
    #[arg(long)]
    bookmarks: bool,
    /// Leave out the index sheet (图纸目录).
    #[arg(long)]
    no_index: bool,
    /// The revised second round of the same seed.
    #[arg(long)]
    revised: bool,
    /// Add every defect: Letter page, unembedded font, SHX text, scan, rotated page.
    #[arg(long)]
    defects: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut options = match args.sheets {
        Some(total) => SetOptions::with_total(args.seed, total),
        None => SetOptions {
            seed: args.seed,
            ..SetOptions::default()
        },
    };
    if let Some(counts) = &args.per_specialty {
        if counts.len() != options.sheets_per_specialty.len() {
            eprintln!("drawing-set: --per-specialty takes five counts: 建施,结施,水施,暖施,电施");
            return ExitCode::from(2);
        }
        for (slot, count) in options.sheets_per_specialty.iter_mut().zip(counts) {
            *slot = *count;
        }
    }
    options.segments_per_sheet = args.segments;
    options.heavy_first_sheet = args.heavy_first_sheet;
    options.layout = if args.file_per_sheet {
        Layout::FilePerSheet
    } else {
        Layout::OneFile
    };
    options.page_labels = args.page_labels;
    options.bookmarks = args.bookmarks;
    options.index_sheet = !args.no_index;
    options.round = if args.revised {
        Round::Revised
    } else {
        Round::First
    };
    if args.defects {
        options.defects = Defects {
            letter_page: true,
            unembedded_font: true,
            shx_text: true,
            image_only: true,
            rotated: true,
        };
    }
    match run(&args, &options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("drawing-set: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args, options: &SetOptions) -> Result<(), String> {
    let set = generate(options).map_err(|err| err.to_string())?;
    std::fs::create_dir_all(&args.out).map_err(|err| format!("{}: {err}", args.out.display()))?;
    for file in &set.files {
        let path = args.out.join(&file.name);
        std::fs::write(&path, &file.bytes).map_err(|err| format!("{}: {err}", path.display()))?;
    }
    let names: Vec<&str> = set.files.iter().map(|f| f.name.as_str()).collect();
    let manifest = serde_json::json!({ "files": names, "pages": set.manifest });
    let text = serde_json::to_string_pretty(&manifest).map_err(|err| err.to_string())?;
    let path = args.out.join("manifest.json");
    std::fs::write(&path, text).map_err(|err| format!("{}: {err}", path.display()))?;
    eprintln!(
        "wrote {} file(s), {} page(s) to {}",
        set.files.len(),
        set.manifest.len(),
        args.out.display()
    );
    Ok(())
}
