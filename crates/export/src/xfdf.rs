//! The XFDF export: the annotations of [`crate::annotated`] as XFDF 3.0, for a viewer to
//! import onto its own copy of the drawing file.

use std::fmt::Write as _;

use crate::annotate::{default_appearance, default_style};
use crate::geometry::{Figure, STROKE_WIDTH};
use crate::plan::{Markup, plan};
use crate::{ExportError, SheetMarks};

/// XFDF naming `file_name` and holding one annotation per markup: `<polygon>` (cloudy),
/// `<square>`, `<line>` and `<freetext>`, with the names, rectangles and contents that
/// [`crate::annotated`] writes. Pages are 0-based, as XFDF counts them. The file is not read,
/// so pages are not checked against it, and text markups are laid out as on a page that is
/// not turned by `/Rotate`.
pub fn xfdf(file_name: &str, sheets: &[SheetMarks]) -> Result<String, ExportError> {
    let plan = plan(sheets, None)?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <xfdf xmlns=\"http://ns.adobe.com/xfdf/\" xml:space=\"preserve\">\n",
    );
    // Writing to a String cannot fail.
    let _ = writeln!(out, "  <f href=\"{}\"/>", escape(file_name));
    out.push_str("  <annots>\n");
    for page_plan in &plan {
        for markup in &page_plan.markups {
            element(&mut out, page_plan.page, markup);
        }
    }
    out.push_str("  </annots>\n</xfdf>\n");
    Ok(out)
}

/// `#RRGGBB`.
pub fn hex_color(color: [f32; 3]) -> String {
    let [r, g, b] = color.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8);
    format!("#{r:02X}{g:02X}{b:02X}")
}

fn coordinates(values: &[f32]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn element(out: &mut String, page: usize, markup: &Markup<'_>) {
    let tag = match markup.figure {
        Figure::Cloud { .. } => "polygon",
        Figure::Rectangle { .. } => "square",
        Figure::Arrow { .. } => "line",
        Figure::Text { .. } => "freetext",
    };
    let color = hex_color(markup.color);
    let _ = write!(
        out,
        "    <{tag} page=\"{page}\" rect=\"{}\" color=\"{color}\" name=\"{}\" title=\"{}\" \
         flags=\"print\" width=\"{STROKE_WIDTH}\"",
        coordinates(&markup.outline.to_array()),
        escape(&markup.name),
        escape(&markup.opinion.author),
    );
    match &markup.figure {
        Figure::Cloud { .. } => out.push_str(" style=\"cloudy\" intensity=\"1\""),
        Figure::Arrow { from, to, .. } => {
            // XFDF's head is the start point's ending, its tail the end point's.
            let _ = write!(
                out,
                " start=\"{},{}\" end=\"{},{}\" head=\"None\" tail=\"ClosedArrow\" interior-color=\"{color}\"",
                from.x, from.y, to.x, to.y
            );
        }
        Figure::Rectangle { .. } | Figure::Text { .. } => {}
    }
    out.push_str(">\n");
    let _ = writeln!(
        out,
        "      <contents>{}</contents>",
        escape(&markup.contents())
    );
    match &markup.figure {
        Figure::Cloud { rect, .. } => {
            let _ = writeln!(
                out,
                "      <vertices>{},{};{},{};{},{};{},{}</vertices>",
                rect.x0, rect.y0, rect.x1, rect.y0, rect.x1, rect.y1, rect.x0, rect.y1
            );
        }
        Figure::Text { .. } => {
            let _ = writeln!(
                out,
                "      <defaultappearance>{}</defaultappearance>",
                escape(&default_appearance(markup.color))
            );
            let _ = writeln!(
                out,
                "      <defaultstyle>{}</defaultstyle>",
                escape(&default_style(markup.color))
            );
        }
        Figure::Rectangle { .. } | Figure::Arrow { .. } => {}
    }
    let _ = writeln!(out, "    </{tag}>");
}

/// Text fit for XML 1.0 content and attribute values: markup characters escaped, line breaks
/// and tabs as character references (attribute values would fold them into spaces), and
/// characters XML 1.0 does not allow at all left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_line_breaks_and_forbidden_characters() {
        assert_eq!(
            escape("a<b>&\"c'\n\u{1}结"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;结"
        );
        assert_eq!(hex_color([1.0, 0.5, 0.0]), "#FF8000");
        assert_eq!(hex_color([2.0, -1.0, f32::NAN]), "#FF0000");
    }
}
