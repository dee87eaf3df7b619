//! Markups as PDF annotations.

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use onetrip_export::{Mark, Shape, SheetMarks, annotated};

use crate::*;

fn annotations(doc: &Document, page: usize) -> Vec<(Option<ObjectId>, Dictionary)> {
    let page_id = doc.page_iter().nth(page).unwrap();
    let page = doc.get_dictionary(page_id).unwrap();
    let annots = match page.get(b"Annots").unwrap() {
        Object::Reference(id) => doc.get_object(*id).unwrap().as_array().unwrap(),
        array => array.as_array().unwrap(),
    };
    annots
        .iter()
        .map(|a| match a {
            Object::Reference(id) => (Some(*id), doc.get_dictionary(*id).unwrap().clone()),
            direct => (None, direct.as_dict().unwrap().clone()),
        })
        .collect()
}

fn name_of(dict: &Dictionary, key: &[u8]) -> String {
    String::from_utf8(dict.get(key).unwrap().as_name().unwrap().to_vec()).unwrap()
}

fn floats(object: &Object) -> Vec<f32> {
    object
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_float().unwrap())
        .collect()
}

#[test]
fn every_markup_becomes_an_annotation_named_by_its_opinion() {
    let original = drawing_pdf();
    let out = annotated(&original, &review()).unwrap();
    let doc = Document::load_mem(&out).unwrap();
    let annots = annotations(&doc, 1);
    let found: Vec<(String, String)> = annots
        .iter()
        .map(|(_, a)| {
            (
                name_of(a, b"Subtype"),
                decode_text_string(a.get(b"NM").unwrap()),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Square", "结-R1-07"),
            ("Polygon", "建-R1-02"),
            ("Line", "水-R1-03"),
            ("FreeText", "电-R1-04"),
        ]
        .map(|(s, n)| (s.to_owned(), n.to_owned()))
    );
    for (_, a) in &annots {
        // Non-ASCII text strings are UTF-16BE with a byte-order mark.
        assert!(
            matches!(a.get(b"NM").unwrap(), Object::String(b, StringFormat::Hexadecimal) if b.starts_with(&[0xfe, 0xff]))
        );
        assert_eq!(decode_text_string(a.get(b"T").unwrap()), "李工");
        let nm = decode_text_string(a.get(b"NM").unwrap());
        assert_eq!(
            decode_text_string(a.get(b"Contents").unwrap()),
            format!("{nm} {nm} 的意见：梁配筋不足")
        );
        assert_eq!(a.get(b"F").unwrap().as_i64().unwrap(), 4);
        assert_eq!(floats(a.get(b"C").unwrap()).len(), 3);
        // The appearance is a form whose box is the annotation's rectangle.
        let rect = floats(a.get(b"Rect").unwrap());
        let ap = a.get(b"AP").unwrap().as_dict().unwrap();
        let normal = ap.get(b"N").unwrap().as_reference().unwrap();
        let form = doc.get_object(normal).unwrap().as_stream().unwrap();
        assert_eq!(name_of(&form.dict, b"Subtype"), "Form");
        assert_eq!(floats(form.dict.get(b"BBox").unwrap()), rect);
        assert!(!form.content.is_empty());
    }
    let by_type = |t: &str| {
        annots
            .iter()
            .map(|(_, a)| a)
            .find(|a| name_of(a, b"Subtype") == t)
            .unwrap()
    };
    let polygon = by_type("Polygon");
    let effect = polygon.get(b"BE").unwrap().as_dict().unwrap();
    assert_eq!(name_of(effect, b"S"), "C");
    assert_eq!(
        floats(polygon.get(b"Vertices").unwrap()),
        [900.0, 900.0, 1300.0, 900.0, 1300.0, 1200.0, 900.0, 1200.0]
    );
    let rect = floats(polygon.get(b"Rect").unwrap());
    assert!(rect[0] < 900.0 && rect[1] < 900.0 && rect[2] > 1300.0 && rect[3] > 1200.0);
    let line = by_type("Line");
    assert_eq!(floats(line.get(b"L").unwrap()), ARROW);
    let ends = line.get(b"LE").unwrap().as_array().unwrap();
    assert_eq!(ends[0].as_name().unwrap(), b"None");
    assert!(ends[1].as_name().unwrap().ends_with(b"Arrow"));
    assert!(by_type("FreeText").get(b"DA").is_ok());
    let square = floats(by_type("Square").get(b"Rect").unwrap());
    assert!(square[0] < 300.0 && square[2] > 700.0);

    assert_eq!(annotations(&doc, 0).len(), 1);
    // The page content is what it was.
    let before = Document::load_mem(&original).unwrap();
    for page in 0..2 {
        let old = before.page_iter().nth(page).unwrap();
        let new = doc.page_iter().nth(page).unwrap();
        assert_eq!(
            before
                .get_dictionary(old)
                .unwrap()
                .get(b"Contents")
                .unwrap(),
            doc.get_dictionary(new).unwrap().get(b"Contents").unwrap()
        );
    }
}

#[test]
fn poppler_and_qpdf_accept_the_file_and_poppler_draws_the_appearances() {
    let out = annotated(&drawing_pdf(), &review()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(dir.path(), "annotated.pdf", &out);
    let info = run("pdfinfo", &[&file]);
    assert!(
        info.status.success(),
        "{}",
        String::from_utf8_lossy(&info.stderr)
    );
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|line| line.starts_with("Pages:") && line.ends_with(" 8")),
        "{info}"
    );
    if has_tool("qpdf") {
        let check = run("qpdf", &["--check", &file]);
        assert!(
            check.status.success(),
            "{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    } else {
        eprintln!("qpdf is not installed: the structure check is skipped");
    }

    // Poppler draws an annotation from its appearance stream: the shapes show where they are.
    let page = render(&out, 2);
    assert!(page.count(RED, RECTANGLE, 1.0) > 100);
    assert_eq!(page.count(RED, RECTANGLE, -3.0), 0);
    let [x0, y0, x1, y1] = CLOUD;
    let cloud = [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
    assert!(page.count(BLUE, cloud, 8.0) > page.count(BLUE, cloud, 1.0) + 20);
    assert_eq!(page.count(BLUE, cloud, -3.0), 0);
    let [ax, ay, bx, by] = ARROW;
    let (mx, my) = ((ax + bx) / 2.0, (ay + by) / 2.0);
    assert!(page.count(GREEN, [mx, my, mx, my], 2.0) > 0);
    let [tx, ty, ..] = TEXT_AT;
    assert!(page.count(MAGENTA, [tx, ty, tx + 100.0, ty + 20.0], 1.0) > 20);
    for color in MARK_COLORS {
        assert_eq!(page.count(color, EMPTY, 0.0), 0);
    }
    // The text markup's text is real text.
    assert!(page_text(&out, 2).contains(TEXT));
}

#[test]
fn annotations_already_on_a_page_are_kept() {
    let original = drawing_pdf();
    let mut doc = Document::load_mem(&original).unwrap();
    let link = |doc: &mut Document| {
        let mut uri = Dictionary::new();
        uri.set("S", Object::Name(b"URI".to_vec()));
        uri.set("URI", Object::string_literal("https://example.org/"));
        let mut link = Dictionary::new();
        link.set("Type", Object::Name(b"Annot".to_vec()));
        link.set("Subtype", Object::Name(b"Link".to_vec()));
        link.set("Rect", vec![10.into(), 10.into(), 100.into(), 40.into()]);
        link.set("A", uri);
        doc.add_object(link)
    };
    // Page index 1 refers to an array object; page index 0 has its array inline.
    let first_link = link(&mut doc);
    let array = doc.add_object(Object::Array(vec![Object::Reference(first_link)]));
    let second_link = link(&mut doc);
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    doc.get_dictionary_mut(pages[1])
        .unwrap()
        .set("Annots", Object::Reference(array));
    doc.get_dictionary_mut(pages[0])
        .unwrap()
        .set("Annots", vec![Object::Reference(second_link)]);
    let mut with_links = Vec::new();
    doc.save_to(&mut with_links).unwrap();

    let out = annotated(&with_links, &review()).unwrap();
    let after = Document::load_mem(&out).unwrap();
    let second_page = annotations(&after, 1);
    assert_eq!(second_page.len(), 5);
    assert_eq!(second_page[0].0, Some(first_link));
    assert_eq!(name_of(&second_page[0].1, b"Subtype"), "Link");
    let first_page = annotations(&after, 0);
    assert_eq!(first_page.len(), 2);
    assert_eq!(first_page[0].0, Some(second_link));
    assert_eq!(name_of(&first_page[1].1, b"Subtype"), "Square");
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(dir.path(), "links.pdf", &out);
    if has_tool("qpdf") {
        assert!(run("qpdf", &["--check", &file]).status.success());
    }
}

#[test]
fn an_opinion_with_several_markups_gives_each_annotation_a_name_of_its_own() {
    let mut sheets = review();
    let first = &mut sheets[0].opinions[0];
    first.markups.push(Mark {
        shape: Shape::Cloud,
        rect: [100.0, 1300.0, 200.0, 1400.0],
        text: Some("另见此处".to_owned()),
    });
    sheets.push(SheetMarks {
        page: 2,
        opinions: vec![opinion("结-R1-07", RED, Shape::Arrow, ARROW)],
    });
    let out = annotated(&drawing_pdf(), &sheets).unwrap();
    let doc = Document::load_mem(&out).unwrap();
    let names = |page| {
        annotations(&doc, page)
            .iter()
            .map(|(_, a)| decode_text_string(a.get(b"NM").unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(1)[..2],
        ["结-R1-07".to_owned(), "结-R1-07#2".to_owned()]
    );
    assert_eq!(names(2), ["结-R1-07#3"]);
}
