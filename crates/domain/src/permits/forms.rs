//! The blank-form ledger (空白证书台账): the official pre-printed permit forms a site receives,
//! each with its printed serial number, and what became of each — printed with a permit
//! (first print or reprint) or spoiled (废证) with its reason. Forms are taken from the stack in
//! serial order; a serial is used once and never again, so the ledger reports a serial skipped
//! below the last one used (a form missing from the stack) and any serial used twice or never
//! received.

use std::collections::BTreeMap;
use std::fmt;

use crate::Lang;
use crate::input::{echo, normalise_code};

/// Most digits a form serial may have.
pub const MAX_SERIAL_DIGITS: usize = 12;
/// Most forms one receipt may record.
pub const MAX_RANGE_FORMS: u64 = 100_000;

/// A range of form serials received together, both ends included, written with `width`
/// digits (leading zeros kept: `0012001`–`0012500`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SerialRange {
    first: u64,
    last: u64,
    width: u8,
}

/// Why a range of serials is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SerialError {
    /// Not digits, or wider than [`MAX_SERIAL_DIGITS`].
    #[error("form serial {0:?} is not a number of at most 12 digits")]
    Shape(String),
    /// The last serial before the first.
    #[error("the range ends before it starts")]
    Backwards,
    /// More than [`MAX_RANGE_FORMS`] forms.
    #[error("the range holds too many forms")]
    TooMany,
    /// Some of the serials were received before.
    #[error("serials {0}–{1} were received before")]
    Overlaps(String, String),
}

impl SerialError {
    pub fn code(&self) -> &'static str {
        match self {
            SerialError::Shape(_) => "serial_shape",
            SerialError::Backwards => "serial_backwards",
            SerialError::TooMany => "serial_too_many",
            SerialError::Overlaps(..) => "serial_overlaps",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            SerialError::Shape(text) => lang.pick(
                format!("证书流水号“{}”应为不超过 12 位的数字", echo(text)),
                format!(
                    "The form serial “{}” should be a number of at most 12 digits",
                    echo(text)
                ),
            ),
            SerialError::Backwards => lang.pick(
                "截止流水号小于起始流水号".into(),
                "The last serial is before the first".into(),
            ),
            SerialError::TooMany => lang.pick(
                format!("一次最多登记 {MAX_RANGE_FORMS} 张空白证书"),
                format!("At most {MAX_RANGE_FORMS} blank forms can be recorded at once"),
            ),
            SerialError::Overlaps(first, last) => lang.pick(
                format!("流水号 {first}–{last} 已经登记入库，不能重复登记"),
                format!("Serials {first}–{last} were received before"),
            ),
        }
    }
}

/// A serial as typed: digits, full-width ones too, spaces ignored.
fn parse_serial(text: &str) -> Result<(u64, u8), SerialError> {
    let digits: String = normalise_code(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if digits.is_empty()
        || digits.len() > MAX_SERIAL_DIGITS
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return Err(SerialError::Shape(text.to_owned()));
    }
    let value = digits
        .parse()
        .map_err(|_| SerialError::Shape(text.to_owned()))?;
    Ok((value, u8::try_from(digits.len()).unwrap_or(u8::MAX)))
}

impl SerialRange {
    /// The range from `first` to `last` as typed (the width is the first's).
    pub fn parse(first: &str, last: &str) -> Result<Self, SerialError> {
        let (first, width) = parse_serial(first)?;
        let (last, last_width) = parse_serial(last)?;
        Self::new(first, last, width.max(last_width))
    }

    pub fn new(first: u64, last: u64, width: u8) -> Result<Self, SerialError> {
        if last < first {
            return Err(SerialError::Backwards);
        }
        if last - first >= MAX_RANGE_FORMS {
            return Err(SerialError::TooMany);
        }
        if usize::from(width) > MAX_SERIAL_DIGITS || last.to_string().len() > MAX_SERIAL_DIGITS {
            return Err(SerialError::Shape(last.to_string()));
        }
        Ok(SerialRange { first, last, width })
    }

    pub fn first(&self) -> u64 {
        self.first
    }

    pub fn last(&self) -> u64 {
        self.last
    }

    pub fn width(&self) -> u8 {
        self.width
    }

    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn contains(&self, serial: u64) -> bool {
        (self.first..=self.last).contains(&serial)
    }

    /// A serial of this range written as its forms show it.
    pub fn show(&self, serial: u64) -> String {
        format!("{serial:0width$}", width = usize::from(self.width))
    }

    fn overlaps(&self, other: &SerialRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }
}

impl fmt::Display for SerialRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.show(self.first), self.show(self.last))
    }
}

/// What became of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormUse<Id> {
    /// A permit printed on it; `reprint` when the permit had been printed before.
    Printed { permit: Id, reprint: bool },
    /// 废证: spoiled (a jam, a misprint, torn), with why.
    Spoiled { reason: String },
}

/// Why forms cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// Fewer blank forms left than asked for.
    #[error("{left} blank forms left, {wanted} needed")]
    Exhausted { left: u64, wanted: u64 },
    /// The serial was never received.
    #[error("serial {0} was never received")]
    NotReceived(u64),
    /// The serial was used already.
    #[error("serial {0} was used already")]
    Used(u64),
}

impl LedgerError {
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::Exhausted { .. } => "forms_exhausted",
            LedgerError::NotReceived(_) => "serial_not_received",
            LedgerError::Used(_) => "serial_used",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            LedgerError::Exhausted { left, wanted } => lang.pick(
                format!("空白证书只剩 {left} 张，本次需要 {wanted} 张：请先登记新领的空白证书"),
                format!(
                    "Only {left} blank forms are left and {wanted} are needed: record the new forms received first"
                ),
            ),
            LedgerError::NotReceived(serial) => lang.pick(
                format!("流水号 {serial} 不在已登记入库的空白证书中"),
                format!("Serial {serial} is not among the forms received"),
            ),
            LedgerError::Used(serial) => lang.pick(
                format!("流水号 {serial} 的证书已经使用过，不能再用"),
                format!("The form with serial {serial} was used already"),
            ),
        }
    }
}

/// What the ledger holds, for the officer and for an audit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerReport {
    pub received: u64,
    pub printed: u64,
    pub reprinted: u64,
    pub spoiled: u64,
    pub left: u64,
    /// Blank serials below the highest used one of their range: forms missing from the stack.
    pub skipped: Vec<u64>,
    /// Serials used more than once.
    pub used_twice: Vec<u64>,
    /// Serials used but never received.
    pub not_received: Vec<u64>,
}

/// A site's blank forms and their uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormLedger<Id> {
    ranges: Vec<SerialRange>,
    uses: BTreeMap<u64, Vec<FormUse<Id>>>,
}

impl<Id> Default for FormLedger<Id> {
    fn default() -> Self {
        FormLedger {
            ranges: Vec::new(),
            uses: BTreeMap::new(),
        }
    }
}

impl<Id: Clone> FormLedger<Id> {
    /// A ledger as stored: the ranges received and each use, as recorded (a use recorded twice
    /// stays twice, so the report shows it).
    pub fn from_records(
        ranges: impl IntoIterator<Item = SerialRange>,
        uses: impl IntoIterator<Item = (u64, FormUse<Id>)>,
    ) -> Self {
        let mut ledger = FormLedger {
            ranges: ranges.into_iter().collect(),
            uses: BTreeMap::new(),
        };
        ledger.ranges.sort();
        for (serial, form_use) in uses {
            ledger.uses.entry(serial).or_default().push(form_use);
        }
        ledger
    }

    pub fn ranges(&self) -> &[SerialRange] {
        &self.ranges
    }

    /// The range a serial was received in.
    pub fn range_of(&self, serial: u64) -> Option<&SerialRange> {
        self.ranges.iter().find(|r| r.contains(serial))
    }

    /// Records forms received; refused when any serial of them was received before.
    pub fn receive(&mut self, range: SerialRange) -> Result<(), SerialError> {
        if let Some(before) = self.ranges.iter().find(|r| r.overlaps(&range)) {
            let first = range.first.max(before.first);
            let last = range.last.min(before.last);
            return Err(SerialError::Overlaps(range.show(first), range.show(last)));
        }
        self.ranges.push(range);
        self.ranges.sort();
        Ok(())
    }

    fn is_blank(&self, serial: u64) -> bool {
        !self.uses.contains_key(&serial)
    }

    /// The next `count` blank serials, lowest first, from the ranges in serial order; none
    /// when fewer are left.
    pub fn next_blank(&self, count: u64) -> Result<Vec<u64>, LedgerError> {
        let mut found = Vec::new();
        'ranges: for range in &self.ranges {
            for serial in range.first..=range.last {
                if found.len() as u64 == count {
                    break 'ranges;
                }
                if self.is_blank(serial) {
                    found.push(serial);
                }
            }
        }
        if (found.len() as u64) < count {
            return Err(LedgerError::Exhausted {
                left: found.len() as u64,
                wanted: count,
            });
        }
        Ok(found)
    }

    /// Prints permits onto the next blank forms, one each in the order given; all or none.
    pub fn print(
        &mut self,
        permits: &[(Id, bool)],
    ) -> Result<Vec<(u64, FormUse<Id>)>, LedgerError> {
        let serials = self.next_blank(permits.len() as u64)?;
        let taken: Vec<(u64, FormUse<Id>)> = serials
            .into_iter()
            .zip(permits)
            .map(|(serial, (permit, reprint))| {
                (
                    serial,
                    FormUse::Printed {
                        permit: permit.clone(),
                        reprint: *reprint,
                    },
                )
            })
            .collect();
        for (serial, form_use) in &taken {
            self.uses.entry(*serial).or_default().push(form_use.clone());
        }
        Ok(taken)
    }

    /// Records a blank form as spoiled (废证); its serial is never used again.
    pub fn spoil(&mut self, serial: u64, reason: String) -> Result<(), LedgerError> {
        if self.range_of(serial).is_none() {
            return Err(LedgerError::NotReceived(serial));
        }
        if !self.is_blank(serial) {
            return Err(LedgerError::Used(serial));
        }
        self.uses.insert(serial, vec![FormUse::Spoiled { reason }]);
        Ok(())
    }

    /// Gives back forms a failed print never reached: their printed use is undone, so the
    /// next print takes them. Only the last print's forms can come back, and only as a run
    /// at its end, so nothing printed before them is left with a gap.
    pub fn give_back(&mut self, serials: &[u64]) -> Result<(), LedgerError> {
        for serial in serials {
            match self.uses.get(serial).map(Vec::as_slice) {
                Some([FormUse::Printed { .. }]) => {}
                Some(_) => return Err(LedgerError::Used(*serial)),
                None => return Err(LedgerError::NotReceived(*serial)),
            }
            // A form used after it in its range stays used: this one cannot come back.
            let range = self.range_of(*serial).copied();
            let above = range.map_or(*serial..=*serial, |r| *serial..=r.last);
            if let Some((later, _)) = self
                .uses
                .range(above)
                .find(|(later, _)| !serials.contains(later))
            {
                return Err(LedgerError::Used(*later));
            }
        }
        for serial in serials {
            self.uses.remove(serial);
        }
        Ok(())
    }

    /// Counts, and what is wrong: skipped, doubly used and never-received serials.
    pub fn report(&self) -> LedgerReport {
        let mut report = LedgerReport {
            received: self.ranges.iter().map(SerialRange::len).sum(),
            ..LedgerReport::default()
        };
        for (serial, uses) in &self.uses {
            if uses.len() > 1 {
                report.used_twice.push(*serial);
            }
            if self.range_of(*serial).is_none() {
                report.not_received.push(*serial);
            }
            for form_use in uses {
                match form_use {
                    FormUse::Printed { reprint: false, .. } => report.printed += 1,
                    FormUse::Printed { reprint: true, .. } => report.reprinted += 1,
                    FormUse::Spoiled { .. } => report.spoiled += 1,
                }
            }
        }
        for range in &self.ranges {
            let highest = self.uses.range(range.first..=range.last).next_back();
            let Some((&highest, _)) = highest else {
                report.left += range.len();
                continue;
            };
            for serial in range.first..=range.last {
                if self.is_blank(serial) {
                    if serial < highest {
                        report.skipped.push(serial);
                    } else {
                        report.left += 1;
                    }
                }
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn range(first: u64, last: u64) -> SerialRange {
        SerialRange::new(first, last, 7).unwrap()
    }

    #[test]
    fn serials_are_read_as_typed_and_ranges_kept_apart() {
        let typed = SerialRange::parse("００１２００１", " 0012500 ").unwrap();
        assert_eq!(
            (typed.first(), typed.last(), typed.len()),
            (12001, 12500, 500)
        );
        assert_eq!(typed.to_string(), "0012001–0012500");
        assert_eq!(
            SerialRange::parse("12a", "13"),
            Err(SerialError::Shape("12a".into()))
        );
        assert_eq!(SerialRange::parse("20", "10"), Err(SerialError::Backwards));
        assert_eq!(SerialRange::parse("1", "200000"), Err(SerialError::TooMany));

        let mut ledger: FormLedger<u32> = FormLedger::default();
        ledger.receive(typed).unwrap();
        let err = ledger.receive(range(12400, 12600)).unwrap_err();
        assert_eq!(
            err,
            SerialError::Overlaps("0012400".into(), "0012500".into())
        );
        assert!(
            err.message(Lang::ZhCn)
                .contains("0012400–0012500 已经登记入库")
        );
        ledger.receive(range(12501, 12600)).unwrap();
        assert_eq!(ledger.report().left, 600);
    }

    #[test]
    fn prints_take_the_next_forms_and_a_failed_print_gives_back_the_rest() {
        let mut ledger = FormLedger::default();
        ledger.receive(range(100, 104)).unwrap();
        ledger.receive(range(200, 201)).unwrap();
        let taken = ledger.print(&[(1, false), (2, false), (3, false)]).unwrap();
        assert_eq!(
            taken.iter().map(|t| t.0).collect::<Vec<_>>(),
            [100, 101, 102]
        );
        // The printer stopped after the first: the other two forms go back to the stack, and
        // the jammed one is recorded as spoiled.
        ledger.give_back(&[101, 102]).unwrap();
        ledger.spoil(101, "卡纸".into()).unwrap();
        let resumed = ledger.print(&[(2, false), (3, false)]).unwrap();
        assert_eq!(resumed.iter().map(|t| t.0).collect::<Vec<_>>(), [102, 103]);
        // A reprint takes a new form; the stack runs on into the next range.
        let reprint = ledger.print(&[(1, true), (4, false)]).unwrap();
        assert_eq!(reprint.iter().map(|t| t.0).collect::<Vec<_>>(), [104, 200]);
        assert_eq!(
            ledger.print(&[(5, false), (6, false)]),
            Err(LedgerError::Exhausted { left: 1, wanted: 2 })
        );
        assert_eq!(
            ledger.spoil(101, "again".into()),
            Err(LedgerError::Used(101))
        );
        assert_eq!(
            ledger.spoil(999, "x".into()),
            Err(LedgerError::NotReceived(999))
        );
        assert_eq!(ledger.give_back(&[101]), Err(LedgerError::Used(101)));
        // Only the end of what was printed comes back: 102 is followed by 103.
        assert_eq!(ledger.give_back(&[102]), Err(LedgerError::Used(103)));
        let report = ledger.report();
        assert_eq!(
            (
                report.received,
                report.printed,
                report.reprinted,
                report.spoiled,
                report.left
            ),
            (7, 4, 1, 1, 1)
        );
        assert!(report.skipped.is_empty() && report.used_twice.is_empty());
    }

    #[test]
    fn the_report_names_missing_doubly_used_and_unknown_serials() {
        let printed = |permit| FormUse::Printed {
            permit,
            reprint: false,
        };
        let ledger = FormLedger::from_records(
            [range(10, 19)],
            [
                (10, printed(1)),
                (13, printed(2)),
                (13, printed(3)),
                (30, printed(4)),
            ],
        );
        let report = ledger.report();
        assert_eq!(report.skipped, [11, 12]);
        assert_eq!(report.used_twice, [13]);
        assert_eq!(report.not_received, [30]);
        assert_eq!(report.left, 6);
    }

    #[derive(Debug, Clone)]
    enum Step {
        Receive(u64),
        Print(u8),
        FailAfter(u8, u8),
        Spoil,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (1u64..20).prop_map(Step::Receive),
            (1u8..6).prop_map(Step::Print),
            (1u8..6, 0u8..6).prop_map(|(n, done)| Step::FailAfter(n, done)),
            Just(Step::Spoil),
        ]
    }

    proptest! {
        /// Whatever is received, printed, failed part-way and spoiled, in any order: no serial
        /// is used twice, none is skipped, every use is of a received form, and the counts
        /// add up.
        #[test]
        fn the_ledger_never_skips_or_reuses_a_form(steps in prop::collection::vec(step(), 1..40)) {
            let mut ledger = FormLedger::default();
            let mut next_first = 1000u64;
            let mut permit = 0u32;
            for step in steps {
                match step {
                    Step::Receive(n) => {
                        ledger.receive(range(next_first, next_first + n - 1)).unwrap();
                        next_first += n + 50;
                    }
                    Step::Print(n) | Step::FailAfter(n, _) => {
                        let batch: Vec<(u32, bool)> =
                            (0..n).map(|i| (permit + u32::from(i), false)).collect();
                        let Ok(taken) = ledger.print(&batch) else { continue };
                        permit += u32::from(n);
                        if let Step::FailAfter(_, done) = step {
                            let done = usize::from(done).min(taken.len());
                            let rest: Vec<u64> = taken[done..].iter().map(|t| t.0).collect();
                            ledger.give_back(&rest).unwrap();
                        }
                    }
                    Step::Spoil => {
                        if let Ok(serials) = ledger.next_blank(1) {
                            ledger.spoil(serials[0], "污损".into()).unwrap();
                        }
                    }
                }
                let report = ledger.report();
                prop_assert!(report.skipped.is_empty(), "{report:?}");
                prop_assert!(report.used_twice.is_empty());
                prop_assert!(report.not_received.is_empty());
                prop_assert_eq!(
                    report.printed + report.reprinted + report.spoiled + report.left,
                    report.received
                );
            }
        }
    }
}
