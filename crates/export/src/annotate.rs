//! The annotated export: markups as PDF annotations that a reviewer's viewer can list, hide,
//! reply to and print, the page content left as it was.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use crate::geometry::{Figure, STROKE_WIDTH, TEXT_SIZE};
use crate::paint::{self, Content};
use crate::plan::Markup;
use crate::{ExportError, SheetMarks, label_font, plan, source};

/// A copy of `pdf` with every markup added as an annotation of its page, after any the page
/// already has: a cloud as a `/Polygon` with a cloudy border effect, a rectangle as a
/// `/Square`, an arrow as a `/Line` and a text as a `/FreeText`. Each carries the opinion id
/// as its name (`/NM`), the reviewer as its author (`/T`), the id and text as its contents,
/// and an appearance stream drawing what [`crate::flattened`] draws, so that viewers which
/// generate no appearances of their own show it too.
///
/// `pdf` must be the original file as submitted; the content streams are not touched.
pub fn annotated(pdf: &[u8], sheets: &[SheetMarks]) -> Result<Vec<u8>, ExportError> {
    let mut doc = source::load(pdf)?;
    let pages = source::pages(&doc);
    let rotations = source::rotations(&doc, &pages);
    let plan = plan::plan(sheets, Some(&rotations))?;
    if plan.is_empty() {
        return Ok(pdf.to_vec());
    }
    let font = label_font::add(&mut doc);
    for page_plan in &plan {
        let page = pages[page_plan.page];
        let mut annots = existing_annotations(&doc, page);
        for markup in &page_plan.markups {
            let appearance = appearance(&mut doc, markup, font);
            let annotation = annotation(markup, page, appearance);
            annots.push(Object::Reference(doc.add_object(annotation)));
        }
        doc.get_dictionary_mut(page)
            .map_err(|error| ExportError::Unreadable(error.to_string()))?
            .set("Annots", annots);
    }
    // Polygons and border effects are PDF 1.5.
    if doc.version.as_str() < "1.5" {
        doc.version = "1.5".to_owned();
    }
    source::save(&mut doc)
}

/// The page's annotations, whether its `/Annots` is an array or refers to one. The page gets
/// its own array, so an array object it shared stays as it was.
fn existing_annotations(doc: &Document, page: ObjectId) -> Vec<Object> {
    let Ok(dict) = doc.get_dictionary(page) else {
        return Vec::new();
    };
    match dict.get(b"Annots") {
        Ok(Object::Array(annots)) => annots.clone(),
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(annots)) => annots.clone(),
            // Not an array but one annotation: keep it.
            Ok(Object::Dictionary(_)) => vec![Object::Reference(*id)],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A PDF text string: PDFDocEncoding is ASCII for printable ASCII; anything else is written
/// as UTF-16BE with a byte-order mark.
pub fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn name(name: &[u8]) -> Object {
    Object::Name(name.to_vec())
}

fn numbers(values: &[f32]) -> Object {
    Object::Array(values.iter().map(|&v| Object::Real(v)).collect())
}

/// The `/DA` of a text markup: Helvetica is what viewers assume when they rebuild a
/// free-text appearance; the appearance stream itself uses the CJK font.
pub fn default_appearance([r, g, b]: [f32; 3]) -> String {
    format!("/Helv {TEXT_SIZE} Tf {r} {g} {b} rg")
}

/// The `/DS` of a text markup, a CSS style for viewers that rebuild rich text.
pub fn default_style(color: [f32; 3]) -> String {
    format!(
        "font: {TEXT_SIZE}pt STSong-Light; color: {}",
        crate::xfdf::hex_color(color)
    )
}

/// The normal appearance: a form XObject whose bounding box is the annotation's rectangle,
/// in page space, drawing the markup's shape.
fn appearance(doc: &mut Document, markup: &Markup<'_>, font: ObjectId) -> ObjectId {
    let mut content = Content::new();
    paint::figure(&mut content, markup, label_font::RESOURCE_NAME);
    let mut dict = Dictionary::new();
    dict.set("Type", name(b"XObject"));
    dict.set("Subtype", name(b"Form"));
    dict.set("BBox", numbers(&markup.outline.to_array()));
    if matches!(markup.figure, Figure::Text { .. }) {
        let mut fonts = Dictionary::new();
        fonts.set(label_font::RESOURCE_NAME, Object::Reference(font));
        let mut resources = Dictionary::new();
        resources.set("Font", fonts);
        dict.set("Resources", resources);
    } else {
        dict.set("Resources", Dictionary::new());
    }
    doc.add_object(Stream::new(dict, content.into_bytes()))
}

fn annotation(markup: &Markup<'_>, page: ObjectId, appearance: ObjectId) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("Type", name(b"Annot"));
    let subtype: &[u8] = match markup.figure {
        Figure::Cloud { .. } => b"Polygon",
        Figure::Rectangle { .. } => b"Square",
        Figure::Arrow { .. } => b"Line",
        Figure::Text { .. } => b"FreeText",
    };
    dict.set("Subtype", name(subtype));
    dict.set("Rect", numbers(&markup.outline.to_array()));
    dict.set("NM", text_string(&markup.name));
    dict.set("T", text_string(&markup.opinion.author));
    dict.set("Contents", text_string(&markup.contents()));
    dict.set("C", numbers(&markup.color));
    // Print.
    dict.set("F", 4);
    dict.set("P", Object::Reference(page));
    let mut border = Dictionary::new();
    border.set("Type", name(b"Border"));
    border.set("W", Object::Real(STROKE_WIDTH));
    border.set("S", name(b"S"));
    dict.set("BS", border);
    let mut ap = Dictionary::new();
    ap.set("N", Object::Reference(appearance));
    dict.set("AP", ap);
    match &markup.figure {
        Figure::Cloud { rect, .. } => {
            dict.set(
                "Vertices",
                numbers(&[
                    rect.x0, rect.y0, rect.x1, rect.y0, rect.x1, rect.y1, rect.x0, rect.y1,
                ]),
            );
            let mut effect = Dictionary::new();
            effect.set("S", name(b"C"));
            effect.set("I", 1);
            dict.set("BE", effect);
            dict.set("IT", name(b"PolygonCloud"));
        }
        Figure::Rectangle { .. } => {}
        Figure::Arrow { from, to, .. } => {
            dict.set("L", numbers(&[from.x, from.y, to.x, to.y]));
            // Closed, filled with the line colour: the head the flattened export draws.
            dict.set("LE", vec![name(b"None"), name(b"ClosedArrow")]);
            dict.set("IC", numbers(&markup.color));
        }
        Figure::Text { .. } => {
            dict.set(
                "DA",
                Object::string_literal(default_appearance(markup.color)),
            );
            dict.set("DS", Object::string_literal(default_style(markup.color)));
            dict.set("Q", 0);
        }
    }
    dict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_text_strings_are_utf16_with_a_byte_order_mark() {
        assert_eq!(
            text_string("结-1"),
            Object::String(
                vec![0xfe, 0xff, 0x7e, 0xd3, 0x00, 0x2d, 0x00, 0x31],
                StringFormat::Hexadecimal
            )
        );
        assert_eq!(
            text_string("R1 (a)"),
            Object::String(b"R1 (a)".to_vec(), StringFormat::Literal)
        );
    }
}
