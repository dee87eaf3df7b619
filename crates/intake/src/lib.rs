//! Intake checks of uploaded drawing PDFs: refusals, warnings, sheet numbers read from the
//! file; run isolated.
//!
//! [`inspect`] is pure and runs in-process; a crafted file can still exhaust memory or time
//! in the PDF parser, so the server runs it in a child process with [`inspect_isolated`].

mod cmap;
mod content;
mod fonts;
mod isolation;
mod numbers;
mod pdf;
mod size;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;

use lopdf::{Document, LoadOptions};
use onetrip_domain::input::normalise_code;
use onetrip_domain::review::SheetNumber;
use serde::{Deserialize, Serialize};

pub use isolation::{
    CHILD_FLAG, IntakeFailure, Isolation, inspect_isolated, limit_self, run_child_if_requested,
    run_isolated,
};
pub use size::{SheetSize, classify as classify_size};

/// What intake allows of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most pages (sheets) one file may have.
    pub max_pages: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_pages: 500 }
    }
}

/// Why a file is refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Refusal {
    #[error("not a PDF file")]
    NotPdf,
    #[error("the PDF file is incomplete")]
    Truncated,
    #[error("the PDF file is damaged")]
    Damaged,
    #[error("the PDF file is encrypted")]
    Encrypted,
    #[error("the PDF file is a portfolio of files")]
    Portfolio,
    #[error("{pages} pages, more than {limit}")]
    TooManyPages { pages: u32, limit: u32 },
}

impl Refusal {
    /// Stable code for the boundary.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotPdf => "not_pdf",
            Refusal::Truncated => "truncated",
            Refusal::Damaged => "damaged",
            Refusal::Encrypted => "encrypted",
            Refusal::Portfolio => "portfolio",
            Refusal::TooManyPages { .. } => "too_many_pages",
        }
    }
}

/// Something about a page a reviewer should know; the page is still accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Warning {
    /// The page is no drawing size (A0–A4 or lengthened).
    NotDrawingSize,
    /// Text in a font the file does not embed: it will show in another font, or not at all.
    FontNotEmbedded { font: String },
    /// AutoCAD SHX text exported as comments.
    ShxText { count: u32 },
    /// Only an image (a scan), no text and hardly any vectors.
    ImageOnly,
    /// The page is turned by `/Rotate`.
    Rotated { degrees: u16 },
}

/// Where a reading came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    PageLabel,
    Bookmark,
    TitleBlock,
}

/// A value read from the file and how sure the reading is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub text: String,
    /// 0..1.
    pub confidence: f32,
    pub source: Source,
}

/// One page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageReport {
    /// 0-based index in the file.
    pub page: u32,
    pub width_pt: f32,
    pub height_pt: f32,
    /// 0, 90, 180 or 270.
    pub rotation: u16,
    /// `None`: not a drawing size.
    pub size: Option<SheetSize>,
    pub warnings: Vec<Warning>,
    pub sheet_number: Option<Reading>,
    pub title: Option<Reading>,
}

/// A line of the index sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub sheet_number: String,
    pub title: String,
}

/// The index sheet (图纸目录) found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSheet {
    pub page: u32,
    pub entries: Vec<IndexEntry>,
}

/// What intake found in a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub pages: Vec<PageReport>,
    pub index: Option<IndexSheet>,
}

/// The index sheet against the sheet numbers submitted, each compared in its normalised form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IndexComparison {
    /// Listed in the index, not submitted.
    pub missing: Vec<String>,
    /// Submitted, not listed.
    pub extra: Vec<String>,
    /// Submitted more than once, or listed more than once.
    pub duplicate: Vec<String>,
}

/// Where the header must start.
const HEADER_WINDOW: usize = 1024;
/// Where the end-of-file marker must be.
const TRAILER_WINDOW: usize = 2048;
/// SHX text comments carry this in their subject.
const SHX_SUBJECT: &str = "SHX TEXT";
/// A page with fewer path segments than this and an image is a scan.
const SCAN_MAX_SEGMENTS: u64 = 64;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Checks a file and reads what it holds. Never panics: a panic in the parser is a
/// damaged file.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<FileReport, Refusal> {
    if !contains(&bytes[..bytes.len().min(HEADER_WINDOW)], b"%PDF-") {
        return Err(Refusal::NotPdf);
    }
    if !contains(
        &bytes[bytes.len().saturating_sub(TRAILER_WINDOW)..],
        b"%%EOF",
    ) {
        return Err(Refusal::Truncated);
    }
    std::panic::catch_unwind(AssertUnwindSafe(|| inspect_loaded(bytes, limits)))
        .unwrap_or(Err(Refusal::Damaged))
}

fn load_refusal(error: &lopdf::Error) -> Refusal {
    use lopdf::Error;
    match error {
        Error::Decryption(_)
        | Error::InvalidPassword
        | Error::UnsupportedSecurityHandler(_)
        | Error::AlreadyEncrypted => Refusal::Encrypted,
        Error::Parse(lopdf::ParseError::EndOfInput) => Refusal::Truncated,
        Error::IO(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => Refusal::Truncated,
        _ => Refusal::Damaged,
    }
}

fn inspect_loaded(bytes: &[u8], limits: &Limits) -> Result<FileReport, Refusal> {
    let options = LoadOptions {
        max_decompressed_size: Some(content::MAX_CONTENT_BYTES),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|err| load_refusal(&err))?;
    if doc.was_encrypted() || doc.is_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err(Refusal::Encrypted);
    }
    let catalog = doc.catalog().map_err(|_| Refusal::Damaged)?;
    if catalog.has(b"Collection") {
        return Err(Refusal::Portfolio);
    }
    let page_ids: Vec<lopdf::ObjectId> = doc
        .page_iter()
        .take(
            usize::try_from(limits.max_pages)
                .unwrap_or(usize::MAX)
                .saturating_add(1),
        )
        .collect();
    if page_ids.is_empty() {
        return Err(Refusal::Damaged);
    }
    if page_ids.len() > usize::try_from(limits.max_pages).unwrap_or(usize::MAX) {
        let pages = u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX);
        return Err(Refusal::TooManyPages {
            pages,
            limit: limits.max_pages,
        });
    }
    let index_of: HashMap<lopdf::ObjectId, usize> = page_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let labels = numbers::page_labels(&doc, page_ids.len());
    let bookmarks = numbers::bookmarks(&doc, &index_of);
    let mut font_cache = content::FontCache::new();
    let mut pages = Vec::with_capacity(page_ids.len());
    let mut index = None;
    for (i, &page_id) in page_ids.iter().enumerate() {
        let page = u32::try_from(i).unwrap_or(u32::MAX);
        let media = pdf::inherited(&doc, page_id, b"MediaBox")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| {
                let v: Vec<f32> = a
                    .iter()
                    .filter_map(|o| pdf::number(pdf::deref(&doc, o)))
                    .collect();
                (v.len() == 4).then(|| {
                    [
                        v[0].min(v[2]),
                        v[1].min(v[3]),
                        v[0].max(v[2]),
                        v[1].max(v[3]),
                    ]
                })
            })
            .unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let rotation = pdf::inherited(&doc, page_id, b"Rotate")
            .and_then(pdf::number)
            .map_or(0, |r| ((r as i64 / 90).rem_euclid(4) * 90) as u16);
        let (width, height) = (media[2] - media[0], media[3] - media[1]);
        let size = size::classify(width, height);
        let painted =
            content::read_page(&doc, page_id, &mut font_cache).map_err(|_| Refusal::Damaged)?;

        let mut warnings = Vec::new();
        if size.is_none() {
            warnings.push(Warning::NotDrawingSize);
        }
        for (font, embedded) in &painted.fonts {
            if !embedded {
                warnings.push(Warning::FontNotEmbedded { font: font.clone() });
            }
        }
        let shx = shx_comments(&doc, page_id);
        if shx > 0 {
            warnings.push(Warning::ShxText { count: shx });
        }
        if painted.images > 0 && !painted.shows_text && painted.path_segments < SCAN_MAX_SEGMENTS {
            warnings.push(Warning::ImageOnly);
        }
        if rotation != 0 {
            warnings.push(Warning::Rotated { degrees: rotation });
        }

        let to_seen = |(x, y): (f32, f32)| {
            let (u, v) = (x - media[0], y - media[1]);
            match rotation {
                90 => (v, width - u),
                180 => (width - u, height - v),
                270 => (height - v, u),
                _ => (u, v),
            }
        };
        let (seen_w, seen_h) = if rotation % 180 == 90 {
            (height, width)
        } else {
            (width, height)
        };
        let runs = numbers::seen_runs(&painted.runs, to_seen);
        let (block, rest): (Vec<_>, Vec<_>) = runs
            .into_iter()
            .partition(|r| numbers::in_title_block(r, seen_w, seen_h));
        let (sheet_number, title) = numbers::choose(
            labels[i].as_deref(),
            bookmarks.get(&i),
            numbers::title_block(&block),
        );
        let is_index = sheet_number.as_ref().is_some_and(|r| r.text == "目录")
            || rest
                .iter()
                .chain(&block)
                .any(|r| r.text.contains("图纸目录"));
        if is_index && index.is_none() {
            index = Some(IndexSheet {
                page,
                entries: numbers::index_entries(&rest),
            });
        }
        pages.push(PageReport {
            page,
            width_pt: width,
            height_pt: height,
            rotation,
            size,
            warnings,
            sheet_number,
            title,
        });
    }
    Ok(FileReport { pages, index })
}

/// Number of AutoCAD SHX text comments on a page.
fn shx_comments(doc: &Document, page: lopdf::ObjectId) -> u32 {
    let Some(annots) = doc
        .objects
        .get(&page)
        .and_then(|o| pdf::dict_of(doc, o))
        .and_then(|p| p.get(b"Annots").ok())
        .and_then(|o| pdf::deref(doc, o).as_array().ok())
    else {
        return 0;
    };
    let count = annots
        .iter()
        .take(1_000_000)
        .filter_map(|a| pdf::dict_of(doc, a))
        .filter(|a| {
            a.get(b"Subj")
                .ok()
                .and_then(|s| pdf::text_string(doc, s))
                .is_some_and(|s| s.to_uppercase().contains(SHX_SUBJECT))
        })
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// A sheet number as compared: parsed and printed when it parses, else its canonical text.
fn comparable(text: &str) -> String {
    SheetNumber::parse(text).map_or_else(|_| normalise_code(text), |n| n.to_string())
}

/// Compares the index sheet with the sheet numbers submitted.
pub fn compare_index(index: &IndexSheet, submitted: &[String]) -> IndexComparison {
    let listed: Vec<String> = index
        .entries
        .iter()
        .map(|e| comparable(&e.sheet_number))
        .collect();
    let given: Vec<String> = submitted.iter().map(|s| comparable(s)).collect();
    let mut comparison = IndexComparison::default();
    let push_once = |list: &mut Vec<String>, value: &String| {
        if !list.contains(value) {
            list.push(value.clone());
        }
    };
    for number in &listed {
        if !given.contains(number) {
            push_once(&mut comparison.missing, number);
        }
    }
    for number in &given {
        if !listed.contains(number) {
            push_once(&mut comparison.extra, number);
        }
    }
    for list in [&given, &listed] {
        for (i, number) in list.iter().enumerate() {
            if list[..i].contains(number) {
                push_once(&mut comparison.duplicate, number);
            }
        }
    }
    comparison
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_comparison_normalises_numbers() {
        let index = IndexSheet {
            page: 0,
            entries: ["建施-01", "建施-02", "结施-01"]
                .iter()
                .map(|n| IndexEntry {
                    sheet_number: (*n).into(),
                    title: "图".into(),
                })
                .collect(),
        };
        let submitted: Vec<String> = ["建施０１", "建施-01", "结施-01", "电施-09"]
            .iter()
            .map(|s| (*s).into())
            .collect();
        let comparison = compare_index(&index, &submitted);
        assert_eq!(comparison.missing, vec!["建施-02"]);
        assert_eq!(comparison.extra, vec!["电施-09"]);
        assert_eq!(comparison.duplicate, vec!["建施-01"]);
    }

    #[test]
    fn refusals_before_parsing() {
        let limits = Limits::default();
        assert_eq!(inspect(b"hello", &limits), Err(Refusal::NotPdf));
        assert_eq!(
            inspect(b"%PDF-1.7\n1 0 obj", &limits),
            Err(Refusal::Truncated)
        );
        assert_eq!(
            inspect(b"%PDF-1.7\ngarbage\n%%EOF", &limits),
            Err(Refusal::Damaged)
        );
    }
}
