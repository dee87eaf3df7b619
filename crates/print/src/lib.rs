//! Print-ready PDF documents: templates as data, bundled CJK fonts subset into every file,
//! signed QR codes, overlay printing onto pre-printed forms, and batches.
//!
//! A generic document engine: it knows templates and records (JSON objects), not the domain.
//! PDFs are written with `pdf-writer`, fonts subset with `subsetter`: the static part of a
//! template is a form XObject drawn once per file, pages are compressed as they are drawn,
//! and fonts are subset to the glyphs used when the file is finished.
//!
//! Templates are JSON files read by [`Template::from_json`]. The built-in ones are no
//! exception: they are ordinary template files in this crate's `templates/` folder, embedded
//! at build time (see [`builtin`]).

pub mod builtin;
pub mod calibration;
pub mod draw;
pub mod fonts;
mod grid;
pub mod pdf;
pub mod qr;
pub mod render;
pub mod report;
pub mod signing;
pub mod template;

pub use builtin::{builtin_templates, find_template, sample_records};
pub use calibration::Calibration;
pub use fonts::FontSet;
pub use render::{Progress, RenderOptions, calibration_grid, render, render_to_files};
pub use template::Template;

/// Everything that can go wrong while printing. Messages name the record and field at fault
/// and are fit to show to the person printing.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// A value of a record cannot be printed.
    #[error(
        "第{record}条记录，字段 {field}：{message} / record {record}, field {field}: {message}"
    )]
    Field {
        record: usize,
        field: String,
        message: String,
    },
    /// A record as a whole is wrong.
    #[error("第{record}条记录：{message} / record {record}: {message}")]
    Record { record: usize, message: String },
    #[error("字体 {font}：{message} / font {font}: {message}")]
    Font { font: String, message: String },
    #[error("没有名为“{0}”的模板 / no template named '{0}'")]
    UnknownTemplate(String),
    #[error("模板错误 / template error: {0}")]
    Template(String),
    #[error("二维码 / QR code: {0}")]
    Qr(String),
    #[error("文件 / file: {0}")]
    Io(#[from] std::io::Error),
}
