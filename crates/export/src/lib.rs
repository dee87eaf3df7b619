//! Marked-up exports of a drawing review: the reviewers' markups drawn into a copy of the
//! drawing file ([`flattened`]), added to a copy as real PDF annotations ([`annotated`]), or
//! written as XFDF for a PDF viewer to import ([`xfdf`]).
//!
//! Markup coordinates are PDF user-space points of the page (origin bottom-left, unrotated),
//! so shapes are drawn as given whatever the page's `/Rotate` or box origin; text and labels
//! are turned with the page so that they read upright as it is viewed.
//!
//! Labels and text markups are set in `STSong-Light` with the `UniGB-UCS2-H` encoding, one
//! of the standard Adobe-GB1 CID fonts that every conforming viewer knows and substitutes
//! (poppler and pdf.js use an installed CJK font). Nothing is embedded, so the export stays
//! as small as the original; the font carries a `/ToUnicode` map so that the text can be
//! searched and copied. Characters outside the Basic Multilingual Plane cannot be written in
//! UCS-2 and are replaced by `?`.
//!
//! Drawing sets run to hundreds of megabytes: the file is parsed once, page content is never
//! decompressed or decoded, and the original content streams are written back byte for byte.

mod annotate;
mod flatten;
mod geometry;
mod label_font;
mod paint;
mod plan;
mod source;
mod xfdf;

pub use annotate::annotated;
pub use flatten::flattened;
pub use xfdf::xfdf;

/// The markups of one page of the drawing file.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetMarks {
    /// 0-based index of the page in the file.
    pub page: usize,
    pub opinions: Vec<MarkedOpinion>,
}

/// One review opinion and the markups that show where it applies.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkedOpinion {
    /// Human-readable stable id, such as `结-R1-07`.
    pub id: String,
    /// The opinion as the reviewer wrote it.
    pub text: String,
    /// The reviewer's name.
    pub author: String,
    /// RGB, each 0 to 1: the specialty's layer colour. Values outside are clamped.
    pub color: [f32; 3],
    pub markups: Vec<Mark>,
}

/// One shape drawn on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub shape: Shape,
    /// `x0, y0, x1, y1` in user-space points of the page, origin bottom-left; the corners
    /// need not be ordered. What the points mean depends on [`Shape`].
    pub rect: [f32; 4],
    /// For [`Shape::Text`] the text to show (the opinion's text when `None`); for the other
    /// shapes a note appended to the shape's label.
    pub text: Option<String>,
}

/// The kinds of markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A revision cloud around the rectangle, as CAD draws one.
    Cloud,
    /// The rectangle, stroked.
    Rectangle,
    /// An arrow from `(x0, y0)` to `(x1, y1)`, its head at `(x1, y1)`.
    Arrow,
    /// The text in an outlined box whose bottom-left corner, as the page is viewed, is
    /// `(x0, y0)`; `(x1, y1)` is not used, the box takes the size of the text (wrapped at
    /// 30 characters).
    Text,
}

/// Why an export could not be made. Messages are fit to show to the person exporting.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    #[error("无法读取PDF文件：{0} / the PDF file cannot be read: {0}")]
    Unreadable(String),
    #[error(
        "PDF文件已加密，请使用未加密的原件 / the PDF file is encrypted; the unencrypted original is needed"
    )]
    Encrypted,
    /// `page` is the 0-based index as given; the message counts pages from 1.
    #[error(
        "意见 {opinion}：第{}页不存在，文件共{pages}页 / opinion {opinion}: page {} does not exist, the file has {pages} pages",
        .page + 1,
        .page + 1
    )]
    PageOutOfRange {
        opinion: String,
        page: usize,
        pages: usize,
    },
    #[error(
        "意见 {opinion}：标注坐标无效 / opinion {opinion}: a markup's coordinates are not numbers"
    )]
    InvalidMark { opinion: String },
    #[error("无法写出PDF文件：{0} / the PDF file cannot be written: {0}")]
    Write(String),
}
