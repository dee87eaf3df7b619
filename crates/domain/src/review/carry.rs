//! Where an open opinion goes in the next round: to the sheet with the same sheet number,
//! whatever its file or page. A sheet that is gone may have been renumbered; a sheet of the
//! same title under a number new to this round is suggested, and a person confirms it.

use std::collections::BTreeSet;

use super::SheetNumber;

/// A sheet as carrying forward sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetKey {
    pub number: SheetNumber,
    pub title: String,
}

/// Where an opinion on a sheet of the old round lands in the new one (indices into the new
/// round's sheets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The same sheet number: carried without asking.
    Same(usize),
    /// The old number is gone, and this sheet, of the same title, has a number the old round
    /// did not have: probably renumbered; a person confirms.
    Suggested(usize),
    /// Nowhere to put it: a person picks the sheet, or the opinion stays on the old round.
    Unplaced,
}

fn same_title(a: &str, b: &str) -> bool {
    let clean = |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace()).collect() };
    let (a, b) = (clean(a), clean(b));
    !a.is_empty() && a == b
}

/// Where each of `opinions` (the old round's sheet numbers they are on) lands among `new`.
pub fn place(old: &[SheetKey], new: &[SheetKey], opinion_sheet: &SheetNumber) -> Placement {
    if let Some(at) = new.iter().position(|sheet| &sheet.number == opinion_sheet) {
        return Placement::Same(at);
    }
    let old_numbers: BTreeSet<&SheetNumber> = old.iter().map(|sheet| &sheet.number).collect();
    let Some(title) = old
        .iter()
        .find(|sheet| &sheet.number == opinion_sheet)
        .map(|sheet| sheet.title.as_str())
    else {
        return Placement::Unplaced;
    };
    let mut candidates = new.iter().enumerate().filter(|(_, sheet)| {
        !old_numbers.contains(&sheet.number) && same_title(&sheet.title, title)
    });
    match (candidates.next(), candidates.next()) {
        (Some((at, _)), None) => Placement::Suggested(at),
        _ => Placement::Unplaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sheet(number: &str, title: &str) -> SheetKey {
        SheetKey {
            number: SheetNumber::parse(number).unwrap(),
            title: title.into(),
        }
    }

    fn number(text: &str) -> SheetNumber {
        SheetNumber::parse(text).unwrap()
    }

    #[test]
    fn opinions_follow_the_sheet_number_not_the_page() {
        let old = vec![
            sheet("建施-01", "设计说明"),
            sheet("建施-02", "一层平面图"),
            sheet("建施-03", "二层平面图"),
        ];
        let new = vec![
            sheet("建施-03", "二层平面图"),
            sheet("建施-01", "设计说明"),
            sheet("建施-04", "屋顶平面图"),
            sheet("建施-02", "一层平面图"),
        ];
        assert_eq!(place(&old, &new, &number("建施-02")), Placement::Same(3));
        assert_eq!(place(&old, &new, &number("建施-03")), Placement::Same(0));
    }

    #[test]
    fn a_renumbered_sheet_is_suggested_and_a_removed_one_unplaced() {
        let old = vec![
            sheet("结施-01", "基础平面图"),
            sheet("结施-02", "柱平法施工图"),
        ];
        let new = vec![
            sheet("结施-01", "基础平面图"),
            sheet("结施-05", "柱平法施工图"),
        ];
        assert_eq!(
            place(&old, &new, &number("结施-02")),
            Placement::Suggested(1)
        );
        let new = vec![sheet("结施-01", "基础平面图")];
        assert_eq!(place(&old, &new, &number("结施-02")), Placement::Unplaced);
        // Two sheets of that title with new numbers: nothing to suggest with confidence.
        let new = vec![
            sheet("结施-05", "柱平法施工图"),
            sheet("结施-06", "柱平法施工图"),
        ];
        assert_eq!(place(&old, &new, &number("结施-02")), Placement::Unplaced);
    }

    /// A round of `n` sheets numbered 建施-01…, each titled after its number.
    fn round(n: usize) -> Vec<SheetKey> {
        (1..=n)
            .map(|i| sheet(&format!("建施-{i:02}"), &format!("图{i}")))
            .collect()
    }

    proptest! {
        #[test]
        fn reordering_inserting_and_deleting_never_misplace_an_opinion(
            n in 1usize..30,
            order in prop::collection::vec(any::<u32>(), 30),
            deleted in prop::collection::btree_set(0usize..30, 0..5),
            inserted in 0usize..5,
            renumbered in prop::option::of(0usize..30),
        ) {
            let old = round(n);
            let mut new: Vec<SheetKey> = old
                .iter()
                .enumerate()
                .filter(|(i, _)| !deleted.contains(i))
                .map(|(i, sheet)| match renumbered {
                    Some(r) if r == i => sheet_renumbered(sheet, 100 + i),
                    _ => sheet.clone(),
                })
                .collect();
            for extra in 0..inserted {
                new.push(sheet(&format!("建施-{:02}", 50 + extra), &format!("新增{extra}")));
            }
            // Shuffle by the random keys.
            let mut keyed: Vec<(u32, SheetKey)> = new.into_iter().zip(order.iter().copied().cycle()).map(|(s, k)| (k, s)).collect();
            keyed.sort_by_key(|(k, _)| *k);
            let new: Vec<SheetKey> = keyed.into_iter().map(|(_, s)| s).collect();

            for (i, sheet) in old.iter().enumerate() {
                match place(&old, &new, &sheet.number) {
                    Placement::Same(at) => {
                        prop_assert_eq!(&new[at].number, &sheet.number);
                        prop_assert!(!deleted.contains(&i));
                    }
                    Placement::Suggested(at) => {
                        prop_assert_eq!(renumbered, Some(i));
                        prop_assert!(!deleted.contains(&i));
                        prop_assert_eq!(&new[at].title, &sheet.title);
                    }
                    Placement::Unplaced => prop_assert!(deleted.contains(&i)),
                }
                // A sheet kept under its number is always found, whatever its new place.
                if !deleted.contains(&i) && renumbered != Some(i) {
                    prop_assert!(matches!(place(&old, &new, &sheet.number), Placement::Same(_)));
                }
            }
        }
    }

    fn sheet_renumbered(sheet: &SheetKey, to: usize) -> SheetKey {
        SheetKey {
            number: SheetNumber::parse(&format!("建施-{to}")).unwrap(),
            title: sheet.title.clone(),
        }
    }
}
