//! The changed sheet, an unchanged sheet, markups against the regions, the overlay, and the
//! per-sheet marks of a whole round.

use onetrip_compare::{
    CompareOptions, HayroRasteriser, PALETTE, PdfRect, SheetChange, SheetOutcome, SheetPage,
    compare, compare_pages, mark_sheets, region_changed,
};

use crate::{changed_comparison, changed_sheet, entry, page, raster_options, rasters, rounds};

const MM: f32 = 72.0 / 25.4;

#[test]
fn the_changed_sheet_is_found_in_both_rounds_at_different_pages() {
    let (number, _) = changed_sheet();
    let r = rounds();
    let (a, b) = (entry(&r.first, &number), entry(&r.second, &number));
    assert!(a.changed_region.is_none() && b.changed_region.is_some());
    assert_eq!(a.title, b.title);
}

#[test]
fn regions_cover_the_changed_region_and_nothing_far_from_it() {
    let (_, [x0, y0, x1, y1]) = changed_sheet();
    let result = changed_comparison();
    assert_eq!(result.change(), SheetChange::Changed);
    assert!(
        !result.regions.is_empty() && result.regions.len() <= 3,
        "{:?}",
        result.regions
    );
    // Every point of the changed rectangle, 1 mm in from its edges, lies in a region.
    let inset = MM;
    for i in 0..=10 {
        for j in 0..=10 {
            let x = x0 + inset + (x1 - x0 - 2.0 * inset) * i as f32 / 10.0;
            let y = y0 + inset + (y1 - y0 - 2.0 * inset) * j as f32 / 10.0;
            let point = PdfRect::new(x, y, x, y);
            assert!(
                result.regions.iter().any(|r| r.rect.contains(&point)),
                "({x}, {y}) of the changed rectangle is in no region: {:?}",
                result.regions
            );
        }
    }
    // No region reaches further than the outline margin and a cell or two beyond it.
    let slack = 8.0 * MM;
    let allowed = PdfRect::new(x0 - slack, y0 - slack, x1 + slack, y1 + slack);
    for region in &result.regions {
        assert!(
            allowed.contains(&region.rect),
            "{region:?} is outside {allowed:?}"
        );
    }
    assert!(result.removed_px > 0 && result.added_px > 0);
}

#[test]
fn an_unchanged_sheet_has_no_regions() {
    let (changed, _) = changed_sheet();
    let r = rounds();
    // A sheet that moved to another page in round 2, and is not the rotated one.
    let number = r
        .second
        .manifest
        .iter()
        .filter_map(|e| e.sheet_number.as_deref())
        .filter(|n| *n != changed && n.contains('-'))
        .filter(|n| {
            r.first
                .manifest
                .iter()
                .any(|e| e.sheet_number.as_deref() == Some(n))
        })
        .find(|n| {
            let (a, b) = (entry(&r.first, n), entry(&r.second, n));
            a.page != b.page && a.defects.is_empty()
        })
        .expect("a sheet that moved");
    let (old, new) = rasters(number);
    let result = compare(old, new, &CompareOptions::default());
    assert_eq!(result.change(), SheetChange::Unchanged, "{number}");
    assert!(result.regions.is_empty());
    assert_eq!((result.removed_px, result.added_px), (0, 0));
}

#[test]
fn markups_inside_the_change_are_changed_and_far_ones_are_not() {
    let (_, [x0, y0, x1, y1]) = changed_sheet();
    let result = changed_comparison();
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let inside = PdfRect::new(cx - 10.0, cy - 10.0, cx + 10.0, cy + 10.0);
    assert!(region_changed(result, inside));
    // Corners given the other way round are the same rectangle.
    assert!(region_changed(
        result,
        PdfRect {
            x0: inside.x1,
            y0: inside.y1,
            x1: inside.x0,
            y1: inside.y0
        }
    ));
    // The title block, bottom right of the sheet, is far from any revision the generator makes.
    let title_block = PdfRect::new(651.0 * MM, 10.0 * MM, 831.0 * MM, 55.0 * MM);
    assert!(!region_changed(result, title_block));
    // Overlapping the edge of the changed rectangle counts.
    let across = PdfRect::new(x0 - 30.0, cy, x0 + 5.0, cy + 5.0);
    assert!(region_changed(result, across));
}

#[test]
fn the_overlay_is_red_and_green_only_in_the_regions() {
    let result = changed_comparison();
    let png_bytes = result.overlay_png.as_ref().expect("an overlay");
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes.as_slice()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (result.width, result.height));
    let palette = reader.info().palette.as_ref().unwrap().to_vec();
    let rgb = |x: u32, y: u32| -> [u8; 3] {
        // 2 bits a pixel, most significant first.
        let byte = buf[y as usize * info.line_size + x as usize / 4];
        let index = usize::from((byte >> (6 - 2 * (x % 4))) & 3);
        [
            palette[3 * index],
            palette[3 * index + 1],
            palette[3 * index + 2],
        ]
    };
    let [white, dark, red, green] = PALETTE;
    let in_region = |x: u32, y: u32| {
        result.regions.iter().any(|r| {
            (r.pixels.x0..r.pixels.x1).contains(&x) && (r.pixels.y0..r.pixels.y1).contains(&y)
        })
    };
    let (mut reds, mut greens, mut darks) = (0, 0, 0);
    for y in 0..info.height {
        for x in 0..info.width {
            let c = rgb(x, y);
            if c == red || c == green {
                assert!(in_region(x, y), "{c:?} at ({x}, {y}) outside the regions");
                if c == red {
                    reds += 1;
                } else {
                    greens += 1;
                }
            } else if c == dark {
                darks += 1;
            } else {
                assert_eq!(c, white);
            }
        }
    }
    assert!(
        reds > 0 && greens > 0 && darks > 1000,
        "{reds} {greens} {darks}"
    );
    assert_eq!((reds, greens), (result.removed_px, result.added_px));
    // Samples: the line along the paper's edge is common to both rounds, the margin inside it
    // is blank, and the border 10 mm in is common too.
    let px = |mm: f32| (mm / 25.4 * result.dpi) as u32;
    assert_eq!(rgb(0, 0), dark);
    assert_eq!(rgb(px(5.0), px(5.0)), white);
    let border = (px(8.0)..px(12.0)).find(|&y| rgb(info.width / 2, y) == dark);
    assert!(border.is_some(), "no common border line at the top");
}

#[test]
fn comparing_pages_renders_both_and_gives_the_same_regions() {
    let (number, _) = changed_sheet();
    let r = rounds();
    let result = compare_pages(
        &HayroRasteriser::default(),
        page(&r.first, &number),
        page(&r.second, &number),
        &raster_options(),
        &CompareOptions::default(),
    )
    .unwrap();
    assert_eq!(result.regions, changed_comparison().regions);
}

#[test]
fn every_sheet_in_both_rounds_is_marked() {
    let r = rounds();
    let sheets = |set: &'static onetrip_drawings::DrawingSet| -> Vec<SheetPage<'static>> {
        set.manifest
            .iter()
            .filter_map(|e| {
                Some(SheetPage {
                    sheet_number: e.sheet_number.as_deref()?,
                    page: onetrip_compare::PageRef {
                        pdf: &set.files[e.file].bytes,
                        page: e.page as usize,
                    },
                })
            })
            .collect()
    };
    let (old, new) = (sheets(&r.first), sheets(&r.second));
    let marks = mark_sheets(
        &HayroRasteriser::default(),
        &old,
        &new,
        &raster_options(),
        &CompareOptions::default(),
    );
    // The added sheet is only in round 2.
    assert_eq!(marks.len(), old.len());
    let (changed, _) = changed_sheet();
    let index = r.first.manifest[0].sheet_number.clone().unwrap();
    for mark in &marks {
        let expected_changed = mark.sheet_number == changed || mark.sheet_number == index;
        match &mark.outcome {
            SheetOutcome::Changed { regions } => {
                assert!(expected_changed, "{} marked changed", mark.sheet_number);
                assert!(!regions.is_empty());
            }
            SheetOutcome::Unchanged => {
                assert!(!expected_changed, "{} marked unchanged", mark.sheet_number);
            }
            SheetOutcome::Failed { error } => panic!("{}: {error}", mark.sheet_number),
        }
    }
}
