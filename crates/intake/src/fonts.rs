//! What the text reader needs of a font: how its strings split into codes, what text and
//! width each code has, and whether the font program is embedded.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use crate::cmap::ToUnicode;
use crate::pdf::{deref, dict_of, name_of, number};

/// The font names that readers are expected to supply (the standard 14), which a file
/// need not embed.
const STANDARD_FONTS: [&[u8]; 14] = [
    b"Times-Roman",
    b"Times-Bold",
    b"Times-Italic",
    b"Times-BoldItalic",
    b"Helvetica",
    b"Helvetica-Bold",
    b"Helvetica-Oblique",
    b"Helvetica-BoldOblique",
    b"Courier",
    b"Courier-Bold",
    b"Courier-Oblique",
    b"Courier-BoldOblique",
    b"Symbol",
    b"ZapfDingbats",
];

/// Most bytes of a ToUnicode stream that are read.
const MAX_CMAP_BYTES: usize = 4 << 20;

/// How codes become text when the font has no ToUnicode map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    /// A single-byte font: Latin-1 is close enough for the ASCII of sheet numbers.
    Latin1,
    /// Codes that are UCS-2 / UTF-16 units (`UniGB-UCS2-H`, `UniGB-UTF16-H`).
    Utf16,
    /// Codes that are glyph or CID numbers: no text without a map.
    None,
}

/// A font as the text reader uses it.
#[derive(Debug, Clone)]
pub struct FontInfo {
    /// The `/BaseFont` name, for warnings.
    pub name: String,
    pub embedded: bool,
    code_bytes: usize,
    to_unicode: Option<ToUnicode>,
    fallback: Fallback,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl FontInfo {
    /// Reads a font dictionary.
    pub fn read(doc: &Document, font: &Dictionary) -> FontInfo {
        let subtype = font
            .get(b"Subtype")
            .ok()
            .and_then(name_of)
            .unwrap_or_default();
        let name = font
            .get(b"BaseFont")
            .ok()
            .and_then(|o| name_of(deref(doc, o)))
            .unwrap_or_default();
        let to_unicode = font
            .get(b"ToUnicode")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.get_plain_content_with_limit(MAX_CMAP_BYTES).ok())
            .map(|data| ToUnicode::parse(&data));
        let mut widths = HashMap::new();
        let (code_bytes, fallback, default_width, embedded) = if subtype == b"Type0" {
            let encoding = font
                .get(b"Encoding")
                .ok()
                .and_then(|o| name_of(deref(doc, o)))
                .unwrap_or_default();
            let encoding = String::from_utf8_lossy(&encoding).into_owned();
            let fallback = if encoding.contains("UCS2") || encoding.contains("UTF16") {
                Fallback::Utf16
            } else {
                Fallback::None
            };
            let descendant = font
                .get(b"DescendantFonts")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| dict_of(doc, o));
            let mut default_width = 1000.0;
            let mut embedded = false;
            if let Some(cid) = descendant {
                default_width = cid.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
                if let Some(w) = cid
                    .get(b"W")
                    .ok()
                    .map(|o| deref(doc, o))
                    .and_then(|o| o.as_array().ok())
                {
                    read_cid_widths(doc, w, &mut widths);
                }
                embedded = has_font_file(doc, cid);
            }
            (2, fallback, default_width, embedded)
        } else {
            let first = font.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
            if let Some(w) = font
                .get(b"Widths")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
            {
                for (i, width) in w.iter().take(256).enumerate() {
                    if let Some(width) = number(deref(doc, width)) {
                        widths.insert(first + i as u32, width);
                    }
                }
            }
            let standard =
                font.get(b"FontDescriptor").is_err() && STANDARD_FONTS.contains(&name.as_slice());
            let embedded = subtype == b"Type3" || standard || has_font_file(doc, font);
            (1, Fallback::Latin1, 500.0, embedded)
        };
        let code_bytes = match to_unicode.as_ref().map(|m| m.code_bytes) {
            Some(bytes @ 1..=2) if subtype != b"Type0" => bytes,
            _ => code_bytes,
        };
        FontInfo {
            name: String::from_utf8_lossy(&name).into_owned(),
            embedded,
            code_bytes,
            to_unicode,
            fallback,
            widths,
            default_width,
        }
    }

    /// A font for strings shown with no usable font selected.
    pub fn unknown() -> FontInfo {
        FontInfo {
            name: String::new(),
            embedded: true,
            code_bytes: 1,
            to_unicode: None,
            fallback: Fallback::Latin1,
            widths: HashMap::new(),
            default_width: 500.0,
        }
    }

    /// Splits a shown string into its codes, each as (its text, possibly empty; its width in
    /// thousandths of an em; whether it is the single-byte space that word spacing applies to).
    pub fn decode<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = (String, f32, bool)> + 'a {
        bytes.chunks(self.code_bytes).map(move |chunk| {
            let code = chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b));
            let text = self
                .to_unicode
                .as_ref()
                .and_then(|m| m.get(code))
                .or_else(|| match self.fallback {
                    Fallback::Latin1 => char::from_u32(code).map(String::from),
                    Fallback::Utf16 => char::from_u32(code).map(String::from),
                    Fallback::None => None,
                })
                .unwrap_or_default();
            let width = self
                .widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width);
            (text, width, self.code_bytes == 1 && code == 32)
        })
    }
}

fn has_font_file(doc: &Document, font: &Dictionary) -> bool {
    font.get(b"FontDescriptor")
        .ok()
        .and_then(|o| dict_of(doc, o))
        .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"))
}

/// `/W` of a CID font: `c [w1 w2 …]` or `c_first c_last w`.
fn read_cid_widths(doc: &Document, w: &[Object], widths: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() && widths.len() < 70_000 {
        let Some(first) = number(deref(doc, &w[i])) else {
            return;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, width) in list.iter().take(70_000).enumerate() {
                    if let Some(width) = number(deref(doc, width)) {
                        widths.insert(first + k as u32, width);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(width)) = (
                    number(last),
                    w.get(i + 2).and_then(|o| number(deref(doc, o))),
                ) else {
                    return;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(70_000));
                for code in first..=last {
                    widths.insert(code, width);
                }
                i += 3;
            }
            None => return,
        }
    }
}
