//! The bundled fonts, in fallback order, and the per-character glyph check.
//!
//! Every character is looked up before it is drawn: the main CJK font first, then the font
//! for rare characters (CJK Extension B). A character no bundled font has is an error
//! naming it; nothing is ever silently dropped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::PrintError;

/// One bundled font file (a face of it) and where it comes from.
#[derive(Debug, Clone)]
pub struct FontSource {
    /// File name inside the font folder.
    pub file: &'static str,
    /// Face index inside a collection (`.ttc`), else 0.
    pub index: u32,
    /// PostScript-style name written into PDFs (without the subset tag).
    pub pdf_name: &'static str,
}

/// The bundled fonts in fallback order: Noto Serif CJK SC for everything common (it also
/// covers CJK Extension A and about 2,000 Extension B characters), then the Hanazono Mincho
/// cut for the rest of Extension B (rare name characters).
pub const BUNDLED_FONTS: [FontSource; 2] = [
    FontSource {
        file: "NotoSerifCJKsc-Regular.otf",
        index: 0,
        pdf_name: "NotoSerifCJKsc-Regular",
    },
    FontSource {
        file: "HanaMinB-ExtB.ttf",
        index: 0,
        pdf_name: "HanaMinB-ExtB",
    },
];

/// Whether the outlines are CFF (embedded as `CIDFontType0C`) or TrueType (`FontFile2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlines {
    Cff,
    TrueType,
}

/// A loaded font face with the metrics a PDF font descriptor needs.
#[derive(Debug)]
pub struct FontFace {
    pub data: Vec<u8>,
    pub index: u32,
    pub pdf_name: String,
    pub outlines: Outlines,
    pub units_per_em: f32,
    pub ascender: f32,
    pub descender: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
}

impl FontFace {
    /// Parses a font file and checks that it can be embedded.
    pub fn from_bytes(data: Vec<u8>, index: u32, pdf_name: &str) -> Result<Self, PrintError> {
        let font_error = |message: String| PrintError::Font {
            font: pdf_name.to_owned(),
            message,
        };
        let face = ttf_parser::Face::parse(&data, index)
            .map_err(|err| font_error(format!("cannot parse: {err}")))?;
        let raw = face.raw_face();
        let outlines = if raw.table(ttf_parser::Tag::from_bytes(b"CFF ")).is_some() {
            Outlines::Cff
        } else if raw.table(ttf_parser::Tag::from_bytes(b"glyf")).is_some() {
            Outlines::TrueType
        } else {
            return Err(font_error("neither CFF nor TrueType outlines".into()));
        };
        let upem = f32::from(face.units_per_em());
        let scale = 1000.0 / upem;
        let bbox = face.global_bounding_box();
        let ascender = f32::from(face.ascender()) * scale;
        let descender = f32::from(face.descender()) * scale;
        let cap_height = face
            .capital_height()
            .map(|h| f32::from(h) * scale)
            .unwrap_or(ascender);
        let bbox = [
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ];
        Ok(Self {
            data,
            index,
            pdf_name: pdf_name.to_owned(),
            outlines,
            units_per_em: upem,
            ascender,
            descender,
            cap_height,
            bbox,
        })
    }

    fn parse(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, self.index).ok()
    }
}

/// A glyph found for a character: which font of the set, its glyph id there, and its advance
/// in thousandths of an em (PDF text space units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub font: usize,
    pub gid: u16,
    pub advance: f32,
}

struct Slot {
    path: PathBuf,
    source: FontSource,
    face: OnceLock<Result<Arc<FontFace>, String>>,
}

/// The fonts a document may use, in fallback order. Fonts load on first need: a batch that
/// never meets a rare character never reads the rare-character fonts.
pub struct FontSet {
    slots: Vec<Slot>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.slots.iter().map(|slot| &slot.path))
            .finish()
    }
}

/// Environment variable naming a folder with the bundled fonts (overrides the search).
pub const FONT_DIR_ENV: &str = "ONETRIP_FONT_DIR";

impl FontSet {
    /// The bundled fonts, found in `$ONETRIP_FONT_DIR`, in a `fonts` folder beside the
    /// executable (how the desktop bundle ships them), or in this crate's `fonts` folder.
    pub fn bundled() -> Result<Self, PrintError> {
        let dir = Self::find_bundled_dir().ok_or_else(|| PrintError::Font {
            font: BUNDLED_FONTS[0].file.to_owned(),
            message: format!(
                "bundled fonts not found; set {FONT_DIR_ENV} to the folder holding them"
            ),
        })?;
        Self::from_dir(&dir)
    }

    fn find_bundled_dir() -> Option<PathBuf> {
        let has_fonts = |dir: &Path| dir.join(BUNDLED_FONTS[0].file).is_file();
        if let Some(dir) = std::env::var_os(FONT_DIR_ENV) {
            return Some(PathBuf::from(dir));
        }
        let mut candidates = Vec::new();
        if let Ok(exe) = std::env::current_exe()
            && let Some(parent) = exe.parent()
        {
            candidates.push(parent.join("fonts"));
            candidates.push(parent.join("../share/onetrip/fonts"));
            candidates.push(parent.join("../lib/onetrip/fonts"));
        }
        candidates.push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts")));
        candidates.into_iter().find(|dir| has_fonts(dir))
    }

    /// The bundled font files from a given folder.
    pub fn from_dir(dir: &Path) -> Result<Self, PrintError> {
        let slots = BUNDLED_FONTS
            .iter()
            .map(|source| Slot {
                path: dir.join(source.file),
                source: source.clone(),
                face: OnceLock::new(),
            })
            .collect::<Vec<_>>();
        if !slots[0].path.is_file() {
            return Err(PrintError::Font {
                font: slots[0].source.file.to_owned(),
                message: format!("missing from {}", dir.display()),
            });
        }
        Ok(Self { slots })
    }

    /// Number of fonts in the set.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Always false: a set has at least the main font.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The face at a position of the fallback order, loading it on first use.
    pub fn face(&self, font: usize) -> Result<Arc<FontFace>, PrintError> {
        let slot = self.slots.get(font).ok_or_else(|| PrintError::Font {
            font: format!("#{font}"),
            message: "no such font in the set".into(),
        })?;
        slot.face
            .get_or_init(|| {
                let data = std::fs::read(&slot.path)
                    .map_err(|err| format!("cannot read {}: {err}", slot.path.display()))?;
                FontFace::from_bytes(data, slot.source.index, slot.source.pdf_name)
                    .map(Arc::new)
                    .map_err(|err| err.to_string())
            })
            .clone()
            .map_err(|message| PrintError::Font {
                font: slot.source.file.to_owned(),
                message,
            })
    }

    /// Finds the glyph for a character in the first font that has it.
    /// `Ok(None)`: no bundled font has it.
    pub fn lookup(&self, ch: char) -> Result<Option<Glyph>, PrintError> {
        for font in 0..self.slots.len() {
            let face = self.face(font)?;
            let Some(parsed) = face.parse() else {
                continue;
            };
            if let Some(gid) = parsed.glyph_index(ch)
                && gid.0 != 0
            {
                let advance = parsed
                    .glyph_hor_advance(gid)
                    .map(f32::from)
                    .unwrap_or(face.units_per_em);
                return Ok(Some(Glyph {
                    font,
                    gid: gid.0,
                    advance: advance * 1000.0 / face.units_per_em,
                }));
            }
        }
        Ok(None)
    }
}

/// Characters that are layout controls, not glyphs: never drawn, never looked up.
pub fn is_control(ch: char) -> bool {
    ch.is_control() || ch == '\u{200b}' || ch == '\u{feff}'
}

/// A memo of looked-up characters, so a batch looks each character up once.
#[derive(Default)]
pub struct GlyphCache {
    known: HashMap<char, Option<Glyph>>,
}

impl GlyphCache {
    pub fn get(&mut self, fonts: &FontSet, ch: char) -> Result<Option<Glyph>, PrintError> {
        if let Some(found) = self.known.get(&ch) {
            return Ok(*found);
        }
        let found = fonts.lookup(ch)?;
        self.known.insert(ch, found);
        Ok(found)
    }
}
