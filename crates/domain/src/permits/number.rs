//! Drainage permit numbers (排水许可证编号): `玉排许字〔2026〕第0001号` — the issuing
//! authority's prefix, the year, and a sequence number that is unique, gap-free and never
//! reused within the authority and the year.

use std::fmt;

use crate::Lang;
use crate::input::{echo, normalise_code};

/// Most characters an authority's prefix may have (`玉排许字`, `台排许字` …).
pub const MAX_PREFIX_CHARS: usize = 8;
/// Widest sequence number a year may reach.
pub const MAX_SEQ: u32 = 999_999;

/// A permit number, parsed: once it exists it is well formed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PermitNumber {
    /// The issuing authority's prefix, ending in `字`: `玉排许字`.
    prefix: String,
    year: u16,
    seq: u32,
}

/// Why a permit number is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermitNumberError {
    /// Not of the shape `…字〔YYYY〕第NNNN号`.
    #[error("permit number {0:?} is not of the form 玉排许字〔2026〕第0001号")]
    Shape(String),
    /// A year outside 2000–2099.
    #[error("permit number year {0} is out of range")]
    Year(u32),
    /// Sequence 0, or wider than [`MAX_SEQ`].
    #[error("permit number sequence is out of range")]
    Seq,
}

impl PermitNumberError {
    pub fn code(&self) -> &'static str {
        match self {
            PermitNumberError::Shape(_) => "permit_number_shape",
            PermitNumberError::Year(_) => "permit_number_year",
            PermitNumberError::Seq => "permit_number_seq",
        }
    }

    /// The reason in the officer's language, quoting at most 80 characters of what was sent.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PermitNumberError::Shape(text) => lang.pick(
                format!(
                    "许可证编号“{}”格式不正确，应如 玉排许字〔2026〕第0001号",
                    echo(text)
                ),
                format!(
                    "The permit number “{}” is not in the form 玉排许字〔2026〕第0001号",
                    echo(text)
                ),
            ),
            PermitNumberError::Year(year) => lang.pick(
                format!("许可证编号中的年份 {year} 不正确"),
                format!("The year {year} in the permit number is not valid"),
            ),
            PermitNumberError::Seq => lang.pick(
                format!("许可证编号的序号应在 1 到 {MAX_SEQ} 之间"),
                format!("The permit number's sequence must be 1 to {MAX_SEQ}"),
            ),
        }
    }
}

fn check_year(year: u32) -> Result<u16, PermitNumberError> {
    u16::try_from(year)
        .ok()
        .filter(|year| (2000..=2099).contains(year))
        .ok_or(PermitNumberError::Year(year))
}

fn check_seq(seq: u32) -> Result<u32, PermitNumberError> {
    if (1..=MAX_SEQ).contains(&seq) {
        Ok(seq)
    } else {
        Err(PermitNumberError::Seq)
    }
}

impl PermitNumber {
    /// The number `seq` of `year` under the authority's `prefix` (`玉排许字`).
    pub fn new(prefix: &str, year: u32, seq: u32) -> Result<PermitNumber, PermitNumberError> {
        let prefix = normalise_code(prefix);
        let chars = prefix.chars().count();
        if !prefix.ends_with('字')
            || !(2..=MAX_PREFIX_CHARS).contains(&chars)
            || !prefix.chars().all(|c| c.is_alphabetic())
        {
            return Err(PermitNumberError::Shape(prefix));
        }
        Ok(PermitNumber {
            prefix,
            year: check_year(year)?,
            seq: check_seq(seq)?,
        })
    }

    /// Reads a permit number as people type it: full-width digits, spaces, and the year's
    /// brackets as 〔〕, [], 【】, （）, () or ［］.
    pub fn parse(text: &str) -> Result<PermitNumber, PermitNumberError> {
        let typed = normalise_code(text);
        let shape = || PermitNumberError::Shape(typed.clone());
        let open = typed
            .find(['〔', '[', '【', '(', '（', '［'])
            .ok_or_else(shape)?;
        let prefix = &typed[..open];
        let rest = &typed[open..];
        let after_open = rest.char_indices().nth(1).map_or(rest.len(), |(at, _)| at);
        let rest = &rest[after_open..];
        let close = rest
            .find(['〕', ']', '】', ')', '）', '］'])
            .ok_or_else(shape)?;
        let year = &rest[..close];
        let rest = &rest[close..];
        let after_close = rest.char_indices().nth(1).map_or(rest.len(), |(at, _)| at);
        let seq = rest[after_close..]
            .strip_prefix('第')
            .and_then(|rest| rest.strip_suffix('号'))
            .ok_or_else(shape)?;
        let digits = |text: &str| {
            (!text.is_empty() && text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<u32>().ok())
                .flatten()
        };
        let year = digits(year).filter(|_| year.len() == 4).ok_or_else(shape)?;
        let seq = digits(seq).ok_or_else(shape)?;
        PermitNumber::new(prefix, year, seq).map_err(|error| match error {
            PermitNumberError::Shape(_) => shape(),
            other => other,
        })
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// The number after this one in the same authority's year.
    pub fn next(&self) -> Result<PermitNumber, PermitNumberError> {
        Ok(PermitNumber {
            seq: check_seq(self.seq + 1)?,
            ..self.clone()
        })
    }
}

/// `玉排许字〔2026〕第0001号`: the sequence has at least four digits.
impl fmt::Display for PermitNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}〔{}〕第{:04}号", self.prefix, self.year, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_permit_number_reads_as_officers_type_it() {
        let canonical = PermitNumber::parse("玉排许字〔2026〕第0001号").unwrap();
        assert_eq!(canonical.prefix(), "玉排许字");
        assert_eq!((canonical.year(), canonical.seq()), (2026, 1));
        for typed in [
            "玉排许字[2026]第0001号",
            "玉排许字【２０２６】第０００１号",
            " 玉排许字（2026）第 0001 号 ",
            "玉排许字(2026)第1号",
            "玉排许字［2026］第0001号",
        ] {
            assert_eq!(PermitNumber::parse(typed).unwrap(), canonical, "{typed}");
        }
        assert_eq!(canonical.to_string(), "玉排许字〔2026〕第0001号");
        assert_eq!(
            PermitNumber::new("玉排许字", 2026, 12345)
                .unwrap()
                .to_string(),
            "玉排许字〔2026〕第12345号"
        );
        assert_eq!(
            canonical.next().unwrap().to_string(),
            "玉排许字〔2026〕第0002号"
        );
    }

    #[test]
    fn malformed_numbers_are_refused_with_their_reason() {
        for text in [
            "",
            "2026-0001",
            "玉排许字〔26〕第0001号",
            "玉排许字〔2026〕0001号",
            "玉排许字〔2026〕第0001",
            "〔2026〕第0001号",
            "玉排许〔2026〕第0001号",
            "玉排许字〔2026〕第-1号",
            "玉排许字〔2026〕第1a号",
        ] {
            let error = PermitNumber::parse(text).unwrap_err();
            assert_eq!(error.code(), "permit_number_shape", "{text}");
        }
        assert_eq!(
            PermitNumber::parse("玉排许字〔1999〕第0001号").unwrap_err(),
            PermitNumberError::Year(1999)
        );
        assert_eq!(
            PermitNumber::parse("玉排许字〔2026〕第0000号").unwrap_err(),
            PermitNumberError::Seq
        );
        assert!(
            PermitNumber::new("玉排许字", 2026, MAX_SEQ)
                .unwrap()
                .next()
                .is_err()
        );
        let long = format!("{}〔2026〕第0001号", "玉".repeat(5_000));
        let message = PermitNumber::parse(&long).unwrap_err().message(Lang::ZhCn);
        assert!(message.chars().count() < 140, "{message}");
        assert!(
            PermitNumberError::Seq
                .message(Lang::En)
                .contains("sequence must be")
        );
    }

    proptest! {
        #[test]
        fn display_and_parse_are_inverse(year in 2000u32..=2099, seq in 1u32..=MAX_SEQ) {
            let number = PermitNumber::new("玉排许字", year, seq).unwrap();
            prop_assert_eq!(PermitNumber::parse(&number.to_string()).unwrap(), number);
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,40}") {
            let _ = PermitNumber::parse(&text);
        }

        #[test]
        fn numbers_sort_by_authority_year_then_sequence(a in 1u32..5000, b in 1u32..5000) {
            let first = PermitNumber::new("玉排许字", 2026, a).unwrap();
            let second = PermitNumber::new("玉排许字", 2026, b).unwrap();
            prop_assert_eq!(first.cmp(&second), a.cmp(&b));
            prop_assert!(PermitNumber::new("玉排许字", 2025, b).unwrap() < first);
        }
    }
}
