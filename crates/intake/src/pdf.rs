//! Small readers over lopdf objects that never fail loudly: a wrong type reads as absent.

use lopdf::{Dictionary, Document, Object, ObjectId};

/// Most references followed in a row (a reference to a reference …).
const MAX_HOPS: usize = 16;

/// The object a reference points to, followed a bounded number of times.
pub fn deref<'a>(doc: &'a Document, mut object: &'a Object) -> &'a Object {
    for _ in 0..MAX_HOPS {
        match object {
            Object::Reference(id) => match doc.objects.get(id) {
                Some(next) => object = next,
                None => return &Object::Null,
            },
            _ => return object,
        }
    }
    &Object::Null
}

/// A dictionary, also a stream's dictionary, behind an object.
pub fn dict_of<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match deref(doc, object) {
        Object::Dictionary(dict) => Some(dict),
        Object::Stream(stream) => Some(&stream.dict),
        _ => None,
    }
}

pub fn name_of(object: &Object) -> Option<Vec<u8>> {
    object.as_name().ok().map(<[u8]>::to_vec)
}

pub fn number(object: &Object) -> Option<f32> {
    match object {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// A PDF text string (UTF-16BE with a byte order mark, or PDFDocEncoding).
pub fn text_string(doc: &Document, object: &Object) -> Option<String> {
    let object = deref(doc, object);
    match object {
        Object::String(..) => lopdf::decode_text_string(object).ok(),
        _ => None,
    }
}

/// A page attribute that may be inherited from the page tree (`/MediaBox`, `/Rotate`,
/// `/Resources`), looked up through a bounded number of parents.
pub fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.objects.get(&page).and_then(|o| dict_of(doc, o))?;
    for _ in 0..32 {
        if let Ok(value) = node.get(key) {
            return Some(deref(doc, value));
        }
        node = node.get(b"Parent").ok().and_then(|o| dict_of(doc, o))?;
    }
    None
}
