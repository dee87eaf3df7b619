//! Flowing reports: read back with pdftotext, pages counted with pdfinfo.

use onetrip_print::report::{Report, Section, Table, TableColumn, render_report};

use super::{fonts, page_count, squeeze, text_of, write_pdf};

fn letter(rows: usize, repeat_first: usize) -> Report {
    let rows = (0..rows)
        .map(|i| {
            vec![
                format!("结-R1-{:02}", i + 1),
                "结施-03".into(),
                "第二层梁配筋不满足最小配筋率要求，".repeat(if i == 0 { repeat_first } else { 1 }),
                "GB 50010-2010(2015年版) 第8.5.1条".into(),
            ]
        })
        .collect();
    Report {
        title: "施工图审查意见书".into(),
        subtitle: Some("第 1 轮".into()),
        number: Some("编号：R1-2026-0001".into()),
        facts: vec![("项目名称".into(), "玉环市城南小学扩建工程".into())],
        sections: vec![Section {
            heading: "一、结构专业".into(),
            intro: None,
            table: Some(Table {
                columns: vec![
                    TableColumn::new("意见编号", 1.2).centred(),
                    TableColumn::new("图号", 1.0),
                    TableColumn::new("审查意见", 4.0),
                    TableColumn::new("依据条文", 2.2),
                ],
                rows,
            }),
        }],
        closing: vec!["请按上述意见修改后重新送审。".into()],
        signature: vec!["玉环市施工图审查中心".into(), "2026年12月1日".into()],
        footer: "玉环市城南小学扩建工程 审查意见书".into(),
    }
}

#[test]
fn a_short_report_is_one_page_with_every_text() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(
        dir.path(),
        "short",
        &render_report(fonts(), &letter(3, 1)).unwrap(),
    );
    assert_eq!(page_count(&pdf), 1);
    let text = squeeze(&text_of(&pdf));
    for expected in [
        "施工图审查意见书",
        "结-R1-03",
        "第二层梁配筋不满足最小配筋率要求",
        "GB50010-2010(2015年版)第8.5.1条",
        "请按上述意见修改后重新送审",
        "第1页共1页",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
}

#[test]
fn a_long_table_runs_on_with_its_heading_row_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(
        dir.path(),
        "long",
        &render_report(fonts(), &letter(80, 1)).unwrap(),
    );
    let pages = page_count(&pdf);
    assert!(pages >= 3, "{pages} pages");
    let text = squeeze(&text_of(&pdf));
    assert_eq!(text.matches("审查意见依据条文").count(), pages, "{text}");
    assert!(text.contains(&format!("第{pages}页共{pages}页")));
    // Every row is there once.
    for i in 1..=80 {
        assert_eq!(text.matches(&format!("结-R1-{i:02}")).count(), 1, "row {i}");
    }
}

#[test]
fn a_cell_longer_than_a_page_continues_on_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(
        dir.path(),
        "cell",
        &render_report(fonts(), &letter(1, 120)).unwrap(),
    );
    assert!(page_count(&pdf) >= 2);
    let text = squeeze(&text_of(&pdf));
    // Every character arrives (a phrase may be cut by the page break's footer and heading).
    assert_eq!(text.matches('梁').count(), 120);
}

#[test]
fn a_character_no_font_has_is_named() {
    let mut report = letter(1, 1);
    report.title = "审查\u{10FFFD}".into();
    let error = render_report(fonts(), &report).unwrap_err().to_string();
    assert!(error.contains("U+10FFFD"), "{error}");
}

#[test]
fn a_line_break_in_a_cell_starts_a_new_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = letter(1, 1);
    report.sections[0].table.as_mut().unwrap().rows[0][3] = "强制性条文\n必须修改\n待回复".into();
    let pdf = write_pdf(
        dir.path(),
        "breaks",
        &render_report(fonts(), &report).unwrap(),
    );
    let text = text_of(&pdf);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    // The first line sits beside the row's other cells; the others are lines of their own.
    assert!(lines.iter().any(|l| l.ends_with("强制性条文")), "{text}");
    for expected in ["必须修改", "待回复"] {
        assert!(
            lines.contains(&expected),
            "{expected} is not a line of its own:\n{text}"
        );
    }
}
