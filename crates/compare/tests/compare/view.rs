//! The native viewer's regions: a region is the same pixels as the whole page drawn at its
//! scale, bands drawn on threads join seamlessly, the view transform puts the page as seen,
//! and bad requests are refused.

use std::sync::Arc;

use onetrip_compare::{
    MAX_REGION_PIXELS, PageView, RasterError, Region, RegionImage, render_parallel,
};

use crate::{DPI, entry, rasters, rounds};

fn grey(image: &RegionImage, x: u32, y: u32) -> u8 {
    let i = (y as usize * image.width as usize + x as usize) * 3;
    image.rgb[i].min(image.rgb[i + 1]).min(image.rgb[i + 2])
}

/// The first round's file holding `number`, and its page.
fn sheet(number: &str) -> (Arc<Vec<u8>>, usize) {
    let set = &rounds().first;
    let e = entry(set, number);
    (Arc::new(set.files[e.file].bytes.clone()), e.page as usize)
}

const SHEET: &str = "建施-01";

#[test]
fn a_region_is_the_same_pixels_as_the_whole_page() {
    let (pdf, page) = sheet(SHEET);
    let (whole, _) = rasters(SHEET);
    let view = PageView::open(pdf, page).unwrap();
    let region = Region {
        scale: f64::from(DPI) / 72.0,
        x: whole.width / 3,
        y: whole.height / 4,
        width: 500,
        height: 300,
    };
    let image = view.render(&region).unwrap();
    assert_eq!((image.width, image.height), (500, 300));
    assert_eq!(image.rgb.len(), 500 * 300 * 3);
    let (mut inked, mut differ) = (0, 0);
    for y in 0..region.height {
        for x in 0..region.width {
            let here = grey(&image, x, y);
            let there = whole.at(region.x + x, region.y + y);
            inked += usize::from(here < 200);
            differ += usize::from(here.abs_diff(there) > 16);
        }
    }
    assert!(
        inked > 300,
        "the region holds linework: {inked} dark pixels"
    );
    assert!(
        differ * 20 < inked,
        "{differ} of {inked} inked pixels differ from the page"
    );
}

#[test]
fn bands_drawn_at_once_join_into_the_same_region() {
    let (pdf, page) = sheet(SHEET);
    let region = Region {
        scale: 1.3,
        x: 700,
        y: 300,
        width: 640,
        height: 515,
    };
    let single = PageView::open(pdf.clone(), page)
        .unwrap()
        .render(&region)
        .unwrap();
    let banded = render_parallel(&pdf, page, &region, 3).unwrap();
    assert_eq!((banded.width, banded.height), (640, 515));
    let differ = (0..region.height)
        .flat_map(|y| (0..region.width).map(move |x| (x, y)))
        .filter(|&(x, y)| grey(&single, x, y).abs_diff(grey(&banded, x, y)) > 16)
        .count();
    assert!(
        differ < 50,
        "{differ} pixels differ between one pass and three bands"
    );
}

#[test]
fn the_view_puts_a_rotated_page_as_seen() {
    let rotated = rounds()
        .first
        .manifest
        .iter()
        .find(|e| e.defects.contains(&onetrip_drawings::Defect::Rotated))
        .and_then(|e| e.sheet_number.clone())
        .expect("a rotated sheet");
    let (pdf, page) = sheet(&rotated);
    let view = PageView::open(pdf, page).unwrap();
    // A portrait A1 page turned by /Rotate 90 is seen landscape: 841 × 594 mm.
    let mm = |pt: f64| pt / 72.0 * 25.4;
    assert!((mm(view.width()) - 841.0).abs() < 1.0, "{}", view.width());
    assert!((mm(view.height()) - 594.0).abs() < 1.0, "{}", view.height());
    // The page's own corners (portrait) land on the view's corners.
    let t = view.to_view();
    let corners = [
        (0.0, 0.0),
        (view.height(), 0.0),
        (0.0, view.width()),
        (view.height(), view.width()),
    ];
    for corner in corners {
        let (x, y) = t.apply(corner);
        let near = |v: f64, a: f64, b: f64| (v - a).abs() < 0.5 || (v - b).abs() < 0.5;
        assert!(
            near(x, 0.0, view.width()) && near(y, 0.0, view.height()),
            "{corner:?} → ({x}, {y})"
        );
    }
    let back = t.invert().unwrap().apply(t.apply((100.0, 200.0)));
    assert!((back.0 - 100.0).abs() < 1e-6 && (back.1 - 200.0).abs() < 1e-6);
}

#[test]
fn past_the_edge_of_the_page_stays_white() {
    let (pdf, page) = sheet(SHEET);
    let view = PageView::open(pdf, page).unwrap();
    let scale = 0.5;
    let right = (view.width() * scale) as u32;
    let image = view
        .render(&Region {
            scale,
            x: right + 10,
            y: 0,
            width: 200,
            height: 100,
        })
        .unwrap();
    assert!(image.rgb.iter().all(|&v| v == 255));
}

#[test]
fn a_region_is_encoded_as_a_png_of_its_size() {
    let (pdf, page) = sheet(SHEET);
    let image = PageView::open(pdf, page)
        .unwrap()
        .render(&Region {
            scale: 0.8,
            x: 0,
            y: 0,
            width: 320,
            height: 200,
        })
        .unwrap();
    let png = image.to_png().unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    assert_eq!((info.width, info.height), (320, 200));
    assert_eq!(&buffer[..info.buffer_size()], &image.rgb[..]);
}

#[test]
fn bad_regions_and_files_are_refused() {
    let (pdf, page) = sheet(SHEET);
    let view = PageView::open(pdf.clone(), page).unwrap();
    let huge = Region {
        scale: 1.0,
        x: 0,
        y: 0,
        width: 60_000,
        height: 60_000,
    };
    assert!(u64::from(huge.width) * u64::from(huge.height) > MAX_REGION_PIXELS);
    assert!(matches!(
        view.render(&huge),
        Err(RasterError::TooLarge { .. })
    ));
    let bad = Region {
        scale: f64::NAN,
        x: 0,
        y: 0,
        width: 10,
        height: 10,
    };
    assert_eq!(view.render(&bad).unwrap_err(), RasterError::BadResolution);
    let empty = view
        .render(&Region {
            scale: 1.0,
            x: 0,
            y: 0,
            width: 0,
            height: 10,
        })
        .unwrap();
    assert!(empty.rgb.is_empty());
    assert!(matches!(
        PageView::open(pdf, 9999).unwrap_err(),
        RasterError::NoSuchPage { page: 9999, .. }
    ));
    assert_eq!(
        PageView::open(Arc::new(b"%PDF-1.7 not really".to_vec()), 0).unwrap_err(),
        RasterError::Unreadable
    );
}
