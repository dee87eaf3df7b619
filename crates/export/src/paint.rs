//! Markups as PDF content-stream operators, the same for a flattened page and for an
//! annotation's appearance stream.

use std::fmt::Write as _;

use crate::geometry::{
    BOX_STROKE_WIDTH, Bounds, Figure, LABEL_SIZE, PathOp, Point, STROKE_WIDTH, TEXT_SIZE, TextLine,
};
use crate::label_font;
use crate::plan::Markup;

/// A content stream being written.
#[derive(Debug, Default)]
pub struct Content(String);

/// A number as PDF writes it: no exponent, at most three decimals, no `-0`.
fn number(v: f32) -> String {
    let rounded = (f64::from(v) * 1000.0).round() / 1000.0;
    if rounded == 0.0 {
        return "0".to_owned();
    }
    let text = format!("{rounded:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl Content {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn raw(&mut self, text: &str) -> &mut Self {
        self.0.push_str(text);
        self
    }

    /// Writes `operands… operator` on a line.
    pub fn op(&mut self, operands: &[f32], operator: &str) -> &mut Self {
        for v in operands {
            self.0.push_str(&number(*v));
            self.0.push(' ');
        }
        self.0.push_str(operator);
        self.0.push('\n');
        self
    }

    fn point(&mut self, p: Point, operator: &str) -> &mut Self {
        self.op(&[p.x, p.y], operator)
    }

    fn rect(&mut self, r: Bounds, operator: &str) -> &mut Self {
        self.op(&[r.x0, r.y0, r.width(), r.height()], "re")
            .raw(operator)
            .raw("\n")
    }

    fn stroke_color(&mut self, [r, g, b]: [f32; 3]) -> &mut Self {
        self.op(&[r, g, b], "RG")
    }

    fn fill_color(&mut self, [r, g, b]: [f32; 3]) -> &mut Self {
        self.op(&[r, g, b], "rg")
    }

    fn text_line(&mut self, font: &[u8], size: f32, line: &TextLine) -> &mut Self {
        self.raw("BT\n/")
            .raw(&String::from_utf8_lossy(font))
            .raw(" ")
            .op(&[size], "Tf")
            .op(
                &[
                    line.upright.right.0,
                    line.upright.right.1,
                    line.upright.up.0,
                    line.upright.up.1,
                    line.at.x,
                    line.at.y,
                ],
                "Tm",
            )
            .raw("<");
        for byte in label_font::encode(&line.text) {
            // Writing to a String cannot fail.
            let _ = write!(self.0, "{byte:02X}");
        }
        self.raw("> Tj\nET\n")
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}

/// Draws the markup's shape (not its label) in a saved graphics state. `font` is the
/// resource name of the label font where the content will be used.
pub fn figure(content: &mut Content, markup: &Markup<'_>, font: &[u8]) {
    let color = markup.color;
    content
        .raw("q\n")
        .op(&[STROKE_WIDTH], "w")
        .op(&[1.0], "J")
        .op(&[1.0], "j");
    content.stroke_color(color).fill_color(color);
    match &markup.figure {
        Figure::Cloud { path, .. } => {
            for op in path {
                match *op {
                    PathOp::MoveTo(p) => {
                        content.point(p, "m");
                    }
                    PathOp::CurveTo(a, b, c) => {
                        content.op(&[a.x, a.y, b.x, b.y, c.x, c.y], "c");
                    }
                    PathOp::Close => {
                        content.raw("h\n");
                    }
                }
            }
            content.raw("S\n");
        }
        Figure::Rectangle { rect } => {
            content.rect(*rect, "S");
        }
        Figure::Arrow {
            from,
            shaft_end,
            head,
            ..
        } => {
            if let Some([tip, left, right]) = head {
                content.point(*from, "m").point(*shaft_end, "l").raw("S\n");
                content
                    .point(*tip, "m")
                    .point(*left, "l")
                    .point(*right, "l")
                    .raw("h f\n");
            }
        }
        Figure::Text { rect, lines } => {
            content
                .op(&[BOX_STROKE_WIDTH], "w")
                .op(&[0.0], "j")
                .rect(rect.grow(-BOX_STROKE_WIDTH / 2.0), "S");
            for line in lines {
                content.text_line(font, TEXT_SIZE, line);
            }
        }
    }
    content.raw("Q\n");
}

/// Draws the markup's label: the opinion id in a white box outlined in the markup's colour.
pub fn label(content: &mut Content, markup: &Markup<'_>, font: &[u8]) {
    let label = &markup.label;
    content.raw("q\n").op(&[1.0], "g").rect(label.rect, "f");
    content
        .op(&[BOX_STROKE_WIDTH], "w")
        .stroke_color(markup.color)
        .rect(label.rect.grow(-BOX_STROKE_WIDTH / 2.0), "S");
    content
        .fill_color(markup.color)
        .text_line(font, LABEL_SIZE, &label.line)
        .raw("Q\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_no_exponent_and_no_negative_zero() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(-0.0001), "0");
        assert_eq!(number(1.0e-9), "0");
        assert_eq!(number(1_234.567_9), "1234.568");
        assert_eq!(number(-3.25), "-3.25");
        assert_eq!(number(100000.0), "100000");
    }
}
