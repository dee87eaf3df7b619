//! Markups as XFDF.

use onetrip_export::{Shape, SheetMarks, xfdf};

use crate::*;

#[test]
fn xfdf_is_well_formed_and_names_every_markup() {
    let mut sheets = review();
    sheets[0].opinions[0].text = "注意 <b> & \"引号\" 'x'\n第二行".to_owned();
    sheets.push(SheetMarks {
        page: 5,
        opinions: vec![opinion("结-R1-07", RED, Shape::Cloud, CLOUD)],
    });
    let xml = xfdf("图纸 & 目录.pdf", &sheets).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(xml.contains("<xfdf xmlns=\"http://ns.adobe.com/xfdf/\""));
    assert!(xml.contains("<f href=\"图纸 &amp; 目录.pdf\"/>"));
    for (tag, name, page) in [
        ("square", "结-R1-07", 1),
        ("polygon", "建-R1-02", 1),
        ("line", "水-R1-03", 1),
        ("freetext", "电-R1-04", 1),
        ("square", "消-R1-01", 0),
        ("polygon", "结-R1-07#2", 5),
    ] {
        let start = format!("<{tag} page=\"{page}\" ");
        let element = xml
            .split(&start)
            .skip(1)
            .find(|rest| rest.contains(&format!("name=\"{name}\"")))
            .unwrap_or_else(|| panic!("no {tag} named {name} on page {page}:\n{xml}"));
        assert!(element.contains("title=\"李工\""));
    }
    assert!(xml.contains("color=\"#FF0000\""));
    assert!(xml.contains("style=\"cloudy\""));
    assert!(xml.contains("<vertices>900,900;1300,900;1300,1200;900,1200</vertices>"));
    assert!(xml.contains("start=\"1500,300\" end=\"1800,600\""));
    assert!(xml.contains("注意 &lt;b&gt; &amp; &quot;引号&quot; &apos;x&apos;&#10;第二行"));

    if has_tool("xmllint") {
        let dir = tempfile::tempdir().unwrap();
        let file = write_temp(dir.path(), "review.xfdf", xml.as_bytes());
        let out = run("xmllint", &["--noout", &file]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The escaped text reads back as written.
        let out = run(
            "xmllint",
            &[
                "--xpath",
                "string(//*[local-name()='square'][@name='结-R1-07']/*[local-name()='contents'])",
                &file,
            ],
        );
        assert_eq!(
            String::from_utf8(out.stdout)
                .unwrap()
                .strip_suffix('\n')
                .unwrap(),
            "结-R1-07 注意 <b> & \"引号\" 'x'\n第二行"
        );
    } else {
        eprintln!("xmllint is not installed: well-formedness is checked by the assertions only");
    }
}
