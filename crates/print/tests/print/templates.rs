//! The built-in templates: each renders like its reference image, and each is an ordinary
//! template file in `templates/` that the custom-template loader reads.

use std::path::{Path, PathBuf};
use std::process::Command;

use onetrip_print::{
    RenderOptions, Template, builtin_templates, find_template, render, sample_records,
};
use serde_json::json;

use crate::{
    expected_texts, fonts, page_size_pts, reference_dir, squeeze, text_of, tool, write_pdf,
};

#[test]
fn every_template_renders_extractable_embedded_exact_and_like_its_reference() {
    let dir = tempfile::tempdir().unwrap();
    let templates = builtin_templates();
    assert_eq!(templates.len(), 8);
    for template in templates {
        let records = sample_records(&template.name).unwrap();
        let bytes = render(
            fonts(),
            &template,
            &records,
            &RenderOptions::default(),
            &mut |_| {},
        )
        .unwrap_or_else(|err| panic!("{}: {err}", template.name));
        let pdf = write_pdf(dir.path(), &template.name, &bytes);

        // Every value of the record is in the extracted text (the QR payload is checked by
        // decoding the image instead).
        let text = squeeze(&text_of(&pdf));
        let mut expected = Vec::new();
        for (key, value) in records[0].as_object().unwrap() {
            if key != "qr" && key != "progress_url" {
                expected_texts(value, &mut expected);
            }
        }
        for value in expected {
            assert!(
                text.contains(&squeeze(&value)),
                "{}: '{value}' not in the extracted text:\n{text}",
                template.name
            );
        }
        assert!(text.contains(&squeeze(&template.title)) || template.name == "ticket-slip");

        let (ok, out, err) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
        assert!(ok, "{}: qpdf --check failed:\n{out}\n{err}", template.name);

        let (ok, fonts_out, err) = tool("pdffonts", &[pdf.to_str().unwrap()]);
        assert!(ok, "pdffonts failed: {err}");
        let rows: Vec<&str> = fonts_out.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{}: no fonts", template.name);
        let mut text_fonts = 0;
        for row in rows {
            let columns: Vec<&str> = row.split_whitespace().collect();
            // name type... encoding emb sub uni object ID
            let n = columns.len();
            assert_eq!(
                columns[n - 5],
                "yes",
                "{}: not embedded: {row}",
                template.name
            );
            assert_eq!(
                columns[n - 3],
                "yes",
                "{}: no ToUnicode: {row}",
                template.name
            );
            text_fonts += 1;
            assert!(
                row.contains("CID Type 0C") || row.contains("CID TrueType"),
                "{row}"
            );
            assert_eq!(
                columns[n - 4],
                "yes",
                "{}: not a subset: {row}",
                template.name
            );
            assert!(
                columns[0].len() > 7 && columns[0].as_bytes()[6] == b'+',
                "{row}"
            );
        }
        assert!(
            text_fonts >= 1,
            "{}: no text font:\n{fonts_out}",
            template.name
        );

        let (w, h) = page_size_pts(&pdf);
        let expected_w = template.page.width * 72.0 / 25.4;
        let expected_h = template.page.height * 72.0 / 25.4;
        assert!(
            (w - expected_w).abs() < 0.01 && (h - expected_h).abs() < 0.01,
            "{}: page {w}×{h} pt, expected {expected_w}×{expected_h}",
            template.name
        );

        compare_with_reference(&pdf, &template.name, dir.path());
    }
}

fn compare_with_reference(pdf: &Path, name: &str, dir: &Path) {
    let stem = dir.join(name);
    let (ok, _, err) = tool(
        "pdftoppm",
        &[
            "-r",
            "60",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    assert!(ok, "pdftoppm failed: {err}");
    let rendered = stem.with_extension("png");
    let reference = reference_dir().join(format!("{name}.png"));
    if std::env::var_os("ONETRIP_UPDATE_REFERENCE").is_some() || !reference.exists() {
        assert!(
            std::env::var_os("ONETRIP_UPDATE_REFERENCE").is_some(),
            "{name}: no reference image at {} (run with ONETRIP_UPDATE_REFERENCE=1)",
            reference.display()
        );
        std::fs::create_dir_all(reference_dir()).unwrap();
        std::fs::copy(&rendered, &reference).unwrap();
        return;
    }
    // ImageMagick prints "absolute (normalised)" RMSE on stderr; exit 1 only means "differs".
    let output = Command::new("compare")
        .args(["-metric", "RMSE"])
        .arg(&rendered)
        .arg(&reference)
        .arg("null:")
        .output()
        .expect("ImageMagick compare");
    let report = String::from_utf8_lossy(&output.stderr);
    let normalised: f64 = report
        .split(['(', ')'])
        .nth(1)
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name}: compare said: {report}"));
    assert!(
        normalised < 0.03,
        "{name}: rendered page differs from {} (normalised RMSE {normalised})",
        reference.display()
    );
}

#[test]
fn templates_are_data_that_survive_a_round_trip_through_json() {
    for template in builtin_templates() {
        let json = serde_json::to_string(&template).unwrap();
        let back: onetrip_print::Template = serde_json::from_str(&json).unwrap();
        assert_eq!(back, template);
    }
    // Unknown keys are refused, so a typo in a custom template is caught.
    let mut value = serde_json::to_value(find_template("ticket-slip").unwrap()).unwrap();
    value["pgae"] = json!({});
    assert!(serde_json::from_value::<onetrip_print::Template>(value).is_err());
}

fn templates_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")
}

#[test]
fn the_builtin_templates_are_exactly_the_template_files_read_by_the_custom_template_loader() {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(templates_dir()).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(
            path.extension().and_then(|ext| ext.to_str()),
            Some("json"),
            "{}: only template files belong in templates/",
            path.display()
        );
        let json = std::fs::read_to_string(&path).unwrap();
        let template =
            Template::from_json(&json).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        // The file is named after the template, as the command line names it.
        assert_eq!(
            path.file_stem().and_then(|stem| stem.to_str()),
            Some(template.name.as_str()),
            "{}",
            path.display()
        );
        files.push(template);
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<&str> = files
        .iter()
        .map(|template| template.name.as_str())
        .collect();
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique, names, "template names must be unique");

    let mut builtin = builtin_templates();
    builtin.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(builtin, files);
    for template in &files {
        assert_eq!(&find_template(&template.name).unwrap(), template);
    }
}

#[test]
fn the_custom_template_loader_names_what_is_wrong() {
    let json = std::fs::read_to_string(templates_dir().join("ticket-slip.json")).unwrap();
    let typo = json.replacen("\"page\"", "\"pgae\"", 1);
    let err = Template::from_json(&typo).unwrap_err().to_string();
    assert!(err.contains("pgae"), "{err}");
    let err = Template::from_json("{").unwrap_err().to_string();
    assert!(err.contains("template error"), "{err}");
}
