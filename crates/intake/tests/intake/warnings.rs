use onetrip_drawings::{Defect, Defects, SHX_COMMENTS, SetOptions};
use onetrip_intake::{SheetSize, Warning};

use crate::{inspect_one, make, small};

#[test]
fn every_defect_is_warned_about_and_clean_sheets_are_not() {
    let options = SetOptions {
        defects: Defects {
            letter_page: true,
            unembedded_font: true,
            shx_text: true,
            image_only: true,
            rotated: true,
        },
        bookmarks: true,
        ..small(21)
    };
    let set = make(&options);
    let report = inspect_one(&set.files[0].bytes);
    assert_eq!(report.pages.len(), set.manifest.len());
    let mut seen = Vec::new();
    for (page, truth) in report.pages.iter().zip(&set.manifest) {
        let expected: Vec<Warning> = truth
            .defects
            .iter()
            .map(|defect| match defect {
                Defect::LetterPage => Warning::NotDrawingSize,
                Defect::UnembeddedFont => Warning::FontNotEmbedded {
                    font: "SimSun".into(),
                },
                Defect::ShxText => Warning::ShxText {
                    count: SHX_COMMENTS,
                },
                Defect::ImageOnly => Warning::ImageOnly,
                Defect::Rotated => Warning::Rotated { degrees: 90 },
            })
            .collect();
        assert_eq!(page.warnings, expected, "page {}", page.page);
        seen.extend(truth.defects.iter().copied());
        match truth.defects.as_slice() {
            [Defect::LetterPage] => assert_eq!(page.size, None),
            [Defect::ImageOnly] => assert_eq!(page.size, Some(SheetSize::A3)),
            _ => assert_eq!(page.size, Some(SheetSize::A1), "page {}", page.page),
        }
        // Defective sheets still have their numbers read; pages that are no sheet have none.
        assert_eq!(
            page.sheet_number.as_ref().map(|r| &r.text),
            truth.sheet_number.as_ref(),
            "page {}",
            page.page
        );
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
}

#[test]
fn the_rotated_sheet_is_read_as_seen() {
    let options = SetOptions {
        defects: Defects {
            rotated: true,
            ..Defects::default()
        },
        ..small(22)
    };
    let set = make(&options);
    let report = inspect_one(&set.files[0].bytes);
    let (page, truth) = report
        .pages
        .iter()
        .zip(&set.manifest)
        .find(|(_, t)| t.defects == [Defect::Rotated])
        .unwrap();
    assert_eq!(page.rotation, 90);
    assert!(page.width_pt < page.height_pt);
    assert_eq!(
        page.sheet_number.as_ref().map(|r| &r.text),
        truth.sheet_number.as_ref()
    );
    assert_eq!(page.title.as_ref().map(|r| &r.text), truth.title.as_ref());
}
