//! The font of labels and text markups: `STSong-Light`, a standard Adobe-GB1 CID font, not
//! embedded, its codes UCS-2 (`UniGB-UCS2-H`), so that any Chinese text can be written without
//! shipping or subsetting a font.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

/// The name under which the font is entered in the resources we write.
pub const RESOURCE_NAME: &[u8] = b"OneTripCJK";
/// Ascent and descent as fractions of the font size, as the font descriptor declares them.
pub const ASCENT: f32 = 0.88;
pub const DESCENT: f32 = 0.12;
/// Widths as the font dictionary declares them (`/W [1 95 500]`, `/DW 1000`), in ems.
const ASCII_WIDTH: f32 = 0.5;
const WIDE_WIDTH: f32 = 1.0;

/// The UCS-2 code written for `c`: controls become spaces, characters beyond the Basic
/// Multilingual Plane, which UCS-2 cannot express, become `?`.
fn code(c: char) -> u16 {
    match u16::try_from(u32::from(c)) {
        Ok(code) if code < 0x20 => 0x20,
        Ok(code) => code,
        Err(_) => u16::from(b'?'),
    }
}

/// How wide `c` is drawn, in ems.
pub fn char_width(c: char) -> f32 {
    match code(c) {
        0x20..=0x7e => ASCII_WIDTH,
        _ => WIDE_WIDTH,
    }
}

/// How wide `text` is drawn at `size`.
pub fn width(text: &str, size: f32) -> f32 {
    text.chars().map(char_width).sum::<f32>() * size
}

/// The bytes that show `text` in this font.
pub fn encode(text: &str) -> Vec<u8> {
    text.chars().flat_map(|c| code(c).to_be_bytes()).collect()
}

fn literal(text: &str) -> Object {
    Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
}

/// Adds the font to `doc` once; every page and appearance stream refers to it.
pub fn add(doc: &mut Document) -> ObjectId {
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", Object::Name(b"FontDescriptor".to_vec()));
    descriptor.set("FontName", Object::Name(b"STSong-Light".to_vec()));
    descriptor.set("Flags", 6);
    descriptor.set(
        "FontBBox",
        vec![
            Object::from(-25),
            Object::from(-254),
            Object::from(1000),
            Object::from(880),
        ],
    );
    descriptor.set("ItalicAngle", 0);
    descriptor.set("Ascent", 880);
    descriptor.set("Descent", -120);
    descriptor.set("CapHeight", 880);
    descriptor.set("StemV", 93);
    let descriptor = doc.add_object(descriptor);

    let mut system_info = Dictionary::new();
    system_info.set("Registry", literal("Adobe"));
    system_info.set("Ordering", literal("GB1"));
    system_info.set("Supplement", 2);

    let mut cid_font = Dictionary::new();
    cid_font.set("Type", Object::Name(b"Font".to_vec()));
    cid_font.set("Subtype", Object::Name(b"CIDFontType0".to_vec()));
    cid_font.set("BaseFont", Object::Name(b"STSong-Light".to_vec()));
    cid_font.set("CIDSystemInfo", system_info);
    cid_font.set("FontDescriptor", descriptor);
    cid_font.set("DW", 1000);
    // UniGB-UCS2-H maps U+0020..U+007E to CIDs 1..95, the proportional Latin glyphs.
    cid_font.set(
        "W",
        vec![Object::from(1), Object::from(95), Object::from(500)],
    );
    let cid_font = doc.add_object(cid_font);

    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), to_unicode_cmap()));

    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Subtype", Object::Name(b"Type0".to_vec()));
    font.set("BaseFont", Object::Name(b"STSong-Light".to_vec()));
    font.set("Encoding", Object::Name(b"UniGB-UCS2-H".to_vec()));
    font.set("DescendantFonts", vec![Object::Reference(cid_font)]);
    font.set("ToUnicode", to_unicode);
    doc.add_object(font)
}

/// A `/ToUnicode` map for UCS-2 codes: every code stands for itself. Viewers could work this
/// out from the CMap's name, but only with Adobe's CMap files at hand; the map spares them.
fn to_unicode_cmap() -> Vec<u8> {
    let rows: Vec<u32> = (0u32..=0xff)
        .filter(|row| !(0xd8..=0xdf).contains(row))
        .collect();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /OneTrip-UCS2-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // At most 100 entries per block, as the CMap format requires.
    for block in rows.chunks(100) {
        cmap.push_str(&format!("{} beginbfrange\n", block.len()));
        for row in block {
            cmap.push_str(&format!("<{row:02X}00> <{row:02X}FF> <{row:02X}00>\n"));
        }
        cmap.push_str("endbfrange\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_ucs2_and_ascii_is_half_width() {
        assert_eq!(encode("结-R"), vec![0x7e, 0xd3, 0x00, 0x2d, 0x00, 0x52]);
        assert_eq!(encode("𠀀\t"), vec![0x00, b'?', 0x00, 0x20]);
        assert!((width("结-R1", 10.0) - 25.0).abs() < 1e-4);
    }

    #[test]
    fn the_unicode_map_keeps_to_the_block_limit() {
        let cmap = String::from_utf8(to_unicode_cmap()).unwrap();
        assert!(cmap.contains("100 beginbfrange") && cmap.contains("48 beginbfrange"));
        assert!(!cmap.contains("<D800>"));
        assert!(cmap.contains("<7E00> <7EFF> <7E00>"));
    }
}
