//! Drawing review's vocabulary: the specialties (专业) and the sheet numbers (图号) that tie
//! every opinion and markup to a sheet, whatever its page or file.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::input::{echo, normalise_code};

pub mod carry;
pub mod clauses;
pub mod clock;
pub mod opinion;
pub mod project;

/// A review specialty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Specialty {
    Architecture,
    Structure,
    Plumbing,
    Hvac,
    Electrical,
    FireProtection,
    CivilDefence,
    EnergySaving,
}

impl Specialty {
    pub const ALL: [Specialty; 8] = [
        Specialty::Architecture,
        Specialty::Structure,
        Specialty::Plumbing,
        Specialty::Hvac,
        Specialty::Electrical,
        Specialty::FireProtection,
        Specialty::CivilDefence,
        Specialty::EnergySaving,
    ];

    /// 建筑, 结构, 给排水, 暖通, 电气, 消防, 人防, 节能.
    pub fn name_zh(self) -> &'static str {
        match self {
            Specialty::Architecture => "建筑",
            Specialty::Structure => "结构",
            Specialty::Plumbing => "给排水",
            Specialty::Hvac => "暖通",
            Specialty::Electrical => "电气",
            Specialty::FireProtection => "消防",
            Specialty::CivilDefence => "人防",
            Specialty::EnergySaving => "节能",
        }
    }

    pub fn name(self, lang: Lang) -> String {
        let en = match self {
            Specialty::Architecture => "Architecture",
            Specialty::Structure => "Structure",
            Specialty::Plumbing => "Plumbing",
            Specialty::Hvac => "HVAC",
            Specialty::Electrical => "Electrical",
            Specialty::FireProtection => "Fire protection",
            Specialty::CivilDefence => "Civil air defence",
            Specialty::EnergySaving => "Energy saving",
        };
        lang.pick(self.name_zh().into(), en.into())
    }

    /// The initial an opinion id starts with: 建-R1-07.
    pub fn initial(self) -> char {
        match self {
            Specialty::Architecture => '建',
            Specialty::Structure => '结',
            Specialty::Plumbing => '水',
            Specialty::Hvac => '暖',
            Specialty::Electrical => '电',
            Specialty::FireProtection => '消',
            Specialty::CivilDefence => '防',
            Specialty::EnergySaving => '节',
        }
    }

    /// The specialty whose sheets carry `prefix` (建施, 结施, 水施, 暖施, 电施 …).
    fn of_prefix(prefix: &str) -> Option<Specialty> {
        Some(match prefix {
            "建施" | "建筑" | "建" | "总图" | "总" => Specialty::Architecture,
            "结施" | "结构" | "结" => Specialty::Structure,
            "水施" | "给排水" | "水" => Specialty::Plumbing,
            "暖施" | "暖通" | "暖" => Specialty::Hvac,
            "电施" | "电气" | "电" => Specialty::Electrical,
            "消施" | "消防" => Specialty::FireProtection,
            "人防" | "防施" => Specialty::CivilDefence,
            "节能" | "节施" => Specialty::EnergySaving,
            _ => return None,
        })
    }
}

/// Most characters a sheet number may have.
pub const MAX_SHEET_NUMBER_CHARS: usize = 24;

/// A sheet number (图号), parsed: `建施-03`, `结施-12`, `总图-01`, `目录`. Its specialty comes
/// from its prefix when the prefix is a known one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SheetNumber {
    prefix: String,
    /// The number as written, zeros kept (`03`); empty for a sheet named by its prefix alone.
    number: String,
}

/// Why a sheet number is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sheet number {0:?} is not of the form 建施-03")]
pub struct SheetNumberError(pub String);

impl SheetNumberError {
    pub fn code(&self) -> &'static str {
        "sheet_number"
    }

    pub fn message(&self, lang: Lang) -> String {
        lang.pick(
            format!("图号“{}”格式不正确，应如 建施-03、结施-12", echo(&self.0)),
            format!(
                "The sheet number “{}” is not in the form 建施-03 or 结施-12",
                echo(&self.0)
            ),
        )
    }
}

impl SheetNumber {
    /// Reads a sheet number as it is typed or printed in a title block: full-width digits and
    /// dashes, spaces, `建施03` without the dash, `建施-3-1` for a sheet and its part.
    pub fn parse(text: &str) -> Result<SheetNumber, SheetNumberError> {
        let typed = normalise_code(text);
        let refused = || SheetNumberError(typed.clone());
        if typed.is_empty() || typed.chars().count() > MAX_SHEET_NUMBER_CHARS {
            return Err(refused());
        }
        let split = typed
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '-')
            .map_or(typed.len(), |(at, _)| at);
        let (prefix, rest) = typed.split_at(split);
        let number = rest.strip_prefix('-').unwrap_or(rest);
        let prefix_ok = !prefix.is_empty()
            && prefix
                .chars()
                .all(|c| c.is_alphabetic() && (!c.is_ascii() || c.is_ascii_uppercase()));
        let number_ok = number.is_empty() && rest.is_empty()
            || !number.is_empty()
                && !number.starts_with('-')
                && !number.ends_with('-')
                && !number.contains("--")
                && number.chars().all(|c| c.is_ascii_digit() || c == '-');
        if prefix_ok && number_ok {
            Ok(SheetNumber {
                prefix: prefix.to_owned(),
                number: number.to_owned(),
            })
        } else {
            Err(refused())
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The specialty whose prefix the number carries; `None` for 目录 and unknown prefixes.
    pub fn specialty(&self) -> Option<Specialty> {
        Specialty::of_prefix(&self.prefix)
    }
}

/// `建施-03`; `目录` for a sheet named by its prefix alone.
impl fmt::Display for SheetNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.number.is_empty() {
            f.write_str(&self.prefix)
        } else {
            write!(f, "{}-{}", self.prefix, self.number)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sheet_numbers_read_as_title_blocks_print_them() {
        let sheet = SheetNumber::parse("建施-03").unwrap();
        assert_eq!(sheet.to_string(), "建施-03");
        assert_eq!(sheet.specialty(), Some(Specialty::Architecture));
        for typed in ["建施03", "建施－０３", " 建施 - 03 ", "建施—03"] {
            assert_eq!(SheetNumber::parse(typed).unwrap(), sheet, "{typed}");
        }
        assert_eq!(
            SheetNumber::parse("结施-12").unwrap().specialty(),
            Some(Specialty::Structure)
        );
        assert_eq!(
            SheetNumber::parse("水施-01").unwrap().specialty(),
            Some(Specialty::Plumbing)
        );
        assert_eq!(
            SheetNumber::parse("暖施-02").unwrap().specialty(),
            Some(Specialty::Hvac)
        );
        assert_eq!(
            SheetNumber::parse("电施-05").unwrap().specialty(),
            Some(Specialty::Electrical)
        );
        let index = SheetNumber::parse("目录").unwrap();
        assert_eq!(
            (index.to_string().as_str(), index.specialty()),
            ("目录", None)
        );
        assert_eq!(
            SheetNumber::parse("建施-3-1").unwrap().to_string(),
            "建施-3-1"
        );
        assert_eq!(SheetNumber::parse("js-03").unwrap().to_string(), "JS-03");
    }

    #[test]
    fn malformed_sheet_numbers_are_refused() {
        for text in [
            "",
            "-03",
            "03",
            "建施-",
            "建施--03",
            "建施-03-",
            "建施-0a",
            "建#施-01",
        ] {
            let error = SheetNumber::parse(text).unwrap_err();
            assert_eq!(error.code(), "sheet_number", "{text}");
        }
        let error = SheetNumber::parse(&"建".repeat(10_000)).unwrap_err();
        assert!(error.message(Lang::ZhCn).chars().count() < 130);
    }

    #[test]
    fn every_specialty_has_its_names_and_initial() {
        let initials: std::collections::BTreeSet<char> =
            Specialty::ALL.iter().map(|s| s.initial()).collect();
        assert_eq!(initials.len(), Specialty::ALL.len());
        for specialty in Specialty::ALL {
            assert!(!specialty.name(Lang::En).is_empty());
            assert_eq!(Specialty::of_prefix(specialty.name_zh()), Some(specialty));
        }
    }

    proptest! {
        #[test]
        fn display_and_parse_are_inverse(prefix in "(建施|结施|水施|暖施|电施|总图)", number in "[0-9]{1,3}(-[0-9]{1,2})?") {
            let sheet = SheetNumber::parse(&format!("{prefix}-{number}")).unwrap();
            prop_assert_eq!(SheetNumber::parse(&sheet.to_string()).unwrap(), sheet);
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,40}") {
            let _ = SheetNumber::parse(&text);
        }
    }
}
