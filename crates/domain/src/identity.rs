//! Applicants' identifiers, checked with their check characters: the resident ID number
//! (居民身份证号码, GB 11643-1999) of a person and the unified social credit code
//! (统一社会信用代码, GB 32100-2015) of a company or other organisation.

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::calendar::Day;
use crate::input::normalise_code;

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
    /// The birth date exists but lies after the day the number is checked on.
    #[error("birth_date_future")]
    BirthDateFuture,
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
            (IdError::BirthDateFuture, _) => (
                "中的出生日期晚于今天，请核对是否输错",
                "contains a birth date after today; check for a typing error",
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
            IdError::BirthDateFuture => "id_birth_date_future",
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

    /// The identifier in its canonical form (see [`normalise_code`]: ASCII, no spaces,
    /// capitals), if it is valid on `today`, the service center's calendar day.
    pub fn normalised(&self, today: Day) -> Result<ApplicantId, IdError> {
        match self {
            ApplicantId::Person(text) => check_resident_id(text, today).map(ApplicantId::Person),
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

/// Checks a resident ID number as typed (full-width, spaced, with a small `x`: see
/// [`normalise_code`]); returns it normalised. The birth date must exist and must not lie
/// after `today`, the service center's calendar day, which the caller passes in.
pub fn check_resident_id(text: &str, today: Day) -> Result<String, IdError> {
    let id = normalise_code(text);
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
    let year = i64::from(number(6..10));
    let born = Day::from_ymd(year, number(10..12), number(12..14))
        .filter(|_| year >= 1900)
        .ok_or(IdError::BirthDate)?;
    if born > today {
        return Err(IdError::BirthDateFuture);
    }
    if resident_id_check(&digits) != chars[17] {
        return Err(IdError::CheckCharacter);
    }
    Ok(id)
}

/// The check character (ISO 7064 MOD 11-2) of a resident ID number's first 17 digits.
fn resident_id_check(digits: &[u32]) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK[(sum % 11) as usize]
}

/// A resident ID number made whole with its check character, from its first 17 digits (the
/// region, the birth date and the sequence); `None` unless they are 17 digits. For test data.
pub fn complete_resident_id(first_17: &str) -> Option<String> {
    let digits: Vec<u32> = first_17
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    (digits.len() == 17).then(|| format!("{first_17}{}", resident_id_check(&digits)))
}

/// Checks a unified social credit code as typed (full-width, spaced, in small letters: see
/// [`normalise_code`]); returns it normalised.
pub fn check_credit_code(text: &str) -> Result<String, IdError> {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let code = normalise_code(text);
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
    use proptest::prelude::*;

    /// The day the tests check on: Friday 27 November 2026.
    fn today() -> Day {
        Day::from_ymd(2026, 11, 27).unwrap()
    }

    #[test]
    fn resident_ids_are_checked_with_their_check_character() {
        assert_eq!(
            check_resident_id("11010519491231002x", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            check_resident_id("3310 2119 8001 0112 34", today()),
            check_resident_id("331021198001011234", today())
        );
        assert_eq!(
            check_resident_id("110105194912310021", today()),
            Err(IdError::CheckCharacter)
        );
        assert_eq!(
            check_resident_id("11010519491231002", today()),
            Err(IdError::Length)
        );
        assert_eq!(
            check_resident_id("1101051949123100AX", today()),
            Err(IdError::Character)
        );
        // 30 February does not exist; 29 February 2000 does.
        assert_eq!(
            check_resident_id("110105200002300011", today()),
            Err(IdError::BirthDate)
        );
        assert!(check_resident_id("110105200002290013", today()).is_ok());
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
                assert!(check_resident_id(&typo, today()).is_err(), "{typo}");
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

    /// The 18th character of a resident ID number whose first 17 are `first`.
    fn with_check_character(first: &str) -> String {
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first
            .chars()
            .filter_map(|c| c.to_digit(10))
            .zip(WEIGHTS)
            .map(|(d, w)| d * w)
            .sum();
        let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
        format!("{first}{check}")
    }

    /// `text` as an input method might give it: some characters full-width, small letters,
    /// spaces of several kinds between them.
    fn as_typed(text: &str, styles: &[u8]) -> String {
        text.chars()
            .zip(styles.iter().cycle())
            .map(|(c, style)| {
                let c = c.to_ascii_lowercase();
                match style % 5 {
                    0 => c.to_string(),
                    1 => char::from_u32(u32::from(c) + 0xFEE0)
                        .unwrap_or(c)
                        .to_string(),
                    2 => format!("{c} "),
                    3 => format!("\u{3000}{c}"),
                    _ => format!("{c}\t"),
                }
            })
            .collect()
    }

    #[test]
    fn full_width_and_spaced_codes_are_accepted_and_stored_in_ascii() {
        assert_eq!(
            with_check_character("11010519491231002"),
            "11010519491231002X"
        );
        for typed in [
            "９１３３１０２１ＭＡ２Ｋ７ＸＱ８ＢＱ",
            "９１３３１０２１ｍａ２ｋ７ｘｑ８ｂｑ",
            "９１３３\u{3000}１０２１\u{3000}ＭＡ２Ｋ\u{3000}７ＸＱ８\u{3000}ＢＱ",
            " 91331021 ma2k 7xq8 bq\t",
        ] {
            assert_eq!(
                check_credit_code(typed),
                Ok("91331021MA2K7XQ8BQ".into()),
                "{typed:?}"
            );
        }
        for typed in [
            "１１０１０５１９４９１２３１００２ｘ",
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105\u{3000}19491231\u{3000}002x",
            "110105 1949 1231 002 x",
            "\t110105\t19491231\t002X\n",
        ] {
            assert_eq!(
                check_resident_id(typed, today()),
                Ok("11010519491231002X".into()),
                "{typed:?}"
            );
        }
        // What the server stores is the normalised form.
        assert_eq!(
            ApplicantId::Organisation("９１３３１０２１ｍａ２ｋ７ｘｑ８ｂｑ".into())
                .normalised(today()),
            Ok(ApplicantId::Organisation("91331021MA2K7XQ8BQ".into()))
        );
        assert_eq!(
            ApplicantId::Person("１１０１０５　１９４９１２３１　００２ｘ".into())
                .normalised(today()),
            Ok(ApplicantId::Person("11010519491231002X".into()))
        );
        // A full-width letter outside the alphabet is still refused.
        assert_eq!(
            check_credit_code("９１３５０１００Ｉ０００１００Ｙ４３"),
            Err(IdError::Character)
        );
    }

    #[test]
    fn a_birth_date_after_today_is_refused_with_its_own_reason() {
        let born_today = with_check_character("33102120261127001");
        let born_tomorrow = with_check_character("33102120261128001");
        assert_eq!(
            check_resident_id(&born_today, today()),
            Ok(born_today.clone())
        );
        assert_eq!(
            check_resident_id(&born_tomorrow, today()),
            Err(IdError::BirthDateFuture)
        );
        assert_eq!(
            check_resident_id(&with_check_character("33102120991231001"), today()),
            Err(IdError::BirthDateFuture)
        );
        // The same number is fine once its day has come: the caller's day decides.
        assert!(check_resident_id(&born_tomorrow, today().next()).is_ok());
        assert_eq!(
            ApplicantId::Person(born_tomorrow.clone()).normalised(today()),
            Err(IdError::BirthDateFuture)
        );
        // Dates that never exist stay a different reason, whatever the day.
        for first in [
            "33102119990230001",
            "33102120261301001",
            "33102120261100001",
            "33102118991231001",
        ] {
            assert_eq!(
                check_resident_id(&with_check_character(first), today()),
                Err(IdError::BirthDate),
                "{first}"
            );
        }
        assert_eq!(IdError::BirthDateFuture.code(), "id_birth_date_future");
        assert_eq!(
            IdError::BirthDateFuture.message(IdKind::Person, Lang::ZhCn),
            "身份证号中的出生日期晚于今天，请核对是否输错"
        );
        assert_eq!(
            IdError::BirthDateFuture.message(IdKind::Person, Lang::En),
            "ID number contains a birth date after today; check for a typing error"
        );
    }

    #[test]
    fn every_reason_has_its_own_code_and_both_languages() {
        let errors = [
            IdError::Length,
            IdError::Character,
            IdError::BirthDate,
            IdError::BirthDateFuture,
            IdError::CheckCharacter,
        ];
        let codes: std::collections::HashSet<&str> = errors.iter().map(IdError::code).collect();
        assert_eq!(codes.len(), errors.len());
        for error in &errors {
            for kind in [IdKind::Person, IdKind::Organisation] {
                let zh = error.message(kind, Lang::ZhCn);
                let en = error.message(kind, Lang::En);
                assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{zh}"
                );
                assert!(en.is_ascii(), "{en}");
            }
        }
    }

    #[test]
    fn a_huge_input_gets_a_short_message() {
        let huge = "9".repeat(10_000);
        let wide = "９".repeat(10_000);
        for text in [&huge, &wide] {
            let person = check_resident_id(text, today()).unwrap_err();
            let organisation = check_credit_code(text).unwrap_err();
            assert_eq!(
                (&person, &organisation),
                (&IdError::Length, &IdError::Length)
            );
            for lang in [Lang::ZhCn, Lang::En] {
                assert!(person.message(IdKind::Person, lang).chars().count() < 100);
                assert!(
                    organisation
                        .message(IdKind::Organisation, lang)
                        .chars()
                        .count()
                        < 100
                );
            }
        }
    }

    /// A valid resident ID number born between 1900 and the test day.
    fn resident_id() -> impl Strategy<Value = String> {
        (
            "[1-6][0-9]{5}",
            1900i64..2026,
            1u32..=12,
            1u32..=28,
            "[0-9]{3}",
        )
            .prop_map(|(region, year, month, day, sequence)| {
                with_check_character(&format!("{region}{year:04}{month:02}{day:02}{sequence}"))
            })
    }

    proptest! {
        #[test]
        fn checking_never_panics(text in prop_oneof![any::<String>(), "[0-9xX０-９ｘ \u{3000}]{0,24}"]) {
            if let Ok(id) = check_resident_id(&text, today()) {
                prop_assert_eq!(id.len(), 18);
                prop_assert_eq!(check_resident_id(&id, today()), Ok(id.clone()));
            }
            if let Ok(code) = check_credit_code(&text) {
                prop_assert_eq!(code.len(), 18);
                prop_assert_eq!(check_credit_code(&code), Ok(code.clone()));
            }
        }

        #[test]
        fn a_valid_id_reads_the_same_however_it_is_typed(id in resident_id(), styles in prop::collection::vec(any::<u8>(), 1..18)) {
            prop_assert_eq!(check_resident_id(&id, today()), Ok(id.clone()));
            prop_assert_eq!(check_resident_id(&as_typed(&id, &styles), today()), Ok(id));
        }
    }
}
