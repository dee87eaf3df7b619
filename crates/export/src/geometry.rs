//! Where each markup's lines, text and label fall in page space, worked out once so that the
//! flattened page, the annotation and its appearance stream, and the XFDF all agree.

use crate::label_font;

/// Line width of every shape, in points: about 0.5 mm, a CAD markup pen.
pub const STROKE_WIDTH: f32 = 1.5;
/// Size of the opinion-id labels.
pub const LABEL_SIZE: f32 = 10.0;
/// Size of text markups.
pub const TEXT_SIZE: f32 = 12.0;
/// Line width of the boxes around labels and text markups.
pub const BOX_STROKE_WIDTH: f32 = 0.75;
const TEXT_PADDING: f32 = 3.0;
const LABEL_PADDING: f32 = 2.0;
/// Distance between a shape and its label.
const LABEL_GAP: f32 = 3.0;
const LEADING: f32 = 1.2;
/// Text markups wrap at this many ems.
const TEXT_WRAP_EMS: f32 = 30.0;
const HEAD_LENGTH: f32 = 10.0;
const HEAD_HALF_WIDTH: f32 = 4.0;
/// Smallest cloud drawn, so that a click without a drag still shows.
const MIN_CLOUD: f32 = 4.0;
/// Chord of one cloud arc, at most and at least.
const ARC_MIN: f32 = 6.0;
const ARC_MAX: f32 = 24.0;
/// Arcs per side of a cloud at most, however long the side.
const ARCS_PER_SIDE_MAX: f32 = 500.0;
/// The control-point distance that makes a cubic Bézier a quarter circle of radius 1.
const KAPPA: f32 = 0.552_284_8;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    fn plus(self, (dx, dy): (f32, f32), by: f32) -> Self {
        Self::new(self.x + dx * by, self.y + dy * by)
    }
}

/// An axis-aligned rectangle with `x0 <= x1` and `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Bounds {
    pub fn from_corners([a, b, c, d]: [f32; 4]) -> Self {
        Self {
            x0: a.min(c),
            y0: b.min(d),
            x1: a.max(c),
            y1: b.max(d),
        }
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn grow(self, by: f32) -> Self {
        Self {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }

    /// Grown to at least `min` wide and high, about its centre.
    fn at_least(self, min: f32) -> Self {
        let grow_x = ((min - self.width()) / 2.0).max(0.0);
        let grow_y = ((min - self.height()) / 2.0).max(0.0);
        Self {
            x0: self.x0 - grow_x,
            y0: self.y0 - grow_y,
            x1: self.x1 + grow_x,
            y1: self.y1 + grow_y,
        }
    }

    pub fn to_array(self) -> [f32; 4] {
        [self.x0, self.y0, self.x1, self.y1]
    }
}

/// One piece of a path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathOp {
    MoveTo(Point),
    CurveTo(Point, Point, Point),
    Close,
}

/// What a markup draws, in page space.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Cloud {
        rect: Bounds,
        path: Vec<PathOp>,
    },
    Rectangle {
        rect: Bounds,
    },
    /// `head` is `None` for an arrow of no length, which draws nothing.
    Arrow {
        from: Point,
        to: Point,
        shaft_end: Point,
        head: Option<[Point; 3]>,
    },
    Text {
        rect: Bounds,
        lines: Vec<TextLine>,
    },
}

/// A box with one line of text, placed next to a markup.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub rect: Bounds,
    pub line: TextLine,
}

/// A revision cloud around `rect`: arcs bulging outwards along each side, counter-clockwise,
/// and how far they reach beyond the rectangle.
pub fn cloud(rect: Bounds) -> (Bounds, Vec<PathOp>, f32) {
    let rect = rect.at_least(MIN_CLOUD);
    let target = (rect.width().min(rect.height()) / 3.0).clamp(ARC_MIN, ARC_MAX);
    let corners = [
        Point::new(rect.x0, rect.y0),
        Point::new(rect.x1, rect.y0),
        Point::new(rect.x1, rect.y1),
        Point::new(rect.x0, rect.y1),
    ];
    let mut path = vec![PathOp::MoveTo(corners[0])];
    let mut bulge: f32 = 0.0;
    for (i, &a) in corners.iter().enumerate() {
        let b = corners[(i + 1) % corners.len()];
        let length = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        let arcs = (length / target).round().clamp(1.0, ARCS_PER_SIDE_MAX);
        let chord = length / arcs;
        let radius = chord / 2.0;
        bulge = bulge.max(radius);
        let along = ((b.x - a.x) / length, (b.y - a.y) / length);
        // Outwards for a counter-clockwise walk: the right-hand side.
        let out = (along.1, -along.0);
        let handle = KAPPA * radius;
        let mut start = a;
        for k in 1..=(arcs as usize) {
            let centre = start.plus(along, radius);
            let top = centre.plus(out, radius);
            let end = if k == arcs as usize {
                b
            } else {
                start.plus(along, chord)
            };
            path.push(PathOp::CurveTo(
                start.plus(out, handle),
                top.plus(along, -handle),
                top,
            ));
            path.push(PathOp::CurveTo(
                top.plus(along, handle),
                end.plus(out, handle),
                end,
            ));
            start = end;
        }
    }
    path.push(PathOp::Close);
    (rect, path, bulge)
}

/// The arrow from `from` to `to`: where the shaft stops and the head's three corners (tip
/// first), and how far the head reaches sideways from the line.
pub fn arrow(from: Point, to: Point) -> (Point, Option<[Point; 3]>, f32) {
    let length = ((to.x - from.x).powi(2) + (to.y - from.y).powi(2)).sqrt();
    if length < 0.01 {
        return (to, None, 0.0);
    }
    let along = ((to.x - from.x) / length, (to.y - from.y) / length);
    let across = (-along.1, along.0);
    let head_length = HEAD_LENGTH.min(length / 2.0);
    let half_width = HEAD_HALF_WIDTH * head_length / HEAD_LENGTH;
    let base = to.plus(along, -head_length);
    let head = [
        to,
        base.plus(across, half_width),
        base.plus(across, -half_width),
    ];
    (base, Some(head), half_width)
}

/// Which way text runs on a page, so that it reads upright however the page is turned for
/// viewing: the user-space directions of the viewer's right and up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Upright {
    pub right: (f32, f32),
    pub up: (f32, f32),
}

impl Upright {
    /// For a page's `/Rotate`, which turns the page clockwise for viewing.
    pub fn for_rotate(rotate: i64) -> Self {
        let (right, up) = match rotate.rem_euclid(360) {
            90 => ((0.0, 1.0), (-1.0, 0.0)),
            180 => ((-1.0, 0.0), (0.0, -1.0)),
            270 => ((0.0, -1.0), (1.0, 0.0)),
            _ => ((1.0, 0.0), (0.0, 1.0)),
        };
        Self { right, up }
    }

    /// `at` moved `x` to the viewer's right and `y` up.
    fn offset(self, at: Point, x: f32, y: f32) -> Point {
        at.plus(self.right, x).plus(self.up, y)
    }

    /// The box `width` to the right of and `height` above `at` as the viewer sees it.
    fn span(self, at: Point, width: f32, height: f32) -> Bounds {
        let far = self.offset(at, width, height);
        Bounds::from_corners([at.x, at.y, far.x, far.y])
    }

    /// The corner of `rect` at the viewer's top left.
    fn top_left(self, rect: Bounds) -> Point {
        let corners = [
            Point::new(rect.x0, rect.y0),
            Point::new(rect.x1, rect.y0),
            Point::new(rect.x1, rect.y1),
            Point::new(rect.x0, rect.y1),
        ];
        let score = |p: &Point| {
            (p.x * self.up.0 + p.y * self.up.1) - (p.x * self.right.0 + p.y * self.right.1)
        };
        corners.into_iter().fold(
            corners[0],
            |best, p| if score(&p) > score(&best) { p } else { best },
        )
    }
}

/// A line of text: where its baseline starts and which way it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub text: String,
    pub at: Point,
    pub upright: Upright,
}

/// The lines of a text markup, wrapped, and its box, whose corner at the viewer's bottom
/// left is `at`.
pub fn text_box(at: Point, text: &str, upright: Upright) -> (Bounds, Vec<TextLine>) {
    let size = TEXT_SIZE;
    let lines = wrap(text, TEXT_WRAP_EMS * size, size);
    let widest = lines
        .iter()
        .map(|line| label_font::width(line, size))
        .fold(0.0, f32::max);
    let count = lines.len().max(1) as f32;
    let width = widest + 2.0 * TEXT_PADDING;
    let height = 2.0 * TEXT_PADDING + size + (count - 1.0) * size * LEADING;
    let first = height - TEXT_PADDING - label_font::ASCENT * size;
    let lines = lines
        .into_iter()
        .enumerate()
        .map(|(i, text)| TextLine {
            text,
            at: upright.offset(at, TEXT_PADDING, first - i as f32 * size * LEADING),
            upright,
        })
        .collect();
    (upright.span(at, width, height), lines)
}

/// Lines broken at newlines and wherever a line would grow wider than `max_width`; Chinese
/// has no spaces to break at, so lines break between any two characters.
fn wrap(text: &str, max_width: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut width = 0.0;
        for c in paragraph.trim_end_matches('\r').chars() {
            let w = label_font::char_width(c) * size;
            if width + w > max_width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
            }
            line.push(c);
            width += w;
        }
        lines.push(line);
    }
    lines
}

fn label_size(text: &str) -> (f32, f32) {
    (
        label_font::width(text, LABEL_SIZE) + 2.0 * LABEL_PADDING,
        LABEL_SIZE + 2.0 * LABEL_PADDING,
    )
}

/// The label box for `text` with its corner at the viewer's bottom left at `at`.
fn label_at(at: Point, text: &str, upright: Upright) -> Label {
    let (width, height) = label_size(text);
    Label {
        rect: upright.span(at, width, height),
        line: TextLine {
            text: text.to_owned(),
            at: upright.offset(
                at,
                LABEL_PADDING,
                LABEL_PADDING + label_font::DESCENT * LABEL_SIZE,
            ),
            upright,
        },
    }
}

/// The label of a shape: above its top-left corner, as the viewer sees the page.
pub fn label_above(outline: Bounds, text: &str, upright: Upright) -> Label {
    let corner = upright.top_left(outline);
    label_at(upright.offset(corner, 0.0, LABEL_GAP), text, upright)
}

/// The label of an arrow: centred on its tail, on the side away from the head.
pub fn label_at_tail(from: Point, to: Point, text: &str, upright: Upright) -> Label {
    let (width, height) = label_size(text);
    let rising = (to.x - from.x) * upright.up.0 + (to.y - from.y) * upright.up.1 >= 0.0;
    let y = if rising {
        -LABEL_GAP - height
    } else {
        LABEL_GAP
    };
    label_at(upright.offset(from, -width / 2.0, y), text, upright)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(path: &[PathOp]) -> Vec<Point> {
        path.iter()
            .flat_map(|op| match *op {
                PathOp::MoveTo(p) => vec![p],
                PathOp::CurveTo(a, b, c) => vec![a, b, c],
                PathOp::Close => vec![],
            })
            .collect()
    }

    #[test]
    fn a_cloud_bulges_out_of_its_rectangle_and_stays_within_its_margin() {
        let rect = Bounds::from_corners([300.0, 200.0, 100.0, 100.0]);
        let (rect, path, bulge) = cloud(rect);
        assert_eq!(rect, Bounds::from_corners([100.0, 100.0, 300.0, 200.0]));
        let outer = rect.grow(bulge + 0.001);
        let all = points(&path);
        assert!(all.len() > 20);
        assert!(
            all.iter()
                .all(|p| p.x >= outer.x0 && p.x <= outer.x1 && p.y >= outer.y0 && p.y <= outer.y1)
        );
        // Some arc tops lie outside the rectangle on every side.
        assert!(all.iter().any(|p| p.y < rect.y0 - bulge * 0.9));
        assert!(all.iter().any(|p| p.y > rect.y1 + bulge * 0.9));
        assert!(all.iter().any(|p| p.x < rect.x0 - bulge * 0.9));
        assert!(all.iter().any(|p| p.x > rect.x1 + bulge * 0.9));
        assert_eq!(path.last(), Some(&PathOp::Close));
    }

    #[test]
    fn a_point_cloud_is_still_drawn() {
        let (rect, path, bulge) = cloud(Bounds::from_corners([50.0, 50.0, 50.0, 50.0]));
        assert!(rect.width() >= MIN_CLOUD && rect.height() >= MIN_CLOUD);
        assert!(bulge > 0.0 && path.len() > 4);
        assert!(
            points(&path)
                .iter()
                .all(|p| p.x.is_finite() && p.y.is_finite())
        );
    }

    #[test]
    fn an_arrow_head_sits_at_the_end_point() {
        let (base, head, half) = arrow(Point::new(0.0, 0.0), Point::new(100.0, 0.0));
        let head = head.unwrap();
        assert_eq!(head[0], Point::new(100.0, 0.0));
        assert!((base.x - 90.0).abs() < 1e-4);
        assert!((head[1].y - half).abs() < 1e-4 && (head[2].y + half).abs() < 1e-4);
        assert!(
            arrow(Point::new(5.0, 5.0), Point::new(5.0, 5.0))
                .1
                .is_none()
        );
    }

    #[test]
    fn long_text_wraps_and_lines_go_down() {
        let text = "请".repeat(70);
        let (rect, lines) = text_box(Point::new(10.0, 20.0), &text, Upright::for_rotate(0));
        assert_eq!(lines.len(), 3);
        assert!(lines[0].at.y > lines[1].at.y);
        assert!(rect.width() <= TEXT_WRAP_EMS * TEXT_SIZE + 2.0 * TEXT_PADDING + 0.01);
        assert_eq!((rect.x0, rect.y0), (10.0, 20.0));
    }

    #[test]
    fn text_on_a_turned_page_runs_up_the_page_and_labels_sit_above_as_seen() {
        // Turned clockwise for viewing: the viewer's right is user space's up.
        let upright = Upright::for_rotate(90);
        let (rect, lines) = text_box(Point::new(100.0, 200.0), "请补充", upright);
        assert_eq!((rect.x1, rect.y0), (100.0, 200.0));
        assert!(rect.height() > rect.width());
        assert!(lines[0].at.y > 200.0 && lines[0].at.x < 100.0);
        let label = label_above(rect, "结-R1-07", upright);
        // Above as seen is towards smaller x; left as seen towards smaller y.
        assert!(label.rect.x1 <= rect.x0 && label.rect.y0 == rect.y0);
        assert_eq!(Upright::for_rotate(-270), upright);
        let flat = label_above(rect, "结-R1-07", Upright::for_rotate(0));
        assert!(flat.rect.y0 >= rect.y1 && flat.rect.x0 == rect.x0);
    }
}
