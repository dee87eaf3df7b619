//! One page of a PDF as a grey raster, with the transform from the page's user space to its
//! pixels, and the renderers that make it.

use std::sync::Arc;

use hayro::hayro_syntax::Pdf;
use hayro::hayro_syntax::page::Page;
use serde::{Deserialize, Serialize};

/// An affine transform `[a, b, c, d, e, f]`: `x' = a·x + c·y + e`, `y' = b·x + d·y + f`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Transform(pub [f64; 6]);

impl Transform {
    /// Applies the transform to a point.
    pub fn apply(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// The inverse transform, if there is one.
    pub fn invert(&self) -> Option<Self> {
        let [a, b, c, d, e, f] = self.0;
        let det = a * d - b * c;
        if det.abs() < 1e-12 {
            return None;
        }
        let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det);
        Some(Self([
            ia,
            ib,
            ic,
            id,
            -(ia * e + ic * f),
            -(ib * e + id * f),
        ]))
    }
}

/// What a rasteriser may spend on one page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RasterOptions {
    /// Resolution in dots per inch (72 gives one pixel per PDF point).
    pub dpi: f32,
    /// Most pixels one page may have; pages larger than this at `dpi` are refused before any
    /// rendering. A1 at 150 dpi is about 17.4 Mpx, A0 about 35 Mpx.
    pub max_pixels: u64,
}

impl Default for RasterOptions {
    fn default() -> Self {
        Self {
            dpi: 150.0,
            max_pixels: 80_000_000,
        }
    }
}

/// Why a page could not be rasterised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum RasterError {
    #[error("the PDF file cannot be read")]
    Unreadable,
    #[error("page {page} asked for, the file has {pages} pages")]
    NoSuchPage { page: usize, pages: usize },
    #[error("the resolution must be positive and finite")]
    BadResolution,
    #[error("the page is {width} × {height} pixels at this resolution, more than {limit} pixels")]
    TooLarge { width: u64, height: u64, limit: u64 },
    #[error("the renderer failed: {0}")]
    Renderer(String),
}

impl RasterError {
    /// Stable code for the boundary.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable => "unreadable",
            Self::NoSuchPage { .. } => "no_such_page",
            Self::BadResolution => "bad_resolution",
            Self::TooLarge { .. } => "too_large",
            Self::Renderer(_) => "renderer",
        }
    }
}

/// One page as seen (after `/Rotate`), one byte a pixel: the value of the pixel's darkest
/// colour channel, 0 black to 255 white, so that coloured CAD linework (yellow, cyan) counts as
/// ink as much as black does.
#[derive(Clone, PartialEq)]
pub struct PageRaster {
    pub width: u32,
    pub height: u32,
    pub dpi: f32,
    /// Row by row from the top, `width` bytes a row.
    pub pixels: Vec<u8>,
    /// From the page's default user space (PDF points, origin bottom-left) to pixels (origin
    /// top-left), rotation included.
    pub to_pixel: Transform,
}

impl std::fmt::Debug for PageRaster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageRaster")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("dpi", &self.dpi)
            .field("to_pixel", &self.to_pixel)
            .finish_non_exhaustive()
    }
}

impl PageRaster {
    /// The value at a pixel, white outside the raster.
    pub fn at(&self, x: u32, y: u32) -> u8 {
        if x >= self.width || y >= self.height {
            return 255;
        }
        let i = y as usize * self.width as usize + x as usize;
        self.pixels.get(i).copied().unwrap_or(255)
    }
}

/// Something that turns one page of a PDF into a [`PageRaster`].
pub trait Rasteriser: Send + Sync {
    /// Renders page `page` (0-based) of `pdf` as seen, on white.
    fn rasterise(
        &self,
        pdf: &[u8],
        page: usize,
        options: &RasterOptions,
    ) -> Result<PageRaster, RasterError>;
}

/// Size in pixels and transform of a page at a resolution, checked against the budget.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub width: u32,
    pub height: u32,
    pub to_pixel: Transform,
}

/// The frame of a page: hayro's view of its crop box and rotation, at `options.dpi`.
pub(crate) fn frame(page: &Page<'_>, options: &RasterOptions) -> Result<Frame, RasterError> {
    let dpi = f64::from(options.dpi);
    if !dpi.is_finite() || dpi <= 0.0 {
        return Err(RasterError::BadResolution);
    }
    let scale = dpi / 72.0;
    let (w, h) = page.render_dimensions();
    let width_px = (f64::from(w) * scale).floor().max(1.0);
    let height_px = (f64::from(h) * scale).floor().max(1.0);
    // Checked in floating point first: a huge page or dpi must not overflow the integers.
    let too_large = || RasterError::TooLarge {
        width: width_px.min(u64::MAX as f64) as u64,
        height: height_px.min(u64::MAX as f64) as u64,
        limit: options.max_pixels,
    };
    if width_px * height_px > options.max_pixels as f64
        || width_px > f64::from(u16::MAX)
        || height_px > f64::from(u16::MAX)
    {
        return Err(too_large());
    }
    let coeffs = page.initial_transform(true).as_coeffs();
    let to_pixel = Transform(coeffs.map(|c| c * scale));
    Ok(Frame {
        width: width_px as u32,
        height: height_px as u32,
        to_pixel,
    })
}

/// Opens a PDF with hayro's parser.
pub(crate) fn open(pdf: &[u8]) -> Result<Pdf, RasterError> {
    let data: Arc<Vec<u8>> = Arc::new(pdf.to_vec());
    Pdf::new(data).map_err(|_| RasterError::Unreadable)
}

/// The page at `index`, or why not.
pub(crate) fn page_at<'a>(pdf: &'a Pdf, index: usize) -> Result<&'a Page<'a>, RasterError> {
    let pages = pdf.pages();
    pages.get(index).ok_or(RasterError::NoSuchPage {
        page: index,
        pages: pages.len(),
    })
}
