//! onetrip-print against the real tools people and printers use on its output: poppler
//! (pdftotext, pdffonts, pdfinfo, pdftoppm, pdfimages), qpdf, zbarimg and ImageMagick.
//! Reference images: `ONETRIP_UPDATE_REFERENCE=1 cargo test -p onetrip-print` rewrites them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use onetrip_print::builtin::{sample_issuer_key, sample_permit};
use onetrip_print::signing::{Claim, IssuerKey, Verdict};
use onetrip_print::{
    Calibration, FontSet, PrintError, Progress, RenderOptions, calibration_grid, find_template,
    render, render_to_files, sample_records,
};
use serde_json::{Value, json};

mod cli;
mod report;
mod templates;

fn fonts() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(|| FontSet::bundled().expect("bundled fonts"))
}

fn tool(program: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {program} (scripts/setup.sh installs it): {err}"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn write_pdf(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn text_of(pdf: &Path) -> String {
    let (ok, text, err) = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
    assert!(ok, "pdftotext failed: {err}");
    text
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|ch| !ch.is_whitespace()).collect()
}

/// `2026-11-27` → `2026年11月27日`, written independently of the engine.
fn as_chinese_date(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: u32 = value[..4].parse().ok()?;
    let month: u32 = value[5..7].parse().ok()?;
    let day: u32 = value[8..10].parse().ok()?;
    Some(format!("{year}年{month}月{day}日"))
}

/// Every text a record carries, as it should appear on paper.
fn expected_texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(as_chinese_date(text).unwrap_or_else(|| text.clone())),
        Value::Number(number) => out.push(number.to_string()),
        Value::Array(items) => items.iter().for_each(|item| expected_texts(item, out)),
        Value::Object(map) => map.values().for_each(|item| expected_texts(item, out)),
        _ => {}
    }
}

fn render_one(template: &str, record: &Value) -> Result<Vec<u8>, PrintError> {
    let template = find_template(template).unwrap();
    render(
        fonts(),
        &template,
        std::slice::from_ref(record),
        &RenderOptions::default(),
        &mut |_| {},
    )
}

fn page_size_pts(pdf: &Path) -> (f32, f32) {
    let (ok, info, err) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(ok, "pdfinfo failed: {err}");
    let line = info
        .lines()
        .find(|line| line.starts_with("Page size:"))
        .expect("page size line");
    let numbers: Vec<f32> = line
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

fn page_count(pdf: &Path) -> usize {
    let (ok, info, err) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(ok, "pdfinfo failed: {err}");
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|count| count.trim().parse().ok())
        .expect("page count")
}

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference")
}

#[test]
fn rare_name_characters_print_and_extract_from_the_fallback_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let mut permit = sample_permit(0, &sample_issuer_key());
    // 𠮷 䶮 堃 喆 are in Noto Serif CJK; 𤭢 (U+24B62) only in the Extension B fallback.
    permit["holder"] = json!("玉环市𠮷祥䶮记面馆");
    permit["legal_rep"] = json!("王堃喆𤭢");
    let bytes = render_one("drainage-permit", &permit).unwrap();
    let pdf = write_pdf(dir.path(), "rare", &bytes);
    let text = squeeze(&text_of(&pdf));
    assert!(text.contains("玉环市𠮷祥䶮记面馆"), "{text}");
    assert!(text.contains("王堃喆𤭢"), "{text}");
    let (_, fonts_out, _) = tool("pdffonts", &[pdf.to_str().unwrap()]);
    for name in ["NotoSerifCJKsc-Regular", "HanaMinB-ExtB"] {
        assert!(
            fonts_out.contains(name),
            "{name} not embedded:\n{fonts_out}"
        );
    }
    let (ok, out, err) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
}

#[test]
fn a_character_no_font_has_is_an_error_naming_it_the_record_and_the_field() {
    let mut good = sample_permit(0, &sample_issuer_key());
    let mut bad = good.clone();
    // U+2A700 (CJK Extension C) is in none of the bundled fonts.
    bad["legal_rep"] = json!("张\u{2A700}");
    good["holder"] = json!("玉环市楚门镇老街面馆");
    let template = find_template("drainage-permit").unwrap();
    let err = render(
        fonts(),
        &template,
        &[good, bad],
        &RenderOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, PrintError::Field { record: 2, .. }),
        "{message}"
    );
    assert!(message.contains("U+2A700"), "{message}");
    assert!(message.contains('\u{2A700}'), "{message}");
    assert!(message.contains("legal_rep"), "{message}");
    assert!(message.contains("record 2"), "{message}");
}

#[test]
fn missing_and_overlong_values_are_errors_naming_record_and_field() {
    let mut permit = sample_permit(0, &sample_issuer_key());
    permit.as_object_mut().unwrap().remove("holder");
    let err = render_one("drainage-permit", &permit)
        .unwrap_err()
        .to_string();
    assert!(err.contains("record 1") && err.contains("holder"), "{err}");

    let mut permit = sample_permit(0, &sample_issuer_key());
    permit["volume"] = json!("很长".repeat(80));
    let err = render_one("drainage-permit", &permit)
        .unwrap_err()
        .to_string();
    assert!(err.contains("volume") && err.contains("too long"), "{err}");

    let mut notice = sample_records("one-time-notice").unwrap().remove(0);
    notice["missing"] = json!(
        (0..11)
            .map(|n| json!({"name": format!("材料{n}")}))
            .collect::<Vec<_>>()
    );
    let err = render_one("one-time-notice", &notice)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing") && err.contains("11"), "{err}");
}

fn decode_qr(pdf: &Path, dir: &Path, dpi: u32) -> String {
    let stem = dir.join(format!("qr-{dpi}"));
    let (ok, _, err) = tool(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-gray",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let (ok, out, err) = tool(
        "zbarimg",
        &["-q", "--raw", stem.with_extension("png").to_str().unwrap()],
    );
    assert!(ok, "zbarimg found no QR code at {dpi} dpi: {err}");
    out.trim_end_matches('\n').to_owned()
}

#[test]
fn the_qr_code_decodes_to_a_payload_that_verifies_and_one_changed_byte_fails() {
    let dir = tempfile::tempdir().unwrap();
    let key = sample_issuer_key();
    let permit = sample_permit(0, &key);
    let pdf = write_pdf(
        dir.path(),
        "permit",
        &render_one("drainage-permit", &permit).unwrap(),
    );
    // A low resolution, the scanner-like one and a printer's.
    for dpi in [150, 300] {
        assert_eq!(
            decode_qr(&pdf, dir.path(), dpi),
            permit["qr"].as_str().unwrap()
        );
    }
    let payload = decode_qr(&pdf, dir.path(), 200);
    assert_eq!(payload, permit["qr"].as_str().unwrap());
    // The code is one image mask, one sample per module (a version 11 symbol), not smoothed.
    let (ok, images, err) = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(ok, "{err}");
    let rows: Vec<Vec<&str>> = images
        .lines()
        .skip(2)
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 1, "{images}");
    // page num type width height color comp bpc enc interp …
    assert_eq!(
        &rows[0][2..10],
        ["stencil", "61", "61", "-", "1", "1", "image", "no"]
    );

    let public = key.public_key();
    match public.verify(&payload, "2027-01-01") {
        Verdict::Valid { claim } => {
            assert_eq!(claim.number, "玉排许字〔2026〕第0001号");
            assert_eq!(claim.holder, "玉环市楚门镇老街面馆");
        }
        other => panic!("expected valid, got {other:?}"),
    }
    assert!(matches!(
        public.verify(&payload, "2032-01-01"),
        Verdict::Expired { .. }
    ));
    assert!(matches!(
        public.verify(&payload, "2026-01-01"),
        Verdict::NotYetValid { .. }
    ));

    // Every single changed byte fails: in the claim or in the signature.
    let bytes = payload.as_bytes();
    for index in [4, 20, bytes.len() / 2, bytes.len() - 3] {
        let mut changed = bytes.to_vec();
        changed[index] = if changed[index] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8_lossy(&changed).into_owned();
        let verdict = public.verify(&changed, "2027-01-01");
        assert!(
            matches!(verdict, Verdict::Tampered | Verdict::Invalid { .. }),
            "byte {index} changed, still {verdict:?}"
        );
    }
    // Another authority's key does not vouch for it.
    let other = IssuerKey::from_secret([9; 32]).public_key();
    assert_eq!(other.verify(&payload, "2027-01-01"), Verdict::Tampered);
    // Round trip of the key's text form.
    let parsed = onetrip_print::signing::PublicKey::parse(&public.to_text()).unwrap();
    assert_eq!(parsed, public);
}

#[test]
fn claims_with_separators_or_bad_dates_are_refused() {
    let key = IssuerKey::generate().unwrap();
    let claim = Claim {
        kind: "drainage-permit".into(),
        number: "玉排许字〔2026〕第0002号".into(),
        holder: "某|店".into(),
        valid_from: "2026-11-27".into(),
        valid_until: "2031-11-26".into(),
        issuer: "玉环市住房和城乡建设局".into(),
    };
    assert!(key.sign(&claim).is_err());
    let claim = Claim {
        holder: "某店".into(),
        valid_until: "2031-13-01".into(),
        ..claim
    };
    assert!(key.sign(&claim).is_err());
}

/// Word boxes from `pdftotext -bbox`: (text, xMin, yMin) in points from the top-left.
fn word_boxes(pdf: &Path) -> Vec<(String, f32, f32)> {
    let (ok, html, err) = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    assert!(ok, "{err}");
    html.lines()
        .filter(|line| line.contains("<word "))
        .map(|line| {
            let attr = |name: &str| -> f32 {
                let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let end = start + line[start..].find('"').unwrap();
                line[start..end].parse().unwrap()
            };
            let text_start = line.find('>').unwrap() + 1;
            let text_end = line.rfind("</word>").unwrap();
            (
                line[text_start..text_end].to_owned(),
                attr("xMin"),
                attr("yMin"),
            )
        })
        .collect()
}

fn find_word<'a>(words: &'a [(String, f32, f32)], needle: &str) -> &'a (String, f32, f32) {
    words
        .iter()
        .find(|(text, _, _)| text.contains(needle))
        .unwrap_or_else(|| panic!("'{needle}' not found in {words:?}"))
}

#[test]
fn overlay_output_has_only_fields_and_a_calibration_profile_moves_them() {
    let dir = tempfile::tempdir().unwrap();
    let template = find_template("drainage-permit").unwrap();
    let permit = sample_permit(0, &sample_issuer_key());
    let render_with = |options: RenderOptions, name: &str| {
        let bytes = render(
            fonts(),
            &template,
            std::slice::from_ref(&permit),
            &options,
            &mut |_| {},
        )
        .unwrap();
        write_pdf(dir.path(), name, &bytes)
    };
    let plain = render_with(
        RenderOptions {
            overlay: true,
            calibration: None,
        },
        "overlay",
    );
    let text = squeeze(&text_of(&plain));
    assert!(text.contains("玉环市楚门镇老街面馆"));
    assert!(
        !text.contains("城镇污水排入排水管网许可证"),
        "static title printed in overlay mode"
    );
    assert!(!text.contains("发证机关（盖章）"));

    let calibration = Calibration {
        offset_x: 5.0,
        offset_y: -3.0,
        ..Calibration::identity("cups-pdf")
    };
    let moved = render_with(
        RenderOptions {
            overlay: true,
            calibration: Some(calibration.clone()),
        },
        "moved",
    );
    let before = word_boxes(&plain);
    let after = word_boxes(&moved);
    let mm = 72.0 / 25.4;
    for needle in ["玉环市楚门镇老街面馆", "92331083MA2K3L4X1P", "陈建国"] {
        let (_, x0, y0) = find_word(&before, needle);
        let (_, x1, y1) = find_word(&after, needle);
        assert!(
            (x1 - x0 - 5.0 * mm).abs() < 0.05,
            "{needle}: x moved {}",
            x1 - x0
        );
        assert!(
            (y1 - y0 + 3.0 * mm).abs() < 0.05,
            "{needle}: y moved {}",
            y1 - y0
        );
    }

    // Scale: a point lands where the profile says it does.
    let scaled = Calibration {
        scale_x: 1.02,
        scale_y: 0.98,
        offset_x: 1.5,
        ..Calibration::identity("cups-pdf")
    };
    let moved = render_with(
        RenderOptions {
            overlay: true,
            calibration: Some(scaled.clone()),
        },
        "scaled",
    );
    let after = word_boxes(&moved);
    for needle in ["玉环市楚门镇老街面馆", "陈建国"] {
        let (_, x0, y0) = find_word(&before, needle);
        let (_, x1, y1) = find_word(&after, needle);
        let (ex, ey) = scaled.apply(x0 / mm, y0 / mm);
        // The word box's top follows the glyph's size, which scales too: compare the left edge
        // exactly and the top within a fraction of a millimetre.
        assert!(
            (x1 / mm - ex).abs() < 0.05,
            "{needle}: x {} vs {ex}",
            x1 / mm
        );
        assert!(
            (y1 / mm - ey).abs() < 0.3,
            "{needle}: y {} vs {ey}",
            y1 / mm
        );
    }
}

#[test]
fn the_calibration_grid_shows_the_profile_and_moves_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let identity = Calibration::identity("cups-pdf");
    let grid = calibration_grid(fonts(), onetrip_print::template::PageSize::A4, &identity).unwrap();
    let plain = write_pdf(dir.path(), "grid", &grid);
    let text = squeeze(&text_of(&plain));
    assert!(text.contains("打印机校准测试页"), "{text}");
    assert!(text.contains("A(20,20)"), "{text}");
    let shifted = Calibration {
        offset_x: -2.0,
        offset_y: 4.0,
        ..identity
    };
    let moved = write_pdf(
        dir.path(),
        "grid-moved",
        &calibration_grid(fonts(), onetrip_print::template::PageSize::A4, &shifted).unwrap(),
    );
    let (_, x0, y0) = find_word(&word_boxes(&plain), "A").clone();
    let (_, x1, y1) = find_word(&word_boxes(&moved), "A").clone();
    let mm = 72.0 / 25.4;
    assert!((x1 - x0 + 2.0 * mm).abs() < 0.05 && (y1 - y0 - 4.0 * mm).abs() < 0.05);
    assert!(squeeze(&text_of(&moved)).contains("X-2.0mm,Y+4.0mm"));
    let (ok, out, err) = tool("qpdf", &["--check", moved.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
}

#[test]
fn a_batch_reuses_one_static_layer_reports_progress_and_splits_into_parts() {
    let dir = tempfile::tempdir().unwrap();
    let key = sample_issuer_key();
    let records: Vec<Value> = (0..30).map(|n| sample_permit(n, &key)).collect();
    let template = find_template("drainage-permit").unwrap();
    let mut seen: Vec<Progress> = Vec::new();
    let bytes = render(
        fonts(),
        &template,
        &records,
        &RenderOptions::default(),
        &mut |p| seen.push(p),
    )
    .unwrap();
    assert_eq!(seen.len(), 30);
    assert_eq!(
        seen.last(),
        Some(&Progress {
            done: 30,
            total: 30
        })
    );
    let pdf = write_pdf(dir.path(), "batch", &bytes);
    assert_eq!(page_count(&pdf), 30);
    // The static layer is stored once, not once per page.
    let forms = bytes
        .windows(14)
        .filter(|window| window == b"/Subtype /Form")
        .count();
    assert_eq!(forms, 1);
    let text = text_of(&pdf);
    assert!(text.contains("第0030号"));
    // Each page has its own QR code image, in its own resources.
    let (ok, images, err) = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(ok, "{err}");
    let pages: Vec<usize> = images
        .lines()
        .skip(2)
        .filter_map(|line| line.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(pages, (1..=30).collect::<Vec<_>>(), "{images}");
    // The last page shows its own code, not the first page's.
    let stem = dir.path().join("batch-30");
    let (ok, _, err) = tool(
        "pdftoppm",
        &[
            "-f",
            "30",
            "-r",
            "200",
            "-gray",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let (ok, decoded, err) = tool(
        "zbarimg",
        &["-q", "--raw", stem.with_extension("png").to_str().unwrap()],
    );
    assert!(ok, "zbarimg found no QR code on page 30: {err}");
    assert_eq!(
        decoded.trim_end_matches('\n'),
        records[29]["qr"].as_str().unwrap()
    );
    let (ok, out, err) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(ok, "{out}{err}");

    let out = dir.path().join("parts.pdf");
    let paths = render_to_files(
        fonts(),
        &template,
        &records,
        &RenderOptions::default(),
        &out,
        12,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(paths.len(), 3);
    let counts: Vec<usize> = paths.iter().map(|path| page_count(path)).collect();
    assert_eq!(counts, [12, 12, 6]);
    assert!(paths[2].ends_with("parts-part003.pdf"));

    // A bad record late in the batch leaves no part behind.
    let mut bad = records.clone();
    bad[25]["holder"] = Value::Null;
    let out = dir.path().join("bad.pdf");
    let err = render_to_files(
        fonts(),
        &template,
        &bad,
        &RenderOptions::default(),
        &out,
        12,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("record 26"), "{err}");
    assert!(!dir.path().join("bad-part001.pdf").exists());
}
