//! The two renderers: pages as seen (`/Rotate`), the transform to pixels, and hayro against
//! pdftoppm on the same pages.

use onetrip_compare::{
    CompareOptions, PageRaster, PdfRect, PdftoppmRasteriser, RasterOptions, Rasteriser,
    SheetChange, compare, compare_pages,
};
use onetrip_drawings::Defect;

use crate::{DPI, changed_comparison, changed_sheet, page, raster_options, rasters, rounds};

fn rotated_sheet() -> String {
    rounds()
        .first
        .manifest
        .iter()
        .find(|e| e.defects.contains(&Defect::Rotated))
        .and_then(|e| e.sheet_number.clone())
        .expect("a rotated sheet")
}

fn pdftoppm_installed() -> bool {
    let found = std::process::Command::new("pdftoppm")
        .arg("-v")
        .output()
        .is_ok();
    if !found {
        eprintln!("pdftoppm is not installed (poppler-utils): skipped");
    }
    found
}

#[test]
fn a_rotated_page_is_rendered_as_seen() {
    let (old, new) = rasters(&rotated_sheet());
    // A portrait A1 page turned by /Rotate 90 shows a landscape sheet.
    assert!(new.width > new.height, "{} × {}", new.width, new.height);
    let expected = (841.0 / 25.4 * DPI) as u32;
    assert!(new.width.abs_diff(expected) <= 1);
    assert_eq!(
        compare(old, new, &CompareOptions::default()).change(),
        SheetChange::Unchanged
    );
}

#[test]
fn regions_map_back_to_the_page_on_a_rotated_sheet() {
    let (_, base) = rasters(&rotated_sheet());
    // Ink added in a square of pixels must come back as a region around the same square.
    let mut changed: PageRaster = base.clone();
    let (sx, sy, side) = (base.width / 3, base.height / 2, 20u32);
    for y in sy..sy + side {
        for x in sx..sx + side {
            changed.pixels[(y * base.width + x) as usize] = 0;
        }
    }
    let result = compare(base, &changed, &CompareOptions::default());
    assert_eq!(result.regions.len(), 1, "{:?}", result.regions);
    let rect = result.regions[0].rect;
    let [px, py] = [(sx + side / 2) as f64, (sy + side / 2) as f64];
    // The square's centre, taken back to PDF points, is inside the region…
    let from_pixel = base.to_pixel.invert().unwrap();
    let (x, y) = from_pixel.apply((px, py));
    assert!(rect.contains(&PdfRect::new(x as f32, y as f32, x as f32, y as f32)));
    // …and the region, taken to pixels, is around the square.
    let corners = [(rect.x0, rect.y0), (rect.x1, rect.y1)]
        .map(|(x, y)| base.to_pixel.apply((f64::from(x), f64::from(y))));
    let (xs, ys) = ([corners[0].0, corners[1].0], [corners[0].1, corners[1].1]);
    let (min_x, max_x) = (xs[0].min(xs[1]), xs[0].max(xs[1]));
    let (min_y, max_y) = (ys[0].min(ys[1]), ys[0].max(ys[1]));
    assert!(min_x <= f64::from(sx) && max_x >= f64::from(sx + side));
    assert!(min_y <= f64::from(sy) && max_y >= f64::from(sy + side));
    assert!(max_x - min_x < f64::from(side) * 3.0);
}

#[test]
fn hayro_and_pdftoppm_draw_the_same_pages() {
    if !pdftoppm_installed() {
        return;
    }
    let r = rounds();
    let poppler = PdftoppmRasteriser::default();
    for number in [changed_sheet().0, rotated_sheet()] {
        let at = page(&r.second, &number);
        let theirs = poppler
            .rasterise(at.pdf, at.page, &raster_options())
            .unwrap();
        let (_, ours) = rasters(&number);
        assert!(theirs.width.abs_diff(ours.width) <= 1 && theirs.height.abs_diff(ours.height) <= 1);
        assert_eq!(theirs.to_pixel, ours.to_pixel);
        let cross = compare(ours, &theirs, &CompareOptions::default());
        let ink = ours.pixels.iter().filter(|&&v| v < 230).count() as u64;
        // What differs is how each draws an edge here and there, not the linework.
        assert!(
            cross.removed_px + cross.added_px < ink / 200,
            "{number}: {} + {} of {ink}",
            cross.removed_px,
            cross.added_px
        );
    }
}

#[test]
fn pdftoppm_finds_the_same_change() {
    if !pdftoppm_installed() {
        return;
    }
    let (number, _) = changed_sheet();
    let r = rounds();
    let result = compare_pages(
        &PdftoppmRasteriser::default(),
        page(&r.first, &number),
        page(&r.second, &number),
        &raster_options(),
        &CompareOptions::default(),
    )
    .unwrap();
    let ours = changed_comparison();
    assert_eq!(result.regions.len(), ours.regions.len());
    for (a, b) in result.regions.iter().zip(&ours.regions) {
        let close = |p: f32, q: f32| (p - q).abs() < 4.0 * 72.0 / 25.4;
        assert!(
            close(a.rect.x0, b.rect.x0)
                && close(a.rect.y0, b.rect.y0)
                && close(a.rect.x1, b.rect.x1)
                && close(a.rect.y1, b.rect.y1),
            "{a:?} against {b:?}"
        );
    }
}

#[test]
fn rasters_of_slightly_different_sizes_are_compared_on_the_larger() {
    let (number, _) = changed_sheet();
    let (_, new) = rasters(&number);
    // The same raster with one more white column and row, as rounding can give.
    let (w, h) = (new.width + 1, new.height + 1);
    let mut pixels = Vec::with_capacity((w * h) as usize);
    for row in new.pixels.chunks(new.width as usize) {
        pixels.extend_from_slice(row);
        pixels.push(255);
    }
    pixels.resize((w * h) as usize, 255);
    let larger = PageRaster {
        width: w,
        height: h,
        pixels,
        ..new.clone()
    };
    for (a, b) in [(new, &larger), (&larger, new)] {
        let result = compare(a, b, &CompareOptions::default());
        assert_eq!((result.width, result.height), (w, h));
        assert!(result.regions.is_empty());
        assert_eq!((result.removed_px, result.added_px), (0, 0));
    }
}

#[test]
fn the_pdftoppm_renderer_reports_a_missing_program() {
    let r = rounds();
    let at = page(&r.first, &changed_sheet().0);
    let missing = PdftoppmRasteriser {
        program: "/nonexistent/pdftoppm".into(),
        ..PdftoppmRasteriser::default()
    };
    let err = missing
        .rasterise(
            at.pdf,
            at.page,
            &RasterOptions {
                dpi: 10.0,
                ..raster_options()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "renderer");
}
