//! Batch approval (批量审批): which applications of a cohort are approved together and which
//! are listed as exceptions, the order their permits are numbered in, and the rule that
//! allocates permit numbers — consecutive, unique, never reused.
//!
//! The server approves a batch in one transaction: it takes the numbers from a copy of the
//! authority's [`NumberBook`] and stores the copy's `next_seq` only when the transaction
//! commits, so a batch that fails takes no number and nothing is half-approved.

use serde::{Deserialize, Serialize};

use super::application::{CheckResult, Reason};
use super::number::{MAX_SEQ, PermitNumber, PermitNumberError};

/// One application of the cohort the officer selected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate<Id> {
    pub id: Id,
    /// The township or street (乡镇/街道), the first key of the numbering order.
    pub town: String,
    /// The discharger's address, the second key.
    pub address: String,
    /// The application checked against its template.
    pub check: CheckResult,
    /// An earlier application for the same discharger and outfall, if this one repeats it.
    pub duplicate_of: Option<Id>,
}

/// What a batch approval would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchPlan<Id> {
    /// The applications to approve, in the order their permits are numbered.
    pub eligible: Vec<Id>,
    /// The applications left out, in the order given, each with all its reasons.
    pub exceptions: Vec<(Id, Vec<Reason>)>,
}

/// Splits a cohort into the eligible applications and the exceptions.
///
/// An application is an exception when its check gave reasons or it repeats another
/// application (then [`Reason::Duplicate`] is added to its reasons). The eligible ones are
/// numbered by town, then address — the town compared as a string (code-point order, the
/// same on every machine, not pinyin), the address in [`AddressOrder`], so that 兴港路 18 号
/// comes before 兴港路 101 号 as a delivery round walks them — and, where both are equal, in
/// the order given.
pub fn plan<Id: Clone>(candidates: Vec<Candidate<Id>>) -> BatchPlan<Id> {
    let mut eligible = Vec::new();
    let mut exceptions = Vec::new();
    for candidate in candidates {
        let mut reasons = candidate.check.reasons;
        if candidate.duplicate_of.is_some() {
            reasons.push(Reason::Duplicate);
        }
        if reasons.is_empty() {
            eligible.push((candidate.town, candidate.address, candidate.id));
        } else {
            exceptions.push((candidate.id, reasons));
        }
    }
    // A stable sort keeps the order given among equal towns and addresses.
    eligible.sort_by_cached_key(|(town, address, _)| (town.clone(), AddressOrder::of(address)));
    BatchPlan {
        eligible: eligible.into_iter().map(|(_, _, id)| id).collect(),
        exceptions,
    }
}

/// An address in the order people walk a street: runs of digits (full-width ones too) by
/// their value, so 18 号 comes before 101 号; the text between in code-point order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AddressOrder(Vec<AddressPart>);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum AddressPart {
    Text(String),
    /// The digits without leading zeros, after their count: a longer number is larger.
    Number(usize, String),
}

impl AddressOrder {
    pub fn of(address: &str) -> Self {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut digits = String::new();
        let flush_number = |digits: &mut String, parts: &mut Vec<AddressPart>| {
            if !digits.is_empty() {
                let value = digits.trim_start_matches('0').to_owned();
                parts.push(AddressPart::Number(value.len(), value));
                digits.clear();
            }
        };
        for c in address.chars() {
            let digit = match c {
                '0'..='9' => Some(c),
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                _ => None,
            };
            match digit {
                Some(d) => {
                    if !text.is_empty() {
                        parts.push(AddressPart::Text(std::mem::take(&mut text)));
                    }
                    digits.push(d);
                }
                None => {
                    flush_number(&mut digits, &mut parts);
                    if !c.is_whitespace() {
                        text.push(c);
                    }
                }
            }
        }
        flush_number(&mut digits, &mut parts);
        if !text.is_empty() {
            parts.push(AddressPart::Text(text));
        }
        AddressOrder(parts)
    }
}

/// An issuing authority's permit numbers for one year: the next sequence number to give.
///
/// [`NumberBook::take`] gives consecutive numbers from the next one and moves on, or fails
/// and gives none; a number once taken is never given again, whatever becomes of its permit
/// (a voided permit keeps its number, a superseded one too, and the permit that replaces it
/// takes a new one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberBook {
    prefix: String,
    year: u32,
    next_seq: u32,
}

impl NumberBook {
    /// The book of `prefix` (`玉排许字`) for `year`, whose next number is `next_seq`: 1 for a
    /// new year, and `MAX_SEQ + 1` for a year that has used every number.
    pub fn new(prefix: &str, year: u32, next_seq: u32) -> Result<NumberBook, PermitNumberError> {
        // Checks the prefix and the year, and gives the prefix in its canonical form.
        let first = PermitNumber::new(prefix, year, 1)?;
        if !(1..=MAX_SEQ + 1).contains(&next_seq) {
            return Err(PermitNumberError::Seq);
        }
        Ok(NumberBook {
            prefix: first.prefix().to_owned(),
            year,
            next_seq,
        })
    }

    /// The next `count` numbers, consecutive from the next one. When they would go past
    /// [`MAX_SEQ`] it fails with [`PermitNumberError::Seq`] and takes none.
    pub fn take(&mut self, count: usize) -> Result<Vec<PermitNumber>, PermitNumberError> {
        let count = u32::try_from(count).map_err(|_| PermitNumberError::Seq)?;
        let end = self
            .next_seq
            .checked_add(count)
            .filter(|end| *end <= MAX_SEQ + 1)
            .ok_or(PermitNumberError::Seq)?;
        let numbers = (self.next_seq..end)
            .map(|seq| PermitNumber::new(&self.prefix, self.year, seq))
            .collect::<Result<Vec<_>, _>>()?;
        self.next_seq = end;
        Ok(numbers)
    }

    /// The sequence number the next [`NumberBook::take`] starts from; the server stores it.
    pub fn next_seq(&self) -> u32 {
        self.next_seq
    }

    /// The authority's prefix, in canonical form.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn year(&self) -> u32 {
        self.year
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permits::industry::Material;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn candidate(id: u32, town: &str, address: &str, reasons: Vec<Reason>) -> Candidate<u32> {
        Candidate {
            id,
            town: town.into(),
            address: address.into(),
            check: CheckResult {
                reasons,
                pledges_used: vec![],
            },
            duplicate_of: None,
        }
    }

    #[test]
    fn a_cohort_splits_into_numbered_approvals_and_exceptions() {
        let mut duplicate = candidate(5, "楚门镇", "城关路 2 号", vec![]);
        duplicate.duplicate_of = Some(1);
        let plan = plan(vec![
            candidate(1, "楚门镇", "城关路 2 号", vec![]),
            candidate(
                2,
                "楚门镇",
                "中山路 1 号",
                vec![Reason::MissingMaterial(Material::DrainageDrawing)],
            ),
            candidate(3, "坎门街道", "海滨路 9 号", vec![]),
            candidate(4, "楚门镇", "城关路 2 号", vec![]),
            duplicate,
            candidate(6, "楚门镇", "东西大街 7 号", vec![]),
        ]);
        // 坎 (U+574E) sorts before 楚 (U+695A); 东 before 城; equal addresses keep their order.
        assert_eq!(plan.eligible, [3, 6, 1, 4]);
        // House numbers by value, typed full-width or with spaces as they come.
        let street = super::plan(vec![
            candidate(1, "清港镇", "兴港路 101 号", vec![]),
            candidate(2, "清港镇", "兴港路１８号", vec![]),
            candidate(3, "清港镇", "兴港路 9 号 2 幢", vec![]),
            candidate(4, "清港镇", "兴港路 9 号 10 幢", vec![]),
            candidate(5, "清港镇", "兴港路 018 号", vec![]),
        ]);
        assert_eq!(street.eligible, [3, 4, 2, 5, 1]);
        assert_eq!(
            plan.exceptions,
            [
                (2, vec![Reason::MissingMaterial(Material::DrainageDrawing)]),
                (5, vec![Reason::Duplicate]),
            ]
        );
        let mut both = candidate(7, "", "", vec![Reason::NoOutfall]);
        both.duplicate_of = Some(3);
        assert_eq!(
            super::plan(vec![both]).exceptions,
            [(7, vec![Reason::NoOutfall, Reason::Duplicate])]
        );
    }

    #[test]
    fn a_book_gives_consecutive_numbers_or_none() {
        let mut book = NumberBook::new("玉排许字", 2026, 1).unwrap();
        let numbers: Vec<String> = book
            .take(3)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            numbers,
            [
                "玉排许字〔2026〕第0001号",
                "玉排许字〔2026〕第0002号",
                "玉排许字〔2026〕第0003号"
            ]
        );
        assert_eq!(book.next_seq(), 4);
        assert_eq!(book.take(0).unwrap(), []);
        assert_eq!(book.next_seq(), 4);

        let mut full = NumberBook::new("玉排许字", 2026, MAX_SEQ).unwrap();
        assert_eq!(full.take(2), Err(PermitNumberError::Seq));
        assert_eq!(full.next_seq(), MAX_SEQ, "nothing taken");
        assert_eq!(full.take(1).unwrap()[0].seq(), MAX_SEQ);
        assert_eq!(full.next_seq(), MAX_SEQ + 1);
        assert_eq!(full.take(1), Err(PermitNumberError::Seq));
        assert!(NumberBook::new("玉排许字", 2026, MAX_SEQ + 1).is_ok());
        assert!(full.take(usize::MAX).is_err());

        assert_eq!(
            NumberBook::new("玉排许字", 2026, 0),
            Err(PermitNumberError::Seq)
        );
        assert_eq!(
            NumberBook::new("玉排许字", 2026, MAX_SEQ + 2),
            Err(PermitNumberError::Seq)
        );
        assert_eq!(
            NumberBook::new("玉排许字", 1999, 1),
            Err(PermitNumberError::Year(1999))
        );
        assert_eq!(
            NumberBook::new("玉排许", 2026, 1).unwrap_err().code(),
            "permit_number_shape"
        );
        assert_eq!(
            NumberBook::new(" 玉排许字 ", 2026, 1).unwrap().prefix(),
            "玉排许字"
        );
    }

    /// What the officers do with the book, as the property test draws it.
    #[derive(Debug, Clone)]
    enum Operation {
        /// Approve a batch of `size`; when `fails`, the transaction rolls back after taking.
        Batch { size: usize, fails: bool },
        /// Void the `pick`-th permit in force (it keeps its number).
        Void { pick: usize },
        /// Replace the `pick`-th permit in force by one with a new number.
        Supersede { pick: usize },
    }

    fn operations() -> impl Strategy<Value = Vec<Operation>> {
        prop::collection::vec(
            prop_oneof![
                3 => (0usize..12, prop::bool::weighted(0.3))
                    .prop_map(|(size, fails)| Operation::Batch { size, fails }),
                1 => any::<usize>().prop_map(|pick| Operation::Void { pick }),
                1 => any::<usize>().prop_map(|pick| Operation::Supersede { pick }),
            ],
            0..40,
        )
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Status {
        InForce,
        Voided,
        Superseded { by: u32 },
    }

    /// Records newly issued numbers, failing if any was issued before.
    fn issue(
        numbers: Vec<PermitNumber>,
        issued: &mut BTreeMap<u32, Status>,
        texts: &mut BTreeSet<String>,
    ) -> Result<Vec<u32>, TestCaseError> {
        let mut seqs = vec![];
        for number in numbers {
            prop_assert!(texts.insert(number.to_string()), "{} reused", number);
            prop_assert!(issued.insert(number.seq(), Status::InForce).is_none());
            seqs.push(number.seq());
        }
        Ok(seqs)
    }

    proptest! {
        #[test]
        fn numbers_are_unique_gap_free_and_never_reused(operations in operations()) {
            let mut book = NumberBook::new("玉排许字", 2026, 1).unwrap();
            let mut issued: BTreeMap<u32, Status> = BTreeMap::new();
            let mut texts = BTreeSet::new();
            for operation in operations {
                let before = book.clone();
                match operation {
                    Operation::Batch { size, fails } => {
                        // Take on a copy; commit only when the transaction succeeds.
                        let mut trial = book.clone();
                        let numbers = trial.take(size).unwrap();
                        prop_assert_eq!(numbers.len(), size);
                        if fails {
                            prop_assert_eq!(&book, &before);
                        } else {
                            book = trial;
                            let seqs = issue(numbers, &mut issued, &mut texts)?;
                            prop_assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1));
                        }
                    }
                    Operation::Void { pick } => {
                        let in_force: Vec<u32> = issued
                            .iter()
                            .filter(|(_, status)| **status == Status::InForce)
                            .map(|(seq, _)| *seq)
                            .collect();
                        if !in_force.is_empty() {
                            issued.insert(in_force[pick % in_force.len()], Status::Voided);
                        }
                        prop_assert_eq!(&book, &before, "voiding takes no number");
                    }
                    Operation::Supersede { pick } => {
                        let in_force: Vec<u32> = issued
                            .iter()
                            .filter(|(_, status)| **status == Status::InForce)
                            .map(|(seq, _)| *seq)
                            .collect();
                        if !in_force.is_empty() {
                            let old = in_force[pick % in_force.len()];
                            let mut trial = book.clone();
                            let new = trial.take(1).unwrap();
                            book = trial;
                            let new = issue(new, &mut issued, &mut texts)?;
                            prop_assert_eq!(new.len(), 1);
                            prop_assert!(new[0] > old);
                            issued.insert(old, Status::Superseded { by: new[0] });
                        }
                    }
                }
                // The issued numbers are exactly 1..=n, and the book goes on from n + 1.
                let n = book.next_seq() - 1;
                prop_assert!(issued.keys().copied().eq(1..=n));
                prop_assert_eq!(issued.len(), texts.len());
            }
            // Every superseded permit points at a later number that was issued.
            for (seq, status) in &issued {
                if let Status::Superseded { by } = status {
                    prop_assert!(by > seq && issued.contains_key(by));
                }
            }
        }

        #[test]
        fn planning_keeps_every_candidate_once(
            cohort in prop::collection::vec(
                ("(楚门镇|坎门街道|沙门镇)", "[东西南北]路 [1-9] 号", any::<bool>(), any::<bool>()),
                0..30,
            ),
        ) {
            let candidates: Vec<Candidate<usize>> = cohort
                .iter()
                .enumerate()
                .map(|(id, (town, address, failed, repeated))| Candidate {
                    id,
                    town: town.clone(),
                    address: address.clone(),
                    check: CheckResult {
                        reasons: if *failed { vec![Reason::NoPollutants] } else { vec![] },
                        pledges_used: vec![],
                    },
                    duplicate_of: repeated.then_some(0),
                })
                .collect();
            let plan = plan(candidates);
            let mut ids: Vec<usize> = plan
                .eligible
                .iter()
                .copied()
                .chain(plan.exceptions.iter().map(|(id, _)| *id))
                .collect();
            ids.sort_unstable();
            prop_assert!(ids.into_iter().eq(0..cohort.len()));
            for (id, reasons) in &plan.exceptions {
                prop_assert!(!reasons.is_empty());
                prop_assert_eq!(reasons.contains(&Reason::Duplicate), cohort[*id].3);
            }
            // Numbering order: by town, then address, then as given.
            let keys: Vec<(&String, AddressOrder, usize)> = plan
                .eligible
                .iter()
                .map(|id| (&cohort[*id].0, AddressOrder::of(&cohort[*id].1), *id))
                .collect();
            prop_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
