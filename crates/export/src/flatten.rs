//! The flattened export: markups drawn into the pages, for printing and for viewers that show
//! no annotations.

use lopdf::{Dictionary, Object, Stream};

use crate::paint::{self, Content};
use crate::{ExportError, SheetMarks, label_font, plan, source};

/// A copy of `pdf` with every markup, and a label with its opinion id, drawn into the page.
///
/// `pdf` must be the original file as submitted, not a copy already marked up: the markups are
/// added to what is there. Each marked page's content becomes `q`, the original streams
/// untouched and in order, then `Q` and the markups in a stream of their own; whatever the
/// original content leaves in the graphics state (a transformation, a clip, a colour) is undone
/// before the markups are drawn, so they land at their user-space coordinates.
pub fn flattened(pdf: &[u8], sheets: &[SheetMarks]) -> Result<Vec<u8>, ExportError> {
    let mut doc = source::load(pdf)?;
    let pages = source::pages(&doc);
    let rotations = source::rotations(&doc, &pages);
    let plan = plan::plan(sheets, Some(&rotations))?;
    if plan.is_empty() {
        return Ok(pdf.to_vec());
    }
    let font = label_font::add(&mut doc);
    let open = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    for page_plan in &plan {
        let page = pages[page_plan.page];
        let font_name = source::add_font_resource(&mut doc, page, font, label_font::RESOURCE_NAME)?;
        let mut content = Content::new();
        // Streams of a page are read as one; the leading newline keeps tokens apart.
        content.raw("\nQ\nq\n");
        for markup in &page_plan.markups {
            paint::figure(&mut content, markup, &font_name);
        }
        for markup in &page_plan.markups {
            paint::label(&mut content, markup, &font_name);
        }
        content.raw("Q\n");
        let marks = doc.add_object(Stream::new(Dictionary::new(), content.into_bytes()));

        let mut contents = vec![Object::Reference(open)];
        contents.extend(original_contents(&doc, page));
        contents.push(Object::Reference(marks));
        doc.get_dictionary_mut(page)
            .map_err(|error| ExportError::Unreadable(error.to_string()))?
            .set("Contents", contents);
    }
    source::save(&mut doc)
}

/// The page's content streams as the page names them: one, an array, or an array referred to.
fn original_contents(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<Object> {
    let Ok(dict) = doc.get_dictionary(page) else {
        return Vec::new();
    };
    match dict.get(b"Contents") {
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(streams)) => streams.clone(),
            _ => vec![Object::Reference(*id)],
        },
        Ok(Object::Array(streams)) => streams.clone(),
        _ => Vec::new(),
    }
}
