//! QR codes drawn as 1-bit image masks: one sample per module, not interpolated, so every
//! reader and printer draws the modules as hard-edged squares at its own resolution; and
//! small: about 0.5 KB for a version 11 symbol, where rectangles took 2.7 KB.
//!
//! The `qrcode` crate encodes the data; the mask is chosen here with the standard's penalty
//! rules computed over flat arrays, which is about thirty times faster than the crate's own
//! choice and matters when a batch has a thousand codes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use pdf_writer::{Content, Name};
use qrcode::bits::Bits;
use qrcode::canvas::{Canvas as QrCanvas, MaskPattern, Module};
use qrcode::types::Color;
use qrcode::{EcLevel, Version, ec};

use crate::PrintError;
use crate::pdf::{DocumentBuilder, mm};

/// Quiet zone around the symbol, in modules (the standard asks for 4).
const QUIET_ZONE: usize = 4;

/// ECI designator for UTF-8: tells scanners how to read the bytes, so Chinese text is not
/// mistaken for Shift-JIS (which some decoders guess).
const ECI_UTF8: u32 = 26;

const EC_LEVEL: EcLevel = EcLevel::M;

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The mask patterns of the standard, in the order of [`MASKS`]; `x` is the column.
fn mask_bit(pattern: usize, x: usize, y: usize) -> bool {
    match pattern {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

/// The eight mask patterns for a symbol `width` (≤ 128) wide, as bit rows: pattern `i`, row
/// `r` at `i * width + r`. Computed once per size.
fn mask_rows(width: usize) -> Arc<Vec<u128>> {
    static CACHE: OnceLock<Mutex<HashMap<usize, Arc<Vec<u128>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = match cache.lock() {
        Ok(cache) => cache,
        Err(poisoned) => poisoned.into_inner(),
    };
    cache
        .entry(width)
        .or_insert_with(|| {
            let mut rows = Vec::with_capacity(8 * width);
            for pattern in 0..8 {
                for y in 0..width {
                    rows.push((0..width).fold(0u128, |bits, x| {
                        bits | (u128::from(mask_bit(pattern, x, y)) << x)
                    }));
                }
            }
            Arc::new(rows)
        })
        .clone()
}

/// A QR symbol: `width` × `width` modules, row by row, `true` for dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub width: usize,
    pub dark: Vec<bool>,
}

impl Symbol {
    /// The symbol as image mask samples: one bit per module, rows padded to whole bytes,
    /// 0 for dark (painted) and 1 for light (left as it is).
    pub fn mask_samples(&self) -> Vec<u8> {
        let row_bytes = self.width.div_ceil(8);
        let mut samples = vec![0xFF; row_bytes * self.width];
        for (row, cells) in samples
            .chunks_exact_mut(row_bytes)
            .zip(self.dark.chunks_exact(self.width))
        {
            for (col, _) in cells.iter().enumerate().filter(|(_, dark)| **dark) {
                row[col / 8] &= !(0x80 >> (col % 8));
            }
        }
        samples
    }
}

fn qr_error(err: impl std::fmt::Display) -> PrintError {
    PrintError::Qr(err.to_string())
}

/// The smallest symbol (error correction M) holding the text; UTF-8 marked as such.
pub fn encode(text: &str) -> Result<Symbol, PrintError> {
    let bits = (1..=40)
        .find_map(|version| {
            let mut bits = Bits::new(Version::Normal(version));
            let fits = if text.is_ascii() {
                bits.push_optimal_data(text.as_bytes()).is_ok()
            } else {
                bits.push_eci_designator(ECI_UTF8).is_ok()
                    && bits.push_byte_data(text.as_bytes()).is_ok()
            } && bits.push_terminator(EC_LEVEL).is_ok();
            fits.then_some(bits)
        })
        .ok_or_else(|| {
            PrintError::Qr(format!(
                "{} 字节，超出二维码容量 / {} bytes do not fit in a QR code",
                text.len(),
                text.len()
            ))
        })?;
    let version = bits.version();
    let data = bits.into_bytes();
    let (data, ec_data) = ec::construct_codewords(&data, version, EC_LEVEL).map_err(qr_error)?;
    let mut canvas = QrCanvas::new(version, EC_LEVEL);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec_data);
    let width = usize::try_from(version.width()).map_err(qr_error)?;
    // Score every mask on plain arrays (the format information, drawn with the mask, is left
    // out of the score), then let the crate apply the best one.
    let side = version.width();
    let mut base = Vec::with_capacity(width * width);
    let mut maskable = Vec::with_capacity(width * width);
    for y in 0..side {
        for x in 0..side {
            let (dark, data) = match canvas.get(x, y) {
                Module::Unmasked(color) => (color == Color::Dark, true),
                Module::Masked(color) => (color == Color::Dark, false),
                Module::Empty => (false, false),
            };
            base.push(dark);
            maskable.push(data);
        }
    }
    let mut best: Option<(u32, usize)> = None;
    if width <= 128 {
        // Rows as bits: each mask is a few XORs per row.
        let row_bits = |cells: &[bool]| -> Vec<u128> {
            cells
                .chunks_exact(width)
                .map(|row| {
                    row.iter()
                        .enumerate()
                        .fold(0u128, |bits, (c, &on)| bits | (u128::from(on) << c))
                })
                .collect()
        };
        let base_rows = row_bits(&base);
        let maskable_rows = row_bits(&maskable);
        let patterns = mask_rows(width);
        let mut rows = vec![0u128; width];
        for index in 0..MASKS.len() {
            for (r, row) in rows.iter_mut().enumerate() {
                *row = base_rows[r] ^ (maskable_rows[r] & patterns[index * width + r]);
            }
            let score = rows_penalty(&rows, width);
            if best.is_none_or(|(best_score, _)| score < best_score) {
                best = Some((score, index));
            }
        }
    } else {
        let mut masked = vec![false; width * width];
        for index in 0..MASKS.len() {
            for (k, cell) in masked.iter_mut().enumerate() {
                *cell = base[k] ^ (maskable[k] && mask_bit(index, k % width, k / width));
            }
            let score = penalty_scalar(&masked, width);
            if best.is_none_or(|(best_score, _)| score < best_score) {
                best = Some((score, index));
            }
        }
    }
    let (_, index) = best.ok_or_else(|| PrintError::Qr("no mask".into()))?;
    canvas.apply_mask(MASKS[index]);
    let dark: Vec<bool> = canvas
        .into_colors()
        .into_iter()
        .map(|color| color == Color::Dark)
        .collect();
    Ok(Symbol { width, dark })
}

/// The same score as [`penalty_scalar`] for symbols up to 128 modules wide, with each row
/// and column as the bits of a `u128`, counting patterns with shifts and population counts.
#[cfg(test)]
fn penalty_bits(dark: &[bool], width: usize) -> u32 {
    let rows: Vec<u128> = dark
        .chunks_exact(width)
        .map(|row| {
            row.iter()
                .enumerate()
                .fold(0u128, |bits, (c, &on)| bits | (u128::from(on) << c))
        })
        .collect();
    rows_penalty(&rows, width)
}

fn rows_penalty(rows: &[u128], width: usize) -> u32 {
    let full: u128 = if width == 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    let mut cols = vec![0u128; width];
    let mut dark_count = 0;
    for (r, &row) in rows.iter().enumerate() {
        dark_count += row.count_ones();
        let mut bits = row;
        while bits != 0 {
            let c = bits.trailing_zeros();
            cols[c as usize] |= 1 << r;
            bits &= bits - 1;
        }
    }
    let mut score = 0u32;
    for &a in rows.iter().chain(cols.iter()) {
        // N1: runs of five or more of one colour score 3, plus 1 per module beyond five:
        // that is one per window of five equal modules plus 2 per run.
        let same = !(a ^ (a >> 1)) & (full >> 1);
        let fives = same & (same >> 1) & (same >> 2) & (same >> 3);
        let runs = fives & !(fives << 1);
        score += fives.count_ones() + 2 * runs.count_ones();
        // N3: 1:1:3:1:1 with four light modules before or after, inside the symbol.
        let light = !a & full;
        let core = a & !(a >> 1) & (a >> 2) & (a >> 3) & (a >> 4) & !(a >> 5) & (a >> 6);
        let core = core & (full >> 6);
        let before = (light << 1) & (light << 2) & (light << 3) & (light << 4);
        let after = (light >> 7) & (light >> 8) & (light >> 9) & (light >> 10);
        score += 40 * (core & (before | after)).count_ones();
    }
    // N2: 2×2 blocks of one colour.
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let vertical = !(a ^ b);
        let horizontal = !(a ^ (a >> 1));
        let blocks = vertical & (vertical >> 1) & horizontal & (full >> 1);
        score += 3 * blocks.count_ones();
    }
    // N4: the share of dark modules away from half.
    let percent = dark_count as usize * 100 / (width * width).max(1);
    score + 10 * (percent.abs_diff(50) / 5) as u32
}

/// The penalty score of ISO/IEC 18004 §7.8.3: runs (N1), 2×2 blocks (N2), finder-like
/// patterns (N3) and the balance of dark and light (N4).
fn penalty_scalar(dark: &[bool], width: usize) -> u32 {
    let mut score = 0u32;
    let mut column = vec![false; width];
    for row in dark.chunks_exact(width) {
        score += line_penalty(row);
    }
    for col in 0..width {
        for (row, cell) in column.iter_mut().enumerate() {
            *cell = dark[row * width + col];
        }
        score += line_penalty(&column);
    }
    // N2: 2×2 blocks of one colour.
    for pair in dark.chunks_exact(width).collect::<Vec<_>>().windows(2) {
        let (upper, lower) = (pair[0], pair[1]);
        for col in 0..width - 1 {
            let c = upper[col];
            if upper[col + 1] == c && lower[col] == c && lower[col + 1] == c {
                score += 3;
            }
        }
    }
    // N4: the share of dark modules away from half.
    let dark_count = dark.iter().filter(|d| **d).count();
    let percent = dark_count * 100 / dark.len().max(1);
    score + 10 * (percent.abs_diff(50) / 5) as u32
}

/// N1 (runs of five or more) and N3 (1:1:3:1:1 with four light modules beside) of one row or
/// column.
fn line_penalty(line: &[bool]) -> u32 {
    const FINDER: [bool; 7] = [true, false, true, true, true, false, true];
    let mut score = 0;
    let mut run = 1;
    for pair in line.windows(2) {
        if pair[0] == pair[1] {
            run += 1;
            if run == 5 {
                score += 3;
            } else if run > 5 {
                score += 1;
            }
        } else {
            run = 1;
        }
    }
    for (j, window) in line.windows(7).enumerate() {
        if window != FINDER {
            continue;
        }
        let light_before = j >= 4 && !line[j - 4..j].contains(&true);
        let light_after = line
            .get(j + 7..j + 11)
            .is_some_and(|after| !after.contains(&true));
        if light_before || light_after {
            score += 40;
        }
    }
    score
}

/// Draws `text` as a QR code in a square `size` millimetres wide (quiet zone included) whose
/// top-left is at (`x`, `y`) millimetres on a page `page_height_pt` tall.
///
/// The symbol is a 1-bit image mask, one sample per module, scaled to the code's size and
/// painted black; the quiet zone is left out of the image and, like the light modules, left
/// unpainted. (Vector rectangles, one per run of dark modules, took 2.7 KB a page. A Type 3
/// font with one glyph per eight modules was smaller still, but Ghostscript, which CUPS uses
/// on the way to the printer, drew its rows with gaps and shifts that made the code
/// unreadable.)
pub fn draw(
    doc: &mut DocumentBuilder<'_>,
    content: &mut Content,
    text: &str,
    x: f32,
    y: f32,
    size: f32,
    page_height_pt: f32,
) -> Result<(), PrintError> {
    let symbol = encode(text)?;
    let name = doc.add_image_mask(symbol.width, symbol.width, &symbol.mask_samples())?;
    let module_pt = mm(size) / (symbol.width + 2 * QUIET_ZONE) as f32;
    let side_pt = module_pt * symbol.width as f32;
    let left = mm(x) + module_pt * QUIET_ZONE as f32;
    let bottom = page_height_pt - mm(y) - module_pt * QUIET_ZONE as f32 - side_pt;
    content.save_state();
    // The image fills the unit square, first row at the top.
    content.transform([side_pt, 0.0, 0.0, side_pt, left, bottom]);
    content.set_fill_rgb(0.0, 0.0, 0.0);
    content.x_object(Name(name.as_bytes()));
    content.restore_state();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_samples_are_rows_of_bits_with_dark_as_zero() {
        let symbol = encode("OT1|short").unwrap();
        let samples = symbol.mask_samples();
        let row_bytes = symbol.width.div_ceil(8);
        assert_eq!(samples.len(), row_bytes * symbol.width);
        for (k, &dark) in symbol.dark.iter().enumerate() {
            let (row, col) = (k / symbol.width, k % symbol.width);
            let bit = samples[row * row_bytes + col / 8] & (0x80 >> (col % 8));
            assert_eq!(bit == 0, dark, "row {row}, column {col}");
        }
        // The finder pattern's top-left module is dark; the padding bits are light.
        assert_eq!(samples[0] & 0x80, 0);
        let padding = row_bytes * 8 - symbol.width;
        assert_eq!(
            samples[row_bytes - 1] & ((1 << padding) - 1),
            (1 << padding) - 1
        );
    }

    #[test]
    fn the_fast_penalty_matches_the_plain_one() {
        for text in [
            "OT1|short",
            "OT1|drainage-permit|玉排许字〔2026〕第0001号|玉环市楚门镇老街面馆|2026-11-27|2031-11-26|玉环市住房和城乡建设局|_PMCjkD-UY31mYjd8GJhTyjzPuTavpWbgrGNRXZas9pZ9WDriRr8NSx_hVvtHNzWKjfZ6fcBeSA48zNCZykyAw",
        ] {
            let symbol = encode(text).unwrap();
            let mut dark = symbol.dark.clone();
            for flip in 0..40 {
                let index = (flip * 7919) % dark.len();
                dark[index] = !dark[index];
                assert_eq!(
                    penalty_bits(&dark, symbol.width),
                    penalty_scalar(&dark, symbol.width),
                    "{text}, flip {flip}"
                );
            }
        }
    }
}
