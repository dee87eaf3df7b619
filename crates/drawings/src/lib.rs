//! CAD-like Chinese drawing sets (施工图) for tests and benchmarks: A1 sheets with a frame,
//! a title block and thousands of line segments, an index sheet (图纸目录), optional page
//! labels and bookmarks, defects on demand, and a revised second round. Every set comes
//! with a manifest of what it holds, so that tests know the truth.

mod font;
pub mod sheet;
mod text;

use pdf_writer::types::AnnotationType;
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, TextStr};
use serde::{Deserialize, Serialize};

pub use font::FONT_DIR_ENV;
use sheet::{
    A1_MM, DRAWING_AREA_MM, EMBEDDED, PT_PER_MM, Painter, Rng, TextFont, TitleBlock, UNEMBEDDED,
};
pub use text::SPECIALTIES;

/// Why a set could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DrawingError {
    #[error("font: {0}")]
    Font(String),
}

/// Whether the sheets go into one file or each into its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    #[default]
    OneFile,
    FilePerSheet,
}

/// Which round of review the set is submitted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    #[default]
    First,
    /// The same seed's set revised: sheets reordered, one sheet's linework changed inside a
    /// rectangle given in the manifest, one sheet added and the index updated.
    Revised,
}

/// Pages that are wrong in a way intake must notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Defects {
    /// A Letter-size cover letter appended to the set.
    pub letter_page: bool,
    /// The second drawing sheet's title block in a font that is not embedded.
    pub unembedded_font: bool,
    /// AutoCAD-style SHX text comments on the third drawing sheet.
    pub shx_text: bool,
    /// A scanned page (one big image, no text) appended to the set.
    pub image_only: bool,
    /// The fourth drawing sheet on a portrait page turned by `/Rotate 90`.
    pub rotated: bool,
}

/// One defect, as the manifest names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    LetterPage,
    UnembeddedFont,
    ShxText,
    ImageOnly,
    Rotated,
}

/// How many SHX text comments the SHX defect puts on its page.
pub const SHX_COMMENTS: u32 = 6;

/// What to generate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetOptions {
    pub seed: u64,
    /// Drawing sheets for 建施, 结施, 水施, 暖施, 电施 (the order of [`SPECIALTIES`]).
    pub sheets_per_specialty: [u32; 5],
    /// Line segments on each drawing sheet.
    pub segments_per_sheet: u32,
    /// Line segments on the first drawing sheet when set (a viewer benchmark wants ≥ 200,000).
    pub heavy_first_sheet: Option<u32>,
    pub layout: Layout,
    /// `/PageLabels` whose prefix is the sheet number.
    pub page_labels: bool,
    /// `/Outlines` items titled `建施-03 一层平面图`.
    pub bookmarks: bool,
    /// Whether the set starts with its index sheet (目录).
    pub index_sheet: bool,
    pub defects: Defects,
    pub round: Round,
}

impl Default for SetOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            sheets_per_specialty: [6, 4, 2, 2, 2],
            segments_per_sheet: 3000,
            heavy_first_sheet: None,
            layout: Layout::OneFile,
            page_labels: false,
            bookmarks: false,
            index_sheet: true,
            defects: Defects::default(),
            round: Round::First,
        }
    }
}

impl SetOptions {
    /// `total` drawing sheets shared out over the specialties as a typical set has them:
    /// about a third architecture, a quarter structure, the rest to the services.
    pub fn with_total(seed: u64, total: u32) -> Self {
        let weights = [4u32, 3, 2, 2, 2];
        let sum: u32 = weights.iter().sum();
        let mut counts = weights.map(|w| total * w / sum);
        let mut left = total - counts.iter().sum::<u32>();
        let mut i = 0;
        while left > 0 {
            counts[i % 5] += 1;
            left -= 1;
            i += 1;
        }
        Self {
            seed,
            sheets_per_specialty: counts,
            ..Self::default()
        }
    }
}

/// One page of the set as generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Index of the file in [`DrawingSet::files`].
    pub file: usize,
    /// 0-based page index in that file.
    pub page: u32,
    /// `None` for pages that are not sheets (cover letter, scan).
    pub sheet_number: Option<String>,
    pub title: Option<String>,
    /// Where this round changed the sheet's linework: x0, y0, x1, y1 in PDF points of the
    /// page's default user space.
    pub changed_region: Option<[f32; 4]>,
    pub defects: Vec<Defect>,
}

/// A generated file.
#[derive(Debug, Clone)]
pub struct DrawingFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A generated set and the truth about it.
#[derive(Debug, Clone)]
pub struct DrawingSet {
    pub files: Vec<DrawingFile>,
    /// One entry per page, in file order then page order.
    pub manifest: Vec<ManifestEntry>,
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 2)
}

/// What one page is.
#[derive(Debug, Clone)]
enum PageKind {
    Index(Vec<(String, String)>),
    Sheet(SheetPlan),
    Letter,
    Scan,
}

#[derive(Debug, Clone)]
struct SheetPlan {
    number: String,
    title: String,
    segments: usize,
    changed_mm: Option<[f32; 4]>,
    unembedded: bool,
    shx: bool,
    rotated: bool,
}

impl SheetPlan {
    fn new(number: String, title: String, segments: usize) -> Self {
        Self {
            number,
            title,
            segments,
            changed_mm: None,
            unembedded: false,
            shx: false,
            rotated: false,
        }
    }
}

/// The pages of the set in order.
fn plan(options: &SetOptions) -> Vec<PageKind> {
    let segments = usize::try_from(options.segments_per_sheet).unwrap_or(usize::MAX);
    let mut sheets = Vec::new();
    for ((prefix, titles), count) in SPECIALTIES.iter().zip(options.sheets_per_specialty) {
        for k in 0..usize::try_from(count).unwrap_or(0) {
            let number = format!("{prefix}-{:02}", k + 1);
            sheets.push(SheetPlan::new(
                number,
                text::sheet_title(titles, k),
                segments,
            ));
        }
    }
    if let (Some(heavy), Some(first)) = (options.heavy_first_sheet, sheets.first_mut()) {
        first.segments = usize::try_from(heavy).unwrap_or(usize::MAX);
    }
    let defects = options.defects;
    if !sheets.is_empty() {
        let n = sheets.len();
        sheets[1 % n].unembedded = defects.unembedded_font;
        sheets[2 % n].shx = defects.shx_text;
        sheets[3 % n].rotated = defects.rotated;
    }
    if options.round == Round::Revised {
        let mut rng = Rng::keyed(options.seed, "revised round");
        let architecture = usize::try_from(options.sheets_per_specialty[0]).unwrap_or(0);
        let added = SheetPlan::new(
            format!("{}-{:02}", SPECIALTIES[0].0, architecture + 1),
            text::ADDED_TITLE.to_owned(),
            segments,
        );
        if !sheets.is_empty() {
            let candidates: Vec<usize> = (0..sheets.len())
                .filter(|&i| !sheets[i].rotated && sheets[i].segments == segments)
                .collect();
            if let Some(&changed) = candidates.get(rng.below(candidates.len())) {
                let [ax0, ay0, ax1, ay1] = DRAWING_AREA_MM;
                let w = rng.range(60.0, 120.0);
                let h = rng.range(40.0, 90.0);
                let x = rng.range(ax0 + 40.0, ax1 - 30.0 - w);
                let y = rng.range(ay0 + 40.0, ay1 - 30.0 - h);
                sheets[changed].changed_mm = Some([x, y, x + w, y + h]);
            }
            // Reordered: a few pairs swapped, as resubmitted sets are.
            for _ in 0..sheets.len().div_ceil(3) {
                let a = rng.below(sheets.len());
                let b = rng.below(sheets.len());
                sheets.swap(a, b);
            }
        }
        sheets.insert(architecture.min(sheets.len()), added);
    }
    let mut pages = Vec::new();
    if options.index_sheet {
        pages.push(PageKind::Index(
            sheets
                .iter()
                .map(|s| (s.number.clone(), s.title.clone()))
                .collect(),
        ));
    }
    pages.extend(sheets.into_iter().map(PageKind::Sheet));
    if defects.letter_page {
        pages.push(PageKind::Letter);
    }
    if defects.image_only {
        pages.push(PageKind::Scan);
    }
    pages
}

/// Generates a set.
pub fn generate(options: &SetOptions) -> Result<DrawingSet, DrawingError> {
    let font = font::subset_font()?;
    let pages = plan(options);
    let mut files = Vec::new();
    let mut manifest = Vec::new();
    let groups: Vec<Vec<PageKind>> = match options.layout {
        Layout::OneFile => vec![pages],
        Layout::FilePerSheet => pages.into_iter().map(|page| vec![page]).collect(),
    };
    for group in groups {
        let file = files.len();
        let mut writer = FileWriter::new(&font, options);
        for (page, kind) in group.iter().enumerate() {
            let entry = writer.page(kind)?;
            manifest.push(ManifestEntry {
                file,
                page: u32::try_from(page).unwrap_or(u32::MAX),
                ..entry
            });
        }
        let name = match (options.layout, manifest.last()) {
            (
                Layout::FilePerSheet,
                Some(ManifestEntry {
                    sheet_number: Some(n),
                    ..
                }),
            ) => format!("{n}.pdf"),
            (Layout::FilePerSheet, _) => format!("page-{file:03}.pdf"),
            (Layout::OneFile, _) => "drawings.pdf".to_owned(),
        };
        files.push(DrawingFile {
            name,
            bytes: writer.finish(),
        });
    }
    Ok(DrawingSet { files, manifest })
}

struct WrittenPage {
    id: Ref,
    label: Option<String>,
    bookmark: Option<String>,
}

/// One PDF file being written.
struct FileWriter<'a> {
    pdf: Pdf,
    next_id: i32,
    font: &'a font::SubsetFont,
    font_ref: Ref,
    unembedded_ref: Option<Ref>,
    catalog: Ref,
    page_tree: Ref,
    pages: Vec<WrittenPage>,
    options: &'a SetOptions,
}

fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

impl<'a> FileWriter<'a> {
    fn new(font: &'a font::SubsetFont, options: &'a SetOptions) -> Self {
        let mut pdf = Pdf::new();
        pdf.set_version(1, 7);
        Self {
            pdf,
            next_id: 4,
            font,
            font_ref: Ref::new(3),
            unembedded_ref: None,
            catalog: Ref::new(1),
            page_tree: Ref::new(2),
            pages: Vec::new(),
            options,
        }
    }

    fn alloc(&mut self) -> Ref {
        let id = Ref::new(self.next_id);
        self.next_id += 1;
        id
    }

    fn unembedded(&mut self) -> Ref {
        match self.unembedded_ref {
            Some(id) => id,
            None => {
                let id = self.alloc();
                self.unembedded_ref = Some(id);
                id
            }
        }
    }

    fn page(&mut self, kind: &PageKind) -> Result<ManifestEntry, DrawingError> {
        let seed = self.options.seed;
        let mut painter = Painter::new(self.font);
        let mut entry = ManifestEntry {
            file: 0,
            page: 0,
            sheet_number: None,
            title: None,
            changed_region: None,
            defects: Vec::new(),
        };
        let (w, h) = A1_MM;
        let mut media = (pt(w), pt(h));
        let mut rotate = 0;
        let mut annotations = Vec::new();
        let mut image = None;
        let mut uses_unembedded = false;
        let date = "2026-11-18";
        match kind {
            PageKind::Index(entries) => {
                painter.frame();
                painter.index_table(entries)?;
                painter.title_block(
                    &TitleBlock {
                        project: text::PROJECT,
                        title: text::INDEX_TITLE,
                        number: text::INDEX_NUMBER,
                        scale: "-",
                        date,
                        designer: text::DESIGNERS[0],
                        checker: text::CHECKERS[0],
                    },
                    TextFont::Embedded,
                )?;
                entry.sheet_number = Some(text::INDEX_NUMBER.to_owned());
                entry.title = Some(text::INDEX_TITLE.to_owned());
            }
            PageKind::Sheet(sheet) => {
                if sheet.rotated {
                    // A portrait page turned for viewing: draw the landscape sheet into it.
                    media = (pt(h), pt(w));
                    rotate = 90;
                    painter.content.transform([0.0, 1.0, -1.0, 0.0, pt(h), 0.0]);
                    entry.defects.push(Defect::Rotated);
                }
                let mut rng = Rng::keyed(seed, &sheet.number);
                let (mut segments, labels) = sheet::linework(&mut rng, sheet.segments);
                if let Some(rect) = sheet.changed_mm {
                    sheet::revise(&mut segments, rect);
                    entry.changed_region = Some(rect.map(pt));
                }
                painter.frame();
                painter.segments(&segments);
                for (at, label) in &labels {
                    painter.text(*at, 3.0, label, TextFont::Embedded)?;
                }
                let caption = format!("{}  1:100", sheet.title);
                painter.text((300.0, 40.0), 7.0, &caption, TextFont::Embedded)?;
                let font = if sheet.unembedded {
                    uses_unembedded = true;
                    entry.defects.push(Defect::UnembeddedFont);
                    TextFont::Unembedded
                } else {
                    TextFont::Embedded
                };
                let pick = usize::try_from(rng.next_u64() % 12).unwrap_or(0);
                painter.title_block(
                    &TitleBlock {
                        project: text::PROJECT,
                        title: &sheet.title,
                        number: &sheet.number,
                        scale: "1:100",
                        date,
                        designer: text::DESIGNERS[pick % text::DESIGNERS.len()],
                        checker: text::CHECKERS[pick % text::CHECKERS.len()],
                    },
                    font,
                )?;
                if sheet.shx {
                    entry.defects.push(Defect::ShxText);
                    for i in 0..SHX_COMMENTS {
                        let x = pt(80.0 + 90.0 * i as f32);
                        annotations.push((
                            Rect::new(x, pt(520.0), x + pt(40.0), pt(530.0)),
                            sheet.title.clone(),
                        ));
                    }
                }
                entry.sheet_number = Some(sheet.number.clone());
                entry.title = Some(sheet.title.clone());
            }
            PageKind::Letter => {
                media = (612.0, 792.0);
                for (i, line) in text::LETTER_LINES.iter().enumerate() {
                    let size = if i == 0 { 7.0 } else { 4.5 };
                    painter.text(
                        (25.0, 240.0 - 12.0 * i as f32),
                        size,
                        line,
                        TextFont::Embedded,
                    )?;
                }
                entry.defects.push(Defect::LetterPage);
            }
            PageKind::Scan => {
                // A3 landscape scan at a low resolution: grey paper with dark lines.
                media = (pt(420.0), pt(297.0));
                let (iw, ih) = (1240usize, 877usize);
                let mut samples = vec![236u8; iw * ih];
                let mut rng = Rng::keyed(seed, "scan");
                for _ in 0..400 {
                    let horizontal = rng.below(2) == 0;
                    let at = rng.below(if horizontal { ih } else { iw });
                    let from = rng.below(iw.min(ih));
                    let len = 50 + rng.below(400);
                    for t in from..(from + len) {
                        let (x, y) = if horizontal { (t, at) } else { (at, t) };
                        if x < iw && y < ih {
                            samples[y * iw + x] = 30;
                        }
                    }
                }
                image = Some((iw, ih, samples));
                painter
                    .content
                    .save_state()
                    .transform([media.0, 0.0, 0.0, media.1, 0.0, 0.0])
                    .x_object(Name(b"Im0"))
                    .restore_state();
                entry.defects.push(Defect::ImageOnly);
            }
        }
        let content = painter.content.finish();
        let page_id = self.alloc();
        let content_id = self.alloc();
        self.pdf
            .stream(content_id, &deflate(&content))
            .filter(Filter::FlateDecode);
        let image_id = match image {
            Some((iw, ih, samples)) => {
                let id = self.alloc();
                let compressed = deflate(&samples);
                let mut xobject = self.pdf.image_xobject(id, &compressed);
                xobject.filter(Filter::FlateDecode);
                xobject
                    .width(i32::try_from(iw).unwrap_or(1))
                    .height(i32::try_from(ih).unwrap_or(1))
                    .bits_per_component(8);
                xobject.color_space().device_gray();
                xobject.finish();
                Some(id)
            }
            None => None,
        };
        let mut annotation_ids = Vec::new();
        for (rect, contents) in annotations {
            let id = self.alloc();
            self.pdf
                .annotation(id)
                .subtype(AnnotationType::Square)
                .rect(rect)
                .contents(TextStr(&contents))
                .pair(Name(b"Subj"), TextStr("AutoCAD SHX Text"))
                .pair(Name(b"T"), TextStr("AutoCAD SHX Text"));
            annotation_ids.push(id);
        }
        let unembedded = uses_unembedded.then(|| self.unembedded());
        let mut page = self.pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, media.0, media.1))
            .parent(self.page_tree)
            .contents(content_id);
        if rotate != 0 {
            page.rotate(rotate);
        }
        if !annotation_ids.is_empty() {
            page.annotations(annotation_ids);
        }
        {
            let mut resources = page.resources();
            {
                let mut fonts = resources.fonts();
                fonts.pair(Name(EMBEDDED), self.font_ref);
                if let Some(id) = unembedded {
                    fonts.pair(Name(UNEMBEDDED), id);
                }
            }
            if let Some(id) = image_id {
                resources.x_objects().pair(Name(b"Im0"), id);
            }
        }
        page.finish();
        let label = entry.sheet_number.clone();
        let bookmark = match (&entry.sheet_number, &entry.title) {
            (Some(number), Some(title)) => Some(format!("{number} {title}")),
            _ => None,
        };
        self.pages.push(WrittenPage {
            id: page_id,
            label,
            bookmark,
        });
        Ok(entry)
    }

    fn finish(mut self) -> Vec<u8> {
        self.font
            .write(&mut self.pdf, self.font_ref, &mut self.next_id);
        if let Some(id) = self.unembedded_ref {
            font::write_unembedded(&mut self.pdf, id, &mut self.next_id);
        }
        let count = i32::try_from(self.pages.len()).unwrap_or(i32::MAX);
        self.pdf
            .pages(self.page_tree)
            .kids(self.pages.iter().map(|p| p.id))
            .count(count);

        let label_ids: Vec<(i32, Ref, Option<String>)> = if self.options.page_labels {
            let pages = std::mem::take(&mut self.pages);
            let ids = pages
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    (
                        i32::try_from(i).unwrap_or(i32::MAX),
                        self.alloc(),
                        p.label.clone(),
                    )
                })
                .collect();
            self.pages = pages;
            ids
        } else {
            Vec::new()
        };
        for (_, id, label) in &label_ids {
            let mut dict = self
                .pdf
                .indirect(*id)
                .start::<pdf_writer::writers::PageLabel>();
            if let Some(label) = label {
                dict.prefix(TextStr(label));
            }
        }

        let bookmarks: Vec<(Ref, Ref, String)> = if self.options.bookmarks {
            let pages = std::mem::take(&mut self.pages);
            let items = pages
                .iter()
                .filter_map(|p| p.bookmark.clone().map(|b| (p.id, b)))
                .map(|(page, title)| (self.alloc(), page, title))
                .collect();
            self.pages = pages;
            items
        } else {
            Vec::new()
        };
        let outline_root = (!bookmarks.is_empty()).then(|| self.alloc());
        if let Some(root) = outline_root {
            let count = i32::try_from(bookmarks.len()).unwrap_or(i32::MAX);
            let mut outline = self.pdf.outline(root);
            if let (Some(first), Some(last)) = (bookmarks.first(), bookmarks.last()) {
                outline.first(first.0).last(last.0);
            }
            outline.count(count);
            outline.finish();
            for (i, (id, page, title)) in bookmarks.iter().enumerate() {
                let mut item = self.pdf.outline_item(*id);
                item.title(TextStr(title)).parent(root);
                if i > 0 {
                    item.prev(bookmarks[i - 1].0);
                }
                if let Some(next) = bookmarks.get(i + 1) {
                    item.next(next.0);
                }
                item.dest().page(*page).fit();
            }
        }

        let mut catalog = self.pdf.catalog(self.catalog);
        catalog.pages(self.page_tree);
        if let Some(root) = outline_root {
            catalog.outlines(root);
        }
        if !label_ids.is_empty() {
            let mut tree = catalog.page_labels();
            let mut nums = tree.nums();
            for (index, id, _) in &label_ids {
                nums.insert(*index, *id);
            }
        }
        catalog.finish();
        let info = self.alloc();
        self.pdf
            .document_info(info)
            .title(TextStr(text::PROJECT))
            .producer(TextStr("onetrip-drawings"));
        self.pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(round: Round) -> SetOptions {
        SetOptions {
            seed: 5,
            sheets_per_specialty: [3, 2, 1, 1, 1],
            segments_per_sheet: 200,
            round,
            ..SetOptions::default()
        }
    }

    #[test]
    fn sets_are_deterministic_and_their_manifest_tells_the_truth() {
        let first = generate(&options(Round::First)).unwrap();
        assert_eq!(
            first.files[0].bytes,
            generate(&options(Round::First)).unwrap().files[0].bytes
        );
        assert_eq!(first.manifest.len(), 9);
        assert_eq!(first.manifest[0].sheet_number.as_deref(), Some("目录"));
        assert_eq!(first.manifest[1].sheet_number.as_deref(), Some("建施-01"));
        assert!(
            first
                .manifest
                .iter()
                .all(|m| m.changed_region.is_none() && m.defects.is_empty())
        );

        let revised = generate(&options(Round::Revised)).unwrap();
        assert_eq!(revised.manifest.len(), 10);
        let changed: Vec<[f32; 4]> = revised
            .manifest
            .iter()
            .filter_map(|m| m.changed_region)
            .collect();
        assert_eq!(changed.len(), 1);
        let area = DRAWING_AREA_MM.map(|v| v * PT_PER_MM);
        let [x0, y0, x1, y1] = changed[0];
        assert!(x0 >= area[0] && y0 >= area[1] && x1 <= area[2] && y1 <= area[3]);
    }

    #[test]
    fn revising_changes_linework_only_inside_the_rectangle() {
        let mut rng = Rng::keyed(9, "建施-01");
        let (original, _) = sheet::linework(&mut rng, 2000);
        let rect = [300.0, 250.0, 400.0, 320.0];
        let mut revised = original.clone();
        sheet::revise(&mut revised, rect);
        let inside =
            |p: (f32, f32)| p.0 >= rect[0] && p.0 <= rect[2] && p.1 >= rect[1] && p.1 <= rect[3];
        let outside = |s: &sheet::Segment| !(inside(s.from) && inside(s.to));
        let kept: Vec<_> = original.iter().filter(|s| outside(s)).collect();
        let now: Vec<_> = revised.iter().filter(|s| outside(s)).collect();
        assert_eq!(kept, now);
        assert!(revised.iter().any(|s| !outside(s)));
    }
}
