//! Text as people type it into code fields, made canonical, and how much of it a message may
//! quote back.
//!
//! Every code parser — resident ID, unified social credit code, mobile number, and the
//! permit and sheet numbers to come — starts from [`normalise_code`], so that what a Chinese
//! input method produces (full-width digits and letters, the ideographic space, stray spaces
//! between groups) is read the same way in every field.

/// The most characters of what was sent that an error message quotes back.
pub const MAX_ECHO_CHARS: usize = 80;

/// What was typed into a code field, in its canonical form:
///
/// - full-width ASCII (U+FF01–FF5E: `９１３３`, `ＡＢ`, `ｘ`, `－`) becomes ASCII;
/// - hyphen and dash look-alikes (‐ ‑ ‒ – — ― − ﹣) become `-`;
/// - whitespace anywhere (spaces, tabs, no-break and ideographic spaces U+3000) and
///   invisible format characters pasted along with text (zero-width space, BOM) are removed;
/// - ASCII letters become capitals, since every code here is written in capitals.
///
/// Anything else, such as the Chinese characters of a permit or sheet number, is kept as it
/// is. Normalising twice gives the same text as normalising once.
pub fn normalise_code(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let c = match c {
                // Full-width forms of ASCII sit at a fixed distance from it.
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
                _ => c,
            };
            let invisible = matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
            );
            (!c.is_whitespace() && !invisible).then_some(c.to_ascii_uppercase())
        })
        .collect()
}

/// What was sent, shortened for quoting in a message: at most [`MAX_ECHO_CHARS`] characters,
/// the last of them `…` when something was cut. Cuts between characters, never inside one.
pub fn echo(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHO_CHARS) {
        None => text.to_owned(),
        Some(_) => {
            let keep = text
                .char_indices()
                .nth(MAX_ECHO_CHARS - 1)
                .map_or(text.len(), |(at, _)| at);
            format!("{}…", &text[..keep])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn full_width_and_spaced_input_becomes_plain_capitals() {
        assert_eq!(
            normalise_code("９１３５０１００ｍ０００１００ｙ４３"),
            "91350100M000100Y43"
        );
        assert_eq!(normalise_code("ＡＢＣ　ｘｙｚ"), "ABCXYZ");
        assert_eq!(normalise_code(" 138 1234\t5678\n"), "13812345678");
        assert_eq!(
            normalise_code("3310\u{3000}2119\u{00A0}8001"),
            "331021198001"
        );
        assert_eq!(normalise_code("\u{FEFF}1101\u{200B}05"), "110105");
        // Hyphens stay hyphens (sheet numbers need them), whatever width they were typed in.
        assert_eq!(normalise_code("建施－０３"), "建施-03");
        assert_eq!(normalise_code("结施–12"), "结施-12");
        assert_eq!(
            normalise_code("玉排许字〔2026〕第0001号"),
            "玉排许字〔2026〕第0001号"
        );
        assert_eq!(normalise_code(""), "");
    }

    #[test]
    fn echoes_are_cut_at_eighty_characters_with_an_ellipsis() {
        assert_eq!(echo("A"), "A");
        let exact = "长".repeat(MAX_ECHO_CHARS);
        assert_eq!(echo(&exact), exact);
        let long = "长".repeat(10_000);
        let cut = echo(&long);
        assert_eq!(cut.chars().count(), MAX_ECHO_CHARS);
        assert!(cut.ends_with('…'));
        assert!(cut.starts_with("长长长"));
        // A character outside the basic plane (𠮷, four bytes) is never split.
        let rare = "𠮷".repeat(200);
        assert_eq!(echo(&rare).chars().filter(|c| *c == '𠮷').count(), 79);
    }

    /// Arbitrary text, and text made of what input methods and pasting produce.
    fn typed_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[0-9a-zA-Z\u{FF01}-\u{FF5E}\u{3000}\u{2010}-\u{2015}\u{200B}\u{FEFF} \t建施-]{0,40}",
        ]
    }

    proptest! {
        #[test]
        fn normalising_is_idempotent(text in typed_text()) {
            let once = normalise_code(&text);
            prop_assert_eq!(normalise_code(&once), once.clone());
            prop_assert!(!once.chars().any(char::is_whitespace));
        }

        #[test]
        fn full_width_text_normalises_like_its_ascii(text in "[0-9A-Za-z ]{0,30}") {
            let wide: String = text
                .chars()
                .map(|c| if c == ' ' { '\u{3000}' } else { char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c) })
                .collect();
            prop_assert_eq!(normalise_code(&wide), normalise_code(&text));
        }

        #[test]
        fn echoes_are_short_prefixes(text in ".{0,200}") {
            let cut = echo(&text);
            prop_assert!(cut.chars().count() <= MAX_ECHO_CHARS);
            let kept = cut.strip_suffix('…').filter(|_| cut != text).unwrap_or(&cut);
            prop_assert!(text.starts_with(kept));
        }
    }
}
