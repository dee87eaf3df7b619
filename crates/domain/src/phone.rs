//! Mainland mobile numbers (手机号), as applicants give them for a text message or to check an
//! appointment in.

use crate::Lang;
use crate::input::normalise_code;

/// Why a mobile number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("phone_number")]
pub struct PhoneError;

impl PhoneError {
    /// The reason in the applicant's or clerk's language.
    pub fn message(&self, lang: Lang) -> String {
        lang.pick(
            "手机号应为 1 开头的 11 位数字".into(),
            "The phone number must be 11 digits starting with 1".into(),
        )
    }

    /// A stable code for the reason.
    pub fn code(&self) -> &'static str {
        "phone_number"
    }
}

/// Checks a mobile number; returns its 11 digits. Accepts it as people write it: in
/// full-width digits, in groups separated by spaces or hyphens (`138 1234 5678`,
/// `138-1234-5678`), and with the country code `+86` or `0086` in front.
pub fn check_mobile_number(text: &str) -> Result<String, PhoneError> {
    let typed: String = normalise_code(text).chars().filter(|c| *c != '-').collect();
    let national = typed
        .strip_prefix("+86")
        .or_else(|| typed.strip_prefix("0086"))
        .unwrap_or(&typed);
    let digits = national.len() == 11 && national.bytes().all(|b| b.is_ascii_digit());
    if digits && national.starts_with('1') {
        Ok(national.to_owned())
    } else {
        Err(PhoneError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mobile_numbers_are_read_as_people_write_them() {
        for typed in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "１３８\u{3000}１２３４\u{3000}５６７８",
            "１３８－１２３４－５６７８",
            "+86 138 1234 5678",
            "＋８６１３８１２３４５６７８",
            "0086-13812345678",
            "\t13812345678 ",
        ] {
            assert_eq!(
                check_mobile_number(typed),
                Ok("13812345678".into()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn other_numbers_are_refused_without_quoting_them() {
        for typed in [
            "",
            "23812345678",
            "1381234567",
            "138123456789",
            "1381234567X",
            "0576-87221234",
            "+1 138 1234 5678",
            "８６",
        ] {
            assert_eq!(check_mobile_number(typed), Err(PhoneError), "{typed:?}");
        }
        let long = "1".repeat(10_000);
        assert_eq!(check_mobile_number(&long), Err(PhoneError));
        assert_eq!(
            PhoneError.message(Lang::ZhCn),
            "手机号应为 1 开头的 11 位数字"
        );
        assert_eq!(
            PhoneError.message(Lang::En),
            "The phone number must be 11 digits starting with 1"
        );
    }

    proptest! {
        #[test]
        fn checking_never_panics_and_accepts_only_eleven_digits(text in any::<String>()) {
            if let Ok(number) = check_mobile_number(&text) {
                prop_assert_eq!(number.len(), 11);
                prop_assert!(number.starts_with('1'));
                prop_assert_eq!(check_mobile_number(&number), Ok(number.clone()));
            }
        }

        #[test]
        fn spacing_and_width_do_not_change_the_number(rest in "[0-9]{10}", gaps in prop::collection::vec(0usize..3, 11)) {
            let number = format!("1{rest}");
            let typed: String = number
                .chars()
                .zip(&gaps)
                .map(|(c, gap)| match gap {
                    0 => c.to_string(),
                    1 => format!("{c} "),
                    _ => format!("{}\u{3000}", char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c)),
                })
                .collect();
            prop_assert_eq!(check_mobile_number(&typed), Ok(number));
        }
    }
}
