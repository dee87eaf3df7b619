//! Markups drawn into the pages.

use lopdf::{Document, Object};
use onetrip_export::{Shape, SheetMarks, flattened};

use crate::*;

#[test]
fn markups_show_in_their_colours_where_their_coordinates_say() {
    let original = drawing_pdf();
    let out = flattened(&original, &review()).unwrap();
    let page = render(&out, 2);

    // The rectangle is stroked, not filled.
    assert!(page.count(RED, RECTANGLE, 1.0) > 100);
    assert_eq!(page.count(RED, RECTANGLE, -3.0), 0);

    // The cloud's arcs bulge out of its rectangle, and leave the inside alone.
    let [x0, y0, x1, y1] = CLOUD;
    let cloud = [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
    let within_arcs = page.count(BLUE, cloud, 8.0);
    let on_or_inside_rect = page.count(BLUE, cloud, 1.0);
    assert!(within_arcs > 100);
    assert!(within_arcs > on_or_inside_rect + 20, "no bulges");
    assert_eq!(page.count(BLUE, cloud, -3.0), 0);

    // The arrow runs along its line; its head sits at its end.
    let [ax, ay, bx, by] = ARROW;
    let middle = [(ax + bx) / 2.0, (ay + by) / 2.0];
    assert!(page.count(GREEN, [middle[0], middle[1], middle[0], middle[1]], 2.0) > 0);
    assert!(page.count(GREEN, [bx, by, bx, by], 2.0) > 0);

    // The text markup is drawn, with its box, up and to the right of its point.
    let [tx, ty, ..] = TEXT_AT;
    assert!(page.count(MAGENTA, [tx, ty, tx + 100.0, ty + 20.0], 1.0) > 20);

    // The first page's markup is on the first page.
    let first = render(&out, 1);
    assert!(first.count(RED, FIRST_PAGE_RECTANGLE, 1.0) > 80);

    // Far from every markup, and on a page without any, none of their colours.
    for color in MARK_COLORS {
        assert_eq!(page.count(color, EMPTY, 0.0), 0);
        assert_eq!(render(&out, 3).count_all(color), 0);
    }
    // Nor were they there before.
    let before = render(&original, 2);
    for color in MARK_COLORS {
        assert_eq!(before.count_all(color), 0);
    }
}

#[test]
fn labels_read_back_as_the_chinese_opinion_ids() {
    let out = flattened(&drawing_pdf(), &review()).unwrap();
    let text = page_text(&out, 2);
    for id in ["结-R1-07", "建-R1-02", "水-R1-03", "电-R1-04"] {
        assert!(text.contains(id), "{id} not in {text}");
    }
    assert!(text.contains(TEXT), "{text}");
    assert!(page_text(&out, 1).contains("消-R1-01"));
    assert!(!page_text(&out, 3).contains("R1-"));
}

#[test]
fn the_original_pages_are_kept_as_they_were() {
    let original = drawing_pdf();
    let out = flattened(&original, &review()).unwrap();
    let before = Document::load_mem(&original).unwrap();
    let after = Document::load_mem(&out).unwrap();
    assert_eq!(after.get_pages().len(), before.get_pages().len());

    let page_before = before.page_iter().nth(1).unwrap();
    let page_after = after.page_iter().nth(1).unwrap();
    let streams_before = before.get_page_contents(page_before);
    let streams_after = after.get_page_contents(page_after);
    // `q`, the original streams in order, then the markups.
    assert_eq!(streams_after.len(), streams_before.len() + 2);
    assert_eq!(
        &streams_after[1..=streams_before.len()],
        &streams_before[..]
    );
    for id in &streams_before {
        let old = before.get_object(*id).unwrap().as_stream().unwrap();
        let new = after.get_object(*id).unwrap().as_stream().unwrap();
        assert_eq!(old.content, new.content, "stream {id:?} changed");
        assert_eq!(old.dict.get(b"Filter").ok(), new.dict.get(b"Filter").ok());
    }
    let open = after
        .get_object(streams_after[0])
        .unwrap()
        .as_stream()
        .unwrap();
    assert_eq!(open.content, b"q\n");

    // What poppler read from the page before, it still reads.
    let text_before = page_text(&original, 2);
    let text_after = page_text(&out, 2);
    let words_after: Vec<&str> = text_after.split_whitespace().collect();
    let words_before: Vec<&str> = text_before.split_whitespace().collect();
    assert!(words_before.len() > 5, "{text_before}");
    for word in words_before {
        assert!(words_after.contains(&word), "{word} lost");
    }
    // The original's resources are still there next to the label font.
    let fonts = after
        .get_page_fonts(page_after)
        .unwrap()
        .into_keys()
        .collect::<Vec<_>>();
    let fonts_before = before.get_page_fonts(page_before).unwrap();
    assert!(fonts_before.keys().all(|name| fonts.contains(name)));
    assert_eq!(fonts.len(), fonts_before.len() + 1);

    // Unmarked pages are not touched at all.
    let third_before = before.page_iter().nth(2).unwrap();
    let third_after = after.page_iter().nth(2).unwrap();
    assert_eq!(
        before.get_dictionary(third_before).unwrap(),
        after.get_dictionary(third_after).unwrap()
    );
}

#[test]
fn rotated_pages_and_a_transformation_left_in_place_do_not_move_markups() {
    let set = drawing_set();
    let page = rotated_page(&set);
    let original = set.files[0].bytes.clone();
    // Portrait 1684 × 2384, shown turned; its content ends with a `cm` still in force.
    let rect = [200.0, 1000.0, 600.0, 1300.0];
    let sheets = vec![SheetMarks {
        page,
        opinions: vec![opinion("结-R1-09", RED, Shape::Rectangle, rect)],
    }];
    let out = flattened(&original, &sheets).unwrap();
    let raster = render(&out, page + 1);
    assert_eq!(raster.rotate, 90);
    assert!(raster.width > raster.height);
    assert!(raster.count(RED, rect, 1.0) > 100);
    // The label reads upright as the page is viewed: above the rectangle's top-left corner
    // as seen, which is towards smaller x in user space, running up the page in user space.
    let label = [200.0 - 17.0, 1000.0, 200.0 - 4.0, 1045.0];
    assert!(raster.count(RED, label, 0.0) > 5);
    assert_eq!(raster.count(RED, [200.0, 1308.0, 600.0, 1325.0], 0.0), 0);
    // Where the rectangle would land had the content's transformation leaked into it.
    let leaked = [1684.0 - 1300.0, 200.0, 1684.0 - 1000.0, 600.0];
    assert_eq!(raster.count(RED, leaked, 1.0), 0);
    assert!(page_text(&out, page + 1).contains("结-R1-09"));
}

#[test]
fn a_page_whose_boxes_do_not_start_at_the_origin_is_marked_in_user_space() {
    let original = drawing_pdf();
    let mut doc = Document::load_mem(&original).unwrap();
    let page_id = doc.page_iter().nth(2).unwrap();
    let page = doc.get_dictionary_mut(page_id).unwrap();
    let shifted = |v: [f32; 4]| Object::Array(v.iter().map(|&x| Object::Real(x)).collect());
    page.set("MediaBox", shifted([-100.0, 100.0, 2284.0, 1784.0]));
    page.set("CropBox", shifted([0.0, 200.0, 2284.0, 1784.0]));
    let mut moved = Vec::new();
    doc.save_to(&mut moved).unwrap();

    let rect = [400.0, 400.0, 800.0, 700.0];
    let sheets = vec![SheetMarks {
        page: 2,
        opinions: vec![opinion("暖-R1-05", BLUE, Shape::Cloud, rect)],
    }];
    let out = flattened(&moved, &sheets).unwrap();
    let raster = render(&out, 3);
    assert_eq!(raster.crop, [0.0, 200.0, 2284.0, 1784.0]);
    assert!(raster.count(BLUE, rect, 8.0) > 100);
    assert_eq!(raster.count(BLUE, rect, -3.0), 0);
}

#[test]
fn no_markups_give_the_file_back_unchanged() {
    let original = drawing_pdf();
    assert_eq!(flattened(&original, &[]).unwrap(), original);
    let empty = vec![SheetMarks {
        page: 3,
        opinions: vec![],
    }];
    assert_eq!(flattened(&original, &empty).unwrap(), original);
}
