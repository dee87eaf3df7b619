//! The calibration test page: a millimetre grid with crosshairs at known places, printed with
//! a printer's profile applied to show what error remains.

use crate::PrintError;
use crate::calibration::Calibration;
use crate::draw::{Canvas, DrawError, shape};
use crate::fonts::FontSet;
use crate::pdf::{DocumentBuilder, mm};
use crate::render::fit_line;
use crate::template::{Align, PageSize, TextStyle};

/// A calibration test page: a millimetre grid, numbered every centimetre, with crosshairs at
/// known places. Printed with a profile applied, it shows what error remains.
pub fn calibration_grid(
    fonts: &FontSet,
    page: PageSize,
    calibration: &Calibration,
) -> Result<Vec<u8>, PrintError> {
    let mut doc = DocumentBuilder::new(fonts, "打印校准测试页 / calibration grid");
    let mut canvas = Canvas::new(page.height);
    let to_error = |err: DrawError| match err {
        DrawError::Missing(missing) => PrintError::Template(missing.describe()),
        DrawError::Print(err) => err,
    };
    if !calibration.is_identity() {
        canvas.content.save_state();
        canvas
            .content
            .transform(calibration.matrix(mm(page.height)));
    }
    // Grid: every 5 mm faint, every 10 mm darker, with numbers along the top and left edges.
    let mut x = 0.0;
    while x <= page.width + 0.01 {
        let major = (x / 10.0).fract().abs() < 0.01;
        canvas
            .content
            .set_stroke_gray(if major { 0.45 } else { 0.8 });
        canvas.line(
            x,
            0.0,
            x,
            page.height,
            if major { 0.15 } else { 0.08 },
            None,
        );
        x += 5.0;
    }
    let mut y = 0.0;
    while y <= page.height + 0.01 {
        let major = (y / 10.0).fract().abs() < 0.01;
        canvas
            .content
            .set_stroke_gray(if major { 0.45 } else { 0.8 });
        canvas.line(0.0, y, page.width, y, if major { 0.15 } else { 0.08 }, None);
        y += 5.0;
    }
    canvas.content.set_stroke_gray(0.0);
    let small = TextStyle::new(6.0);
    let mut at = 10.0;
    while at < page.width - 5.0 {
        let label = shape(&mut doc, &format!("{at:.0}")).map_err(to_error)?;
        canvas.text(
            &mut doc,
            &label,
            at - 5.0,
            1.0,
            10.0,
            &TextStyle {
                align: Align::Center,
                ..small
            },
            6.0,
        )?;
        at += 10.0;
    }
    at = 10.0;
    while at < page.height - 5.0 {
        let label = shape(&mut doc, &format!("{at:.0}")).map_err(to_error)?;
        canvas.text(&mut doc, &label, 1.0, at - 1.0, 10.0, &small, 6.0)?;
        at += 10.0;
    }
    // Crosshairs at 20 mm from each corner and at the centre.
    let targets = [
        ("A", 20.0, 20.0),
        ("B", page.width - 20.0, 20.0),
        ("C", 20.0, page.height - 20.0),
        ("D", page.width - 20.0, page.height - 20.0),
        ("E", page.width / 2.0, page.height / 2.0),
    ];
    let label_style = TextStyle::new(8.0);
    for (name, cx, cy) in targets {
        canvas.line(cx - 6.0, cy, cx + 6.0, cy, 0.25, None);
        canvas.line(cx, cy - 6.0, cx, cy + 6.0, 0.25, None);
        canvas.circle(cx, cy, 3.0, 0.2, None);
        let label = shape(&mut doc, &format!("{name} ({cx:.0}, {cy:.0})")).map_err(to_error)?;
        // Labels stay on the paper: left of the crosshair on the right half of the page.
        if cx > page.width / 2.0 + 1.0 {
            let style = TextStyle {
                align: Align::Right,
                ..label_style
            };
            canvas.text(&mut doc, &label, cx - 42.0, cy + 2.0, 40.0, &style, 8.0)?;
        } else {
            canvas.text(
                &mut doc,
                &label,
                cx + 2.0,
                cy + 2.0,
                40.0,
                &label_style,
                8.0,
            )?;
        }
    }
    let title = TextStyle {
        align: Align::Center,
        bold: true,
        ..TextStyle::new(14.0)
    };
    let heading =
        shape(&mut doc, "打印机校准测试页 / Printer calibration grid").map_err(to_error)?;
    let cx = page.width / 2.0;
    // A white panel under the explanations keeps them readable over the grid.
    let panel_top = cx.min(page.height / 2.0) - 44.0;
    canvas.rect(
        12.0,
        panel_top,
        page.width - 24.0,
        40.0,
        0.2,
        Some(crate::template::Color(1.0, 1.0, 1.0)),
    );
    canvas.text(
        &mut doc,
        &heading,
        10.0,
        cx.min(page.height / 2.0) - 40.0,
        page.width - 20.0,
        &title,
        14.0,
    )?;
    let lines = [
        format!(
            "打印机 / printer: {}{}",
            calibration.printer,
            calibration
                .tray
                .as_ref()
                .map(|tray| format!("，纸盒 / tray: {tray}"))
                .unwrap_or_default()
        ),
        format!(
            "当前校准 / profile: X {:+.1} mm, Y {:+.1} mm, 缩放 / scale {:.3} × {:.3}, 旋转 / rotation {:+.2}°",
            calibration.offset_x,
            calibration.offset_y,
            calibration.scale_x,
            calibration.scale_y,
            calibration.rotation
        ),
        "用直尺量出各十字中心到纸张左边和上边的距离，与括号内数值相比，差值即为需要的修正。".to_owned(),
        "Measure each crosshair from the paper's left and top edges; the difference from the value in brackets is the correction.".to_owned(),
    ];
    let body = TextStyle {
        align: Align::Center,
        ..TextStyle::new(8.0)
    };
    for (i, line) in lines.iter().enumerate() {
        let shaped = shape(&mut doc, line).map_err(to_error)?;
        let size =
            fit_line(&shaped, &body, page.width - 30.0, 5.0).map_err(PrintError::Template)?;
        canvas.text(
            &mut doc,
            &shaped,
            15.0,
            cx.min(page.height / 2.0) - 30.0 + 6.0 * i as f32,
            page.width - 30.0,
            &body,
            size,
        )?;
    }
    if !calibration.is_identity() {
        canvas.content.restore_state();
    }
    doc.add_page(&canvas.content.finish(), mm(page.width), mm(page.height));
    doc.finish()
}
