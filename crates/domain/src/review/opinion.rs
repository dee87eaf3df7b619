//! Review opinions (审查意见): their kinds and severities, the readable id each keeps across
//! rounds (结-R1-07), and the clauses they cite, checked against an edition-aware library.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Specialty;
use crate::Lang;
use crate::input::{echo, normalise_code};

/// What an opinion is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpinionKind {
    /// 强制性条文: must cite the clause.
    Mandatory,
    /// 一般性条文.
    General,
    /// 政策规定.
    Policy,
    /// 设计深度.
    DesignDepth,
}

impl OpinionKind {
    pub const ALL: [OpinionKind; 4] = [
        OpinionKind::Mandatory,
        OpinionKind::General,
        OpinionKind::Policy,
        OpinionKind::DesignDepth,
    ];

    pub fn name(self, lang: Lang) -> String {
        let (zh, en) = match self {
            OpinionKind::Mandatory => ("强制性条文", "Mandatory clause"),
            OpinionKind::General => ("一般性条文", "General clause"),
            OpinionKind::Policy => ("政策规定", "Policy"),
            OpinionKind::DesignDepth => ("设计深度", "Design depth"),
        };
        lang.pick(zh.into(), en.into())
    }

    pub fn needs_clause(self) -> bool {
        self == OpinionKind::Mandatory
    }
}

/// Whether the designer must change the drawings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 必须修改: blocks the certificate while open.
    MustChange,
    /// 建议修改.
    Advice,
}

/// An opinion's readable id: the specialty's initial, the round it was raised in, and its
/// number in that specialty and round — `结-R1-07`. It never changes, whatever round the
/// opinion is carried into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpinionCode {
    pub specialty: Specialty,
    pub round: u32,
    pub number: u32,
}

impl fmt::Display for OpinionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-R{}-{:02}",
            self.specialty.initial(),
            self.round,
            self.number
        )
    }
}

impl OpinionCode {
    /// Reads `结-R1-07` (full-width characters and a lower-case r accepted).
    pub fn parse(text: &str) -> Option<OpinionCode> {
        let typed = normalise_code(text);
        let mut parts = typed.splitn(3, '-');
        let initial = parts.next()?;
        let round = parts.next()?.strip_prefix('R')?;
        let number = parts.next()?;
        let mut chars = initial.chars();
        let (Some(initial), None) = (chars.next(), chars.next()) else {
            return None;
        };
        let specialty = Specialty::ALL
            .into_iter()
            .find(|s| s.initial() == initial)?;
        let digits =
            |t: &str| !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(round) || !digits(number) {
            return None;
        }
        let (round, number) = (round.parse().ok()?, number.parse().ok()?);
        (round > 0 && number > 0).then_some(OpinionCode {
            specialty,
            round,
            number,
        })
    }
}

/// A cited clause: standard code, edition and clause number —
/// `GB 50016-2014(2018年版) 第5.5.17条`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Clause {
    /// `GB 50016`, `GB/T 50001`, `JGJ 3`, `DB33/T 1234`.
    pub standard: String,
    pub year: u16,
    /// `2018年版`, when the standard was revised in part.
    pub revision: Option<String>,
    /// `5.5.17`.
    pub clause: String,
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.standard, self.year)?;
        if let Some(revision) = &self.revision {
            write!(f, "({revision})")?;
        }
        write!(f, " 第{}条", self.clause)
    }
}

/// A clause that is not of the form `GB 50016-2014 第5.5.17条`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("clause {0:?} is not of the form GB 50016-2014 第5.5.17条")]
pub struct ClauseError(pub String);

impl ClauseError {
    pub fn code(&self) -> &'static str {
        "clause_form"
    }

    pub fn message(&self, lang: Lang) -> String {
        lang.pick(
            format!(
                "条文“{}”格式不正确，应如 GB 50016-2014(2018年版) 第5.5.17条",
                echo(&self.0)
            ),
            format!(
                "The clause “{}” is not in the form GB 50016-2014(2018年版) 第5.5.17条",
                echo(&self.0)
            ),
        )
    }
}

impl Clause {
    /// Reads a clause as reviewers type it: `GB50016-2014 5.5.17`, `GB 50016—2014（2018年版）第5.5.17条`,
    /// full-width digits and brackets, with or without 第…条.
    pub fn parse(text: &str) -> Result<Clause, ClauseError> {
        let refused = || ClauseError(text.trim().to_owned());
        let typed = normalise_code(text)
            .replace(['（', '('], "(")
            .replace(['）', ')'], ")");
        // The standard's letters (GB, GB/T, JGJ, DB33/T …) then its number.
        let mut letters_end = typed
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit())
            .map(|(at, _)| at)
            .ok_or_else(refused)?;
        // A local standard's prefix carries its province: `DB33/T 1234`.
        let after = &typed[letters_end..];
        let run = after.bytes().take_while(u8::is_ascii_digit).count();
        if after[run..].starts_with('/') {
            let letters = after[run + 1..]
                .bytes()
                .take_while(u8::is_ascii_uppercase)
                .count();
            letters_end += run + 1 + letters;
        }
        let prefix = &typed[..letters_end];
        let prefix_ok = !prefix.is_empty()
            && prefix
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '/' || c.is_ascii_digit());
        if !prefix_ok {
            return Err(refused());
        }
        let rest = &typed[letters_end..];
        let (number, rest) = rest.split_once('-').ok_or_else(refused)?;
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(refused());
        }
        // Spaces are gone, so `2014 5.5.17` arrives as `20145.5.17`: the year is four digits.
        let year_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        if year_len < 4 {
            return Err(refused());
        }
        let year: u16 = rest[..4].parse().map_err(|_| refused())?;
        let mut rest = &rest[4..];
        let mut revision = None;
        if let Some(inner) = rest.strip_prefix('(') {
            let (inside, after) = inner.split_once(')').ok_or_else(refused)?;
            if inside.is_empty() || inside.chars().count() > 12 {
                return Err(refused());
            }
            revision = Some(inside.to_owned());
            rest = after;
        }
        let clause = rest
            .strip_prefix('第')
            .unwrap_or(rest)
            .trim_end_matches('条');
        let clause_ok = !clause.is_empty()
            && !clause.starts_with('.')
            && !clause.ends_with('.')
            && !clause.contains("..")
            && clause.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if !clause_ok {
            return Err(refused());
        }
        // `DB33/T` keeps its slash and digits; `GB/T` likewise; `GB` gets a space before the number.
        Ok(Clause {
            standard: format!("{prefix} {number}"),
            year,
            revision,
            clause: clause.to_owned(),
        })
    }

    /// The standard and edition without the clause: `GB 50016-2014`.
    pub fn edition(&self) -> String {
        format!("{}-{}", self.standard, self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn opinion_codes_read_and_print_alike() {
        let code = OpinionCode {
            specialty: Specialty::Structure,
            round: 1,
            number: 7,
        };
        assert_eq!(code.to_string(), "结-R1-07");
        assert_eq!(OpinionCode::parse("结-R1-07"), Some(code));
        assert_eq!(OpinionCode::parse("结－ｒ１－０７"), Some(code));
        assert_eq!(
            OpinionCode::parse("结-R1-107").unwrap().to_string(),
            "结-R1-107"
        );
        for wrong in [
            "",
            "结-1-07",
            "X-R1-07",
            "结-R0-01",
            "结-R1-00",
            "结构-R1-01",
            "结-R1-",
        ] {
            assert_eq!(OpinionCode::parse(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn clauses_read_as_reviewers_type_them() {
        let clause = Clause::parse("GB 50016-2014(2018年版) 第5.5.17条").unwrap();
        assert_eq!(clause.standard, "GB 50016");
        assert_eq!(clause.year, 2014);
        assert_eq!(clause.revision.as_deref(), Some("2018年版"));
        assert_eq!(clause.clause, "5.5.17");
        assert_eq!(clause.to_string(), "GB 50016-2014(2018年版) 第5.5.17条");
        for typed in [
            "GB50016-2014(2018年版)5.5.17",
            "ＧＢ ５００１６—２０１４（2018年版） 第５.５.１７条",
        ] {
            assert_eq!(Clause::parse(typed).unwrap(), clause, "{typed}");
        }
        assert_eq!(
            Clause::parse("GB/T 50001-2017 第4.1.3条")
                .unwrap()
                .to_string(),
            "GB/T 50001-2017 第4.1.3条"
        );
        assert_eq!(
            Clause::parse("gb 55037-2022 4.1.3").unwrap().edition(),
            "GB 55037-2022"
        );
        assert_eq!(
            Clause::parse("DB33/T 1234-2021 第3.2.1条")
                .unwrap()
                .to_string(),
            "DB33/T 1234-2021 第3.2.1条"
        );
        for wrong in [
            "",
            "5.5.17",
            "GB 50016 第5.5.17条",
            "GB 50016-14 第5.5.17条",
            "GB 50016-2014 第5..17条",
            "GB 50016-2014",
            "规范-2014 第1条",
        ] {
            assert_eq!(
                Clause::parse(wrong).unwrap_err().code(),
                "clause_form",
                "{wrong}"
            );
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,60}") {
            let _ = Clause::parse(&text);
            let _ = OpinionCode::parse(&text);
        }

        #[test]
        fn a_printed_clause_reads_back(number in 10000u32..60000, year in 1990u16..2030, a in 1u8..20, b in 1u8..20, c in 1u8..30) {
            let text = format!("GB {number}-{year} 第{a}.{b}.{c}条");
            let clause = Clause::parse(&text).unwrap();
            prop_assert_eq!(clause.to_string(), text);
        }
    }
}
