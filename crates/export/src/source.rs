//! The drawing file as given: loaded once, checked, its pages found, and written back.

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::ExportError;

/// How many `/Parent` steps are followed to find inherited resources; a deeper page tree is
/// broken (or a loop).
const TREE_DEPTH_LIMIT: usize = 64;

/// Parses the file without decoding any stream but object and cross-reference streams.
pub fn load(pdf: &[u8]) -> Result<Document, ExportError> {
    let doc = match Document::load_mem(pdf) {
        Ok(doc) => doc,
        // A security handler lopdf cannot open fails the load: say what it is.
        Err(_) if mentions_encryption(pdf) => return Err(ExportError::Encrypted),
        Err(error) => return Err(ExportError::Unreadable(error.to_string())),
    };
    // lopdf opens a file with an empty user password by itself; still refuse it, because
    // the copy would be written without the encryption the original declares.
    if doc.trailer.has(b"Encrypt") || doc.was_encrypted() {
        return Err(ExportError::Encrypted);
    }
    if doc.page_iter().next().is_none() {
        return Err(ExportError::Unreadable("没有页面 / no pages".to_owned()));
    }
    Ok(doc)
}

fn mentions_encryption(pdf: &[u8]) -> bool {
    pdf.windows(8).any(|w| w == b"/Encrypt")
}

/// The page objects in page order.
pub fn pages(doc: &Document) -> Vec<ObjectId> {
    doc.page_iter().collect()
}

/// Each page's `/Rotate`, its own or inherited; 0 where it is missing or not a number.
pub fn rotations(doc: &Document, pages: &[ObjectId]) -> Vec<i64> {
    pages
        .iter()
        .map(|&page| {
            inherited(doc, page, b"Rotate")
                .and_then(|r| r.as_i64().ok())
                .unwrap_or(0)
        })
        .collect()
}

/// A page attribute, from the page or the nearest node of the page tree above it that has it.
fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..TREE_DEPTH_LIMIT {
        let dict = doc.get_dictionary(node).ok()?;
        if let Ok(value) = dict.get(key) {
            return resolve(doc, value);
        }
        node = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

pub fn save(doc: &mut Document) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|error| ExportError::Write(error.to_string()))?;
    Ok(out)
}

/// `object`, or what it refers to.
pub fn resolve<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    match object {
        Object::Reference(id) => doc.get_object(*id).ok(),
        direct => Some(direct),
    }
}

/// A copy of the resources the page uses, its own or inherited from the page tree.
fn effective_resources(doc: &Document, page: ObjectId) -> Dictionary {
    match inherited(doc, page, b"Resources") {
        Some(Object::Dictionary(resources)) => resources.clone(),
        _ => Dictionary::new(),
    }
}

/// Enters `font` in the page's font resources under a name not taken yet and returns the
/// name. The page gets its own copy of its resources (names and references, so small), so
/// that resources shared with other pages or inherited from the page tree stay as they were.
pub fn add_font_resource(
    doc: &mut Document,
    page: ObjectId,
    font: ObjectId,
    name: &[u8],
) -> Result<Vec<u8>, ExportError> {
    let mut resources = effective_resources(doc, page);
    let mut fonts = match resources.get(b"Font").ok().and_then(|f| resolve(doc, f)) {
        Some(Object::Dictionary(fonts)) => fonts.clone(),
        _ => Dictionary::new(),
    };
    let mut chosen = name.to_vec();
    let mut n = 1;
    while fonts.has(&chosen) {
        n += 1;
        chosen = [name, n.to_string().as_bytes()].concat();
    }
    fonts.set(chosen.clone(), Object::Reference(font));
    resources.set("Font", fonts);
    doc.get_dictionary_mut(page)
        .map_err(|error| ExportError::Unreadable(error.to_string()))?
        .set("Resources", resources);
    Ok(chosen)
}
