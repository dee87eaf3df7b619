use onetrip_drawings::{Layout, ManifestEntry};
use onetrip_intake::{FileReport, Source};

use crate::{inspect_one, make, small};

/// Every page's number and title read as the manifest says, from the expected sources.
fn check(
    report: &FileReport,
    manifest: &[ManifestEntry],
    number_source: Source,
    title_source: Source,
) -> Vec<f32> {
    assert_eq!(report.pages.len(), manifest.len());
    let mut confidences = Vec::new();
    for (page, truth) in report.pages.iter().zip(manifest) {
        let number = page
            .sheet_number
            .as_ref()
            .unwrap_or_else(|| panic!("page {}: no number", page.page));
        assert_eq!(
            Some(&number.text),
            truth.sheet_number.as_ref(),
            "page {}",
            page.page
        );
        assert_eq!(number.source, number_source, "page {}", page.page);
        let title = page
            .title
            .as_ref()
            .unwrap_or_else(|| panic!("page {}: no title", page.page));
        assert_eq!(
            Some(&title.text),
            truth.title.as_ref(),
            "page {}",
            page.page
        );
        assert_eq!(title.source, title_source, "page {}", page.page);
        assert!(
            page.warnings.is_empty(),
            "page {}: {:?}",
            page.page,
            page.warnings
        );
        assert!((0.0..=1.0).contains(&number.confidence));
        confidences.push(number.confidence);
    }
    confidences
}

#[test]
fn page_labels_come_first() {
    let options = onetrip_drawings::SetOptions {
        page_labels: true,
        bookmarks: true,
        ..small(11)
    };
    let set = make(&options);
    let report = inspect_one(&set.files[0].bytes);
    let confidences = check(&report, &set.manifest, Source::PageLabel, Source::Bookmark);
    assert!(confidences.iter().all(|c| *c >= 0.95));
}

#[test]
fn page_labels_alone_leave_titles_to_the_title_block() {
    let options = onetrip_drawings::SetOptions {
        page_labels: true,
        ..small(12)
    };
    let set = make(&options);
    check(
        &inspect_one(&set.files[0].bytes),
        &set.manifest,
        Source::PageLabel,
        Source::TitleBlock,
    );
}

#[test]
fn bookmarks_come_next() {
    let options = onetrip_drawings::SetOptions {
        bookmarks: true,
        ..small(13)
    };
    let set = make(&options);
    let confidences = check(
        &inspect_one(&set.files[0].bytes),
        &set.manifest,
        Source::Bookmark,
        Source::Bookmark,
    );
    assert!(
        confidences.iter().all(|c| (0.9..0.99).contains(c)),
        "{confidences:?}"
    );
}

#[test]
fn title_blocks_alone_are_read_with_less_confidence() {
    let set = make(&small(14));
    let confidences = check(
        &inspect_one(&set.files[0].bytes),
        &set.manifest,
        Source::TitleBlock,
        Source::TitleBlock,
    );
    assert!(
        confidences.iter().all(|c| (0.5..0.9).contains(c)),
        "{confidences:?}"
    );
}

#[test]
fn one_file_per_sheet_reads_the_same() {
    let options = onetrip_drawings::SetOptions {
        layout: Layout::FilePerSheet,
        page_labels: true,
        ..small(15)
    };
    let set = make(&options);
    assert_eq!(set.files.len(), set.manifest.len());
    for (file, truth) in set.files.iter().zip(&set.manifest) {
        let report = inspect_one(&file.bytes);
        assert_eq!(report.pages.len(), 1);
        check(
            &report,
            std::slice::from_ref(truth),
            Source::PageLabel,
            Source::TitleBlock,
        );
    }
}
