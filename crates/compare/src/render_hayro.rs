//! The in-process renderer: hayro, pure Rust, no external program.

use hayro::hayro_interpret::InterpreterSettings;
use hayro::kurbo::Affine;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::{Pixmap, RasterizerSettings, RenderContext, Resources, TargetInit};
use hayro::{RenderCache, RenderSettings, render_into};

use crate::raster::{PageRaster, RasterError, RasterOptions, Rasteriser, frame, open, page_at};

/// Renders with hayro, in horizontal bands of `band_rows` pixel rows (the whole page at once
/// when 0).
///
/// hayro keeps the coverage of every path drawn until it composites the page, so its memory
/// grows with the linework (about 20 bytes a pixel for an A1 sheet of 200,000 segments at
/// 150 dpi) on top of an RGBA pixmap of 4 bytes a pixel. Banded, each band holds only the
/// coverage that falls inside it and a band-sized pixmap; the page is interpreted once per
/// band, which costs time on heavy sheets. The default of 512 rows measured best on A1 at
/// 150 dpi: no slower than unbanded, and a quarter of the memory on a heavy sheet.
#[derive(Debug, Clone, Copy)]
pub struct HayroRasteriser {
    pub band_rows: u32,
}

impl Default for HayroRasteriser {
    fn default() -> Self {
        Self { band_rows: 512 }
    }
}

impl Rasteriser for HayroRasteriser {
    fn rasterise(
        &self,
        pdf: &[u8],
        page: usize,
        options: &RasterOptions,
    ) -> Result<PageRaster, RasterError> {
        let pdf = open(pdf)?;
        let page = page_at(&pdf, page)?;
        let frame = frame(page, options)?;
        let (width, height) = (frame.width, frame.height);
        // `frame` has checked both sides against u16.
        let (Ok(w16), Ok(_)) = (u16::try_from(width), u16::try_from(height)) else {
            return Err(RasterError::TooLarge {
                width: width.into(),
                height: height.into(),
                limit: options.max_pixels,
            });
        };
        let band = if self.band_rows == 0 {
            height
        } else {
            self.band_rows.min(height)
        };
        let cache = RenderCache::new();
        let interpreter = InterpreterSettings::default();
        let settings = RenderSettings::default();
        let [a, b, c, d, e, f] = frame.to_pixel.0;
        let to_pixel = Affine::new([a, b, c, d, e, f]);
        let mut pixels = Vec::with_capacity(width as usize * height as usize);
        let mut ctx = RenderContext::new(w16, 1);
        let mut pixmap = Pixmap::new(w16, 1);
        let mut resources = Resources::default();
        let mut top = 0u32;
        while top < height {
            let rows = band.min(height - top);
            let rows16 = u16::try_from(rows).unwrap_or(u16::MAX);
            ctx.reset_and_resize(w16, rows16);
            pixmap.resize(w16, rows16);
            let transform = Affine::translate((0.0, -f64::from(top))) * to_pixel;
            render_into(page, &cache, &interpreter, &settings, &mut ctx, transform);
            ctx.flush();
            ctx.render_with(
                &mut pixmap,
                &mut resources,
                RasterizerSettings {
                    target_init: TargetInit::Clear(WHITE),
                    ..Default::default()
                },
            );
            // Premultiplied on an opaque white background: every pixel is opaque, so the
            // channels are the colour itself.
            pixels.extend(pixmap.data().iter().map(|p| p.r.min(p.g).min(p.b)));
            top += rows;
        }
        Ok(PageRaster {
            width,
            height,
            dpi: options.dpi,
            pixels,
            to_pixel: frame.to_pixel,
        })
    }
}
