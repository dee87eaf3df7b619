//! The one CJK font the drawings use, cut down once per process to the characters the
//! generator can write, and embedded as a CID font with a ToUnicode map.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;

use crate::DrawingError;
use crate::text::alphabet;

/// File name of the font, shared with the print crate's bundled fonts.
const FONT_FILE: &str = "NotoSerifCJKsc-Regular.otf";

/// Environment variable naming a folder holding [`FONT_FILE`] (overrides the default).
pub const FONT_DIR_ENV: &str = "ONETRIP_FONT_DIR";

/// PostScript name written into the PDF, with a fixed subset tag.
const BASE_FONT: &[u8] = b"ONETRP+NotoSerifCJKsc-Regular";

/// The subset font: its CFF outlines and, per character, the code to write and the advance.
#[derive(Debug)]
pub struct SubsetFont {
    cff: Vec<u8>,
    glyphs: HashMap<char, (u16, f32)>,
    ascender: f32,
    descender: f32,
    cap_height: f32,
    bbox: [f32; 4],
}

fn font_path() -> PathBuf {
    match std::env::var_os(FONT_DIR_ENV) {
        Some(dir) => PathBuf::from(dir).join(FONT_FILE),
        None => {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../print/fonts")).join(FONT_FILE)
        }
    }
}

/// The subset font, built on first use.
pub fn subset_font() -> Result<Arc<SubsetFont>, DrawingError> {
    static FONT: OnceLock<Result<Arc<SubsetFont>, String>> = OnceLock::new();
    FONT.get_or_init(|| build().map(Arc::new))
        .clone()
        .map_err(DrawingError::Font)
}

fn build() -> Result<SubsetFont, String> {
    let path = font_path();
    let data = std::fs::read(&path).map_err(|err| format!("{}: {err}", path.display()))?;
    let face = ttf_parser::Face::parse(&data, 0).map_err(|err| format!("cannot parse: {err}"))?;
    let scale = 1000.0 / f32::from(face.units_per_em());
    let mut remapper = GlyphRemapper::new();
    let mut glyphs = HashMap::new();
    for ch in alphabet() {
        let Some(gid) = face.glyph_index(ch).filter(|gid| gid.0 != 0) else {
            return Err(format!("the font has no glyph for {ch:?}"));
        };
        let advance = face
            .glyph_hor_advance(gid)
            .map_or(1000.0, |a| f32::from(a) * scale);
        glyphs.insert(ch, (remapper.remap(gid.0), advance));
    }
    let subset =
        subsetter::subset(&data, 0, &remapper).map_err(|err| format!("cannot subset: {err}"))?;
    let raw = ttf_parser::RawFace::parse(&subset, 0).map_err(|err| format!("subset: {err}"))?;
    let cff = raw
        .table(ttf_parser::Tag::from_bytes(b"CFF "))
        .ok_or("the subset has no CFF table")?
        .to_vec();
    let bbox = face.global_bounding_box();
    Ok(SubsetFont {
        cff,
        glyphs,
        ascender: f32::from(face.ascender()) * scale,
        descender: f32::from(face.descender()) * scale,
        cap_height: face
            .capital_height()
            .map_or(700.0, |h| f32::from(h) * scale),
        bbox: [
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ],
    })
}

impl SubsetFont {
    /// The codes (Identity-H, two bytes each) for a text; characters outside the alphabet are
    /// a programming error of the generator and are refused.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, DrawingError> {
        let mut codes = Vec::with_capacity(text.len() * 2);
        for ch in text.chars() {
            let (gid, _) = self
                .glyphs
                .get(&ch)
                .ok_or_else(|| DrawingError::Font(format!("{ch:?} is not in the alphabet")))?;
            codes.extend_from_slice(&gid.to_be_bytes());
        }
        Ok(codes)
    }

    /// Width of a text in thousandths of the font size.
    pub fn width(&self, text: &str) -> f32 {
        text.chars()
            .map(|ch| self.glyphs.get(&ch).map_or(1000.0, |(_, advance)| *advance))
            .sum()
    }

    /// Writes the Type0 font dictionary at `font_ref` and what it refers to.
    pub fn write(&self, pdf: &mut Pdf, font_ref: Ref, next_id: &mut i32) {
        let mut next = || take(next_id);
        let cid_ref = next();
        let descriptor_ref = next();
        let file_ref = next();
        let cmap_ref = next();
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(font_ref)
            .base_font(Name(BASE_FONT))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(cmap_ref);
        let mut by_gid: Vec<(u16, char, f32)> = self
            .glyphs
            .iter()
            .map(|(ch, (gid, advance))| (*gid, *ch, *advance))
            .collect();
        by_gid.sort_by_key(|(gid, _, _)| *gid);
        let mut cid = pdf.cid_font(cid_ref);
        cid.subtype(CidFontType::Type0)
            .base_font(Name(BASE_FONT))
            .system_info(system_info)
            .font_descriptor(descriptor_ref)
            .default_width(1000.0);
        {
            let mut widths = cid.widths();
            for (gid, _, advance) in &by_gid {
                widths.consecutive(*gid, [*advance]);
            }
        }
        cid.finish();
        let [x0, y0, x1, y1] = self.bbox;
        pdf.font_descriptor(descriptor_ref)
            .name(Name(BASE_FONT))
            .flags(FontFlags::SYMBOLIC | FontFlags::SERIF)
            .bbox(Rect::new(x0, y0, x1, y1))
            .italic_angle(0.0)
            .ascent(self.ascender)
            .descent(self.descender)
            .cap_height(self.cap_height)
            .stem_v(80.0)
            .font_file3(file_ref);
        pdf.stream(file_ref, &crate::deflate(&self.cff))
            .filter(Filter::FlateDecode)
            .pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        let mut cmap = UnicodeCmap::new(Name(b"OneTrip-UCS"), system_info);
        for (gid, ch, _) in &by_gid {
            cmap.pair(*gid, *ch);
        }
        pdf.stream(cmap_ref, &crate::deflate(&cmap.finish()))
            .filter(Filter::FlateDecode);
    }
}

/// Writes a Type0 font that names a system font (宋体) and embeds nothing: no FontFile, no
/// ToUnicode; its codes are UCS-2 (`UniGB-UCS2-H`), as some CAD exports write them.
pub fn write_unembedded(pdf: &mut Pdf, font_ref: Ref, next_id: &mut i32) {
    let mut next = || take(next_id);
    let cid_ref = next();
    let descriptor_ref = next();
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"GB1"),
        supplement: 5,
    };
    pdf.type0_font(font_ref)
        .base_font(Name(b"SimSun"))
        .encoding_predefined(Name(b"UniGB-UCS2-H"))
        .descendant_font(cid_ref);
    pdf.cid_font(cid_ref)
        .subtype(CidFontType::Type0)
        .base_font(Name(b"SimSun"))
        .system_info(system_info)
        .font_descriptor(descriptor_ref)
        .default_width(1000.0);
    pdf.font_descriptor(descriptor_ref)
        .name(Name(b"SimSun"))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(0.0, -141.0, 1000.0, 859.0))
        .italic_angle(0.0)
        .ascent(859.0)
        .descent(-141.0)
        .cap_height(700.0)
        .stem_v(80.0);
}

/// The next free object id.
fn take(next_id: &mut i32) -> Ref {
    *next_id += 1;
    Ref::new(*next_id - 1)
}

/// UCS-2 big-endian codes for [`write_unembedded`].
pub fn encode_ucs2(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}
