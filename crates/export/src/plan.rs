//! The markups of an export sorted by page, checked, named and laid out, before any output
//! is written.

use std::collections::{BTreeMap, HashMap};

use crate::geometry::{self, Bounds, Figure, Label, Point, STROKE_WIDTH, Upright};
use crate::{ExportError, Mark, MarkedOpinion, Shape, SheetMarks};

/// Coordinates beyond this are not a drawing's: refused rather than written.
const COORDINATE_LIMIT: f32 = 1.0e6;

/// One markup, ready to be drawn.
#[derive(Debug)]
pub struct Markup<'a> {
    pub opinion: &'a MarkedOpinion,
    /// The annotation name: the opinion id for an opinion's first markup, then `id#2`,
    /// `id#3`, … since a name must tell the annotations of a page (and of an XFDF file) apart.
    pub name: String,
    pub color: [f32; 3],
    pub figure: Figure,
    /// Everything the figure draws; the annotation's `/Rect` and its appearance's `/BBox`.
    pub outline: Bounds,
    pub label: Label,
}

impl Markup<'_> {
    /// The annotation's `/Contents`: the opinion id and text.
    pub fn contents(&self) -> String {
        format!("{} {}", self.opinion.id, self.opinion.text)
    }
}

/// The markups of one page.
#[derive(Debug)]
pub struct PagePlan<'a> {
    pub page: usize,
    pub markups: Vec<Markup<'a>>,
}

/// Sorts, checks and lays out the markups of `sheets`. With `rotations`, each page's
/// `/Rotate`, a page beyond the file is an error and text is set upright as the page is
/// viewed; without, pages are taken as unturned. Sheets without markups are left out.
pub fn plan<'a>(
    sheets: &'a [SheetMarks],
    rotations: Option<&[i64]>,
) -> Result<Vec<PagePlan<'a>>, ExportError> {
    let mut by_page: BTreeMap<usize, Vec<Markup<'_>>> = BTreeMap::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for sheet in sheets {
        for opinion in &sheet.opinions {
            if opinion.markups.is_empty() {
                continue;
            }
            let rotate = match rotations {
                Some(rotations) => match rotations.get(sheet.page) {
                    Some(&rotate) => rotate,
                    None => {
                        return Err(ExportError::PageOutOfRange {
                            opinion: opinion.id.clone(),
                            page: sheet.page,
                            pages: rotations.len(),
                        });
                    }
                },
                None => 0,
            };
            let upright = Upright::for_rotate(rotate);
            for mark in &opinion.markups {
                if !mark
                    .rect
                    .iter()
                    .all(|v| v.is_finite() && v.abs() <= COORDINATE_LIMIT)
                {
                    return Err(ExportError::InvalidMark {
                        opinion: opinion.id.clone(),
                    });
                }
                let count = seen.entry(opinion.id.as_str()).or_insert(0);
                *count += 1;
                let name = if *count == 1 {
                    opinion.id.clone()
                } else {
                    format!("{}#{count}", opinion.id)
                };
                by_page
                    .entry(sheet.page)
                    .or_default()
                    .push(lay_out(opinion, mark, name, upright));
            }
        }
    }
    Ok(by_page
        .into_iter()
        .map(|(page, markups)| PagePlan { page, markups })
        .collect())
}

fn lay_out<'a>(
    opinion: &'a MarkedOpinion,
    mark: &'a Mark,
    name: String,
    upright: Upright,
) -> Markup<'a> {
    let [x0, y0, x1, y1] = mark.rect;
    let label_text = match (&mark.text, mark.shape) {
        (Some(note), shape) if shape != Shape::Text && !note.is_empty() => {
            format!("{} {note}", opinion.id)
        }
        _ => opinion.id.clone(),
    };
    let (figure, outline, label) = match mark.shape {
        Shape::Cloud => {
            let (rect, path, bulge) = geometry::cloud(Bounds::from_corners(mark.rect));
            let outline = rect.grow(bulge + STROKE_WIDTH / 2.0);
            (
                Figure::Cloud { rect, path },
                outline,
                geometry::label_above(outline, &label_text, upright),
            )
        }
        Shape::Rectangle => {
            let rect = Bounds::from_corners(mark.rect);
            let outline = rect.grow(STROKE_WIDTH / 2.0);
            (
                Figure::Rectangle { rect },
                outline,
                geometry::label_above(outline, &label_text, upright),
            )
        }
        Shape::Arrow => {
            let (from, to) = (Point::new(x0, y0), Point::new(x1, y1));
            let (shaft_end, head, half_width) = geometry::arrow(from, to);
            let outline = Bounds::from_corners(mark.rect)
                .grow(half_width.max(STROKE_WIDTH / 2.0) + STROKE_WIDTH / 2.0);
            (
                Figure::Arrow {
                    from,
                    to,
                    shaft_end,
                    head,
                },
                outline,
                geometry::label_at_tail(from, to, &label_text, upright),
            )
        }
        Shape::Text => {
            let text = mark.text.as_deref().unwrap_or(&opinion.text);
            let (rect, lines) = geometry::text_box(Point::new(x0, y0), text, upright);
            (
                Figure::Text { rect, lines },
                rect,
                geometry::label_above(rect, &label_text, upright),
            )
        }
    };
    Markup {
        opinion,
        name,
        color: opinion
            .color
            .map(|c| if c.is_nan() { 0.0 } else { c.clamp(0.0, 1.0) }),
        figure,
        outline,
        label,
    }
}
