//! A PDF document under construction: pages, a reusable static layer (form XObject), images
//! that belong to one page (QR codes), and fonts that are subset to the glyphs actually used
//! when the document is finished.
//!
//! Glyph ids are remapped while pages are drawn (the subset keeps the glyphs in order of first
//! use), so every page can be written as soon as it is drawn and the fonts last. Pages share
//! one resource dictionary; a page with images of its own gets its own dictionary, naming the
//! shared fonts and static layer and its images, so nothing grows with the page count but the
//! file itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;

use crate::PrintError;
use crate::fonts::{FontFace, FontSet, Glyph, GlyphCache, Outlines};

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// Converts millimetres to points.
pub fn mm(value: f32) -> f32 {
    value * PT_PER_MM
}

/// Deflate level for page content streams and QR images: a batch compresses them once per
/// page. When QR codes were vector rectangles, level 2 was twice as fast as level 6 for about
/// 15 % more bytes (0.40 s and 3.9 KB per permit against 0.92 s and 3.4 KB for a thousand);
/// with image masks, level 6 saves 23 bytes a permit.
const PAGE_DEFLATE_LEVEL: u8 = 2;

/// Deflate level for what is written once per file (static layer, fonts, character maps).
const ONCE_DEFLATE_LEVEL: u8 = 6;

pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, PAGE_DEFLATE_LEVEL)
}

fn deflate_once(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, ONCE_DEFLATE_LEVEL)
}

struct UsedFont {
    face: Arc<FontFace>,
    remapper: GlyphRemapper,
    /// New glyph id → (text it stands for, advance in thousandths of an em).
    glyphs: BTreeMap<u16, (char, f32)>,
    font_ref: Ref,
}

/// The name a font has in the shared resources.
pub fn font_resource_name(font: usize) -> String {
    format!("F{font}")
}

/// The name of a page's `index`th image in its resources.
fn image_resource_name(index: usize) -> String {
    format!("Im{index}")
}

/// The name of the static layer in the shared resources.
pub const STATIC_LAYER: &[u8] = b"Static";

/// A PDF being built.
pub struct DocumentBuilder<'f> {
    fonts: &'f FontSet,
    cache: GlyphCache,
    pdf: Pdf,
    next_id: i32,
    catalog: Ref,
    page_tree: Ref,
    resources: Ref,
    /// The font dictionary, shared by the common resources and every page's own.
    font_dict: Ref,
    pages: Vec<Ref>,
    used: Vec<Option<UsedFont>>,
    static_layer: Option<Ref>,
    /// Images written for the page being drawn, in order: `Im0`, `Im1`…
    page_images: Vec<Ref>,
    title: String,
}

impl<'f> DocumentBuilder<'f> {
    pub fn new(fonts: &'f FontSet, title: &str) -> Self {
        let mut pdf = Pdf::new();
        pdf.set_version(1, 7);
        let mut used = Vec::new();
        used.resize_with(fonts.len(), || None);
        Self {
            fonts,
            cache: GlyphCache::default(),
            pdf,
            next_id: 5,
            catalog: Ref::new(1),
            page_tree: Ref::new(2),
            resources: Ref::new(3),
            font_dict: Ref::new(4),
            pages: Vec::new(),
            used,
            static_layer: None,
            page_images: Vec::new(),
            title: title.to_owned(),
        }
    }

    fn alloc(&mut self) -> Ref {
        let id = Ref::new(self.next_id);
        self.next_id += 1;
        id
    }

    /// Number of pages written so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Looks a character up in the font set. `Ok(None)`: no bundled font has it.
    pub fn glyph(&mut self, ch: char) -> Result<Option<Glyph>, PrintError> {
        self.cache.get(self.fonts, ch)
    }

    /// The code to write in a content stream for a glyph (its id in the subset font), and
    /// marks it used.
    pub fn encode(&mut self, ch: char, glyph: Glyph) -> Result<u16, PrintError> {
        if self.used[glyph.font].is_none() {
            let face = self.fonts.face(glyph.font)?;
            let font_ref = self.alloc();
            self.used[glyph.font] = Some(UsedFont {
                face,
                remapper: GlyphRemapper::new(),
                glyphs: BTreeMap::new(),
                font_ref,
            });
        }
        let Some(used) = self.used[glyph.font].as_mut() else {
            return Err(PrintError::Font {
                font: format!("#{}", glyph.font),
                message: "font state lost".into(),
            });
        };
        let new = used.remapper.remap(glyph.gid);
        used.glyphs.entry(new).or_insert((ch, glyph.advance));
        Ok(new)
    }

    /// Sets the static layer drawn under every page that asks for it: built once, stored once.
    pub fn set_static_layer(&mut self, content: Vec<u8>, width_pt: f32, height_pt: f32) {
        let id = self.alloc();
        let compressed = deflate_once(&content);
        let mut form = self.pdf.form_xobject(id, &compressed);
        form.filter(Filter::FlateDecode);
        form.bbox(Rect::new(0.0, 0.0, width_pt, height_pt));
        form.pair(Name(b"Resources"), self.resources);
        form.finish();
        self.static_layer = Some(id);
    }

    /// Writes a 1-bit image mask for the page being drawn and returns its resource name.
    /// `samples` holds `height` rows of `width` bits, each row padded to a whole byte, the
    /// first row at the top; a 0 bit is painted with the fill colour, a 1 bit leaves the page
    /// as it is (the default `/Decode [0 1]` of an image mask). `/Interpolate false`: readers
    /// draw every sample as a hard-edged rectangle, however far it is scaled.
    pub fn add_image_mask(
        &mut self,
        width: usize,
        height: usize,
        samples: &[u8],
    ) -> Result<String, PrintError> {
        let size = |value: usize| {
            i32::try_from(value).map_err(|_| PrintError::Qr(format!("image too large: {value}")))
        };
        let (width, height) = (size(width)?, size(height)?);
        let id = self.alloc();
        let compressed = deflate(samples);
        let mut image = self.pdf.image_xobject(id, &compressed);
        image.filter(Filter::FlateDecode);
        image.width(width);
        image.height(height);
        image.image_mask(true);
        image.bits_per_component(1);
        image.interpolate(false);
        image.finish();
        let name = image_resource_name(self.page_images.len());
        self.page_images.push(id);
        Ok(name)
    }

    /// Adds a page of the given size with its content, and the images written for it.
    pub fn add_page(&mut self, content: &[u8], width_pt: f32, height_pt: f32) {
        let page_id = self.alloc();
        let content_id = self.alloc();
        let compressed = deflate(content);
        self.pdf
            .stream(content_id, &compressed)
            .filter(Filter::FlateDecode);
        let mut page = self.pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, width_pt, height_pt));
        page.parent(self.page_tree);
        page.contents(content_id);
        if !self.page_images.is_empty() {
            // A page's own resources replace the inherited ones: name everything again.
            let mut resources = page.resources();
            resources.pair(Name(b"Font"), self.font_dict);
            let mut objects = resources.x_objects();
            if let Some(layer) = self.static_layer {
                objects.pair(Name(STATIC_LAYER), layer);
            }
            for (index, image) in self.page_images.drain(..).enumerate() {
                objects.pair(Name(image_resource_name(index).as_bytes()), image);
            }
        }
        page.finish();
        self.pages.push(page_id);
    }

    /// Writes fonts, resources, the page tree and the trailer; returns the file's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, PrintError> {
        let mut font_names = Vec::new();
        let used = std::mem::take(&mut self.used);
        for (index, used) in used.into_iter().enumerate() {
            if let Some(used) = used {
                self.write_font(&used)?;
                font_names.push((font_resource_name(index), used.font_ref));
            }
        }

        let mut fonts = self.pdf.indirect(self.font_dict).dict();
        for (name, id) in &font_names {
            fonts.pair(Name(name.as_bytes()), *id);
        }
        fonts.finish();

        let mut resources = self.pdf.indirect(self.resources).dict();
        resources.pair(Name(b"Font"), self.font_dict);
        if let Some(layer) = self.static_layer {
            resources
                .insert(Name(b"XObject"))
                .dict()
                .pair(Name(STATIC_LAYER), layer);
        }
        resources.finish();

        let count = i32::try_from(self.pages.len()).unwrap_or(i32::MAX);
        let mut tree = self.pdf.pages(self.page_tree);
        tree.kids(self.pages.iter().copied()).count(count);
        tree.pair(Name(b"Resources"), self.resources);
        tree.finish();
        self.pdf.catalog(self.catalog).pages(self.page_tree);
        let info = self.alloc();
        self.pdf
            .document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("OneTrip onetrip-print"));
        Ok(self.pdf.finish())
    }

    fn write_font(&mut self, used: &UsedFont) -> Result<(), PrintError> {
        let face = &used.face;
        let font_error = |message: String| PrintError::Font {
            font: face.pdf_name.clone(),
            message,
        };
        let subset = subsetter::subset(&face.data, face.index, &used.remapper)
            .map_err(|err| font_error(format!("cannot subset: {err}")))?;

        // The subset tag (six capitals) tells readers and `pdffonts` the font is a subset.
        let mut hasher = Sha256::new();
        for gid in used.remapper.remapped_gids() {
            hasher.update(gid.to_be_bytes());
        }
        let digest = hasher.finalize();
        let tag: String = digest
            .iter()
            .take(6)
            .map(|byte| char::from(b'A' + byte % 26))
            .collect();
        let base_name = format!("{tag}+{}", face.pdf_name);

        let cid_ref = self.alloc();
        let descriptor_ref = self.alloc();
        let file_ref = self.alloc();
        let cmap_ref = self.alloc();
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        self.pdf
            .type0_font(used.font_ref)
            .base_font(Name(base_name.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(cmap_ref);

        let mut cid = self.pdf.cid_font(cid_ref);
        cid.subtype(match face.outlines {
            Outlines::Cff => CidFontType::Type0,
            Outlines::TrueType => CidFontType::Type2,
        });
        cid.base_font(Name(base_name.as_bytes()));
        cid.system_info(system_info);
        cid.font_descriptor(descriptor_ref);
        cid.default_width(1000.0);
        if face.outlines == Outlines::TrueType {
            cid.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        {
            let mut widths = cid.widths();
            for (gid, (_, advance)) in &used.glyphs {
                widths.consecutive(*gid, [*advance]);
            }
        }
        cid.finish();

        let [x0, y0, x1, y1] = face.bbox;
        let mut descriptor = self.pdf.font_descriptor(descriptor_ref);
        descriptor
            .name(Name(base_name.as_bytes()))
            .flags(FontFlags::SYMBOLIC | FontFlags::SERIF)
            .bbox(Rect::new(x0, y0, x1, y1))
            .italic_angle(0.0)
            .ascent(face.ascender)
            .descent(face.descender)
            .cap_height(face.cap_height)
            .stem_v(80.0);
        match face.outlines {
            Outlines::Cff => descriptor.font_file3(file_ref),
            Outlines::TrueType => descriptor.font_file2(file_ref),
        };
        descriptor.finish();

        match face.outlines {
            Outlines::Cff => {
                let raw = ttf_parser::RawFace::parse(&subset, 0)
                    .map_err(|err| font_error(format!("subset unreadable: {err}")))?;
                let cff = raw
                    .table(ttf_parser::Tag::from_bytes(b"CFF "))
                    .ok_or_else(|| font_error("subset has no CFF table".into()))?;
                let compressed = deflate_once(cff);
                self.pdf
                    .stream(file_ref, &compressed)
                    .filter(Filter::FlateDecode)
                    .pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
            }
            Outlines::TrueType => {
                let compressed = deflate_once(&subset);
                let mut stream = self.pdf.stream(file_ref, &compressed);
                stream.filter(Filter::FlateDecode);
                stream.pair(
                    Name(b"Length1"),
                    i32::try_from(subset.len()).unwrap_or(i32::MAX),
                );
            }
        }

        let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"OneTrip-UCS"), system_info);
        for (gid, (ch, _)) in &used.glyphs {
            cmap.pair(*gid, *ch);
        }
        let cmap = cmap.finish();
        let compressed = deflate_once(&cmap);
        self.pdf
            .stream(cmap_ref, &compressed)
            .filter(Filter::FlateDecode);
        Ok(())
    }
}

/// Helper for writing text content: glyph codes as big-endian 16-bit values (Identity-H).
#[derive(Default)]
pub struct GlyphRun {
    pub font: usize,
    pub codes: Vec<u8>,
}

/// Draws the static layer on a page.
pub fn draw_static_layer(content: &mut Content) {
    content.save_state();
    content.x_object(Name(STATIC_LAYER));
    content.restore_state();
}

/// How many pages a PDF written by this crate has. Its page objects are plain dictionaries
/// (no object streams), so counting their `/Type /Page` entries is exact; it is no general
/// PDF page counter.
pub fn count_pages(pdf: &[u8]) -> usize {
    const NEEDLE: &[u8] = b"/Type /Page";
    pdf.windows(NEEDLE.len() + 1)
        .filter(|w| &w[..NEEDLE.len()] == NEEDLE && w[NEEDLE.len()] != b's')
        .count()
}
