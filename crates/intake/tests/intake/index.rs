use onetrip_drawings::{Round, SetOptions};
use onetrip_intake::compare_index;

use crate::{inspect_one, make, small};

#[test]
fn the_index_sheet_lists_every_sheet() {
    let set = make(&SetOptions {
        sheets_per_specialty: [30, 20, 10, 10, 10],
        segments_per_sheet: 50,
        ..small(31)
    });
    let report = inspect_one(&set.files[0].bytes);
    let index = report.index.as_ref().unwrap();
    assert_eq!(index.page, 0);
    let listed: Vec<(String, String)> = index
        .entries
        .iter()
        .map(|e| (e.sheet_number.clone(), e.title.clone()))
        .collect();
    let truth: Vec<(String, String)> = set.manifest[1..]
        .iter()
        .map(|m| (m.sheet_number.clone().unwrap(), m.title.clone().unwrap()))
        .collect();
    assert_eq!(listed, truth);
    let submitted: Vec<String> = truth.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(compare_index(index, &submitted), Default::default());
}

#[test]
fn missing_extra_and_duplicate_sheets_are_found() {
    let set = make(&small(32));
    let report = inspect_one(&set.files[0].bytes);
    let index = report.index.as_ref().unwrap();
    let mut submitted: Vec<String> = set.manifest[1..]
        .iter()
        .map(|m| m.sheet_number.clone().unwrap())
        .collect();
    let missing = submitted.remove(3);
    submitted.push("电施-99".into());
    // Typed with full-width digits: the same sheet.
    submitted.push("结施－０１".into());
    let comparison = compare_index(index, &submitted);
    assert_eq!(comparison.missing, vec![missing]);
    assert_eq!(comparison.extra, vec!["电施-99".to_owned()]);
    assert_eq!(comparison.duplicate, vec!["结施-01".to_owned()]);
}

#[test]
fn a_revised_round_is_reordered_changed_and_grown_and_its_index_follows() {
    let first = make(&small(33));
    let second = make(&SetOptions {
        round: Round::Revised,
        ..small(33)
    });
    let numbers = |set: &onetrip_drawings::DrawingSet| -> Vec<String> {
        set.manifest
            .iter()
            .filter_map(|m| m.sheet_number.clone())
            .collect()
    };
    let (one, two) = (numbers(&first), numbers(&second));
    assert_eq!(two.len(), one.len() + 1);
    assert_ne!(one, two[..one.len()].to_vec(), "reordered");
    let added: Vec<&String> = two.iter().filter(|n| !one.contains(n)).collect();
    assert_eq!(added, vec!["建施-05"]);
    let changed: Vec<_> = second
        .manifest
        .iter()
        .filter(|m| m.changed_region.is_some())
        .collect();
    assert_eq!(changed.len(), 1);
    let [x0, y0, x1, y1] = changed[0].changed_region.unwrap();
    assert!(x0 < x1 && y0 < y1 && x1 < 2384.0 && y1 < 1684.0);
    assert!(first.manifest.iter().all(|m| m.changed_region.is_none()));

    let report = inspect_one(&second.files[0].bytes);
    let listed: Vec<String> = report
        .index
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.sheet_number)
        .collect();
    assert_eq!(listed, two[1..].to_vec());
    for (page, truth) in report.pages.iter().zip(&second.manifest) {
        assert_eq!(
            page.sheet_number.as_ref().map(|r| &r.text),
            truth.sheet_number.as_ref()
        );
    }
    // The same seed gives the same bytes.
    assert_eq!(
        make(&SetOptions {
            round: Round::Revised,
            ..small(33)
        })
        .files[0]
            .bytes,
        second.files[0].bytes
    );
}
