//! Flowing documents of any length: a title block, facts, sections with ruled tables whose
//! cells wrap, and a closing, laid out on as many A4 pages as the content needs. A table's
//! heading row repeats on every page it runs onto, a row taller than what is left of a page
//! continues on the next, and every page is numbered 第 x 页 共 y 页.
//!
//! Templates (see [`crate::template`]) fill fixed places on one page per record; a report is
//! for documents whose length depends on their content, such as an opinion letter.

use crate::PrintError;
use crate::draw::{Canvas, DrawError, Shaped, shape, wrap};
use crate::fonts::FontSet;
use crate::pdf::{DocumentBuilder, mm};
use crate::template::{Align, Color, PageSize, TextStyle};

/// A flowing document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// The document's name, centred and large (`施工图审查意见书`).
    pub title: String,
    /// A line under the title (`第 1 轮`).
    pub subtitle: Option<String>,
    /// The document's number, on its own line at the right (`编号：…`).
    pub number: Option<String>,
    /// Label and value pairs, one per line, before the sections.
    pub facts: Vec<(String, String)>,
    pub sections: Vec<Section>,
    /// Paragraphs after the sections.
    pub closing: Vec<String>,
    /// Lines at the right after the closing: the issuing body and the date.
    pub signature: Vec<String>,
    /// Text at the left of every page's foot; the page number is at the right.
    pub footer: String,
}

/// A heading, an optional paragraph and an optional table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    pub heading: String,
    pub intro: Option<String>,
    pub table: Option<Table>,
}

/// A ruled table: every cell wraps within its column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<TableColumn>,
    /// One string per column in each row.
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableColumn {
    pub label: String,
    /// A share of the table's width: columns of weights 1 and 3 take a quarter and three
    /// quarters.
    pub weight: f32,
    pub align: Align,
}

impl TableColumn {
    pub fn new(label: &str, weight: f32) -> TableColumn {
        TableColumn {
            label: label.into(),
            weight,
            align: Align::Left,
        }
    }

    pub fn centred(mut self) -> TableColumn {
        self.align = Align::Center;
        self
    }
}

const PAGE: PageSize = PageSize::A4;
const LEFT: f32 = 20.0;
const RIGHT: f32 = 20.0;
const TOP: f32 = 22.0;
/// Where the text area ends; the footer sits below.
const BOTTOM: f32 = 277.0;
const FOOTER_Y: f32 = 284.0;
/// 五号.
const BODY: f32 = 10.5;
/// Millimetres between lines of body text.
const LINE: f32 = 5.2;
/// Space inside a cell above and below its lines, and at its sides.
const PAD_Y: f32 = 1.4;
const PAD_X: f32 = 1.5;

fn width() -> f32 {
    PAGE.width - LEFT - RIGHT
}

/// Renders a report to a PDF.
pub fn render_report(fonts: &FontSet, report: &Report) -> Result<Vec<u8>, PrintError> {
    let mut layout = Layout {
        doc: DocumentBuilder::new(fonts, &report.title),
        pages: Vec::new(),
        canvas: Canvas::new(PAGE.height),
        y: TOP,
    };
    layout.run(report).map_err(|error| match error {
        DrawError::Missing(missing) => PrintError::Template(missing.describe()),
        DrawError::Print(error) => error,
    })?;
    layout.finish(&report.footer)
}

struct Layout<'f> {
    doc: DocumentBuilder<'f>,
    /// Pages done, waiting for their footers (which need the page count).
    pages: Vec<Canvas>,
    canvas: Canvas,
    /// Where the next thing goes, in millimetres from the top.
    y: f32,
}

/// A table cell's lines, ready to draw.
struct Cell {
    lines: Vec<Shaped>,
    align: Align,
}

impl Layout<'_> {
    fn run(&mut self, report: &Report) -> Result<(), DrawError> {
        let title = TextStyle {
            align: Align::Center,
            bold: true,
            spacing: 2.0,
            ..TextStyle::new(22.0)
        };
        self.line(&report.title, &title, 11.0)?;
        if let Some(subtitle) = &report.subtitle {
            let style = TextStyle {
                align: Align::Center,
                ..TextStyle::new(14.0)
            };
            self.line(subtitle, &style, 8.0)?;
        }
        if let Some(number) = &report.number {
            let style = TextStyle {
                align: Align::Right,
                ..TextStyle::new(BODY)
            };
            self.line(number, &style, LINE + 2.0)?;
        }
        if !report.facts.is_empty() {
            self.facts(&report.facts)?;
            self.y += 3.0;
        }
        for section in &report.sections {
            self.section(section)?;
        }
        for paragraph in &report.closing {
            self.paragraph(paragraph, 2.0)?;
        }
        if !report.signature.is_empty() {
            // The issuing body and its date stay together.
            self.room(6.0 + 7.0 * report.signature.len() as f32);
            self.y += 6.0;
            let style = TextStyle {
                align: Align::Right,
                ..TextStyle::new(12.0)
            };
            for line in &report.signature {
                self.line(line, &style, 7.0)?;
            }
        }
        Ok(())
    }

    /// Starts a new page when fewer than `height` millimetres are left.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn new_page(&mut self) {
        let done = std::mem::replace(&mut self.canvas, Canvas::new(PAGE.height));
        self.pages.push(done);
        self.y = TOP;
    }

    /// One line of text across the text area, `advance` millimetres tall.
    fn line(&mut self, text: &str, style: &TextStyle, advance: f32) -> Result<(), DrawError> {
        self.room(advance);
        let shaped = shape(&mut self.doc, text)?;
        let lines = wrap(&shaped, style.size, style.spacing, mm(width()));
        for line in lines {
            self.room(advance);
            self.canvas.text(
                &mut self.doc,
                &line,
                LEFT,
                self.y,
                width(),
                style,
                style.size,
            )?;
            self.y += advance;
        }
        Ok(())
    }

    /// Wrapped body text, the first line indented by `indent` characters (两字缩进).
    fn paragraph(&mut self, text: &str, indent: f32) -> Result<(), DrawError> {
        let style = TextStyle::new(BODY + 1.5);
        let indent: String = "\u{3000}".repeat(indent.round().max(0.0) as usize);
        for paragraph in text.split('\n') {
            let shaped = shape(&mut self.doc, &format!("{indent}{paragraph}"))?;
            for line in wrap(&shaped, style.size, 0.0, mm(width())) {
                self.room(LINE + 1.0);
                self.canvas.text(
                    &mut self.doc,
                    &line,
                    LEFT,
                    self.y,
                    width(),
                    &style,
                    style.size,
                )?;
                self.y += LINE + 1.0;
            }
        }
        self.y += 1.5;
        Ok(())
    }

    fn facts(&mut self, facts: &[(String, String)]) -> Result<(), DrawError> {
        let label_w = 28.0;
        let style = TextStyle::new(BODY + 1.5);
        let bold = TextStyle {
            bold: true,
            ..style
        };
        for (label, value) in facts {
            let label = shape(&mut self.doc, &format!("{label}："))?;
            let value = shape(&mut self.doc, value)?;
            let lines = wrap(&value, style.size, 0.0, mm(width() - label_w));
            self.room(LINE + 1.0);
            self.canvas.text(
                &mut self.doc,
                &label,
                LEFT,
                self.y,
                label_w,
                &bold,
                style.size,
            )?;
            for line in lines {
                self.room(LINE + 1.0);
                self.canvas.text(
                    &mut self.doc,
                    &line,
                    LEFT + label_w,
                    self.y,
                    width() - label_w,
                    &style,
                    style.size,
                )?;
                self.y += LINE + 1.0;
            }
        }
        Ok(())
    }

    fn section(&mut self, section: &Section) -> Result<(), DrawError> {
        // A heading is never left alone at the foot of a page.
        self.room(8.0 + 2.0 * LINE + 2.0 * PAD_Y);
        let heading = TextStyle {
            bold: true,
            ..TextStyle::new(14.0)
        };
        self.y += 2.0;
        self.line(&section.heading, &heading, 8.0)?;
        if let Some(intro) = &section.intro {
            self.paragraph(intro, 2.0)?;
        }
        if let Some(table) = &section.table {
            self.table(table)?;
        }
        self.y += 2.0;
        Ok(())
    }

    /// Column edges in millimetres from the text area's left, first to last.
    fn edges(table: &Table) -> Vec<(f32, f32)> {
        let total: f32 = table.columns.iter().map(|c| c.weight.max(0.01)).sum();
        let mut x = LEFT;
        table
            .columns
            .iter()
            .map(|column| {
                let w = width() * column.weight.max(0.01) / total;
                let edge = (x, w);
                x += w;
                edge
            })
            .collect()
    }

    fn cells(
        &mut self,
        texts: &[&str],
        table: &Table,
        edges: &[(f32, f32)],
    ) -> Result<Vec<Cell>, DrawError> {
        let mut cells = Vec::with_capacity(table.columns.len());
        for (i, column) in table.columns.iter().enumerate() {
            let text = texts.get(i).copied().unwrap_or_default();
            // A line break in the text starts a new line in the cell.
            let mut lines = Vec::new();
            for part in text.split('\n') {
                let shaped = shape(&mut self.doc, part)?;
                lines.extend(wrap(&shaped, BODY, 0.0, mm(edges[i].1 - 2.0 * PAD_X)));
            }
            cells.push(Cell {
                lines,
                align: column.align,
            });
        }
        Ok(cells)
    }

    fn table(&mut self, table: &Table) -> Result<(), DrawError> {
        let edges = Self::edges(table);
        let labels: Vec<&str> = table.columns.iter().map(|c| c.label.as_str()).collect();
        let header = self.cells(&labels, table, &edges)?;
        let header_h = row_height(&header);
        // The heading row with at least one line of the first row under it.
        self.room(header_h + LINE + 2.0 * PAD_Y);
        self.header(&header, &edges)?;
        for row in &table.rows {
            let texts: Vec<&str> = row.iter().map(String::as_str).collect();
            let cells = self.cells(&texts, table, &edges)?;
            let mut from = 0;
            let most = cells
                .iter()
                .map(|c| c.lines.len())
                .max()
                .unwrap_or(0)
                .max(1);
            while from < most {
                let left = ((BOTTOM - self.y - 2.0 * PAD_Y) / LINE).floor().max(0.0) as usize;
                let fits_whole = left >= most - from;
                // Split a row only when it would not fit on a page of its own either.
                let whole_page = ((BOTTOM - TOP - header_h - 2.0 * PAD_Y) / LINE) as usize;
                if !fits_whole && (left == 0 || (from == 0 && most <= whole_page)) {
                    self.new_page();
                    self.header(&header, &edges)?;
                    continue;
                }
                let take = left.min(most - from);
                self.row(&cells, &edges, from, take, Color::BLACK, false)?;
                from += take;
                if from < most {
                    self.new_page();
                    self.header(&header, &edges)?;
                }
            }
        }
        Ok(())
    }

    fn header(&mut self, header: &[Cell], edges: &[(f32, f32)]) -> Result<(), DrawError> {
        let lines = header.iter().map(|c| c.lines.len()).max().unwrap_or(1);
        self.row(header, edges, 0, lines, Color(0.93, 0.93, 0.93), true)
    }

    /// Draws lines `from..from + take` of a row's cells, ruled, and moves down past it.
    fn row(
        &mut self,
        cells: &[Cell],
        edges: &[(f32, f32)],
        from: usize,
        take: usize,
        fill: Color,
        bold: bool,
    ) -> Result<(), DrawError> {
        let h = take.max(1) as f32 * LINE + 2.0 * PAD_Y;
        let top = self.y;
        for (cell, (x, w)) in cells.iter().zip(edges) {
            let background = (fill != Color::BLACK).then_some(fill);
            self.canvas.rect(*x, top, *w, h, 0.2, background);
            let style = TextStyle {
                align: cell.align,
                bold,
                ..TextStyle::new(BODY)
            };
            for (i, line) in cell.lines.iter().skip(from).take(take).enumerate() {
                self.canvas.text(
                    &mut self.doc,
                    line,
                    x + PAD_X,
                    top + PAD_Y + i as f32 * LINE + 0.6,
                    w - 2.0 * PAD_X,
                    &style,
                    BODY,
                )?;
            }
        }
        self.y = top + h;
        Ok(())
    }

    fn finish(mut self, footer: &str) -> Result<Vec<u8>, PrintError> {
        self.pages.push(self.canvas);
        let total = self.pages.len();
        let style = TextStyle {
            color: Color::GREY,
            ..TextStyle::new(9.0)
        };
        let right = TextStyle {
            align: Align::Right,
            ..style
        };
        let to_error = |error: DrawError| match error {
            DrawError::Missing(missing) => PrintError::Template(missing.describe()),
            DrawError::Print(error) => error,
        };
        for (index, mut canvas) in self.pages.into_iter().enumerate() {
            canvas.stroke_color(Color::GREY);
            canvas.line(
                LEFT,
                FOOTER_Y - 1.5,
                PAGE.width - RIGHT,
                FOOTER_Y - 1.5,
                0.2,
                None,
            );
            canvas.stroke_color(Color::BLACK);
            let left = shape(&mut self.doc, footer).map_err(to_error)?;
            canvas.text(&mut self.doc, &left, LEFT, FOOTER_Y, width(), &style, 9.0)?;
            let number = shape(&mut self.doc, &format!("第 {} 页 共 {total} 页", index + 1))
                .map_err(to_error)?;
            canvas.text(&mut self.doc, &number, LEFT, FOOTER_Y, width(), &right, 9.0)?;
            self.doc
                .add_page(&canvas.content.finish(), mm(PAGE.width), mm(PAGE.height));
        }
        self.doc.finish()
    }
}

fn row_height(cells: &[Cell]) -> f32 {
    cells
        .iter()
        .map(|c| c.lines.len())
        .max()
        .unwrap_or(1)
        .max(1) as f32
        * LINE
        + 2.0 * PAD_Y
}
