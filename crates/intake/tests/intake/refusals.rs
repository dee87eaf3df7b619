use std::process::Command;

use onetrip_intake::{Limits, Refusal, inspect};

use crate::{make, small};

fn sample() -> Vec<u8> {
    make(&small(41)).files.remove(0).bytes
}

fn limits() -> Limits {
    Limits { max_pages: 500 }
}

#[test]
fn a_text_file_is_not_a_pdf() {
    assert_eq!(
        inspect("建施-01 一层平面图\n".as_bytes(), &limits()),
        Err(Refusal::NotPdf)
    );
    assert_eq!(inspect(b"", &limits()), Err(Refusal::NotPdf));
}

#[test]
fn a_file_cut_in_half_is_truncated() {
    let bytes = sample();
    assert_eq!(
        inspect(&bytes[..bytes.len() / 2], &limits()),
        Err(Refusal::Truncated)
    );
}

#[test]
fn garbage_over_the_objects_and_the_table_is_damage() {
    let mut bytes = sample();
    let xref = bytes.windows(6).rposition(|w| w == b"\nxref\n").unwrap();
    // Overwrite everything from the first object to the middle of the table.
    let start = 9;
    let end = xref + 60;
    for (i, byte) in bytes[start..end].iter_mut().enumerate() {
        *byte = b"#~@!"[i % 4];
    }
    assert_eq!(inspect(&bytes, &limits()), Err(Refusal::Damaged));
}

#[test]
fn an_encrypted_file_is_refused_even_with_an_empty_password() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, locked) = (dir.path().join("plain.pdf"), dir.path().join("locked.pdf"));
    std::fs::write(&plain, sample()).unwrap();
    let status = Command::new("qpdf")
        .args(["--encrypt", "", "owner", "256", "--"])
        .arg(&plain)
        .arg(&locked)
        .status()
        .expect("qpdf is installed by the setup script");
    assert!(status.success());
    let bytes = std::fs::read(&locked).unwrap();
    assert_eq!(inspect(&bytes, &limits()), Err(Refusal::Encrypted));
    let status = Command::new("qpdf")
        .args(["--encrypt", "user", "owner", "256", "--"])
        .arg(&plain)
        .arg(&locked)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        inspect(&std::fs::read(&locked).unwrap(), &limits()),
        Err(Refusal::Encrypted)
    );
}

#[test]
fn a_portfolio_is_refused() {
    let mut doc = lopdf::Document::load_mem(&sample()).unwrap();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let catalog = doc.get_object_mut(root).unwrap().as_dict_mut().unwrap();
    catalog.set(
        "Collection",
        lopdf::dictionary! { "Type" => "Collection", "View" => "D" },
    );
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    assert_eq!(inspect(&bytes, &limits()), Err(Refusal::Portfolio));
}

#[test]
fn too_many_pages_are_refused_with_the_count() {
    let set = make(&small(41));
    let bytes = &set.files[0].bytes;
    let pages = u32::try_from(set.manifest.len()).unwrap();
    assert!(inspect(bytes, &Limits { max_pages: pages }).is_ok());
    assert_eq!(
        inspect(bytes, &Limits { max_pages: 10 }),
        Err(Refusal::TooManyPages { pages, limit: 10 })
    );
}
