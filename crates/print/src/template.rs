//! Templates as data: page size, static elements, and fields filled from a record.
//!
//! Coordinates are millimetres from the top-left corner of the page, y pointing down, as one
//! measures on paper with a ruler. Font sizes are in points.

use serde::{Deserialize, Serialize};

use crate::PrintError;

/// A document layout. Serializable, so administrators can keep their own as JSON files.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable name used on the command line (`drainage-permit`).
    pub name: String,
    /// Title in Chinese, shown in lists (`城镇污水排入排水管网许可证`).
    pub title: String,
    /// One line saying what it is for, in English.
    #[serde(default)]
    pub description: String,
    pub page: PageSize,
    /// Drawn once per document and reused by every page (a form XObject). Left out when
    /// printing onto pre-printed forms (overlay printing).
    #[serde(default)]
    pub statics: Vec<Static>,
    /// Filled from each record.
    pub fields: Vec<Field>,
}

impl Template {
    /// Reads a template from the text of its JSON file. The one loader of templates: custom
    /// template files and the built-in ones (`templates/*.json`, embedded at build time) both
    /// come through here. Unknown keys are refused, so a typo is an error, not a silent default.
    pub fn from_json(json: &str) -> Result<Template, PrintError> {
        serde_json::from_str(json).map_err(|err| PrintError::Template(err.to_string()))
    }
}

/// Page size in millimetres.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

impl PageSize {
    pub const A4: PageSize = PageSize {
        width: 210.0,
        height: 297.0,
    };
    pub const A4_LANDSCAPE: PageSize = PageSize {
        width: 297.0,
        height: 210.0,
    };
}

/// An RGB colour, components 0–1.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Color(pub f32, pub f32, pub f32);

impl Color {
    pub const BLACK: Color = Color(0.0, 0.0, 0.0);
    /// The red of official seals and red-header documents.
    pub const SEAL_RED: Color = Color(0.84, 0.07, 0.09);
    pub const GREY: Color = Color(0.45, 0.45, 0.45);
}

fn black() -> Color {
    Color::BLACK
}

fn default_line_width() -> f32 {
    0.3
}

/// Horizontal alignment of text within its box.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// Text style shared by static labels and fields.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TextStyle {
    /// Size in points.
    pub size: f32,
    #[serde(default)]
    pub align: Align,
    /// Drawn heavier (fill and stroke), for titles.
    #[serde(default)]
    pub bold: bool,
    /// Extra space between characters in points (titles such as 受 理 回 执).
    #[serde(default)]
    pub spacing: f32,
    #[serde(default = "black")]
    pub color: Color,
}

impl TextStyle {
    pub fn new(size: f32) -> Self {
        Self {
            size,
            align: Align::Left,
            bold: false,
            spacing: 0.0,
            color: Color::BLACK,
        }
    }
}

/// Part of the preprinted form: drawn once into the static layer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Static {
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        #[serde(default = "default_line_width")]
        width: f32,
        /// Dash length in millimetres; none for a solid line.
        #[serde(default)]
        dash: Option<f32>,
        #[serde(default = "black")]
        color: Color,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        #[serde(default = "default_line_width")]
        width: f32,
        #[serde(default)]
        fill: Option<Color>,
        #[serde(default = "black")]
        color: Color,
    },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        #[serde(default = "default_line_width")]
        width: f32,
        #[serde(default = "black")]
        color: Color,
        #[serde(default)]
        dash: Option<f32>,
    },
    /// A label: `x`, `y` is the top-left of a box `w` wide (alignment is within it).
    Text {
        x: f32,
        y: f32,
        w: f32,
        text: String,
        style: TextStyle,
    },
    /// A paragraph wrapped within `w`, lines `line_height` millimetres apart.
    Paragraph {
        x: f32,
        y: f32,
        w: f32,
        line_height: f32,
        text: String,
        style: TextStyle,
        /// Indent of the first line, in characters (两字缩进 = 2).
        #[serde(default)]
        indent: f32,
    },
}

/// How a value that is too wide for its field is made to fit.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fit {
    /// One line; the size shrinks down to `min_size` points, never below.
    Shrink { min_size: f32 },
    /// Wrapped onto lines `line_height` millimetres apart, at most `max_lines`; the size
    /// shrinks down to `min_size` if the lines would not fit.
    Wrap {
        line_height: f32,
        max_lines: usize,
        min_size: f32,
        /// Fewer lines than `max_lines` are centred in the space the maximum would take
        /// (for values in ruled table cells).
        #[serde(default)]
        middle: bool,
    },
}

/// A column of a table field.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Key in each row object; `#` is the row number (1, 2, …); empty when rows are strings.
    pub key: String,
    /// Label used in error messages.
    pub label: String,
    /// Offset from the table's left edge and width, in millimetres.
    pub x: f32,
    pub w: f32,
    #[serde(default)]
    pub align: Align,
    #[serde(default)]
    pub required: bool,
}

/// What a field shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    /// Text from the value, or from `format` with `{key}` placeholders.
    #[default]
    Text,
    /// A QR code of the value's text, `size` millimetres square including the quiet zone.
    Qr { size: f32 },
    /// Rows from an array value, `row_height` millimetres apart, at most `max_rows`.
    Table {
        columns: Vec<Column>,
        row_height: f32,
        max_rows: usize,
    },
}

/// A variable part of the document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Key in the record (`holder`).
    pub key: String,
    /// What the field is, in Chinese, for error messages and previews (`排水户名称`).
    pub label: String,
    /// Top-left of the field box and its maximum width, in millimetres.
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub style: TextStyle,
    #[serde(default = "default_fit")]
    pub fit: Fit,
    #[serde(default)]
    pub kind: FieldKind,
    /// The record must have a non-empty value for it.
    #[serde(default)]
    pub required: bool,
    /// A line built from several record keys: `{from} 至 {until}`.
    #[serde(default)]
    pub format: Option<String>,
}

fn default_fit() -> Fit {
    Fit::Shrink { min_size: 6.0 }
}

impl Field {
    /// A one-line text field that shrinks to fit.
    pub fn text(key: &str, label: &str, x: f32, y: f32, w: f32, size: f32) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            x,
            y,
            w,
            style: TextStyle::new(size),
            fit: Fit::Shrink {
                min_size: (size * 0.6).max(5.0),
            },
            kind: FieldKind::Text,
            required: true,
            format: None,
        }
    }

    pub fn align(mut self, align: Align) -> Self {
        self.style.align = align;
        self
    }

    pub fn bold(mut self) -> Self {
        self.style.bold = true;
        self
    }

    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    pub fn wrap(mut self, line_height: f32, max_lines: usize) -> Self {
        self.fit = Fit::Wrap {
            line_height,
            max_lines,
            min_size: (self.style.size * 0.7).max(5.0),
            middle: false,
        };
        self
    }

    /// Centres fewer lines than the maximum vertically in the field's space.
    pub fn middle(mut self) -> Self {
        if let Fit::Wrap { middle, .. } = &mut self.fit {
            *middle = true;
        }
        self
    }

    pub fn format(mut self, format: &str) -> Self {
        self.format = Some(format.into());
        self
    }

    pub fn spacing(mut self, spacing: f32) -> Self {
        self.style.spacing = spacing;
        self
    }
}
