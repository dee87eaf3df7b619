//! The comparison of two rasters of one sheet: each pixel classed as common, removed, added or
//! blank in one pass, which also writes the overlay's rows and counts the differing pixels per
//! cell of about a millimetre; the cells then give the changed regions.

use serde::{Deserialize, Serialize};

use crate::overlay::OverlayWriter;
use crate::raster::PageRaster;
use crate::regions::{self, CellGrid};

/// How two rasters are compared.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CompareOptions {
    /// A pixel is ink when its value (darkest channel) is below this: 230 takes strokes that
    /// cover about a tenth of a pixel or more.
    pub ink_below: u8,
    /// Ink within this many pixels of ink in the other raster is not a difference: it absorbs
    /// anti-aliasing that differs by a pixel.
    pub tolerance_px: u32,
    /// Side of the cells differing pixels are counted in, in millimetres.
    pub cell_mm: f32,
    /// Differences closer than this, in millimetres, belong to one region.
    pub merge_mm: f32,
    /// Space added around each region's differences when it is outlined, in millimetres.
    pub margin_mm: f32,
    /// A region with less differing ink than this, in square points, is noise.
    pub min_region_pt2: f32,
    /// Most regions reported; nearer regions are merged until there are no more than this.
    pub max_regions: usize,
    /// Whether to make the overlay PNG.
    pub overlay: bool,
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self {
            ink_below: 230,
            tolerance_px: 1,
            cell_mm: 1.0,
            merge_mm: 10.0,
            margin_mm: 3.0,
            min_region_pt2: 1.0,
            max_regions: 12,
            overlay: true,
        }
    }
}

/// A rectangle in PDF points of the page's default user space (origin bottom-left), with
/// `x0 ≤ x1` and `y0 ≤ y1`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PdfRect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl PdfRect {
    /// The rectangle between two corners, in any order.
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Self {
        Self {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    /// Whether the two rectangles share a point (edges included).
    pub fn overlaps(&self, other: &PdfRect) -> bool {
        self.x0 <= other.x1 && other.x0 <= self.x1 && self.y0 <= other.y1 && other.y0 <= self.y1
    }

    /// Whether `other` lies wholly inside this rectangle.
    pub fn contains(&self, other: &PdfRect) -> bool {
        self.x0 <= other.x0 && other.x1 <= self.x1 && self.y0 <= other.y0 && other.y1 <= self.y1
    }
}

/// A rectangle of pixels, `x0..x1` × `y0..y1`, origin top-left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixelRect {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

/// One changed area of the sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedRegion {
    /// The outline in PDF points, margin included.
    pub rect: PdfRect,
    /// The same outline in pixels of the compared rasters.
    pub pixels: PixelRect,
    /// Pixels of ink only in the old raster.
    pub removed_px: u64,
    /// Pixels of ink only in the new raster.
    pub added_px: u64,
}

/// Whether a sheet changed between two rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetChange {
    Changed,
    Unchanged,
}

/// The result of comparing two rasters of one sheet.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Size of the compared area: the larger of the two rasters, the smaller padded with white.
    pub width: u32,
    pub height: u32,
    pub dpi: f32,
    /// Pixels of ink only in the old raster, over the whole sheet (noise included).
    pub removed_px: u64,
    /// Pixels of ink only in the new raster, over the whole sheet (noise included).
    pub added_px: u64,
    /// The changed regions, largest first; empty when nothing but noise differs.
    pub regions: Vec<ChangedRegion>,
    /// Old in red, new in green, common ink dark grey, on white (an indexed PNG, 2 bits a
    /// pixel), when asked for.
    #[serde(skip)]
    pub overlay_png: Option<Vec<u8>>,
}

impl std::fmt::Debug for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Comparison")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("dpi", &self.dpi)
            .field("removed_px", &self.removed_px)
            .field("added_px", &self.added_px)
            .field("regions", &self.regions)
            .field("overlay_png", &self.overlay_png.as_ref().map(Vec::len))
            .finish()
    }
}

impl Comparison {
    /// Changed when there is at least one region.
    pub fn change(&self) -> SheetChange {
        if self.regions.is_empty() {
            SheetChange::Unchanged
        } else {
            SheetChange::Changed
        }
    }
}

/// Whether a rectangle in PDF points (a reviewer's markup) overlaps a changed region:
/// 区域已修改 when true, 未改动 when false.
pub fn region_changed(result: &Comparison, rect: PdfRect) -> bool {
    let rect = PdfRect::new(rect.x0, rect.y0, rect.x1, rect.y1);
    result.regions.iter().any(|r| r.rect.overlaps(&rect))
}

/// What one pixel of the overlay shows; the value is its palette index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Class {
    Blank = 0,
    Common = 1,
    Removed = 2,
    Added = 3,
}

/// Rows of a raster seen through a common frame: outside the raster is white.
struct Rows<'a> {
    raster: &'a PageRaster,
}

impl Rows<'_> {
    fn row(&self, y: u32) -> &[u8] {
        if y >= self.raster.height {
            return &[];
        }
        let w = self.raster.width as usize;
        let start = y as usize * w;
        self.raster.pixels.get(start..start + w).unwrap_or(&[])
    }

    /// Whether there is ink within `t` pixels of (x, y).
    fn ink_near(&self, x: u32, y: u32, t: u32, below: u8) -> bool {
        let (x0, x1) = (x.saturating_sub(t) as usize, x.saturating_add(t) as usize);
        (y.saturating_sub(t)..=y.saturating_add(t)).any(|yy| {
            let row = self.row(yy);
            let end = (x1 + 1).min(row.len());
            row.get(x0..end)
                .is_some_and(|span| span.iter().any(|&v| v < below))
        })
    }
}

/// Compares the old and the new raster of one sheet. The rasters are taken to show the same
/// sheet at the same resolution and origin; a difference in size (a pixel of rounding) is
/// padded with white. Regions are given in the new raster's PDF coordinates.
pub fn compare(old: &PageRaster, new: &PageRaster, options: &CompareOptions) -> Comparison {
    let width = old.width.max(new.width);
    let height = old.height.max(new.height);
    let dpi = new.dpi;
    let px_per_mm = f64::from(dpi) / 25.4;
    let cell = ((f64::from(options.cell_mm) * px_per_mm).round() as u32).max(1);
    let mut grid = CellGrid::new(width, height, cell);
    let mut overlay = options
        .overlay
        .then(|| OverlayWriter::new(width, height).ok())
        .flatten();
    let (old_rows, new_rows) = (Rows { raster: old }, Rows { raster: new });
    let below = options.ink_below;
    let t = options.tolerance_px;
    let mut classes = vec![Class::Blank; width as usize];
    let (mut removed_px, mut added_px) = (0u64, 0u64);
    for y in 0..height {
        let (a, b) = (old_rows.row(y), new_rows.row(y));
        let common = a.len().min(b.len());
        for (x, class) in classes.iter_mut().enumerate() {
            let (va, vb) = if x < common {
                (a[x], b[x])
            } else {
                (
                    a.get(x).copied().unwrap_or(255),
                    b.get(x).copied().unwrap_or(255),
                )
            };
            let (ink_old, ink_new) = (va < below, vb < below);
            *class = match (ink_old, ink_new) {
                (false, false) => Class::Blank,
                (true, true) => Class::Common,
                (true, false) => {
                    if t > 0 && new_rows.ink_near(x as u32, y, t, below) {
                        Class::Common
                    } else {
                        Class::Removed
                    }
                }
                (false, true) => {
                    if t > 0 && old_rows.ink_near(x as u32, y, t, below) {
                        Class::Common
                    } else {
                        Class::Added
                    }
                }
            };
        }
        for (x, class) in classes.iter().enumerate() {
            match class {
                Class::Removed => {
                    removed_px += 1;
                    grid.count(x as u32, y, true);
                }
                Class::Added => {
                    added_px += 1;
                    grid.count(x as u32, y, false);
                }
                Class::Blank | Class::Common => {}
            }
        }
        if let Some(writer) = overlay.as_mut()
            && writer.row(&classes).is_err()
        {
            overlay = None;
        }
    }
    let overlay_png = overlay.and_then(|w| w.finish().ok());
    let min_px = (f64::from(options.min_region_pt2) * (f64::from(dpi) / 72.0).powi(2)).ceil();
    let found = regions::find(
        &grid,
        &regions::RegionOptions {
            link_cells: ((f64::from(options.merge_mm) * px_per_mm) / f64::from(cell)).ceil() as u32,
            min_px: (min_px as u64).max(3),
            max_regions: options.max_regions.max(1),
        },
    );
    let margin = (f64::from(options.margin_mm) * px_per_mm).round() as u32;
    let from_pixel = new.to_pixel.invert();
    let regions = found
        .into_iter()
        .map(|r| {
            let pixels = PixelRect {
                x0: r.x0.saturating_sub(margin),
                y0: r.y0.saturating_sub(margin),
                x1: r.x1.saturating_add(margin).min(width),
                y1: r.y1.saturating_add(margin).min(height),
            };
            ChangedRegion {
                rect: to_pdf(pixels, from_pixel.as_ref()),
                pixels,
                removed_px: r.removed,
                added_px: r.added,
            }
        })
        .collect();
    Comparison {
        width,
        height,
        dpi,
        removed_px,
        added_px,
        regions,
        overlay_png,
    }
}

/// The bounding box in PDF points of a pixel rectangle.
fn to_pdf(r: PixelRect, from_pixel: Option<&crate::raster::Transform>) -> PdfRect {
    let corners = [(r.x0, r.y0), (r.x1, r.y0), (r.x0, r.y1), (r.x1, r.y1)]
        .map(|(x, y)| (f64::from(x), f64::from(y)));
    let points = corners.map(|p| from_pixel.map_or(p, |t| t.apply(p)));
    let xs = points.map(|p| p.0 as f32);
    let ys = points.map(|p| p.1 as f32);
    let min = |v: [f32; 4]| v.iter().copied().fold(f32::INFINITY, f32::min);
    let max = |v: [f32; 4]| v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    PdfRect::new(min(xs), min(ys), max(xs), max(ys))
}
