//! A content stream interpreter that only keeps what intake needs: every text run with its
//! position and size, the fonts it was shown in, and how many images and path segments
//! the page paints. Form XObjects are followed to a bounded depth.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::fonts::FontInfo;
use crate::pdf::{deref, dict_of, number};

/// How deep Form XObjects are followed.
const MAX_FORM_DEPTH: usize = 4;

/// Most operations interpreted on one page, forms included.
const MAX_OPERATIONS: usize = 20_000_000;

/// Most bytes one content stream may decompress to.
pub const MAX_CONTENT_BYTES: usize = 256 << 20;

/// Most text runs kept for one page.
const MAX_RUNS: usize = 200_000;

/// A 2-D affine matrix `[a b c d e f]`, applied to row vectors as PDF does.
pub type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` followed by `n`.
fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

pub fn apply(m: &Matrix, (x, y): (f32, f32)) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// One string shown on the page: its text, where its baseline starts and ends, and its
/// height, all in the page's default user space.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub text: String,
    pub start: (f32, f32),
    pub end: (f32, f32),
    pub size: f32,
}

/// What a page paints.
#[derive(Debug, Default)]
pub struct PageContent {
    pub runs: Vec<TextRun>,
    /// Fonts text was shown in: name and whether it is embedded.
    pub fonts: Vec<(String, bool)>,
    pub images: u32,
    pub path_segments: u64,
    /// Whether a glyph was shown at all (also glyphs with no readable text).
    pub shows_text: bool,
}

/// Why a page's content could not be read.
#[derive(Debug)]
pub struct Unreadable;

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<FontInfo>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

/// Fonts read so far, by object, shared across the pages of a file.
pub type FontCache = HashMap<ObjectId, Rc<FontInfo>>;

struct Interpreter<'a> {
    doc: &'a Document,
    fonts: &'a mut FontCache,
    out: PageContent,
    operations: usize,
    forms: Vec<ObjectId>,
}

fn operand(operands: &[Object], i: usize) -> f32 {
    operands.get(i).and_then(number).unwrap_or(0.0)
}

fn matrix_of(operands: &[Object]) -> Option<Matrix> {
    if operands.len() < 6 {
        return None;
    }
    let m = [
        operand(operands, 0),
        operand(operands, 1),
        operand(operands, 2),
        operand(operands, 3),
        operand(operands, 4),
        operand(operands, 5),
    ];
    m.iter().all(|v| v.is_finite()).then_some(m)
}

/// Reads a page's content streams.
pub fn read_page(
    doc: &Document,
    page: ObjectId,
    fonts: &mut FontCache,
) -> Result<PageContent, Unreadable> {
    let data = doc
        .get_page_content_with_limit(page, MAX_CONTENT_BYTES)
        .map_err(|_| Unreadable)?;
    let resources = crate::pdf::inherited(doc, page, b"Resources").and_then(|o| dict_of(doc, o));
    let mut interpreter = Interpreter {
        doc,
        fonts,
        out: PageContent::default(),
        operations: 0,
        forms: Vec::new(),
    };
    interpreter.run(&data, resources, IDENTITY)?;
    let mut fonts_seen = interpreter.out.fonts.clone();
    fonts_seen.sort();
    fonts_seen.dedup();
    interpreter.out.fonts = fonts_seen;
    Ok(interpreter.out)
}

impl Interpreter<'_> {
    fn font(&mut self, resources: Option<&Dictionary>, name: &[u8]) -> Option<Rc<FontInfo>> {
        let doc = self.doc;
        let entry = resources?
            .get(b"Font")
            .ok()
            .and_then(|o| dict_of(doc, o))?
            .get(name)
            .ok()?;
        if let Object::Reference(id) = entry {
            if let Some(font) = self.fonts.get(id) {
                return Some(font.clone());
            }
            let font = Rc::new(FontInfo::read(doc, dict_of(doc, entry)?));
            self.fonts.insert(*id, font.clone());
            return Some(font);
        }
        Some(Rc::new(FontInfo::read(doc, dict_of(doc, entry)?)))
    }

    fn run(
        &mut self,
        data: &[u8],
        resources: Option<&Dictionary>,
        ctm: Matrix,
    ) -> Result<(), Unreadable> {
        let mut state = State {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut stack: Vec<State> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for operation in Content::<Vec<lopdf::content::Operation>>::decode_iter(data) {
            let operation = operation.map_err(|_| Unreadable)?;
            self.operations += 1;
            if self.operations > MAX_OPERATIONS {
                break;
            }
            let ops = operation.operands.as_slice();
            match operation.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(state.clone()),
                "Q" => {
                    if let Some(saved) = stack.pop() {
                        state = saved;
                    }
                }
                "cm" => {
                    if let Some(m) = matrix_of(ops) {
                        state.ctm = multiply(&m, &state.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    let name = ops
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .unwrap_or_default();
                    state.font = self.font(resources, name);
                    state.size = operand(ops, 1);
                }
                "Tc" => state.char_spacing = operand(ops, 0),
                "Tw" => state.word_spacing = operand(ops, 0),
                "Tz" => state.scale = operand(ops, 0) / 100.0,
                "TL" => state.leading = operand(ops, 0),
                "Ts" => state.rise = operand(ops, 0),
                "Td" | "TD" => {
                    let (tx, ty) = (operand(ops, 0), operand(ops, 1));
                    if operation.operator == "TD" {
                        state.leading = -ty;
                    }
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = matrix_of(ops) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if operation.operator != "Tj" {
                        if operation.operator == "\"" {
                            state.word_spacing = operand(ops, 0);
                            state.char_spacing = operand(ops, 1);
                        }
                        tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                        tm = tlm;
                    }
                    if let Some(last @ Object::String(..)) = ops.last() {
                        self.show(&state, &mut tm, std::slice::from_ref(last));
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = ops.first() {
                        self.show(&state, &mut tm, items);
                    }
                }
                "m" | "l" => self.out.path_segments += 1,
                "c" | "v" | "y" => self.out.path_segments += 1,
                "re" => self.out.path_segments += 4,
                "BI" => self.out.images += 1,
                "Do" => {
                    let name = ops
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .unwrap_or_default();
                    self.draw_object(resources, name, &state)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn draw_object(
        &mut self,
        resources: Option<&Dictionary>,
        name: &[u8],
        state: &State,
    ) -> Result<(), Unreadable> {
        let doc = self.doc;
        let Some(entry) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| dict_of(doc, o))
            .and_then(|d| d.get(name).ok())
        else {
            return Ok(());
        };
        let Object::Stream(stream) = deref(doc, entry) else {
            return Ok(());
        };
        match stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
        {
            Some(b"Image") => self.out.images += 1,
            Some(b"Form") => {
                let id = entry.as_reference().ok();
                if self.forms.len() >= MAX_FORM_DEPTH
                    || id.is_some_and(|id| self.forms.contains(&id))
                {
                    return Ok(());
                }
                // A form that cannot be decoded paints nothing; the page is still read.
                let Ok(data) = stream.get_plain_content_with_limit(MAX_CONTENT_BYTES) else {
                    return Ok(());
                };
                let matrix = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|o| deref(doc, o).as_array().ok())
                    .and_then(|a| matrix_of(a))
                    .unwrap_or(IDENTITY);
                let form_resources = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|o| dict_of(doc, o))
                    .or(resources);
                self.forms.push(id.unwrap_or((0, 0)));
                let result = self.run(&data, form_resources, multiply(&matrix, &state.ctm));
                self.forms.pop();
                // A damaged form is skipped rather than failing the page.
                let _ = result;
            }
            _ => {}
        }
        Ok(())
    }

    /// Shows the strings of a `Tj` or `TJ`, advancing the text matrix.
    fn show(&mut self, state: &State, tm: &mut Matrix, items: &[Object]) {
        let font = state
            .font
            .clone()
            .unwrap_or_else(|| Rc::new(FontInfo::unknown()));
        let start_matrix = multiply(tm, &state.ctm);
        let mut text = String::new();
        for item in items {
            match item {
                Object::String(bytes, _) => {
                    for (piece, width, space) in font.decode(bytes) {
                        self.out.shows_text = true;
                        text.push_str(&piece);
                        let mut advance = width / 1000.0 * state.size + state.char_spacing;
                        if space {
                            advance += state.word_spacing;
                        }
                        let tx = advance * state.scale;
                        *tm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                    }
                }
                other => {
                    if let Some(adjust) = number(other) {
                        let tx = -adjust / 1000.0 * state.size * state.scale;
                        *tm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                        // A wide gap inside a TJ separates words.
                        if adjust < -300.0 && !text.ends_with(' ') && !text.is_empty() {
                            text.push(' ');
                        }
                    }
                }
            }
        }
        if state.font.is_some() {
            self.out.fonts.push((font.name.clone(), font.embedded));
        }
        let end_matrix = multiply(tm, &state.ctm);
        let start = apply(&start_matrix, (0.0, state.rise));
        let end = apply(&end_matrix, (0.0, state.rise));
        let (c, d) = (start_matrix[2], start_matrix[3]);
        let size = state.size.abs() * (c * c + d * d).sqrt();
        let text = text.trim().to_owned();
        if !text.is_empty()
            && self.out.runs.len() < MAX_RUNS
            && start.0.is_finite()
            && start.1.is_finite()
        {
            self.out.runs.push(TextRun {
                text,
                start,
                end,
                size,
            });
        }
    }
}
