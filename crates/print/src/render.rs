//! Templates and records into PDF: one document, a batch in one file, or a large batch in
//! several files (parts), with progress reported to the caller.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::PrintError;
use crate::calibration::Calibration;
use crate::draw::{Canvas, DrawError, Shaped, pt_to_mm, shape, wrap};
use crate::fonts::FontSet;
use crate::pdf::{DocumentBuilder, draw_static_layer, mm};
use crate::qr;
use crate::template::{Column, Field, FieldKind, Fit, PageSize, Static, Template, TextStyle};

// The calibration test page lives in its own module; it stays reachable from here.
pub use crate::grid::calibration_grid;

/// How to print.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Only the fields, for pre-printed forms (套打): the static layer is left out.
    pub overlay: bool,
    /// Printer correction applied to everything drawn.
    pub calibration: Option<Calibration>,
}

/// Progress of a batch, reported after every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Pages per file when a batch is written in parts: bounds memory at a few megabytes.
pub const DEFAULT_PAGES_PER_PART: usize = 2000;

fn field_error(record: usize, field: &Field, message: String) -> PrintError {
    PrintError::Field {
        record: record + 1,
        field: format!("{} ({})", field.key, field.label),
        message,
    }
}

fn draw_error(record: usize, field: &Field, err: DrawError) -> PrintError {
    match err {
        DrawError::Missing(missing) => field_error(record, field, missing.describe()),
        DrawError::Print(err) => err,
    }
}

/// The text of a JSON value as printed: strings as they are, numbers in full, lists joined
/// with 、. `None` for null, a missing key, or blank text.
fn value_text(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::Null => return None,
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(true) => "是".to_owned(),
        Value::Bool(false) => "否".to_owned(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| value_text(Some(item)))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(_) => return None,
    };
    (!text.trim().is_empty()).then_some(text)
}

/// Fills `{key}` placeholders from the record; every key named must have a value.
fn fill_format(format: &str, record: &serde_json::Map<String, Value>) -> Result<String, String> {
    let mut out = String::with_capacity(format.len() + 32);
    let mut rest = format;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(format!("unclosed placeholder in format '{format}'"));
        };
        let placeholder = &after[..end];
        let (key, as_date) = match placeholder.strip_suffix(":date") {
            Some(key) => (key, true),
            None => (placeholder, false),
        };
        match value_text(record.get(key)) {
            Some(text) if as_date => out.push_str(&chinese_date(&text).ok_or_else(|| {
                format!(
                    "“{key}”应为日期 YYYY-MM-DD / '{key}' must be a date YYYY-MM-DD, got '{text}'"
                )
            })?),
            Some(text) => out.push_str(&text),
            None => return Err(format!("缺少“{key}”的值 / missing value for '{key}'")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `2026-11-27` → `2026年11月27日`, as dates are written on Chinese documents.
pub fn chinese_date(iso: &str) -> Option<String> {
    let mut parts = iso.trim().splitn(3, '-');
    let year: u16 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.get(..2)?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| format!("{year}年{month}月{day}日"))
}

/// A template prepared for one document: the static layer is drawn once.
struct Job<'t> {
    template: &'t Template,
    options: &'t RenderOptions,
}

impl Job<'_> {
    fn begin<'f>(&self, fonts: &'f FontSet) -> Result<DocumentBuilder<'f>, PrintError> {
        let mut doc = DocumentBuilder::new(fonts, &self.template.title);
        if !self.options.overlay && !self.template.statics.is_empty() {
            let mut canvas = Canvas::new(self.template.page.height);
            for element in &self.template.statics {
                draw_static(&mut doc, &mut canvas, element).map_err(|err| match err {
                    DrawError::Missing(missing) => PrintError::Template(format!(
                        "template {}: {}",
                        self.template.name,
                        missing.describe()
                    )),
                    DrawError::Print(err) => err,
                })?;
            }
            let PageSize { width, height } = self.template.page;
            doc.set_static_layer(canvas.content.finish().into_vec(), mm(width), mm(height));
        }
        Ok(doc)
    }

    fn page(
        &self,
        doc: &mut DocumentBuilder<'_>,
        index: usize,
        record: &Value,
    ) -> Result<(), PrintError> {
        let Value::Object(record) = record else {
            return Err(PrintError::Record {
                record: index + 1,
                message: "不是对象 / not a JSON object".into(),
            });
        };
        let PageSize { width, height } = self.template.page;
        let mut canvas = Canvas::new(height);
        let calibration = self
            .options
            .calibration
            .as_ref()
            .filter(|calibration| !calibration.is_identity());
        if let Some(calibration) = calibration {
            canvas.content.save_state();
            canvas.content.transform(calibration.matrix(mm(height)));
        }
        if !self.options.overlay && !self.template.statics.is_empty() {
            draw_static_layer(&mut canvas.content);
        }
        for field in &self.template.fields {
            draw_field(doc, &mut canvas, field, record, index)?;
        }
        if calibration.is_some() {
            canvas.content.restore_state();
        }
        doc.add_page(&canvas.content.finish(), mm(width), mm(height));
        Ok(())
    }
}

/// Renders records (one page each) into one PDF.
pub fn render(
    fonts: &FontSet,
    template: &Template,
    records: &[Value],
    options: &RenderOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<u8>, PrintError> {
    let job = Job { template, options };
    let mut doc = job.begin(fonts)?;
    let total = records.len();
    for (index, record) in records.iter().enumerate() {
        job.page(&mut doc, index, record)?;
        progress(Progress {
            done: index + 1,
            total,
        });
    }
    doc.finish()
}

/// Renders records into files of at most `pages_per_part` pages each, writing each file
/// before drawing the next, so memory stays bounded however large the batch. One part is
/// written to `out` itself; several to `out` with `-part001`, `-part002`… before the extension.
/// A bad record stops the batch and removes the parts already written: never half a batch.
pub fn render_to_files(
    fonts: &FontSet,
    template: &Template,
    records: &[Value],
    options: &RenderOptions,
    out: &Path,
    pages_per_part: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<PathBuf>, PrintError> {
    let pages_per_part = pages_per_part.max(1);
    let parts = records.len().div_ceil(pages_per_part).max(1);
    let job = Job { template, options };
    let total = records.len();
    let mut paths = Vec::with_capacity(parts);
    let mut done = 0;
    let mut written: Vec<PathBuf> = Vec::new();
    let result: Result<(), PrintError> = (|| {
        for (part, chunk) in records.chunks(pages_per_part).enumerate() {
            let mut doc = job.begin(fonts)?;
            for record in chunk {
                job.page(&mut doc, done, record)?;
                done += 1;
                progress(Progress { done, total });
            }
            let bytes = doc.finish()?;
            let path = if parts == 1 {
                out.to_path_buf()
            } else {
                part_path(out, part + 1)
            };
            std::fs::write(&path, bytes)?;
            written.push(path.clone());
            paths.push(path);
        }
        if records.is_empty() {
            let bytes = job.begin(fonts)?.finish()?;
            std::fs::write(out, bytes)?;
            paths.push(out.to_path_buf());
        }
        Ok(())
    })();
    if let Err(err) = result {
        // No half-written batch: remove the parts already written.
        for path in written {
            let _ = std::fs::remove_file(path);
        }
        return Err(err);
    }
    Ok(paths)
}

/// `permits.pdf`, 3 → `permits-part003.pdf`.
pub fn part_path(out: &Path, part: usize) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let name = match out.extension() {
        Some(ext) => format!("{stem}-part{part:03}.{}", ext.to_string_lossy()),
        None => format!("{stem}-part{part:03}"),
    };
    out.with_file_name(name)
}

fn draw_static(
    doc: &mut DocumentBuilder<'_>,
    canvas: &mut Canvas,
    element: &Static,
) -> Result<(), DrawError> {
    match element {
        Static::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            dash,
            color,
        } => {
            canvas.stroke_color(*color);
            canvas.line(*x1, *y1, *x2, *y2, *width, *dash);
            canvas.stroke_color(crate::template::Color::BLACK);
        }
        Static::Rect {
            x,
            y,
            w,
            h,
            width,
            fill,
            color,
        } => {
            canvas.stroke_color(*color);
            canvas.rect(*x, *y, *w, *h, *width, *fill);
            canvas.stroke_color(crate::template::Color::BLACK);
        }
        Static::Circle {
            cx,
            cy,
            r,
            width,
            color,
            dash,
        } => {
            canvas.stroke_color(*color);
            canvas.circle(*cx, *cy, *r, *width, *dash);
            canvas.stroke_color(crate::template::Color::BLACK);
        }
        Static::Text {
            x,
            y,
            w,
            text,
            style,
        } => {
            // A label never runs out of its box: it shrinks if it must.
            let shaped = shape(doc, text)?;
            let size = fit_line(&shaped, style, *w, 1.0).unwrap_or(style.size);
            canvas.text(doc, &shaped, *x, *y, *w, style, size)?;
        }
        Static::Paragraph {
            x,
            y,
            w,
            line_height,
            text,
            style,
            indent,
        } => {
            let mut line_y = *y;
            for paragraph in text.split('\n') {
                let indent_text: String = "\u{3000}".repeat(indent.round().max(0.0) as usize);
                let shaped = shape(doc, &format!("{indent_text}{paragraph}"))?;
                for line in wrap(&shaped, style.size, style.spacing, mm(*w)) {
                    canvas.text(doc, &line, *x, line_y, *w, style, style.size)?;
                    line_y += line_height;
                }
            }
        }
    }
    Ok(())
}

/// Fits one line into `w` millimetres: the size to draw it at, or an error.
pub(crate) fn fit_line(
    shaped: &Shaped,
    style: &TextStyle,
    w: f32,
    min_size: f32,
) -> Result<f32, String> {
    let width = shaped.width(style.size, style.spacing);
    if width <= mm(w) {
        return Ok(style.size);
    }
    // Character spacing does not scale with the size; solve for the size that fits.
    let advance = shaped.width(1.0, 0.0);
    let gaps = shaped.width(0.0, style.spacing);
    let size = ((mm(w) - gaps) / advance).min(style.size);
    if size >= min_size {
        Ok(size)
    } else {
        Err(format!(
            "内容过长：最小字号 {min_size} pt 时需 {:.1} mm，栏宽 {w} mm / too long: {:.1} mm at the smallest size {min_size} pt, the field is {w} mm wide",
            pt_to_mm(shaped.width(min_size, style.spacing)),
            pt_to_mm(shaped.width(min_size, style.spacing)),
        ))
    }
}

fn draw_field(
    doc: &mut DocumentBuilder<'_>,
    canvas: &mut Canvas,
    field: &Field,
    record: &serde_json::Map<String, Value>,
    index: usize,
) -> Result<(), PrintError> {
    if let FieldKind::Table {
        columns,
        row_height,
        max_rows,
    } = &field.kind
    {
        return draw_table(
            doc,
            canvas,
            field,
            columns,
            *row_height,
            *max_rows,
            record,
            index,
        );
    }
    let text = match &field.format {
        Some(format) => match fill_format(format, record) {
            Ok(text) => Some(text),
            Err(message) if field.required => return Err(field_error(index, field, message)),
            Err(_) => None,
        },
        None => value_text(record.get(&field.key)),
    };
    let Some(text) = text else {
        if field.required {
            return Err(field_error(
                index,
                field,
                "缺少必填值 / required value missing".into(),
            ));
        }
        return Ok(());
    };
    match &field.kind {
        FieldKind::Qr { size } => qr::draw(
            doc,
            &mut canvas.content,
            &text,
            field.x,
            field.y,
            *size,
            canvas.height_pt,
        )
        .map_err(|err| field_error(index, field, err.to_string())),
        FieldKind::Text | FieldKind::Table { .. } => draw_text_field(doc, canvas, field, &text)
            .map_err(|err| match err {
                FieldFailure::Draw(err) => draw_error(index, field, err),
                FieldFailure::Fit(message) => field_error(index, field, message),
            }),
    }
}

enum FieldFailure {
    Draw(DrawError),
    Fit(String),
}

impl From<DrawError> for FieldFailure {
    fn from(err: DrawError) -> Self {
        FieldFailure::Draw(err)
    }
}

impl From<PrintError> for FieldFailure {
    fn from(err: PrintError) -> Self {
        FieldFailure::Draw(DrawError::Print(err))
    }
}

fn draw_text_field(
    doc: &mut DocumentBuilder<'_>,
    canvas: &mut Canvas,
    field: &Field,
    text: &str,
) -> Result<(), FieldFailure> {
    match field.fit {
        Fit::Shrink { min_size } => {
            let one_line = text.replace(['\n', '\r'], " ");
            let shaped = shape(doc, &one_line)?;
            let size =
                fit_line(&shaped, &field.style, field.w, min_size).map_err(FieldFailure::Fit)?;
            canvas.text(doc, &shaped, field.x, field.y, field.w, &field.style, size)?;
        }
        Fit::Wrap {
            line_height,
            max_lines,
            min_size,
            middle,
        } => {
            let paragraphs = text
                .split('\n')
                .map(|paragraph| shape(doc, paragraph.trim_end_matches('\r')))
                .collect::<Result<Vec<_>, _>>()?;
            let mut size = field.style.size;
            loop {
                let lines: Vec<Shaped> = paragraphs
                    .iter()
                    .flat_map(|shaped| wrap(shaped, size, field.style.spacing, mm(field.w)))
                    .collect();
                if lines.len() <= max_lines {
                    // Shrunken text keeps its lines proportionally closer.
                    let step = line_height * (size / field.style.size).max(0.8);
                    let top = if middle {
                        field.y + line_height * (max_lines - lines.len()) as f32 / 2.0
                    } else {
                        field.y
                    };
                    for (i, line) in lines.iter().enumerate() {
                        let y = top + step * i as f32;
                        canvas.text(doc, line, field.x, y, field.w, &field.style, size)?;
                    }
                    return Ok(());
                }
                if size <= min_size {
                    return Err(FieldFailure::Fit(format!(
                        "内容过长：需 {} 行，最多 {max_lines} 行 / too long: {} lines, at most {max_lines} fit",
                        lines.len(),
                        lines.len()
                    )));
                }
                size = (size - 0.5).max(min_size);
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn draw_table(
    doc: &mut DocumentBuilder<'_>,
    canvas: &mut Canvas,
    field: &Field,
    columns: &[Column],
    row_height: f32,
    max_rows: usize,
    record: &serde_json::Map<String, Value>,
    index: usize,
) -> Result<(), PrintError> {
    let rows = match record.get(&field.key) {
        Some(Value::Array(rows)) => rows.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => {
            return Err(field_error(
                index,
                field,
                "应为数组 / must be an array".into(),
            ));
        }
    };
    if rows.is_empty() && field.required {
        return Err(field_error(
            index,
            field,
            "至少需要一行 / at least one row is required".into(),
        ));
    }
    if rows.len() > max_rows {
        return Err(field_error(
            index,
            field,
            format!(
                "共 {} 行，本表最多 {max_rows} 行 / {} rows, the table holds at most {max_rows}",
                rows.len(),
                rows.len()
            ),
        ));
    }
    for (row_index, row) in rows.iter().enumerate() {
        let y = field.y + row_height * row_index as f32;
        for column in columns {
            let text = if column.key == "#" {
                Some((row_index + 1).to_string())
            } else if column.key.is_empty() {
                value_text(Some(row))
            } else {
                match row {
                    Value::Object(cells) => value_text(cells.get(&column.key)),
                    _ => None,
                }
            };
            let cell_error = |message: String| PrintError::Field {
                record: index + 1,
                field: format!(
                    "{} ({}) 第{}行 / row {}, {} ({})",
                    field.key,
                    field.label,
                    row_index + 1,
                    row_index + 1,
                    column.key,
                    column.label
                ),
                message,
            };
            let Some(text) = text else {
                if column.required {
                    return Err(cell_error("缺少必填值 / required value missing".into()));
                }
                continue;
            };
            let style = TextStyle {
                align: column.align,
                ..field.style
            };
            let shaped = shape(doc, &text.replace(['\n', '\r'], " ")).map_err(|err| match err {
                DrawError::Missing(missing) => cell_error(missing.describe()),
                DrawError::Print(err) => err,
            })?;
            let min_size = match field.fit {
                Fit::Shrink { min_size } | Fit::Wrap { min_size, .. } => min_size,
            };
            let size = fit_line(&shaped, &style, column.w, min_size).map_err(cell_error)?;
            canvas.text(doc, &shaped, field.x + column.x, y, column.w, &style, size)?;
        }
    }
    Ok(())
}
