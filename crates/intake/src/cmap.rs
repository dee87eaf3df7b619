//! ToUnicode CMaps: the `bfchar` and `bfrange` sections that map a font's codes to text.

use std::collections::HashMap;

/// A parsed ToUnicode map.
#[derive(Debug, Default, Clone)]
pub struct ToUnicode {
    singles: HashMap<u32, String>,
    /// `lo..=hi` maps to `base` with its last UTF-16 unit advanced by `code - lo`.
    ranges: Vec<(u32, u32, Vec<u16>)>,
    /// `lo..=hi` maps code by code to the listed texts.
    lists: Vec<(u32, u32, Vec<String>)>,
    /// Byte length of the codes, from `begincodespacerange` (1 or 2); 0 when unstated.
    pub code_bytes: usize,
}

/// Most entries a map may have: a crafted map must not grow without bound.
const MAX_ENTRIES: usize = 200_000;

#[derive(Debug, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(String),
}

fn tokens(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() && out.len() < MAX_ENTRIES * 4 {
        match data[i] {
            b'<' if data.get(i + 1) != Some(&b'<') => {
                let end = data[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(data.len(), |p| i + p);
                let digits: Vec<u8> = data[i + 1..end]
                    .iter()
                    .filter_map(|&b| char::from(b).to_digit(16))
                    .map(|d| d as u8)
                    .collect();
                let bytes = digits
                    .chunks(2)
                    .map(|pair| pair[0] << 4 | pair.get(1).copied().unwrap_or(0))
                    .collect();
                out.push(Token::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                out.push(Token::Open);
                i += 1;
            }
            b']' => {
                out.push(Token::Close);
                i += 1;
            }
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !b"<>[]%".contains(&data[i])
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                } else {
                    out.push(Token::Word(
                        String::from_utf8_lossy(&data[start..i]).into_owned(),
                    ));
                }
            }
        }
    }
    out
}

fn code(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0, |acc, &b| acc << 8 | u32::from(b))
}

fn utf16(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|pair| u16::from(pair[0]) << 8 | u16::from(pair.get(1).copied().unwrap_or(0)))
        .collect()
}

fn text(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect()
}

impl ToUnicode {
    pub fn parse(data: &[u8]) -> Self {
        let tokens = tokens(data);
        let mut map = ToUnicode::default();
        let mut i = 0;
        let mut entries = 0usize;
        while i < tokens.len() && entries < MAX_ENTRIES {
            match &tokens[i] {
                Token::Word(w) if w == "begincodespacerange" => {
                    if let Some(Token::Hex(lo)) = tokens.get(i + 1) {
                        map.code_bytes = map.code_bytes.max(lo.len());
                    }
                    i += 1;
                }
                Token::Word(w) if w == "beginbfchar" => {
                    i += 1;
                    while let (Some(Token::Hex(src)), Some(Token::Hex(dst))) =
                        (tokens.get(i), tokens.get(i + 1))
                    {
                        map.singles.insert(code(src), text(&utf16(dst)));
                        entries += 1;
                        i += 2;
                    }
                }
                Token::Word(w) if w == "beginbfrange" => {
                    i += 1;
                    while let (Some(Token::Hex(lo)), Some(Token::Hex(hi))) =
                        (tokens.get(i), tokens.get(i + 1))
                    {
                        let (lo, hi) = (code(lo), code(hi));
                        match tokens.get(i + 2) {
                            Some(Token::Hex(dst)) => {
                                if lo <= hi {
                                    map.ranges.push((lo, hi, utf16(dst)));
                                }
                                i += 3;
                            }
                            Some(Token::Open) => {
                                let mut list = Vec::new();
                                i += 3;
                                while let Some(Token::Hex(dst)) = tokens.get(i) {
                                    list.push(text(&utf16(dst)));
                                    i += 1;
                                }
                                if tokens.get(i) == Some(&Token::Close) {
                                    i += 1;
                                }
                                if lo <= hi {
                                    map.lists.push((lo, hi, list));
                                }
                            }
                            _ => break,
                        }
                        entries += 1;
                    }
                }
                _ => i += 1,
            }
        }
        map
    }

    /// The text of a code, when the map has it.
    pub fn get(&self, code: u32) -> Option<String> {
        if let Some(text) = self.singles.get(&code) {
            return Some(text.clone());
        }
        for (lo, hi, base) in &self.ranges {
            if (*lo..=*hi).contains(&code) {
                let mut units = base.clone();
                let offset = u16::try_from(code - lo).ok()?;
                if let Some(last) = units.last_mut() {
                    *last = last.wrapping_add(offset);
                }
                return Some(text(&units));
            }
        }
        for (lo, hi, list) in &self.lists {
            if (*lo..=*hi).contains(&code) {
                return list.get(usize::try_from(code - lo).ok()?).cloned();
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_and_both_bfrange_forms_are_read() {
        let map = ToUnicode::parse(
            b"/CIDInit /ProcSet findresource begin\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0001> <5EFA> <0002> <65BD> endbfchar\n\
              2 beginbfrange <0010> <0012> <0030> <0020> <0021> [<7ED3> <D840DC00>] endbfrange\nend",
        );
        assert_eq!(map.code_bytes, 2);
        assert_eq!(map.get(1).as_deref(), Some("建"));
        assert_eq!(map.get(2).as_deref(), Some("施"));
        assert_eq!(map.get(0x11).as_deref(), Some("1"));
        assert_eq!(map.get(0x20).as_deref(), Some("结"));
        assert_eq!(map.get(0x21).as_deref(), Some("\u{20000}"));
        assert_eq!(map.get(0x99), None);
    }

    #[test]
    fn garbage_does_not_panic() {
        for data in [
            &b"beginbfrange <FFFF> <0000> <41> endbfrange"[..],
            b"<",
            b"beginbfchar <01>",
            b"[[[<<",
        ] {
            let _ = ToUnicode::parse(data).get(0);
        }
    }
}
