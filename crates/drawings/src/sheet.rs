//! What one page shows: the linework of a sheet, its frame and title block, the index
//! table, and the pages that are not drawings. Everything is measured in millimetres on the
//! sheet as seen and converted to points when written.

use pdf_writer::{Content, Name, Str};

use crate::DrawingError;
use crate::font::{SubsetFont, encode_ucs2};
use crate::text::{INDEX_HEADERS, LABELS};

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// A1 landscape, in millimetres.
pub const A1_MM: (f32, f32) = (841.0, 594.0);

/// The rectangle the linework fills: inside the frame, above the title block's band.
pub const DRAWING_AREA_MM: [f32; 4] = [35.0, 65.0, 821.0, 574.0];

/// The title block at the lower right: x0, y0, x1, y1.
pub const TITLE_BLOCK_MM: [f32; 4] = [651.0, 10.0, 831.0, 55.0];

/// Resource name of the embedded font, and of the system font that is not embedded.
pub const EMBEDDED: &[u8] = b"F0";
pub const UNEMBEDDED: &[u8] = b"F1";

/// A small deterministic random source (SplitMix64): the same seed, the same drawings.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one purpose of one set: the seed and a key (a sheet number, a round).
    pub fn keyed(seed: u64, key: &str) -> Self {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in key.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(seed ^ hash)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `[low, high)`.
    pub fn range(&mut self, low: f32, high: f32) -> f32 {
        // 24 random bits are all an f32 mantissa holds.
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        low + (high - low) * unit
    }

    /// An index below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % (n.max(1) as u64)).unwrap_or(0)
    }
}

/// A line segment with its pen width, both in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub width: f32,
    pub from: (f32, f32),
    pub to: (f32, f32),
}

/// A grid axis label and where its baseline starts.
pub type GridLabel = ((f32, f32), String);

/// Pen widths of the line kinds, in millimetres.
const GRID_PEN: f32 = 0.13;
const WALL_PEN: f32 = 0.5;
const HATCH_PEN: f32 = 0.09;
const DIMENSION_PEN: f32 = 0.13;

fn push(out: &mut Vec<Segment>, width: f32, from: (f32, f32), to: (f32, f32)) {
    out.push(Segment { width, from, to });
}

/// Lines at 45° spaced `gap` apart, clipped to a rectangle.
pub fn hatch(out: &mut Vec<Segment>, rect: [f32; 4], gap: f32, width: f32) {
    let [x0, y0, x1, y1] = rect;
    let mut c = y0 - x1 + gap;
    while c < y1 - x0 {
        let start = x0.max(y0 - c);
        let end = x1.min(y1 - c);
        if start < end {
            push(out, width, (start, start + c), (end, end + c));
        }
        c += gap;
    }
}

/// The linework of a sheet: axis grid (dash-dot), walls on the axes, hatched areas and
/// dimension lines, `target` segments in all, and the grid labels to write.
pub fn linework(rng: &mut Rng, target: usize) -> (Vec<Segment>, Vec<GridLabel>) {
    let [ax0, ay0, ax1, ay1] = DRAWING_AREA_MM;
    let (gx0, gy0, gx1, gy1) = (ax0 + 30.0, ay0 + 30.0, ax1 - 20.0, ay1 - 25.0);
    let mut out = Vec::with_capacity(target + 64);
    let mut labels = Vec::new();
    let mut xs = vec![gx0];
    while let Some(&last) = xs.last() {
        let next = last + rng.range(45.0, 80.0);
        if next > gx1 {
            break;
        }
        xs.push(next);
    }
    let mut ys = vec![gy0];
    while let Some(&last) = ys.last() {
        let next = last + rng.range(40.0, 70.0);
        if next > gy1 {
            break;
        }
        ys.push(next);
    }
    // Axes drawn dash-dot: 12 mm dash, 2 mm gap, 1 mm dot, 2 mm gap.
    let dashes = |out: &mut Vec<Segment>, from: f32, to: f32, at: &dyn Fn(f32) -> (f32, f32)| {
        let mut t = from;
        while t < to {
            let dash_end = (t + 12.0).min(to);
            push(out, GRID_PEN, at(t), at(dash_end));
            let dot = dash_end + 2.0;
            if dot + 1.0 < to {
                push(out, GRID_PEN, at(dot), at(dot + 1.0));
            }
            t = dot + 3.0;
        }
    };
    let bubble = |out: &mut Vec<Segment>, centre: (f32, f32)| {
        let sides = 16;
        for i in 0..sides {
            let a0 = i as f32 / sides as f32 * std::f32::consts::TAU;
            let a1 = (i + 1) as f32 / sides as f32 * std::f32::consts::TAU;
            push(
                out,
                GRID_PEN,
                (centre.0 + 4.0 * a0.cos(), centre.1 + 4.0 * a0.sin()),
                (centre.0 + 4.0 * a1.cos(), centre.1 + 4.0 * a1.sin()),
            );
        }
    };
    for (i, &x) in xs.iter().enumerate() {
        dashes(&mut out, gy0 - 10.0, gy1 + 8.0, &|t| (x, t));
        bubble(&mut out, (x, gy1 + 12.0));
        labels.push(((x - 1.2, gy1 + 10.8), (i + 1).to_string()));
    }
    for (i, &y) in ys.iter().enumerate() {
        dashes(&mut out, gx0 - 8.0, gx1 + 8.0, &|t| (t, y));
        bubble(&mut out, (gx0 - 12.0, y));
        let letter = char::from(b'A' + u8::try_from(i % 26).unwrap_or(0));
        labels.push(((gx0 - 13.2, y - 1.2), letter.to_string()));
    }
    while out.len() < target {
        match rng.below(10) {
            // Walls: two parallel lines along an axis between neighbouring axes.
            0..=4 if xs.len() > 1 && ys.len() > 1 => {
                let i = rng.below(xs.len() - 1);
                let j = rng.below(ys.len());
                let vertical = rng.below(2) == 0;
                if vertical {
                    let x = xs[rng.below(xs.len())];
                    let j = rng.below(ys.len() - 1);
                    let (y0, y1) = (ys[j], ys[j + 1]);
                    push(&mut out, WALL_PEN, (x - 1.2, y0), (x - 1.2, y1));
                    push(&mut out, WALL_PEN, (x + 1.2, y0), (x + 1.2, y1));
                } else {
                    let y = ys[j];
                    let (x0, x1) = (xs[i], xs[i + 1]);
                    push(&mut out, WALL_PEN, (x0, y - 1.2), (x1, y - 1.2));
                    push(&mut out, WALL_PEN, (x0, y + 1.2), (x1, y + 1.2));
                }
            }
            // Hatched areas.
            5..=7 => {
                let w = rng.range(8.0, 40.0);
                let h = rng.range(8.0, 30.0);
                let x = rng.range(gx0, gx1 - w);
                let y = rng.range(gy0, gy1 - h);
                let gap = rng.range(1.5, 3.0);
                hatch(&mut out, [x, y, x + w, y + h], gap, HATCH_PEN);
            }
            // Dimension lines with their ticks and extension lines.
            _ => {
                let y = rng.range(ay0 + 5.0, gy0 - 12.0);
                let x0 = rng.range(gx0, gx1 - 30.0);
                let x1 = x0 + rng.range(10.0, 60.0).min(gx1 - x0);
                push(&mut out, DIMENSION_PEN, (x0 - 2.0, y), (x1 + 2.0, y));
                for x in [x0, x1] {
                    push(
                        &mut out,
                        DIMENSION_PEN,
                        (x - 1.0, y - 1.0),
                        (x + 1.0, y + 1.0),
                    );
                    push(&mut out, DIMENSION_PEN, (x, y - 2.0), (x, y + 6.0));
                }
            }
        }
    }
    out.truncate(target.max(1));
    (out, labels)
}

/// What the round-2 copy of a sheet changes inside `rect`: the segments that lie wholly
/// inside it are gone, and a new hatched room with walls stands there instead.
pub fn revise(segments: &mut Vec<Segment>, rect: [f32; 4]) {
    let inside =
        |p: (f32, f32)| p.0 >= rect[0] && p.0 <= rect[2] && p.1 >= rect[1] && p.1 <= rect[3];
    segments.retain(|s| !(inside(s.from) && inside(s.to)));
    let [x0, y0, x1, y1] = [rect[0] + 4.0, rect[1] + 4.0, rect[2] - 4.0, rect[3] - 4.0];
    for offset in [-1.2, 1.2] {
        push(segments, WALL_PEN, (x0 + offset, y0), (x0 + offset, y1));
        push(segments, WALL_PEN, (x1 + offset, y0), (x1 + offset, y1));
        push(segments, WALL_PEN, (x0, y0 + offset), (x1, y0 + offset));
        push(segments, WALL_PEN, (x0, y1 + offset), (x1, y1 + offset));
    }
    let mut crossed = Vec::new();
    hatch(
        &mut crossed,
        [x0 + 3.0, y0 + 3.0, x1 - 3.0, y1 - 3.0],
        2.0,
        HATCH_PEN,
    );
    // The same hatch mirrored: cross-hatching.
    let mid = (x0 + x1) / 2.0;
    let mirrored: Vec<Segment> = crossed
        .iter()
        .map(|s| Segment {
            width: s.width,
            from: (2.0 * mid - s.from.0, s.from.1),
            to: (2.0 * mid - s.to.0, s.to.1),
        })
        .collect();
    segments.extend(crossed);
    segments.extend(mirrored);
}

/// Which font the title block's words are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFont {
    Embedded,
    Unembedded,
}

/// A page's content being written, in millimetres.
pub struct Painter<'f> {
    pub content: Content,
    font: &'f SubsetFont,
}

fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

impl<'f> Painter<'f> {
    pub fn new(font: &'f SubsetFont) -> Self {
        Self {
            content: Content::new(),
            font,
        }
    }

    /// Writes `text` with its baseline starting at `(x, y)`, `size` millimetres high.
    pub fn text(
        &mut self,
        (x, y): (f32, f32),
        size: f32,
        text: &str,
        font: TextFont,
    ) -> Result<(), DrawingError> {
        let (name, codes) = match font {
            TextFont::Embedded => (EMBEDDED, self.font.encode(text)?),
            TextFont::Unembedded => (UNEMBEDDED, encode_ucs2(text)),
        };
        self.content
            .begin_text()
            .set_font(Name(name), pt(size))
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, pt(x), pt(y)])
            .show(Str(&codes))
            .end_text();
        Ok(())
    }

    /// Width of a text in the embedded font, in millimetres.
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        self.font.width(text) / 1000.0 * size
    }

    /// Strokes segments, grouped into paths by pen width.
    pub fn segments(&mut self, segments: &[Segment]) {
        let mut pen = f32::NAN;
        let mut open = 0usize;
        for segment in segments {
            if segment.width != pen || open >= 2000 {
                if open > 0 {
                    self.content.stroke();
                }
                if segment.width != pen {
                    self.content.set_line_width(pt(segment.width));
                    pen = segment.width;
                }
                open = 0;
            }
            self.content
                .move_to(pt(segment.from.0), pt(segment.from.1))
                .line_to(pt(segment.to.0), pt(segment.to.1));
            open += 1;
        }
        if open > 0 {
            self.content.stroke();
        }
    }

    /// A stroked rectangle.
    pub fn rect(&mut self, [x0, y0, x1, y1]: [f32; 4], width: f32) {
        self.content
            .set_line_width(pt(width))
            .rect(pt(x0), pt(y0), pt(x1 - x0), pt(y1 - y0))
            .stroke();
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.content
            .set_line_width(pt(width))
            .move_to(pt(from.0), pt(from.1))
            .line_to(pt(to.0), pt(to.1))
            .stroke();
    }

    /// The frame of an A1 sheet: the paper's edge and the binding-margin border.
    pub fn frame(&mut self) {
        let (w, h) = A1_MM;
        self.rect([0.5, 0.5, w - 0.5, h - 0.5], 0.18);
        self.rect([25.0, 10.0, w - 10.0, h - 10.0], 0.9);
    }

    /// The title block with its labelled cells.
    pub fn title_block(
        &mut self,
        block: &TitleBlock<'_>,
        font: TextFont,
    ) -> Result<(), DrawingError> {
        let [x0, y0, x1, y1] = TITLE_BLOCK_MM;
        self.rect(TITLE_BLOCK_MM, 0.7);
        let row = (y1 - y0) / 5.0;
        for i in 1..5 {
            let y = y0 + row * i as f32;
            self.line((x0, y), (x1, y), 0.25);
        }
        let (c1, c2, c3) = (x0 + 22.0, x0 + 90.0, x0 + 112.0);
        self.line((c1, y0), (c1, y1), 0.25);
        self.line((c2, y0), (c2, y0 + 3.0 * row), 0.25);
        self.line((c3, y0), (c3, y0 + 3.0 * row), 0.25);
        let [project, title, number, scale, date, designer, checker] = LABELS;
        let size = 3.5;
        let top = |i: usize| y1 - row * (i + 1) as f32 + 3.0;
        let cells: [(f32, usize, &str, f32); 13] = [
            (x0, 0, project, size),
            (c1, 0, block.project, size),
            (x0, 1, title, size),
            (c1, 1, block.title, 4.5),
            (x0, 2, number, size),
            (c1, 2, block.number, 4.0),
            (c2, 2, scale, size),
            (c3, 2, block.scale, size),
            (x0, 3, date, size),
            (c1, 3, block.date, size),
            (c2, 3, designer, size),
            (c3, 3, block.designer, size),
            (x0, 4, checker, size),
        ];
        for (x, row, text, size) in cells {
            self.text((x + 2.0, top(row)), size, text, font)?;
        }
        self.text((c1 + 2.0, top(4)), size, block.checker, font)?;
        Ok(())
    }

    /// The index table: 序号, 图号, 图名, 图幅 for every sheet, in as many column groups as
    /// the sheets need.
    pub fn index_table(&mut self, entries: &[(String, String)]) -> Result<(), DrawingError> {
        let [ax0, ay0, _, ay1] = DRAWING_AREA_MM;
        let heading = crate::text::INDEX_TITLE;
        let heading_x = (A1_MM.0 - self.text_width(heading, 10.0)) / 2.0;
        self.text((heading_x, ay1 - 12.0), 10.0, heading, TextFont::Embedded)?;
        let row = 7.0;
        let widths = [14.0, 32.0, 70.0, 16.0];
        let group_width: f32 = widths.iter().sum::<f32>() + 12.0;
        let top = ay1 - 25.0;
        let rows_per_group = ((top - ay0) / row) as usize - 1;
        for (group, chunk) in entries.chunks(rows_per_group.max(1)).enumerate() {
            let gx = ax0 + 10.0 + group as f32 * group_width;
            let bottom = top - row * (chunk.len() + 1) as f32;
            let right = gx + widths.iter().sum::<f32>();
            self.rect([gx, bottom, right, top], 0.5);
            for i in 1..=chunk.len() {
                let y = top - row * i as f32;
                self.line((gx, y), (right, y), 0.18);
            }
            let mut x = gx;
            for (i, width) in widths.iter().enumerate() {
                if i > 0 {
                    self.line((x, bottom), (x, top), 0.18);
                }
                self.text(
                    (x + 2.0, top - row + 2.0),
                    3.5,
                    INDEX_HEADERS[i],
                    TextFont::Embedded,
                )?;
                x += width;
            }
            for (i, (number, title)) in chunk.iter().enumerate() {
                let y = top - row * (i + 2) as f32 + 2.0;
                let serial = (group * rows_per_group + i + 1).to_string();
                let mut x = gx;
                for (cell, width) in [serial.as_str(), number, title, "A1"]
                    .into_iter()
                    .zip(widths)
                {
                    self.text((x + 2.0, y), 3.5, cell, TextFont::Embedded)?;
                    x += width;
                }
            }
        }
        Ok(())
    }
}

/// The values of a title block.
pub struct TitleBlock<'a> {
    pub project: &'a str,
    pub title: &'a str,
    pub number: &'a str,
    pub scale: &'a str,
    pub date: &'a str,
    pub designer: &'a str,
    pub checker: &'a str,
}
