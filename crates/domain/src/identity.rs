//! Applicants' identifiers, checked with their check characters: the resident ID number
//! (居民身份证号码, GB 11643-1999) of a person and the unified social credit code
//! (统一社会信用代码, GB 32100-2015) of a company or other organisation.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Who an applicant is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ApplicantId {
    /// 18-character resident ID number.
    Person(String),
    /// 18-character unified social credit code.
    Organisation(String),
}

/// Why an identifier is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("length")]
    Length,
    #[error("character")]
    Character,
    #[error("birth_date")]
    BirthDate,
    #[error("check_character")]
    CheckCharacter,
}

impl IdError {
    /// The reason in the applicant's or clerk's language.
    pub fn message(&self, kind: IdKind, lang: Lang) -> String {
        let (zh_name, en_name) = match kind {
            IdKind::Person => ("身份证号", "ID number"),
            IdKind::Organisation => ("统一社会信用代码", "Unified social credit code"),
        };
        let (zh, en) = match (self, kind) {
            (IdError::Length, _) => ("应为 18 位", "must have 18 characters"),
            (IdError::Character, IdKind::Person) => (
                "前 17 位应为数字，最后一位为数字或 X",
                "must be 17 digits followed by a digit or X",
            ),
            (IdError::Character, IdKind::Organisation) => (
                "只能包含数字和大写字母（不含 I、O、Z、S、V）",
                "may contain only digits and capital letters other than I, O, Z, S, V",
            ),
            (IdError::BirthDate, _) => (
                "中的出生日期不存在",
                "contains a birth date that does not exist",
            ),
            (IdError::CheckCharacter, _) => (
                "校验位不正确，请核对是否输错",
                "has a wrong check character; check for a typing error",
            ),
        };
        lang.pick(format!("{zh_name}{zh}"), format!("{en_name} {en}"))
    }

    /// A stable code for the reason.
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Length => "id_length",
            IdError::Character => "id_character",
            IdError::BirthDate => "id_birth_date",
            IdError::CheckCharacter => "id_check_character",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Person,
    Organisation,
}

impl ApplicantId {
    pub fn kind(&self) -> IdKind {
        match self {
            ApplicantId::Person(_) => IdKind::Person,
            ApplicantId::Organisation(_) => IdKind::Organisation,
        }
    }

    /// The identifier with spaces removed and letters in capitals, if it is valid.
    pub fn normalised(&self) -> Result<ApplicantId, IdError> {
        match self {
            ApplicantId::Person(text) => check_resident_id(text).map(ApplicantId::Person),
            ApplicantId::Organisation(text) => {
                check_credit_code(text).map(ApplicantId::Organisation)
            }
        }
    }

    /// For public display and receipts: `3310**********123X`.
    pub fn masked(&self) -> String {
        let text = match self {
            ApplicantId::Person(text) | ApplicantId::Organisation(text) => text,
        };
        text.chars()
            .enumerate()
            .map(|(i, c)| if (4..14).contains(&i) { '*' } else { c })
            .collect()
    }
}

fn cleaned(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Checks a resident ID number; returns it normalised.
pub fn check_resident_id(text: &str) -> Result<String, IdError> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let id = cleaned(text);
    let chars: Vec<char> = id.chars().collect();
    if chars.len() != 18 {
        return Err(IdError::Length);
    }
    let digits: Vec<u32> = chars[..17]
        .iter()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .ok_or(IdError::Character)?;
    if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
        return Err(IdError::Character);
    }
    let number = |range: std::ops::Range<usize>| {
        digits[range]
            .iter()
            .fold(0u32, |value, digit| value * 10 + digit)
    };
    let (year, month, day) = (number(6..10), number(10..12), number(12..14));
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return Err(IdError::BirthDate);
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days {
        return Err(IdError::BirthDate);
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    if CHECK[(sum % 11) as usize] != chars[17] {
        return Err(IdError::CheckCharacter);
    }
    Ok(id)
}

/// Checks a unified social credit code; returns it normalised.
pub fn check_credit_code(text: &str) -> Result<String, IdError> {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let code = cleaned(text);
    let values: Vec<u32> = code
        .chars()
        .map(|c| ALPHABET.find(c).map(|at| at as u32))
        .collect::<Option<_>>()
        .ok_or(IdError::Character)?;
    if values.len() != 18 {
        return Err(IdError::Length);
    }
    let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    if values[17] != check {
        return Err(IdError::CheckCharacter);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids_are_checked_with_their_check_character() {
        assert_eq!(
            check_resident_id("11010519491231002x"),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            check_resident_id("3310 2119 8001 0112 34"),
            check_resident_id("331021198001011234")
        );
        assert_eq!(
            check_resident_id("110105194912310021"),
            Err(IdError::CheckCharacter)
        );
        assert_eq!(check_resident_id("11010519491231002"), Err(IdError::Length));
        assert_eq!(
            check_resident_id("1101051949123100AX"),
            Err(IdError::Character)
        );
        // 30 February does not exist; 29 February 2000 does.
        assert_eq!(
            check_resident_id("110105200002300011"),
            Err(IdError::BirthDate)
        );
        assert!(check_resident_id("110105200002290013").is_ok());
    }

    #[test]
    fn credit_codes_are_checked_with_their_check_character() {
        assert_eq!(
            check_credit_code("91350100M000100Y43"),
            Ok("91350100M000100Y43".into())
        );
        assert_eq!(
            check_credit_code("91350100m000100y43"),
            Ok("91350100M000100Y43".into())
        );
        assert_eq!(
            check_credit_code("91350100M000100Y44"),
            Err(IdError::CheckCharacter)
        );
        // I, O, Z, S and V are not in the alphabet.
        assert_eq!(
            check_credit_code("91350100I000100Y43"),
            Err(IdError::Character)
        );
        assert_eq!(check_credit_code("91350100M000100Y4"), Err(IdError::Length));
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        let id = "11010519491231002X";
        for at in 0..18 {
            for replacement in "0123456789X".chars() {
                let mut typo: Vec<char> = id.chars().collect();
                if typo[at] == replacement {
                    continue;
                }
                typo[at] = replacement;
                let typo: String = typo.into_iter().collect();
                assert!(check_resident_id(&typo).is_err(), "{typo}");
            }
        }
    }

    #[test]
    fn reasons_read_naturally_and_ids_mask() {
        assert_eq!(
            IdError::CheckCharacter.message(IdKind::Person, Lang::ZhCn),
            "身份证号校验位不正确，请核对是否输错"
        );
        assert_eq!(
            IdError::Length.message(IdKind::Organisation, Lang::En),
            "Unified social credit code must have 18 characters"
        );
        assert_eq!(
            ApplicantId::Person("11010519491231002X".into()).masked(),
            "1101**********002X"
        );
    }
}
