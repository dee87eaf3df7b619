//! Drawing sheet sizes (图幅) of GB/T 50001-2017: A0–A4 and the lengthened (加长) sizes.

use serde::{Deserialize, Serialize};

/// A sheet size, in either orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetSize {
    A0,
    A1,
    A2,
    A3,
    A4,
    /// A0–A3 with the long side lengthened (加长): `base` is 0–3, `long_mm` the long side.
    Lengthened {
        base: u8,
        long_mm: u16,
    },
}

/// How far a page may be from a size and still be that size, in millimetres.
pub const TOLERANCE_MM: f32 = 4.0;

/// Short and long side of A0–A4, in millimetres.
const BASE_SIZES: [(SheetSize, f32, f32); 5] = [
    (SheetSize::A0, 841.0, 1189.0),
    (SheetSize::A1, 594.0, 841.0),
    (SheetSize::A2, 420.0, 594.0),
    (SheetSize::A3, 297.0, 420.0),
    (SheetSize::A4, 210.0, 297.0),
];

/// The lengthened long sides of table 3.2.3: base, short side, long sides.
const LENGTHENED: [(u8, f32, &[u16]); 4] = [
    (0, 841.0, &[1486, 1783, 2080, 2378]),
    (1, 594.0, &[1051, 1261, 1471, 1682, 1892, 2102]),
    (
        2,
        420.0,
        &[743, 891, 1041, 1189, 1338, 1486, 1635, 1783, 1932, 2080],
    ),
    (3, 297.0, &[630, 841, 1051, 1261, 1471, 1682, 1892]),
];

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// The sheet size of a page `width_pt` × `height_pt`, or `None` when it is no drawing size.
pub fn classify(width_pt: f32, height_pt: f32) -> Option<SheetSize> {
    let (a, b) = (width_pt / PT_PER_MM, height_pt / PT_PER_MM);
    let (short, long) = if a <= b { (a, b) } else { (b, a) };
    let near = |x: f32, y: f32| (x - y).abs() <= TOLERANCE_MM;
    for (size, s, l) in BASE_SIZES {
        if near(short, s) && near(long, l) {
            return Some(size);
        }
    }
    for (base, s, longs) in LENGTHENED {
        if near(short, s)
            && let Some(&long_mm) = longs.iter().find(|&&l| near(long, f32::from(l)))
        {
            return Some(SheetSize::Lengthened { base, long_mm });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(mm: f32) -> f32 {
        mm * PT_PER_MM
    }

    #[test]
    fn sizes_are_recognised_in_both_orientations_within_tolerance() {
        assert_eq!(classify(pt(841.0), pt(594.0)), Some(SheetSize::A1));
        assert_eq!(classify(pt(594.0), pt(841.0)), Some(SheetSize::A1));
        assert_eq!(classify(pt(1192.0), pt(839.0)), Some(SheetSize::A0));
        assert_eq!(classify(pt(420.0), pt(297.0)), Some(SheetSize::A3));
        assert_eq!(classify(595.0, 842.0), Some(SheetSize::A4));
        assert_eq!(
            classify(pt(1051.0), pt(594.0)),
            Some(SheetSize::Lengthened {
                base: 1,
                long_mm: 1051
            })
        );
        assert_eq!(
            classify(pt(297.0), pt(630.0)),
            Some(SheetSize::Lengthened {
                base: 3,
                long_mm: 630
            })
        );
        // US Letter and a size between A1 and A0.
        assert_eq!(classify(612.0, 792.0), None);
        assert_eq!(classify(pt(1000.0), pt(700.0)), None);
    }
}
