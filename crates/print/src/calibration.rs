//! Calibration profiles for overlay printing (套打) and the test-grid page used to measure them.
//!
//! Every printer and tray feeds paper a little differently. A profile moves, scales and
//! rotates everything drawn, so that fields land in the boxes of a pre-printed form:
//! print the grid, measure where its crosshairs landed, enter the differences, print again.

use serde::{Deserialize, Serialize};

use crate::pdf::mm;

/// How to correct one printer tray's output. Offsets in millimetres (positive: right, down);
/// scales as factors (1.0 = none); rotation in degrees, clockwise on paper, about the page's
/// top-left corner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// The printer's name as the OS knows it.
    pub printer: String,
    /// The tray, when the printer has several.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tray: Option<String>,
    #[serde(default)]
    pub offset_x: f32,
    #[serde(default)]
    pub offset_y: f32,
    #[serde(default = "one")]
    pub scale_x: f32,
    #[serde(default = "one")]
    pub scale_y: f32,
    #[serde(default)]
    pub rotation: f32,
}

fn one() -> f32 {
    1.0
}

/// Limits that keep a typo from producing nonsense: a few centimetres, ±10 %, ±5°.
pub const MAX_OFFSET_MM: f32 = 30.0;
pub const SCALE_RANGE: (f32, f32) = (0.9, 1.1);
pub const MAX_ROTATION_DEG: f32 = 5.0;

impl Calibration {
    /// No correction, for a printer not yet calibrated.
    pub fn identity(printer: &str) -> Self {
        Self {
            printer: printer.to_owned(),
            tray: None,
            offset_x: 0.0,
            offset_y: 0.0,
            scale_x: 1.0,
            scale_y: 1.0,
            rotation: 0.0,
        }
    }

    /// Checks the values are within what a real printer needs.
    pub fn validate(&self) -> Result<(), String> {
        // Written so that NaN fails every check.
        let in_scale = |s: f32| (SCALE_RANGE.0..=SCALE_RANGE.1).contains(&s);
        let within = |value: f32, limit: f32| (-limit..=limit).contains(&value);
        if !(within(self.offset_x, MAX_OFFSET_MM) && within(self.offset_y, MAX_OFFSET_MM)) {
            return Err(format!(
                "偏移须在 ±{MAX_OFFSET_MM} mm 以内 / offsets must be within ±{MAX_OFFSET_MM} mm"
            ));
        }
        if !(in_scale(self.scale_x) && in_scale(self.scale_y)) {
            return Err(format!(
                "缩放须在 {}–{} 之间 / scale must be between {} and {}",
                SCALE_RANGE.0, SCALE_RANGE.1, SCALE_RANGE.0, SCALE_RANGE.1
            ));
        }
        if !within(self.rotation, MAX_ROTATION_DEG) {
            return Err(format!(
                "旋转须在 ±{MAX_ROTATION_DEG}° 以内 / rotation must be within ±{MAX_ROTATION_DEG}°"
            ));
        }
        Ok(())
    }

    pub fn is_identity(&self) -> bool {
        self.offset_x == 0.0
            && self.offset_y == 0.0
            && self.scale_x == 1.0
            && self.scale_y == 1.0
            && self.rotation == 0.0
    }

    /// Where a point of the layout (mm from the top-left) lands on paper.
    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let (sin, cos) = self.rotation.to_radians().sin_cos();
        let (sx, sy) = (x * self.scale_x, y * self.scale_y);
        (
            cos * sx - sin * sy + self.offset_x,
            sin * sx + cos * sy + self.offset_y,
        )
    }

    /// The same correction as a PDF transformation matrix (`cm`) for a page `height_pt` tall,
    /// whose coordinates start bottom-left with y up.
    pub fn matrix(&self, height_pt: f32) -> [f32; 6] {
        // In top-left space p' = L·p + o with L = R·S. PDF space flips y: q = D·p + h with
        // D = diag(1, −1), h = (0, H). So q' = D·L·D·q + D·(L·h + o) + h.
        let (sin, cos) = self.rotation.to_radians().sin_cos();
        let l = [
            [cos * self.scale_x, -sin * self.scale_y],
            [sin * self.scale_x, cos * self.scale_y],
        ];
        let m = [[l[0][0], -l[0][1]], [-l[1][0], l[1][1]]];
        let lh = [l[0][1] * height_pt, l[1][1] * height_pt];
        let t = [
            lh[0] + mm(self.offset_x),
            -(lh[1] + mm(self.offset_y)) + height_pt,
        ];
        [m[0][0], m[1][0], m[0][1], m[1][1], t[0], t[1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies a PDF matrix to a point given in millimetres from the top-left, returns the
    /// result in the same terms.
    fn through_matrix(m: [f32; 6], height_pt: f32, x: f32, y: f32) -> (f32, f32) {
        let (qx, qy) = (mm(x), height_pt - mm(y));
        let (px, py) = (m[0] * qx + m[2] * qy + m[4], m[1] * qx + m[3] * qy + m[5]);
        (px / mm(1.0), (height_pt - py) / mm(1.0))
    }

    #[test]
    fn the_pdf_matrix_moves_points_where_the_profile_says() {
        let profile = Calibration {
            offset_x: 2.5,
            offset_y: -1.25,
            scale_x: 1.02,
            scale_y: 0.97,
            rotation: 1.5,
            ..Calibration::identity("hall")
        };
        let height = mm(297.0);
        for (x, y) in [(0.0, 0.0), (20.0, 20.0), (190.0, 277.0), (105.0, 148.5)] {
            let expected = profile.apply(x, y);
            let got = through_matrix(profile.matrix(height), height, x, y);
            assert!(
                (expected.0 - got.0).abs() < 1e-3 && (expected.1 - got.1).abs() < 1e-3,
                "({x}, {y}): profile {expected:?}, matrix {got:?}"
            );
        }
        // Clockwise on paper: a point right of the origin moves down.
        let turned = Calibration {
            rotation: 90.0,
            ..Calibration::identity("hall")
        };
        let (x, y) = turned.apply(10.0, 0.0);
        assert!(x.abs() < 1e-4 && (y - 10.0).abs() < 1e-4);
    }

    #[test]
    fn profiles_out_of_range_or_not_numbers_are_refused() {
        let base = Calibration::identity("hall");
        assert!(base.validate().is_ok());
        for bad in [
            Calibration {
                offset_x: 31.0,
                ..base.clone()
            },
            Calibration {
                scale_y: 1.2,
                ..base.clone()
            },
            Calibration {
                rotation: -6.0,
                ..base.clone()
            },
            Calibration {
                offset_y: f32::NAN,
                ..base.clone()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
