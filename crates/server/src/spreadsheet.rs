//! Tables written as files people open in Excel or WPS, shared by every statistics export:
//! CSV (UTF-8 with a byte-order mark, CRLF, quoted where needed, formula-like text kept as
//! text) and XLSX (bold frozen headers, counts, minutes and shares as numbers), and the
//! download they are sent as.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use onetrip_api::stats::ExportFormat;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// One cell of a table, kept as what it means so that each format writes it its own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(u32),
    /// A count that may not exist (a maximum of nothing): empty then.
    MaybeCount(Option<u32>),
    /// A duration in milliseconds, shown in minutes with one decimal.
    Minutes(Option<i64>),
    /// A share from 0 to 1, shown as a percentage.
    Rate(Option<f64>),
    /// A plain number with two decimals.
    Decimal(Option<f64>),
}

/// Minutes with one decimal.
pub fn minutes(ms: i64) -> f64 {
    (ms as f64 / 6_000.0).round() / 10.0
}

// ---------------------------------------------------------------------------------------------
// CSV

fn csv_field(text: &str) -> String {
    // A leading = + - @ makes Excel read the cell as a formula: keep names as text.
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv_cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => csv_field(text),
        Cell::Count(n) => n.to_string(),
        Cell::MaybeCount(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        Cell::Minutes(ms) => ms
            .map(|ms| format!("{:.1}", minutes(ms)))
            .unwrap_or_default(),
        Cell::Rate(rate) => rate
            .map(|r| format!("{:.1}%", r * 100.0))
            .unwrap_or_default(),
        Cell::Decimal(value) => value.map(|v| format!("{v:.2}")).unwrap_or_default(),
    }
}

/// A CSV file being written: it starts with the byte-order mark that makes Excel read UTF-8.
pub struct Csv(String);

impl Default for Csv {
    fn default() -> Csv {
        Csv::new()
    }
}

impl Csv {
    pub fn new() -> Csv {
        Csv(String::from('\u{feff}'))
    }

    pub fn line(&mut self, cells: &[Cell]) {
        let line: Vec<String> = cells.iter().map(csv_cell).collect();
        self.0.push_str(&line.join(","));
        self.0.push_str("\r\n");
    }

    /// An empty line between two tables.
    pub fn blank(&mut self) {
        self.0.push_str("\r\n");
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}

// ---------------------------------------------------------------------------------------------
// XLSX

/// The cell formats of a workbook.
pub struct Formats {
    pub header: Format,
    pub bold: Format,
    pub minutes: Format,
    pub rate: Format,
    pub decimal: Format,
    pub wrap: Format,
}

impl Default for Formats {
    fn default() -> Formats {
        Formats::new()
    }
}

impl Formats {
    pub fn new() -> Formats {
        Formats {
            header: Format::new().set_bold().set_background_color("D9E1F2"),
            bold: Format::new().set_bold(),
            minutes: Format::new().set_num_format("0.0"),
            rate: Format::new().set_num_format("0.0%"),
            decimal: Format::new().set_num_format("0.00"),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

pub fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(text) => {
            sheet.write_string(row, col, text)?;
        }
        Cell::Count(n) | Cell::MaybeCount(Some(n)) => {
            sheet.write_number(row, col, *n)?;
        }
        Cell::Minutes(Some(ms)) => {
            sheet.write_number_with_format(row, col, minutes(*ms), &formats.minutes)?;
        }
        Cell::Rate(Some(rate)) => {
            sheet.write_number_with_format(row, col, *rate, &formats.rate)?;
        }
        Cell::Decimal(Some(value)) => {
            sheet.write_number_with_format(row, col, *value, &formats.decimal)?;
        }
        // Nothing to measure: the cell stays empty rather than showing a made-up zero.
        Cell::MaybeCount(None) | Cell::Minutes(None) | Cell::Rate(None) | Cell::Decimal(None) => {}
    }
    Ok(())
}

/// A header row, bold and frozen, and the column widths.
pub fn header_row(
    sheet: &mut Worksheet,
    headers: &[String],
    widths: &[f64],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (col, (text, width)) in headers.iter().zip(widths).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, text, &formats.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A table of lines under a header, and maybe a total: a sheet of a workbook, a section of a
/// CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet's name (at most 31 characters, none of `[]:*?/\`).
    pub name: String,
    pub headers: Vec<String>,
    /// Column widths in characters, one per header.
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Cell>>,
    /// A last line whose first cell is written bold.
    pub total: Option<Vec<Cell>>,
}

impl Table {
    /// The table as a sheet of its own.
    pub fn sheet(&self, workbook: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&self.name)?;
        header_row(sheet, &self.headers, &self.widths, formats)?;
        let mut at = 1;
        for row in &self.rows {
            for (col, cell) in (0u16..).zip(row) {
                write_cell(sheet, at, col, cell, formats)?;
            }
            at += 1;
        }
        if let Some(total) = &self.total {
            for (col, cell) in (0u16..).zip(total) {
                match cell {
                    Cell::Text(text) if col == 0 => {
                        sheet.write_string_with_format(at, col, text, &formats.bold)?;
                    }
                    cell => write_cell(sheet, at, col, cell, formats)?,
                }
            }
        }
        Ok(())
    }

    /// The table's header, lines and total, without its name.
    pub fn csv(&self, csv: &mut Csv) {
        let header: Vec<Cell> = self.headers.iter().cloned().map(Cell::Text).collect();
        csv.line(&header);
        for row in self.rows.iter().chain(&self.total) {
            csv.line(row);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Files

/// `text` as part of a file name: no path separators or characters file systems refuse.
pub fn file_name_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// `attachment` with an ASCII `filename` for old clients and the real name in `filename*`
/// (RFC 6266 with RFC 5987 encoding).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// An export ready to send: its bytes, type and `Content-Disposition`.
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: String,
    pub disposition: String,
}

impl ExportFile {
    pub fn new(bytes: Vec<u8>, format: ExportFormat, file_name: String) -> ExportFile {
        ExportFile {
            bytes,
            content_type: format.content_type(),
            disposition: content_disposition(&file_name),
            file_name,
        }
    }
}

impl IntoResponse for ExportFile {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, self.content_type.to_owned()),
                (header::CONTENT_DISPOSITION, self.disposition),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            self.bytes,
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_kept_as_text() {
        assert_eq!(csv_field("A 企业开办"), "A 企业开办");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn minutes_have_one_decimal() {
        assert_eq!(minutes(90_000), 1.5);
        assert_eq!(minutes(100_000), 1.7);
        assert_eq!(minutes(0), 0.0);
    }

    #[test]
    fn content_disposition_carries_the_chinese_name() {
        assert_eq!(
            content_disposition("统计_a b.csv"),
            "attachment; filename=\"___a_b.csv\"; filename*=UTF-8''%E7%BB%9F%E8%AE%A1_a%20b.csv"
        );
    }

    #[test]
    fn a_table_is_a_csv_section_with_its_total_last() {
        let table = Table {
            name: "专业".into(),
            headers: vec!["专业".into(), "件数".into(), "最长".into()],
            widths: vec![10.0, 8.0, 8.0],
            rows: vec![vec![
                Cell::Text("建筑".into()),
                Cell::Count(3),
                Cell::MaybeCount(None),
            ]],
            total: Some(vec![
                Cell::Text("合计".into()),
                Cell::Count(3),
                Cell::MaybeCount(Some(4)),
            ]),
        };
        let mut csv = Csv::new();
        table.csv(&mut csv);
        let bytes = csv.into_bytes();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}专业,件数,最长\r\n建筑,3,\r\n合计,3,4\r\n"
        );
    }
}
