//! Exports of generated drawing sets, checked with the tools viewers are built on: poppler
//! renders and reads them back, qpdf checks their structure, xmllint their XFDF.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod annotated;
mod errors;
mod flattened;
mod xfdf;

use std::path::Path;
use std::process::{Command, Output};

use lopdf::{Document, Object, ObjectId};
use onetrip_drawings::{Defect, DrawingSet, SetOptions, generate};
use onetrip_export::{Mark, MarkedOpinion, Shape, SheetMarks};

pub const RED: [f32; 3] = [1.0, 0.0, 0.0];
pub const GREEN: [f32; 3] = [0.0, 1.0, 0.0];
pub const BLUE: [f32; 3] = [0.0, 0.0, 1.0];
pub const MAGENTA: [f32; 3] = [1.0, 0.0, 1.0];
pub const MARK_COLORS: [[f32; 3]; 4] = [RED, GREEN, BLUE, MAGENTA];

/// Where the markups of [`review`] are, on the second page (index 1): user-space points of
/// an A1 landscape sheet, 2384 × 1684.
pub const RECTANGLE: [f32; 4] = [300.0, 300.0, 700.0, 600.0];
/// Given with its corners swapped, as a drag up and to the left gives them.
pub const CLOUD: [f32; 4] = [1300.0, 1200.0, 900.0, 900.0];
pub const ARROW: [f32; 4] = [1500.0, 300.0, 1800.0, 600.0];
pub const TEXT_AT: [f32; 4] = [1500.0, 900.0, 1500.0, 900.0];
pub const TEXT: &str = "请补充节点详图";
/// On the first page (index 0).
pub const FIRST_PAGE_RECTANGLE: [f32; 4] = [200.0, 200.0, 500.0, 400.0];
/// Nothing is marked here on the second page.
pub const EMPTY: [f32; 4] = [1900.0, 1300.0, 2300.0, 1600.0];

/// A small set (index sheet, then seven drawing sheets), its fourth drawing sheet turned by
/// `/Rotate 90`, drawn through a transformation its content never restores.
pub fn drawing_set() -> DrawingSet {
    generate(&SetOptions {
        seed: 11,
        sheets_per_specialty: [3, 1, 1, 1, 1],
        segments_per_sheet: 300,
        defects: onetrip_drawings::Defects {
            rotated: true,
            ..Default::default()
        },
        ..SetOptions::default()
    })
    .unwrap()
}

pub fn drawing_pdf() -> Vec<u8> {
    drawing_set().files.remove(0).bytes
}

/// The index of the page turned by `/Rotate`.
pub fn rotated_page(set: &DrawingSet) -> usize {
    set.manifest
        .iter()
        .position(|entry| entry.defects.contains(&Defect::Rotated))
        .unwrap()
}

pub fn opinion(id: &str, color: [f32; 3], shape: Shape, rect: [f32; 4]) -> MarkedOpinion {
    MarkedOpinion {
        id: id.to_owned(),
        text: format!("{id} 的意见：梁配筋不足"),
        author: "李工".to_owned(),
        color,
        markups: vec![Mark {
            shape,
            rect,
            text: None,
        }],
    }
}

/// One markup of each kind on page index 1, each in a colour of its own, and a rectangle on
/// page index 0.
pub fn review() -> Vec<SheetMarks> {
    let mut text = opinion("电-R1-04", MAGENTA, Shape::Text, TEXT_AT);
    text.markups[0].text = Some(TEXT.to_owned());
    vec![
        SheetMarks {
            page: 1,
            opinions: vec![
                opinion("结-R1-07", RED, Shape::Rectangle, RECTANGLE),
                opinion("建-R1-02", BLUE, Shape::Cloud, CLOUD),
                opinion("水-R1-03", GREEN, Shape::Arrow, ARROW),
                text,
            ],
        },
        SheetMarks {
            page: 0,
            opinions: vec![opinion(
                "消-R1-01",
                RED,
                Shape::Rectangle,
                FIRST_PAGE_RECTANGLE,
            )],
        },
    ]
}

pub fn has_tool(name: &str) -> bool {
    Command::new("which")
        .arg(name)
        .output()
        .is_ok_and(|out| out.status.success())
}

pub fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

pub fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The text poppler reads from a page (1-based).
pub fn page_text(pdf: &[u8], page: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(dir.path(), "in.pdf", pdf);
    let page = page.to_string();
    let out = run("pdftotext", &["-f", &page, "-l", &page, &file, "-"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A page rendered by poppler without anti-aliasing, so that markup colours stay pure.
pub struct Raster {
    pub width: usize,
    pub height: usize,
    pub dpi: f32,
    pixels: Vec<u8>,
    /// The page's crop box and rotation, to find user-space points on the raster.
    pub crop: [f32; 4],
    pub rotate: i64,
}

pub const DPI: f32 = 20.0;

pub fn render(pdf: &[u8], page: usize) -> Raster {
    let dir = tempfile::tempdir().unwrap();
    let file = write_temp(dir.path(), "in.pdf", pdf);
    let out_prefix = dir.path().join("page");
    let number = page.to_string();
    let dpi = DPI.to_string();
    let out = run(
        "pdftoppm",
        &[
            "-r",
            &dpi,
            "-f",
            &number,
            "-l",
            &number,
            "-aa",
            "no",
            "-aaVector",
            "no",
            "-singlefile",
            // What viewers show: the crop box, not the media box.
            "-cropbox",
            &file,
            out_prefix.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ppm = std::fs::read(dir.path().join("page.ppm")).unwrap();
    let (width, height, pixels) = parse_ppm(&ppm);
    let doc = Document::load_mem(pdf).unwrap();
    let page_id = doc.page_iter().nth(page - 1).unwrap();
    let crop = page_box(&doc, page_id, b"CropBox")
        .or_else(|| page_box(&doc, page_id, b"MediaBox"))
        .unwrap();
    let rotate = inherited(&doc, page_id, b"Rotate")
        .and_then(|r| r.as_i64().ok())
        .unwrap_or(0);
    Raster {
        width,
        height,
        dpi: DPI,
        pixels,
        crop,
        rotate,
    }
}

fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    loop {
        if let Ok(value) = node.get(key) {
            return Some(value);
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
}

fn page_box(doc: &Document, page: ObjectId, key: &[u8]) -> Option<[f32; 4]> {
    let array = inherited(doc, page, key)?.as_array().ok()?;
    let v: Vec<f32> = array.iter().map(|o| o.as_float().unwrap()).collect();
    Some([v[0], v[1], v[2], v[3]])
}

fn parse_ppm(ppm: &[u8]) -> (usize, usize, Vec<u8>) {
    // "P6\n<w> <h>\n255\n" then RGB bytes.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(ppm[start..at].to_vec()).unwrap());
    }
    assert_eq!(fields[0], "P6");
    let width: usize = fields[1].parse().unwrap();
    let height: usize = fields[2].parse().unwrap();
    let pixels = ppm[at + 1..].to_vec();
    assert_eq!(pixels.len(), width * height * 3);
    (width, height, pixels)
}

impl Raster {
    /// The pixel column and row of a user-space point.
    pub fn pixel(&self, x: f32, y: f32) -> (f32, f32) {
        let s = self.dpi / 72.0;
        let [x0, y0, x1, y1] = self.crop;
        match self.rotate.rem_euclid(360) {
            // Turned clockwise: up becomes right, right becomes down.
            90 => ((y - y0) * s, (x - x0) * s),
            180 => ((x1 - x) * s, (y - y0) * s),
            270 => ((y1 - y) * s, (x1 - x) * s),
            _ => ((x - x0) * s, (y1 - y) * s),
        }
    }

    /// How many pixels of `color` lie in the user-space rectangle `rect` grown by `grow`
    /// pixels (shrunk when negative).
    pub fn count(&self, color: [f32; 3], rect: [f32; 4], grow: f32) -> usize {
        let target = color.map(|c| (c * 255.0).round() as u8);
        let (ca, ra) = self.pixel(rect[0], rect[1]);
        let (cb, rb) = self.pixel(rect[2], rect[3]);
        let c0 = (ca.min(cb) - grow).floor().max(0.0) as usize;
        let c1 = ((ca.max(cb) + grow).ceil().max(0.0) as usize).min(self.width);
        let r0 = (ra.min(rb) - grow).floor().max(0.0) as usize;
        let r1 = ((ra.max(rb) + grow).ceil().max(0.0) as usize).min(self.height);
        let mut n = 0;
        for row in r0..r1 {
            for col in c0..c1 {
                let i = (row * self.width + col) * 3;
                if self.pixels[i..i + 3] == target {
                    n += 1;
                }
            }
        }
        n
    }

    /// Pixels of `color` anywhere on the page.
    pub fn count_all(&self, color: [f32; 3]) -> usize {
        let target = color.map(|c| (c * 255.0).round() as u8);
        self.pixels.chunks(3).filter(|p| *p == target).count()
    }
}

/// A PDF text string as text: UTF-16BE after a byte-order mark, otherwise ASCII.
pub fn decode_text_string(object: &Object) -> String {
    let bytes = object.as_str().unwrap();
    if let Some(utf16) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = utf16
            .chunks(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
