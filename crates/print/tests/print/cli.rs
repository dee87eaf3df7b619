//! The `onetrip-print` command line.

use std::process::Command;

use onetrip_print::builtin::{sample_issuer_key, sample_permit};
use onetrip_print::builtin_templates;
use serde_json::Value;

use crate::page_count;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_onetrip-print"))
}

#[test]
fn the_command_line_lists_renders_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let listed = cli().arg("templates").output().unwrap();
    assert!(listed.status.success());
    let listed = String::from_utf8_lossy(&listed.stdout);
    for template in builtin_templates() {
        assert!(listed.contains(&template.name), "{listed}");
    }

    let key = sample_issuer_key();
    let records: Vec<Value> = (0..3).map(|n| sample_permit(n, &key)).collect();
    let data = dir.path().join("permits.json");
    std::fs::write(&data, serde_json::to_string(&records).unwrap()).unwrap();
    let out = dir.path().join("permits.pdf");
    let rendered = cli()
        .args(["render", "--template", "drainage-permit", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert_eq!(page_count(&out), 3);

    // A bad record: the error names the record and the field.
    let mut bad = records.clone();
    bad[1]["credit_code"] = Value::Null;
    std::fs::write(&data, serde_json::to_string(&bad).unwrap()).unwrap();
    let failed = cli()
        .args(["render", "--template", "drainage-permit", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(dir.path().join("bad.pdf"))
        .output()
        .unwrap();
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("record 2") && stderr.contains("credit_code"),
        "{stderr}"
    );

    let payload = records[0]["qr"].as_str().unwrap();
    let public = key.public_key().to_text();
    let verified = cli()
        .args(["verify", payload, "--key", &public, "--today", "2027-06-01"])
        .output()
        .unwrap();
    assert!(verified.status.success());
    assert!(String::from_utf8_lossy(&verified.stdout).contains("valid"));
    let tampered = payload.replace("老街", "新街");
    let refused = cli()
        .args([
            "verify",
            &tampered,
            "--key",
            &public,
            "--today",
            "2027-06-01",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stdout).contains("tampered"));
}

#[test]
fn a_template_file_renders_exactly_like_the_builtin_of_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("permit.json");
    let record = sample_permit(0, &sample_issuer_key());
    std::fs::write(&data, serde_json::to_string(&record).unwrap()).unwrap();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/drainage-permit.json"
    );
    let mut outputs = Vec::new();
    for template in ["drainage-permit", file] {
        let out = dir.path().join(format!("{}.pdf", outputs.len()));
        let rendered = cli()
            .args(["render", "--template", template, "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            rendered.status.success(),
            "{template}: {}",
            String::from_utf8_lossy(&rendered.stderr)
        );
        outputs.push(std::fs::read(&out).unwrap());
    }
    assert!(outputs[0] == outputs[1], "the file and the built-in differ");
}
