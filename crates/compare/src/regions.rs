//! Changed regions from counts of differing pixels per cell: cells with differences are grown
//! by half the link distance, the grown cells are joined into connected areas, and each area's
//! differing cells give one rectangle. Areas with too little differing ink are noise. When
//! there are too many areas the link distance is doubled, and the last few are merged pairwise
//! by the least growth of area. Work is proportional to the number of cells, not of pixels.

/// Differing pixels per cell of `cell × cell` pixels.
pub(crate) struct CellGrid {
    cell: u32,
    columns: u32,
    rows: u32,
    width: u32,
    height: u32,
    removed: Vec<u32>,
    added: Vec<u32>,
}

impl CellGrid {
    pub(crate) fn new(width: u32, height: u32, cell: u32) -> Self {
        let cell = cell.max(1);
        let (columns, rows) = (width.div_ceil(cell), height.div_ceil(cell));
        let cells = columns as usize * rows as usize;
        Self {
            cell,
            columns,
            rows,
            width,
            height,
            removed: vec![0; cells],
            added: vec![0; cells],
        }
    }

    /// Counts one differing pixel.
    pub(crate) fn count(&mut self, x: u32, y: u32, removed: bool) {
        let i = (y / self.cell) as usize * self.columns as usize + (x / self.cell) as usize;
        let counts = if removed {
            &mut self.removed
        } else {
            &mut self.added
        };
        if let Some(c) = counts.get_mut(i) {
            *c = c.saturating_add(1);
        }
    }

    fn differs(&self, i: usize) -> bool {
        self.removed[i] > 0 || self.added[i] > 0
    }
}

pub(crate) struct RegionOptions {
    /// Differing cells at most this many cells apart (in x and in y) are one region.
    pub link_cells: u32,
    /// Least differing pixels a region has.
    pub min_px: u64,
    pub max_regions: usize,
}

/// A region in pixels (`x0..x1` × `y0..y1`) with its counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
    pub removed: u64,
    pub added: u64,
}

/// A region in cells, inclusive bounds.
#[derive(Debug, Clone, Copy)]
struct Area {
    c0: u32,
    r0: u32,
    c1: u32,
    r1: u32,
    removed: u64,
    added: u64,
}

impl Area {
    fn union(&self, other: &Area) -> Area {
        Area {
            c0: self.c0.min(other.c0),
            r0: self.r0.min(other.r0),
            c1: self.c1.max(other.c1),
            r1: self.r1.max(other.r1),
            removed: self.removed + other.removed,
            added: self.added + other.added,
        }
    }

    fn size(&self) -> u64 {
        u64::from(self.c1 - self.c0 + 1) * u64::from(self.r1 - self.r0 + 1)
    }

    fn near(&self, other: &Area, gap: u32) -> bool {
        self.c0 <= other.c1.saturating_add(gap)
            && other.c0 <= self.c1.saturating_add(gap)
            && self.r0 <= other.r1.saturating_add(gap)
            && other.r0 <= self.r1.saturating_add(gap)
    }
}

/// The changed regions, largest differing ink first.
pub(crate) fn find(grid: &CellGrid, options: &RegionOptions) -> Vec<Found> {
    let mut link = options.link_cells;
    let mut areas = loop {
        let areas = areas(grid, link, options.min_px);
        // Doubling the link stops once it spans the sheet: everything is one area by then.
        if areas.len() <= options.max_regions * 4 || link > grid.columns.max(grid.rows) {
            break areas;
        }
        link = link.saturating_mul(2).max(1);
    };
    // Areas whose rectangles overlap or touch within the link distance become one.
    let mut merged = true;
    while merged {
        merged = false;
        'outer: for i in 0..areas.len() {
            for j in i + 1..areas.len() {
                if areas[i].near(&areas[j], link) {
                    areas[i] = areas[i].union(&areas[j]);
                    areas.swap_remove(j);
                    merged = true;
                    break 'outer;
                }
            }
        }
    }
    while areas.len() > options.max_regions {
        let mut best = (0, 1, u64::MAX);
        for i in 0..areas.len() {
            for j in i + 1..areas.len() {
                let growth =
                    areas[i].union(&areas[j]).size() - areas[i].size().max(areas[j].size());
                if growth < best.2 {
                    best = (i, j, growth);
                }
            }
        }
        let (i, j, _) = best;
        areas[i] = areas[i].union(&areas[j]);
        areas.swap_remove(j);
    }
    areas.sort_by_key(|a| std::cmp::Reverse(a.removed + a.added));
    areas
        .into_iter()
        .map(|a| Found {
            x0: a.c0 * grid.cell,
            y0: a.r0 * grid.cell,
            x1: ((a.c1 + 1) * grid.cell).min(grid.width),
            y1: ((a.r1 + 1) * grid.cell).min(grid.height),
            removed: a.removed,
            added: a.added,
        })
        .collect()
}

/// Connected areas of differing cells linked within `link` cells, with at least `min_px`
/// differing pixels.
fn areas(grid: &CellGrid, link: u32, min_px: u64) -> Vec<Area> {
    let (columns, rows) = (grid.columns as usize, grid.rows as usize);
    if columns == 0 || rows == 0 {
        return Vec::new();
    }
    // Grown by half the link, two differing cells `link` apart touch.
    let grow = link.div_ceil(2) as usize;
    let differs: Vec<bool> = (0..columns * rows).map(|i| grid.differs(i)).collect();
    let mut across = vec![false; columns * rows];
    for r in 0..rows {
        let row = &differs[r * columns..(r + 1) * columns];
        spread(row, &mut across[r * columns..(r + 1) * columns], grow);
    }
    let mut grown = vec![false; columns * rows];
    let mut column = vec![false; rows];
    let mut out = vec![false; rows];
    for c in 0..columns {
        for r in 0..rows {
            column[r] = across[r * columns + c];
        }
        spread(&column, &mut out, grow);
        for r in 0..rows {
            grown[r * columns + c] = out[r];
        }
    }
    drop(across);
    // Flood fill of the grown cells, 8-connected; each area keeps its differing cells' bounds.
    let mut seen = vec![false; columns * rows];
    let mut stack = Vec::new();
    let mut found = Vec::new();
    for start in 0..columns * rows {
        if !grown[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut area: Option<Area> = None;
        while let Some(i) = stack.pop() {
            let (c, r) = (i % columns, i / columns);
            if differs[i] {
                let cell = Area {
                    c0: c as u32,
                    r0: r as u32,
                    c1: c as u32,
                    r1: r as u32,
                    removed: u64::from(grid.removed[i]),
                    added: u64::from(grid.added[i]),
                };
                area = Some(area.map_or(cell, |a| a.union(&cell)));
            }
            for (dc, dr) in [
                (-1, -1),
                (0, -1),
                (1, -1),
                (-1, 0),
                (1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
            ] {
                let (nc, nr) = (c as isize + dc, r as isize + dr);
                if nc < 0 || nr < 0 || nc >= columns as isize || nr >= rows as isize {
                    continue;
                }
                let j = nr as usize * columns + nc as usize;
                if grown[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        if let Some(area) = area.filter(|a| a.removed + a.added >= min_px) {
            found.push(area);
        }
    }
    found
}

/// `out[i]` is whether any of `input[i - grow ..= i + grow]` is set.
fn spread(input: &[bool], out: &mut [bool], grow: usize) {
    let n = input.len();
    // Distance to the nearest set entry on the left, then on the right.
    let mut last: Option<usize> = None;
    for i in 0..n {
        if input[i] {
            last = Some(i);
        }
        out[i] = last.is_some_and(|l| i - l <= grow);
    }
    let mut next: Option<usize> = None;
    for i in (0..n).rev() {
        if input[i] {
            next = Some(i);
        }
        if next.is_some_and(|nx| nx - i <= grow) {
            out[i] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn grid_with(points: &[(u32, u32, u32)]) -> CellGrid {
        let mut grid = CellGrid::new(1000, 800, 4);
        for &(x, y, n) in points {
            for _ in 0..n {
                grid.count(x, y, true);
            }
        }
        grid
    }

    fn options() -> RegionOptions {
        RegionOptions {
            link_cells: 5,
            min_px: 3,
            max_regions: 4,
        }
    }

    #[test]
    fn spread_grows_each_way() {
        let input = [false, false, true, false, false, false, true];
        let mut out = [false; 7];
        spread(&input, &mut out, 1);
        assert_eq!(out, [false, true, true, true, false, true, true]);
    }

    #[test]
    fn near_differences_are_one_region_and_far_ones_two() {
        // 4-pixel cells: (100, 100) and (110, 112) are 3 cells apart, (600, 500) far away.
        let grid = grid_with(&[(100, 100, 5), (110, 112, 5), (600, 500, 5)]);
        let found = find(&grid, &options());
        assert_eq!(found.len(), 2, "{found:?}");
        let near = found.iter().find(|f| f.x0 < 200).unwrap();
        assert_eq!((near.x0, near.y0, near.x1, near.y1), (100, 100, 112, 116));
        assert_eq!(near.removed, 10);
    }

    #[test]
    fn too_little_ink_is_noise() {
        let grid = grid_with(&[(100, 100, 1), (700, 100, 2)]);
        assert!(find(&grid, &options()).is_empty());
    }

    #[test]
    fn many_regions_are_merged_down_to_the_most_allowed() {
        let points: Vec<(u32, u32, u32)> = (0..9)
            .flat_map(|i| (0..7).map(move |j| (20 + i * 110, 20 + j * 110, 4)))
            .collect();
        let grid = grid_with(&points);
        let found = find(&grid, &options());
        assert!(!found.is_empty() && found.len() <= 4, "{}", found.len());
        let total: u64 = found.iter().map(|f| f.removed).sum();
        assert_eq!(total, 9 * 7 * 4);
    }
}
