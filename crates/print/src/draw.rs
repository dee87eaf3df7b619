//! Drawing on a page in millimetres from the top-left corner: lines, boxes and text whose
//! every character has been checked against the bundled fonts.

use pdf_writer::types::{LineCapStyle, TextRenderingMode};
use pdf_writer::{Content, Name, Str};

use crate::PrintError;
use crate::fonts::{Glyph, is_control};
use crate::pdf::{DocumentBuilder, PT_PER_MM, font_resource_name, mm};
use crate::template::{Align, Color, TextStyle};

/// Where the top of a CJK character sits above its baseline, as a share of the font size.
const ASCENT: f32 = 0.86;

/// A character that no bundled font has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingGlyph(pub char);

impl MissingGlyph {
    /// The error text naming the character, in Chinese and English.
    pub fn describe(self) -> String {
        format!(
            "字符“{}”(U+{:04X}) 不在任何内置字体中 / no bundled font has the character '{}' (U+{:04X})",
            self.0, self.0 as u32, self.0, self.0 as u32
        )
    }
}

/// Text resolved to glyphs, ready to measure and draw.
#[derive(Debug, Clone, Default)]
pub struct Shaped {
    pub glyphs: Vec<(char, Glyph)>,
}

impl Shaped {
    /// Width in points at a size, including character spacing.
    pub fn width(&self, size: f32, spacing: f32) -> f32 {
        let advance: f32 = self.glyphs.iter().map(|(_, glyph)| glyph.advance).sum();
        let gaps = self.glyphs.len().saturating_sub(1) as f32;
        advance * size / 1000.0 + spacing * gaps
    }
}

/// A page being drawn: the content stream and the page height for flipping y.
pub struct Canvas {
    pub content: Content,
    pub height_pt: f32,
}

/// Page-level failures while drawing: a character no font has, or a font that cannot load.
#[derive(Debug)]
pub enum DrawError {
    Missing(MissingGlyph),
    Print(PrintError),
}

impl From<PrintError> for DrawError {
    fn from(err: PrintError) -> Self {
        DrawError::Print(err)
    }
}

/// Resolves every character of a text to a glyph of the first bundled font that has it.
pub fn shape(doc: &mut DocumentBuilder<'_>, text: &str) -> Result<Shaped, DrawError> {
    let mut glyphs = Vec::with_capacity(text.len());
    for ch in text.chars() {
        if is_control(ch) {
            continue;
        }
        match doc.glyph(ch)? {
            Some(glyph) => glyphs.push((ch, glyph)),
            None => return Err(DrawError::Missing(MissingGlyph(ch))),
        }
    }
    Ok(Shaped { glyphs })
}

impl Canvas {
    pub fn new(height_mm: f32) -> Self {
        Self {
            content: Content::new(),
            height_pt: mm(height_mm),
        }
    }

    fn y(&self, y_mm: f32) -> f32 {
        self.height_pt - mm(y_mm)
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, dash: Option<f32>) {
        let (y1, y2) = (self.y(y1), self.y(y2));
        let content = &mut self.content;
        content.set_line_width(mm(width));
        if let Some(dash) = dash {
            content.set_dash_pattern([mm(dash), mm(dash)], 0.0);
        }
        content.move_to(mm(x1), y1);
        content.line_to(mm(x2), y2);
        content.stroke();
        if dash.is_some() {
            content.set_dash_pattern(std::iter::empty::<f32>(), 0.0);
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, fill: Option<Color>) {
        let bottom = self.y(y + h);
        let content = &mut self.content;
        content.rect(mm(x), bottom, mm(w), mm(h));
        match fill {
            Some(Color(r, g, b)) => {
                content.set_fill_rgb(r, g, b);
                if width > 0.0 {
                    content.set_line_width(mm(width));
                    content.fill_nonzero_and_stroke();
                } else {
                    content.fill_nonzero();
                }
                content.set_fill_rgb(0.0, 0.0, 0.0);
            }
            None => {
                content.set_line_width(mm(width));
                content.stroke();
            }
        }
    }

    pub fn circle(&mut self, cx: f32, cy: f32, r: f32, width: f32, dash: Option<f32>) {
        // Four Bézier quarter arcs.
        const K: f32 = 0.552_284_8;
        let (cx, cy, r) = (mm(cx), self.y(cy), mm(r));
        let k = r * K;
        let content = &mut self.content;
        content.set_line_width(mm(width));
        if let Some(dash) = dash {
            content.set_dash_pattern([mm(dash), mm(dash)], 0.0);
        }
        content.move_to(cx + r, cy);
        content.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        content.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        content.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        content.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        content.close_path();
        content.stroke();
        if dash.is_some() {
            content.set_dash_pattern(std::iter::empty::<f32>(), 0.0);
        }
    }

    pub fn stroke_color(&mut self, Color(r, g, b): Color) {
        self.content.set_stroke_rgb(r, g, b);
    }

    /// Draws one line of shaped text in a box `w` wide whose top-left is (`x`, `y`).
    #[allow(clippy::too_many_arguments)] // a box, a style and a size: all needed, all distinct
    pub fn text(
        &mut self,
        doc: &mut DocumentBuilder<'_>,
        shaped: &Shaped,
        x: f32,
        y: f32,
        w: f32,
        style: &TextStyle,
        size: f32,
    ) -> Result<(), PrintError> {
        if shaped.glyphs.is_empty() {
            return Ok(());
        }
        let width = shaped.width(size, style.spacing);
        let left = match style.align {
            Align::Left => mm(x),
            Align::Center => mm(x) + (mm(w) - width) / 2.0,
            Align::Right => mm(x) + mm(w) - width,
        };
        let baseline = self.y(y) - size * ASCENT;
        let plain = !style.bold && style.spacing == 0.0 && style.color == Color::BLACK;
        let content = &mut self.content;
        if !plain {
            content.save_state();
            let Color(r, g, b) = style.color;
            content.set_fill_rgb(r, g, b);
            if style.bold {
                content.set_stroke_rgb(r, g, b);
                content.set_line_width(size * 0.04);
                content.set_line_cap(LineCapStyle::RoundCap);
            }
        }
        content.begin_text();
        if style.bold {
            content.set_text_rendering_mode(TextRenderingMode::FillStroke);
        }
        if style.spacing != 0.0 {
            content.set_char_spacing(style.spacing);
        }
        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, left, baseline]);
        let mut run_font = usize::MAX;
        let mut codes: Vec<u8> = Vec::with_capacity(shaped.glyphs.len() * 2);
        for (ch, glyph) in &shaped.glyphs {
            if glyph.font != run_font {
                if !codes.is_empty() {
                    content.show(Str(&codes));
                    codes.clear();
                }
                let name = font_resource_name(glyph.font);
                content.set_font(Name(name.as_bytes()), size);
                run_font = glyph.font;
            }
            let code = doc.encode(*ch, *glyph)?;
            codes.extend_from_slice(&code.to_be_bytes());
        }
        if !codes.is_empty() {
            content.show(Str(&codes));
        }
        content.end_text();
        if !plain {
            content.restore_state();
        }
        Ok(())
    }
}

/// Splits text into lines no wider than `max_width_pt`. CJK text breaks between any two
/// characters; runs of Latin letters and digits stay whole where they fit; closing
/// punctuation never starts a line (避头点). A newline forces a break.
pub fn wrap(shaped: &Shaped, size: f32, spacing: f32, max_width_pt: f32) -> Vec<Shaped> {
    let mut lines = Vec::new();
    let mut line = Shaped::default();
    let mut width = 0.0;
    let glyphs = &shaped.glyphs;
    let mut i = 0;
    while i < glyphs.len() {
        // One token: a run of Latin letters and digits, or a single other character.
        let mut end = i + 1;
        if glyphs[i].0.is_ascii_alphanumeric() {
            while end < glyphs.len() && glyphs[end].0.is_ascii_alphanumeric() {
                end += 1;
            }
        }
        let token = &glyphs[i..end];
        let token_width: f32 = token
            .iter()
            .map(|(_, glyph)| glyph.advance * size / 1000.0 + spacing)
            .sum();
        let closing = is_closing_punctuation(token[0].0);
        if width + token_width > max_width_pt && !line.glyphs.is_empty() && !closing {
            if token.len() > 1 && token_width > max_width_pt {
                // A Latin run longer than a whole line: break it by character.
                for item in token {
                    let w = item.1.advance * size / 1000.0 + spacing;
                    if width + w > max_width_pt && !line.glyphs.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        width = 0.0;
                    }
                    line.glyphs.push(*item);
                    width += w;
                }
                i = end;
                continue;
            }
            lines.push(std::mem::take(&mut line));
            width = 0.0;
            if token[0].0 == ' ' {
                i = end;
                continue;
            }
        }
        line.glyphs.extend_from_slice(token);
        width += token_width;
        i = end;
    }
    if !line.glyphs.is_empty() {
        lines.push(line);
    }
    lines
}

fn is_closing_punctuation(ch: char) -> bool {
    "，。、；：？！）》」』”’〕】,.;:?!)".contains(ch)
}

/// Millimetres per point, for converting sizes to layout distances.
pub fn pt_to_mm(value: f32) -> f32 {
    value / PT_PER_MM
}
