//! Native rendering for the drawing viewer: one page opened once, then any region of it drawn
//! at any scale, as map viewers draw tiles.
//!
//! A region is drawn in one pass of the page's content (hayro culls what falls outside it), so
//! the cost of a view is about one interpretation of the page whatever the zoom: the viewer
//! asks for the region it shows, not for many small tiles.

use std::sync::Arc;

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::kurbo::Affine;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::{Pixmap, RasterizerSettings, RenderContext, Resources, TargetInit};
use hayro::{RenderCache, RenderSettings, render_into};

use crate::raster::{RasterError, Transform, page_at};

/// Most pixels one region may have (a 4K screen at a device pixel ratio of 2 is 33 Mpx).
pub const MAX_REGION_PIXELS: u64 = 40_000_000;

/// One page of a PDF, opened for viewing.
pub struct PageView {
    pdf: Pdf,
    page: usize,
    /// The page as seen (after `/Rotate`), in PDF points.
    width: f64,
    height: f64,
    /// From the page's default user space to the view at scale 1: points, origin top-left.
    to_view: Transform,
}

impl std::fmt::Debug for PageView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageView")
            .field("page", &self.page)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

/// A rectangle of the page at a scale: `scale` pixels a point, the rectangle in those pixels
/// from the page's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    pub scale: f64,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// A drawn region: opaque RGB, row by row from the top.
#[derive(Clone, PartialEq, Eq)]
pub struct RegionImage {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl std::fmt::Debug for RegionImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegionImage")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl RegionImage {
    /// The image as a PNG, compressed for speed (it is shown at once, not stored).
    pub fn to_png(&self) -> Result<Vec<u8>, RasterError> {
        let mut out = Vec::with_capacity(self.rgb.len() / 8);
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::Filter::Sub);
        let failed = |e: png::EncodingError| RasterError::Renderer(e.to_string());
        let mut writer = encoder.write_header().map_err(failed)?;
        writer.write_image_data(&self.rgb).map_err(failed)?;
        writer.finish().map_err(failed)?;
        Ok(out)
    }
}

impl PageView {
    /// Opens page `page` (0-based) of `pdf`.
    pub fn open(pdf: Arc<Vec<u8>>, page: usize) -> Result<Self, RasterError> {
        let pdf = Pdf::new(pdf).map_err(|_| RasterError::Unreadable)?;
        let opened = page_at(&pdf, page)?;
        let (width, height) = opened.render_dimensions();
        let to_view = Transform(opened.initial_transform(true).as_coeffs());
        Ok(Self {
            width: f64::from(width),
            height: f64::from(height),
            to_view,
            pdf,
            page,
        })
    }

    /// Width of the page as seen, in points.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Height of the page as seen, in points.
    pub fn height(&self) -> f64 {
        self.height
    }

    /// From the page's default user space (PDF points, origin bottom-left) to the view at scale
    /// 1 (points, origin top-left), rotation included.
    pub fn to_view(&self) -> Transform {
        self.to_view
    }

    /// Draws `region` on white. The part of the region past the page's edge stays white.
    pub fn render(&self, region: &Region) -> Result<RegionImage, RasterError> {
        let scale = region.scale;
        if !scale.is_finite() || scale <= 0.0 {
            return Err(RasterError::BadResolution);
        }
        let too_large = RasterError::TooLarge {
            width: region.width.into(),
            height: region.height.into(),
            limit: MAX_REGION_PIXELS,
        };
        if u64::from(region.width) * u64::from(region.height) > MAX_REGION_PIXELS {
            return Err(too_large);
        }
        let (Ok(w16), Ok(h16)) = (u16::try_from(region.width), u16::try_from(region.height)) else {
            return Err(too_large);
        };
        if w16 == 0 || h16 == 0 {
            return Ok(RegionImage {
                width: region.width,
                height: region.height,
                rgb: Vec::new(),
            });
        }
        let page = page_at(&self.pdf, self.page)?;
        let [a, b, c, d, e, f] = self.to_view.0;
        let transform = Affine::translate((-f64::from(region.x), -f64::from(region.y)))
            * Affine::scale(scale)
            * Affine::new([a, b, c, d, e, f]);
        let cache = RenderCache::new();
        let mut ctx = RenderContext::new(w16, h16);
        render_into(
            page,
            &cache,
            &InterpreterSettings::default(),
            &RenderSettings::default(),
            &mut ctx,
            transform,
        );
        ctx.flush();
        let mut pixmap = Pixmap::new(w16, h16);
        ctx.render_with(
            &mut pixmap,
            &mut Resources::default(),
            RasterizerSettings {
                target_init: TargetInit::Clear(WHITE),
                ..Default::default()
            },
        );
        // Premultiplied on an opaque white background: every pixel is opaque, so the channels
        // are the colour itself.
        let mut rgb = Vec::with_capacity(usize::from(w16) * usize::from(h16) * 3);
        for p in pixmap.data() {
            rgb.extend_from_slice(&[p.r, p.g, p.b]);
        }
        Ok(RegionImage {
            width: region.width,
            height: region.height,
            rgb,
        })
    }
}

/// Draws `region` of page `page` of `pdf` in `parts` horizontal bands at once, one thread each:
/// a band costs one pass over the page's content, but the pixels, most of the work on dense
/// linework, are shared out.
pub fn render_parallel(
    pdf: &Arc<Vec<u8>>,
    page: usize,
    region: &Region,
    parts: u32,
) -> Result<RegionImage, RasterError> {
    let parts = parts.clamp(1, region.height.max(1));
    if parts == 1 {
        return PageView::open(pdf.clone(), page)?.render(region);
    }
    let rows = region.height.div_ceil(parts);
    let bands: Vec<Region> = (0..parts)
        .map(|i| i * rows)
        .filter(|top| *top < region.height)
        .map(|top| Region {
            y: region.y + top,
            height: rows.min(region.height - top),
            ..*region
        })
        .collect();
    let drawn: Vec<Result<RegionImage, RasterError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bands
            .iter()
            .map(|band| scope.spawn(move || PageView::open(pdf.clone(), page)?.render(band)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(RasterError::Renderer("the renderer panicked".into())))
            })
            .collect()
    });
    let mut rgb = Vec::with_capacity(region.width as usize * region.height as usize * 3);
    for band in drawn {
        rgb.extend_from_slice(&band?.rgb);
    }
    Ok(RegionImage {
        width: region.width,
        height: region.height,
        rgb,
    })
}
