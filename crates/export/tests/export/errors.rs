//! Input that cannot be exported.

use onetrip_export::{ExportError, Shape, SheetMarks, annotated, flattened, xfdf};

use crate::*;

#[test]
fn a_page_beyond_the_file_names_the_opinion_and_the_page() {
    let sheets = vec![SheetMarks {
        page: 99,
        opinions: vec![opinion("结-R1-07", RED, Shape::Rectangle, RECTANGLE)],
    }];
    let expected = ExportError::PageOutOfRange {
        opinion: "结-R1-07".to_owned(),
        page: 99,
        pages: 8,
    };
    let pdf = drawing_pdf();
    assert_eq!(flattened(&pdf, &sheets).unwrap_err(), expected);
    assert_eq!(annotated(&pdf, &sheets).unwrap_err(), expected);
    let message = expected.to_string();
    assert!(message.contains("第100页不存在"), "{message}");
    assert!(message.contains("page 100 does not exist"), "{message}");
    assert!(message.contains("结-R1-07"), "{message}");
}

#[test]
fn coordinates_that_are_not_numbers_are_refused() {
    let sheets = vec![SheetMarks {
        page: 1,
        opinions: vec![opinion(
            "建-R1-02",
            BLUE,
            Shape::Cloud,
            [0.0, f32::NAN, 10.0, 10.0],
        )],
    }];
    let expected = ExportError::InvalidMark {
        opinion: "建-R1-02".to_owned(),
    };
    assert_eq!(flattened(&drawing_pdf(), &sheets).unwrap_err(), expected);
    assert_eq!(xfdf("a.pdf", &sheets).unwrap_err(), expected);
}

#[test]
fn garbage_and_broken_files_are_errors_not_panics() {
    let sheets = review();
    for garbage in [
        &b""[..],
        b"not a pdf at all",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        b"%PDF-1.7\n\xff\xfe\x00garbage garbage",
    ] {
        for export in [flattened, annotated] {
            let error = export(garbage, &sheets).unwrap_err();
            assert!(matches!(error, ExportError::Unreadable(_)), "{error}");
            assert!(error.to_string().contains("无法读取PDF文件"));
        }
    }
    // A file cut short may be recovered or refused, but never panics.
    let pdf = drawing_pdf();
    for cut in [pdf.len() / 2, pdf.len() - 40, 200] {
        let _ = flattened(&pdf[..cut], &sheets);
        let _ = annotated(&pdf[..cut], &sheets);
    }
}

#[test]
fn encrypted_files_are_refused() {
    if !has_tool("qpdf") {
        eprintln!("qpdf is not installed: no encrypted file to test with");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plain = write_temp(dir.path(), "plain.pdf", &drawing_pdf());
    // With an empty user password (opens without asking) and with a real one.
    for user in ["", "secret"] {
        let locked = dir.path().join(format!("locked-{}.pdf", user.len()));
        let locked = locked.to_str().unwrap();
        let out = run(
            "qpdf",
            &["--encrypt", user, "owner", "256", "--", &plain, locked],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(locked).unwrap();
        assert_eq!(
            flattened(&bytes, &review()).unwrap_err(),
            ExportError::Encrypted
        );
        assert_eq!(
            annotated(&bytes, &review()).unwrap_err(),
            ExportError::Encrypted
        );
    }
}
