//! Revision compare of two drawing sheets: rasterised at a chosen resolution, overlaid (old
//! red, new green, common linework dark), changed regions found and outlined; bounded in time
//! and memory.
//!
//! A [`Rasteriser`] turns one page into a [`PageRaster`] of one byte a pixel; there are two:
//! [`HayroRasteriser`] in-process (pure Rust) and [`PdftoppmRasteriser`], a poppler process.
//! [`compare`] classes every pixel of two rasters in one pass, writes the overlay PNG as it
//! goes and finds the changed regions, in PDF points, from differences counted per cell of
//! about a millimetre. [`compare_pages`] renders two pages (in parallel) and compares them;
//! [`mark_sheets`] does so for every sheet number present in both rounds.
//!
//! hayro is the renderer to use: on A1 sheets at 150 dpi it measured 3–10× faster than
//! pdftoppm and draws the same pixels (bench/RESULTS.md, `bench_compare`). pdftoppm stays as
//! a reference and for files hayro cannot open.
//!
//! Memory: a page is refused above [`RasterOptions::max_pixels`] before it is rendered. hayro
//! renders in bands (see [`HayroRasteriser`]); what is kept is one byte a pixel. Comparing adds
//! two counters per cell of about a millimetre and the compressed overlay. Measured peak for two
//! A1 pages at 150 dpi rendered at once and compared: 44 MiB for sheets of 3,000 segments,
//! 170 MiB for sheets of 200,000.
//!
//! Time: the pdftoppm process is killed after its timeout; hayro runs in the caller's process
//! with no way to stop it early, so files from outside should be compared in a child process
//! with limits, as intake does.

mod diff;
mod overlay;
mod raster;
mod regions;
mod render_hayro;
mod render_poppler;
mod view;

use serde::{Deserialize, Serialize};

pub use diff::{
    ChangedRegion, CompareOptions, Comparison, PdfRect, PixelRect, SheetChange, compare,
    region_changed,
};
pub use overlay::PALETTE;
pub use raster::{PageRaster, RasterError, RasterOptions, Rasteriser, Transform};
pub use render_hayro::HayroRasteriser;
pub use render_poppler::PdftoppmRasteriser;
pub use view::{MAX_REGION_PIXELS, PageView, Region, RegionImage, render_parallel};

/// One page of one PDF file.
#[derive(Debug, Clone, Copy)]
pub struct PageRef<'a> {
    pub pdf: &'a [u8],
    /// 0-based.
    pub page: usize,
}

/// Which side of a comparison failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "round", content = "error")]
pub enum CompareError {
    #[error("old round: {0}")]
    Old(RasterError),
    #[error("new round: {0}")]
    New(RasterError),
}

impl CompareError {
    /// Stable code for the boundary: the renderer's code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Old(err) | Self::New(err) => err.code(),
        }
    }
}

/// Renders both pages, the two at once on two threads, and compares them.
pub fn compare_pages(
    rasteriser: &dyn Rasteriser,
    old: PageRef<'_>,
    new: PageRef<'_>,
    raster: &RasterOptions,
    options: &CompareOptions,
) -> Result<Comparison, CompareError> {
    let (old_raster, new_raster) = std::thread::scope(|scope| {
        let old_side = scope.spawn(|| rasteriser.rasterise(old.pdf, old.page, raster));
        let new_raster = rasteriser.rasterise(new.pdf, new.page, raster);
        let old_raster = old_side
            .join()
            .unwrap_or_else(|_| Err(RasterError::Renderer("the renderer panicked".to_owned())));
        (old_raster, new_raster)
    });
    let old_raster = old_raster.map_err(CompareError::Old)?;
    let new_raster = new_raster.map_err(CompareError::New)?;
    Ok(compare(&old_raster, &new_raster, options))
}

/// A sheet of one round: its number and where its page is.
#[derive(Debug, Clone, Copy)]
pub struct SheetPage<'a> {
    pub sheet_number: &'a str,
    pub page: PageRef<'a>,
}

/// What comparing one sheet found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum SheetOutcome {
    Changed { regions: Vec<PdfRect> },
    Unchanged,
    Failed { error: CompareError },
}

/// One sheet present in both rounds, marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetSummary {
    pub sheet_number: String,
    pub outcome: SheetOutcome,
}

/// Marks every sheet present in both rounds (matched by sheet number, in the new round's
/// order) as changed, with its regions, or unchanged. Overlays are not made.
pub fn mark_sheets(
    rasteriser: &dyn Rasteriser,
    old: &[SheetPage<'_>],
    new: &[SheetPage<'_>],
    raster: &RasterOptions,
    options: &CompareOptions,
) -> Vec<SheetSummary> {
    let options = CompareOptions {
        overlay: false,
        ..*options
    };
    new.iter()
        .filter_map(|sheet| {
            let before = old.iter().find(|o| o.sheet_number == sheet.sheet_number)?;
            let outcome = match compare_pages(rasteriser, before.page, sheet.page, raster, &options)
            {
                Ok(result) if result.regions.is_empty() => SheetOutcome::Unchanged,
                Ok(result) => SheetOutcome::Changed {
                    regions: result.regions.iter().map(|r| r.rect).collect(),
                },
                Err(error) => SheetOutcome::Failed { error },
            };
            Some(SheetSummary {
                sheet_number: sheet.sheet_number.to_owned(),
                outcome,
            })
        })
        .collect()
}
