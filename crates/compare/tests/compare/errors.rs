//! Refusals: the pixel budget, pages that are not there, files that are not PDFs.

use std::time::Instant;

use onetrip_compare::{
    CompareError, CompareOptions, HayroRasteriser, PageRef, PdftoppmRasteriser, RasterError,
    RasterOptions, Rasteriser, compare_pages,
};

use crate::{changed_sheet, page, rounds};

#[test]
fn a_page_above_the_pixel_budget_is_refused_before_rendering() {
    let r = rounds();
    let at = page(&r.first, &changed_sheet().0);
    // A1 at 600 dpi is about 278 Mpx.
    let options = RasterOptions {
        dpi: 600.0,
        max_pixels: 80_000_000,
    };
    let renderers: [&dyn Rasteriser; 2] =
        [&HayroRasteriser::default(), &PdftoppmRasteriser::default()];
    for renderer in renderers {
        let started = Instant::now();
        let err = renderer.rasterise(at.pdf, at.page, &options).unwrap_err();
        assert!(started.elapsed().as_secs_f64() < 2.0);
        match err {
            RasterError::TooLarge {
                width,
                height,
                limit,
            } => {
                assert_eq!(limit, 80_000_000);
                assert!(width * height > limit);
                assert!((19_800..19_900).contains(&width), "{width}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            RasterError::TooLarge {
                width: 1,
                height: 1,
                limit: 0
            }
            .code(),
            "too_large"
        );
    }
    // A1 at 150 dpi is about 17.4 Mpx: refused at a budget just below that.
    let tight = RasterOptions {
        dpi: 150.0,
        max_pixels: 17_000_000,
    };
    let err = HayroRasteriser::default()
        .rasterise(at.pdf, at.page, &tight)
        .unwrap_err();
    assert!(matches!(err, RasterError::TooLarge { .. }), "{err:?}");
}

#[test]
fn a_page_that_is_not_there_is_an_error() {
    let r = rounds();
    let pdf = &r.first.files[0].bytes;
    let pages = r.first.manifest.len();
    let err = HayroRasteriser::default()
        .rasterise(pdf, pages, &crate::raster_options())
        .unwrap_err();
    assert_eq!(err, RasterError::NoSuchPage { page: pages, pages });
    assert_eq!(err.code(), "no_such_page");
}

#[test]
fn a_file_that_is_not_a_pdf_is_unreadable() {
    let junk = b"%PDF-1.7\nnot really\n".as_slice();
    let err = compare_pages(
        &HayroRasteriser::default(),
        PageRef { pdf: junk, page: 0 },
        page(&rounds().first, &changed_sheet().0),
        &crate::raster_options(),
        &CompareOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err, CompareError::Old(RasterError::Unreadable));
    assert_eq!(err.code(), "unreadable");
}

#[test]
fn a_bad_resolution_is_an_error() {
    let r = rounds();
    let at = page(&r.first, &changed_sheet().0);
    for dpi in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let err = HayroRasteriser::default()
            .rasterise(
                at.pdf,
                at.page,
                &RasterOptions {
                    dpi,
                    ..RasterOptions::default()
                },
            )
            .unwrap_err();
        assert_eq!(err, RasterError::BadResolution);
    }
}
