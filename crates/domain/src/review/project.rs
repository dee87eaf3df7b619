//! A project under review: its 项目代码 as the national investment-project platform assigns
//! it, and the kind of building that says which specialties review it by default.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Specialty;
use crate::Lang;
use crate::calendar::Day;
use crate::input::{echo, normalise_code};

/// A project code (项目代码) of the national investment-project platform:
/// `2026-330324-47-01-012345` — the year it was given, the county's six-digit division code,
/// the two-digit industry, the project type (01 审批, 02 核准, 03 备案) and a serial.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProjectCode(String);

/// Why a project code is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectCodeError {
    #[error("project code {0:?} is not of the form 2026-330324-47-01-012345")]
    Form(String),
    #[error("project code {0:?} has a year that has not come or is too old")]
    Year(String),
    #[error("project code {0:?} has an unknown project type")]
    Type(String),
}

impl ProjectCodeError {
    pub fn code(&self) -> &'static str {
        match self {
            ProjectCodeError::Form(_) => "project_code_form",
            ProjectCodeError::Year(_) => "project_code_year",
            ProjectCodeError::Type(_) => "project_code_type",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            ProjectCodeError::Form(text) => lang.pick(
                format!(
                    "项目代码“{}”格式不正确，应为 24 位，如 2026-330324-47-01-012345",
                    echo(text)
                ),
                format!(
                    "The project code “{}” is not in the form 2026-330324-47-01-012345",
                    echo(text)
                ),
            ),
            ProjectCodeError::Year(text) => lang.pick(
                format!("项目代码“{}”的赋码年份不正确", echo(text)),
                format!("The project code “{}” has a wrong year", echo(text)),
            ),
            ProjectCodeError::Type(text) => lang.pick(
                format!(
                    "项目代码“{}”的项目类型应为 01（审批）、02（核准）或 03（备案）",
                    echo(text)
                ),
                format!(
                    "The project code “{}” must have project type 01, 02 or 03",
                    echo(text)
                ),
            ),
        }
    }
}

/// The first year codes were given on the national platform.
const FIRST_YEAR: i64 = 2014;

impl ProjectCode {
    /// Reads a code as it is typed or pasted: full-width digits and dashes, spaces, and the
    /// 22 digits without dashes are all accepted. A year after `today`'s is refused.
    pub fn parse(text: &str, today: Day) -> Result<ProjectCode, ProjectCodeError> {
        let typed = normalise_code(text);
        let digits: String = typed.chars().filter(|c| *c != '-').collect();
        let grouped = typed.split('-').map(str::len).collect::<Vec<_>>();
        let form_ok = digits.len() == 20
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (grouped == [20] || grouped == [4, 6, 2, 2, 6]);
        if !form_ok {
            return Err(ProjectCodeError::Form(typed));
        }
        let code = format!(
            "{}-{}-{}-{}-{}",
            &digits[..4],
            &digits[4..10],
            &digits[10..12],
            &digits[12..14],
            &digits[14..]
        );
        let year: i64 = digits[..4].parse().unwrap_or(0);
        if !(FIRST_YEAR..=today.ymd().0).contains(&year) {
            return Err(ProjectCodeError::Year(code));
        }
        if !matches!(&digits[12..14], "01" | "02" | "03") {
            return Err(ProjectCodeError::Type(code));
        }
        if digits[4..5] == *"0" || digits[14..] == *"000000" {
            return Err(ProjectCodeError::Form(code));
        }
        Ok(ProjectCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A floor area typed in square metres (`12345.67`, `12,345.67`, `１２３４５`), in canonical
/// form with two decimals; refused when it is not a positive number below 10 million m².
pub fn parse_floor_area(text: &str) -> Result<String, FloorAreaError> {
    let typed: String = normalise_code(text).chars().filter(|c| *c != ',').collect();
    let typed = typed
        .strip_suffix("M2")
        .or_else(|| typed.strip_suffix('㎡'))
        .unwrap_or(&typed);
    let (whole, fraction) = typed.split_once('.').unwrap_or((typed, ""));
    let digits_ok = !whole.is_empty()
        && whole.len() <= 7
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() <= 2
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(typed.contains('.') && fraction.is_empty());
    if !digits_ok {
        return Err(FloorAreaError(text.to_owned()));
    }
    let whole: u64 = whole.parse().map_err(|_| FloorAreaError(text.to_owned()))?;
    let cents: u64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| FloorAreaError(text.to_owned()))?;
    if whole == 0 && cents == 0 {
        return Err(FloorAreaError(text.to_owned()));
    }
    Ok(format!("{whole}.{cents:02}"))
}

/// A floor area that is not a number of square metres.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("floor area {0:?} is not a number of square metres")]
pub struct FloorAreaError(pub String);

impl FloorAreaError {
    pub fn code(&self) -> &'static str {
        "floor_area"
    }

    pub fn message(&self, lang: Lang) -> String {
        lang.pick(
            format!("总建筑面积“{}”应为平方米数，如 12345.67", echo(&self.0)),
            format!(
                "The floor area “{}” must be square metres, such as 12345.67",
                echo(&self.0)
            ),
        )
    }
}

/// The kind of works, which decides the specialties a project needs by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// 住宅.
    Residential,
    /// 公共建筑.
    Public,
    /// 工业建筑.
    Industrial,
    /// 市政基础设施.
    Municipal,
}

impl ProjectKind {
    pub const ALL: [ProjectKind; 4] = [
        ProjectKind::Residential,
        ProjectKind::Public,
        ProjectKind::Industrial,
        ProjectKind::Municipal,
    ];

    pub fn name(self, lang: Lang) -> String {
        let (zh, en) = match self {
            ProjectKind::Residential => ("住宅", "Residential"),
            ProjectKind::Public => ("公共建筑", "Public building"),
            ProjectKind::Industrial => ("工业建筑", "Industrial building"),
            ProjectKind::Municipal => ("市政基础设施", "Municipal works"),
        };
        lang.pick(zh.into(), en.into())
    }

    /// The specialties a project of this kind is reviewed by unless the center says otherwise.
    pub fn default_specialties(self) -> Vec<Specialty> {
        use Specialty::*;
        match self {
            ProjectKind::Residential | ProjectKind::Public => Specialty::ALL.to_vec(),
            ProjectKind::Industrial => vec![
                Architecture,
                Structure,
                Plumbing,
                Hvac,
                Electrical,
                FireProtection,
                EnergySaving,
            ],
            ProjectKind::Municipal => vec![Structure, Plumbing, Electrical],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> Day {
        Day::parse("2026-12-01").unwrap()
    }

    #[test]
    fn project_codes_are_read_as_people_type_them() {
        let code = ProjectCode::parse("2026-330324-47-01-012345", today()).unwrap();
        assert_eq!(code.as_str(), "2026-330324-47-01-012345");
        for typed in [
            "2026330324470101 2345",
            "２０２６－３３０３２４－４７－０１－０１２３４５",
            " 2026 - 330324 - 47 - 01 - 012345 ",
            "2026—330324—47—01—012345",
        ] {
            assert_eq!(ProjectCode::parse(typed, today()).unwrap(), code, "{typed}");
        }
    }

    #[test]
    fn wrong_project_codes_are_refused_with_the_reason() {
        let cases = [
            ("2026-330324-47-01-01234", "project_code_form"),
            ("2026-330324-4701-012345", "project_code_form"),
            ("2026-33O324-47-01-012345", "project_code_form"),
            ("2027-330324-47-01-012345", "project_code_year"),
            ("2013-330324-47-01-012345", "project_code_year"),
            ("2026-330324-47-04-012345", "project_code_type"),
            ("2026-030324-47-01-012345", "project_code_form"),
            ("2026-330324-47-01-000000", "project_code_form"),
            ("", "project_code_form"),
        ];
        for (text, reason) in cases {
            let error = ProjectCode::parse(text, today()).unwrap_err();
            assert_eq!(error.code(), reason, "{text}");
            assert!(!error.message(Lang::ZhCn).is_empty());
        }
        let long = "2".repeat(10_000);
        let error = ProjectCode::parse(&long, today()).unwrap_err();
        assert!(error.message(Lang::En).chars().count() < 160);
    }

    #[test]
    fn every_kind_needs_structure_and_residential_needs_all() {
        for kind in ProjectKind::ALL {
            assert!(kind.default_specialties().contains(&Specialty::Structure));
            assert!(!kind.name(Lang::En).is_empty());
        }
        assert_eq!(
            ProjectKind::Residential.default_specialties().len(),
            Specialty::ALL.len()
        );
    }

    #[test]
    fn floor_areas_are_read_as_typed() {
        for (typed, canonical) in [
            ("12345.67", "12345.67"),
            ("12,345.6", "12345.60"),
            ("１２３４５", "12345.00"),
            ("800㎡", "800.00"),
            (" 0.5 ", "0.50"),
        ] {
            assert_eq!(parse_floor_area(typed).unwrap(), canonical, "{typed}");
        }
        for wrong in ["", "0", "-3", "12.345", "1e5", "12.", "九百", "100000000"] {
            assert_eq!(
                parse_floor_area(wrong).unwrap_err().code(),
                "floor_area",
                "{wrong}"
            );
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,40}") {
            let _ = ProjectCode::parse(&text, today());
            let _ = parse_floor_area(&text);
        }

        #[test]
        fn a_code_parses_to_itself(year in 2014i64..=2026, region in 100000u32..899999, industry in 1u32..99, kind in 1u32..=3, serial in 1u32..999999) {
            let text = format!("{year}-{region:06}-{industry:02}-{kind:02}-{serial:06}");
            let code = ProjectCode::parse(&text, today()).unwrap();
            prop_assert_eq!(code.as_str(), text.as_str());
        }
    }
}
