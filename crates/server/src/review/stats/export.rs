//! The review statistics as files a review lead opens in Excel or WPS, written with the same
//! tables as the queue statistics: CSV (each table under its title, one after another) and
//! XLSX (a summary sheet, then one sheet per table).

use onetrip_api::review::ProjectState;
use onetrip_api::review_stats::{OpinionRow, ReviewStats, TaskRow};
use onetrip_api::stats::ExportFormat;
use onetrip_domain::Lang;
use onetrip_domain::review::opinion::OpinionKind;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::spreadsheet::{Cell, Csv, Formats, Table, header_row, write_cell};
use crate::stats::export::zh_en;

fn state_name(state: ProjectState, lang: Lang) -> String {
    let (zh, en) = match state {
        ProjectState::Preparing => ("待送审", "Preparing"),
        ProjectState::InReview => ("审查中", "In review"),
        ProjectState::WithApplicant => ("待回复", "With the applicant"),
        ProjectState::Certified => ("审查合格", "Certified"),
    };
    zh_en(lang, zh, en)
}

fn range_text(stats: &ReviewStats, lang: Lang) -> String {
    match (&stats.from, &stats.to) {
        (Some(from), Some(to)) => format!("{from} – {to}"),
        _ => zh_en(lang, "全部", "All"),
    }
}

/// The summary figures as label and value.
fn summary_lines(stats: &ReviewStats, lang: Lang) -> Vec<(String, Cell)> {
    let projects = &stats.projects;
    let mut lines = vec![
        (
            zh_en(lang, "受理日期范围", "Accepted between"),
            Cell::Text(range_text(stats, lang)),
        ),
        (
            zh_en(lang, "统计日期", "As of"),
            Cell::Text(stats.as_of.clone()),
        ),
        (
            zh_en(lang, "项目数", "Projects"),
            Cell::Count(projects.total),
        ),
    ];
    for line in &projects.by_state {
        lines.push((
            format!(
                "{}{}",
                zh_en(lang, "项目：", "Projects: "),
                state_name(line.state, lang)
            ),
            Cell::Count(line.count),
        ));
    }
    for line in &projects.by_kind {
        lines.push((
            format!(
                "{}{}",
                zh_en(lang, "项目：", "Projects: "),
                line.kind.name(lang)
            ),
            Cell::Count(line.count),
        ));
    }
    lines.extend([
        (
            zh_en(lang, "受理轮次", "Rounds accepted"),
            Cell::Count(projects.rounds),
        ),
        (
            zh_en(lang, "其中送审（第 1 轮）", "First rounds"),
            Cell::Count(projects.first_rounds),
        ),
        (
            zh_en(lang, "其中复审", "Later rounds"),
            Cell::Count(projects.later_rounds),
        ),
        (
            zh_en(lang, "审查合格项目平均轮次", "Rounds per certified project"),
            Cell::Decimal(projects.rounds_per_certified),
        ),
        (
            zh_en(lang, "审查意见数", "Opinions"),
            Cell::Count(stats.opinions.all.total),
        ),
        (
            zh_en(lang, "必须修改", "Must change"),
            Cell::Count(stats.opinions.all.must_change),
        ),
        (
            zh_en(lang, "建议修改", "Advice"),
            Cell::Count(stats.opinions.all.advice),
        ),
        (
            zh_en(lang, "审查任务按时完成率", "Tasks done on time"),
            Cell::Rate(stats.tasks.all.on_time_rate),
        ),
    ]);
    lines
}

fn method_note(lang: Lang) -> String {
    zh_en(
        lang,
        "按送审轮次的受理日期统计：项目按第 1 轮受理日期（未送审的按登记日期），意见按其提出轮次，审查任务按其轮次。意见不含草稿。用时为受理日至审查意见发出日的工作日数，按当前节假日和调休安排计算；超期指发出晚于期限，或至统计日期仍未完成且已过期限。按时率＝按时完成÷(按时完成＋超期)。",
        "Counted by the rounds' acceptance dates: projects by their first round's (registration if never submitted), opinions by the round they were raised in, tasks by their round. Drafts are not counted. Days used are working days from the acceptance to the release of the opinions, in the holiday calendar as it is now; late means released after the due day, or not done and past it on the day of the figures. On-time rate = on time ÷ (on time + late).",
    )
}

fn specialty_label(row_specialty: Option<onetrip_domain::review::Specialty>, lang: Lang) -> String {
    match row_specialty {
        Some(specialty) => specialty.name(lang),
        None => zh_en(lang, "合计", "Total"),
    }
}

fn opinion_line(row: &OpinionRow, lang: Lang) -> Vec<Cell> {
    vec![
        Cell::Text(specialty_label(row.specialty, lang)),
        Cell::Count(row.total),
        Cell::Count(row.mandatory),
        Cell::Count(row.general),
        Cell::Count(row.policy),
        Cell::Count(row.design_depth),
        Cell::Count(row.must_change),
        Cell::Count(row.advice),
    ]
}

fn task_line(row: &TaskRow, lang: Lang) -> Vec<Cell> {
    vec![
        Cell::Text(specialty_label(row.specialty, lang)),
        Cell::Count(row.tasks),
        Cell::Count(row.done),
        Cell::Count(row.open),
        Cell::Count(row.closed_by_certificate),
        Cell::Decimal(row.days_used_mean),
        Cell::MaybeCount(row.days_used_max),
        Cell::Decimal(row.days_allowed_mean),
        Cell::Count(row.on_time),
        Cell::Count(row.late_done),
        Cell::Count(row.late_open),
        Cell::Count(row.late),
        Cell::Rate(row.on_time_rate),
    ]
}

fn headers(lang: Lang, pairs: &[(&str, &str)]) -> Vec<String> {
    pairs.iter().map(|(zh, en)| zh_en(lang, zh, en)).collect()
}

/// The tables after the summary, in order.
pub fn tables(stats: &ReviewStats, lang: Lang) -> Vec<Table> {
    let kinds: Vec<(String, String)> = OpinionKind::ALL
        .iter()
        .map(|kind| (kind.name(Lang::ZhCn), kind.name(Lang::En)))
        .collect();
    let mut opinion_headers = headers(lang, &[("专业", "Specialty"), ("意见数", "Opinions")]);
    opinion_headers.extend(kinds.iter().map(|(zh, en)| zh_en(lang, zh, en)));
    opinion_headers.extend(headers(
        lang,
        &[("必须修改", "Must change"), ("建议修改", "Advice")],
    ));
    let opinions = Table {
        name: zh_en(lang, "审查意见", "Opinions"),
        widths: std::iter::once(16.0)
            .chain(std::iter::repeat_n(12.0, opinion_headers.len() - 1))
            .collect(),
        headers: opinion_headers,
        rows: stats
            .opinions
            .by_specialty
            .iter()
            .map(|row| opinion_line(row, lang))
            .collect(),
        total: Some(opinion_line(&stats.opinions.all, lang)),
    };

    let clauses = Table {
        name: zh_en(lang, "引用条文", "Clauses cited"),
        headers: headers(
            lang,
            &[
                ("排名", "Rank"),
                ("条文", "Clause"),
                ("引用次数", "Times cited"),
            ],
        ),
        widths: vec![8.0, 44.0, 12.0],
        rows: (1u32..)
            .zip(&stats.top_clauses)
            .map(|(rank, line)| {
                vec![
                    Cell::Count(rank),
                    Cell::Text(line.clause.clone()),
                    Cell::Count(line.count),
                ]
            })
            .collect(),
        total: None,
    };

    let mut standard_rows = Vec::new();
    for (rank, standard) in (1u32..).zip(&stats.top_standards) {
        for (at, clause) in standard.clauses.iter().enumerate() {
            let first = at == 0;
            standard_rows.push(vec![
                Cell::MaybeCount(first.then_some(rank)),
                Cell::Text(if first {
                    standard.standard.clone()
                } else {
                    String::new()
                }),
                Cell::MaybeCount(first.then_some(standard.count)),
                Cell::Text(clause.clause.clone()),
                Cell::Count(clause.count),
            ]);
        }
    }
    let standards = Table {
        name: zh_en(lang, "引用规范", "Standards cited"),
        headers: headers(
            lang,
            &[
                ("排名", "Rank"),
                ("规范（版本）", "Standard (edition)"),
                ("引用次数", "Times cited"),
                ("条文", "Clause"),
                ("条文引用次数", "Clause cited"),
            ],
        ),
        widths: vec![8.0, 30.0, 12.0, 44.0, 14.0],
        rows: standard_rows,
        total: None,
    };

    let tasks = Table {
        name: zh_en(lang, "审查时限", "Working days"),
        headers: headers(
            lang,
            &[
                ("专业", "Specialty"),
                ("审查任务", "Tasks"),
                ("已完成", "Done"),
                ("审查中", "Open"),
                ("合格书结束", "Ended by the certificate"),
                ("平均用时（工作日）", "Days used, mean"),
                ("最长用时（工作日）", "Days used, most"),
                ("平均时限（工作日）", "Days allowed, mean"),
                ("按时完成", "On time"),
                ("超期完成", "Done late"),
                ("超期未完成", "Open past due"),
                ("超期合计", "Late"),
                ("按时率", "On-time rate"),
            ],
        ),
        widths: std::iter::once(16.0)
            .chain(std::iter::repeat_n(14.0, 12))
            .collect(),
        rows: stats
            .tasks
            .by_specialty
            .iter()
            .map(|row| task_line(row, lang))
            .collect(),
        total: Some(task_line(&stats.tasks.all, lang)),
    };
    vec![opinions, tasks, clauses, standards]
}

/// The summary, then every table under its title.
pub fn csv(stats: &ReviewStats, lang: Lang) -> Vec<u8> {
    let mut out = Csv::new();
    out.line(&[
        Cell::Text(zh_en(lang, "指标", "Figure")),
        Cell::Text(zh_en(lang, "数值", "Value")),
    ]);
    for (label, value) in summary_lines(stats, lang) {
        out.line(&[Cell::Text(label), value]);
    }
    for table in tables(stats, lang) {
        out.blank();
        out.line(&[Cell::Text(table.name.clone())]);
        table.csv(&mut out);
    }
    out.into_bytes()
}

/// A summary sheet with the method, then one sheet per table.
pub fn xlsx(stats: &ReviewStats, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let summary = workbook.add_worksheet();
    summary.set_name(zh_en(lang, "概览", "Summary"))?;
    header_row(
        summary,
        &[zh_en(lang, "指标", "Figure"), zh_en(lang, "数值", "Value")],
        &[30.0, 36.0],
        &formats,
    )?;
    let mut at = 1;
    for (label, cell) in summary_lines(stats, lang) {
        summary.write_string(at, 0, label)?;
        write_cell(summary, at, 1, &cell, &formats)?;
        at += 1;
    }
    at += 1;
    summary.write_string_with_format(at, 0, zh_en(lang, "说明", "Notes"), &formats.bold)?;
    summary.write_string_with_format(at, 1, method_note(lang), &formats.wrap)?;
    summary.set_column_width(1, 60)?;
    for table in tables(stats, lang) {
        table.sheet(&mut workbook, &formats)?;
    }
    workbook.save_to_buffer()
}

/// `审图统计_2026-12-01_2026-12-31.xlsx`, or `审图统计_截至2026-12-17.xlsx` over every round
/// (English: `review_stats_…`, `review_stats_until_…`).
pub fn file_name(stats: &ReviewStats, format: ExportFormat, lang: Lang) -> String {
    let prefix = zh_en(lang, "审图统计", "review_stats");
    let days = match (&stats.from, &stats.to) {
        (Some(from), Some(to)) => format!("{from}_{to}"),
        _ => format!("{}{}", zh_en(lang, "截至", "until_"), stats.as_of),
    };
    format!("{prefix}_{days}.{}", format.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use onetrip_api::review_stats::{OpinionStats, ProjectStats, TaskStats};

    fn empty() -> ReviewStats {
        ReviewStats {
            from: None,
            to: None,
            as_of: "2026-12-17".into(),
            projects: ProjectStats::default(),
            opinions: OpinionStats::default(),
            top_standards: vec![],
            top_clauses: vec![],
            tasks: TaskStats::default(),
        }
    }

    #[test]
    fn file_names_say_the_range_or_the_day() {
        let all = empty();
        assert_eq!(
            file_name(&all, ExportFormat::Csv, Lang::ZhCn),
            "审图统计_截至2026-12-17.csv"
        );
        let ranged = ReviewStats {
            from: Some("2026-12-01".into()),
            to: Some("2026-12-31".into()),
            ..all
        };
        assert_eq!(
            file_name(&ranged, ExportFormat::Xlsx, Lang::En),
            "review_stats_2026-12-01_2026-12-31.xlsx"
        );
    }

    #[test]
    fn an_empty_range_still_writes_every_table() {
        let text = String::from_utf8(csv(&empty(), Lang::ZhCn)).unwrap();
        for title in ["审查意见", "审查时限", "引用条文", "引用规范", "合计"] {
            assert!(text.contains(title), "{title} missing:\n{text}");
        }
        assert!(xlsx(&empty(), Lang::En).unwrap().starts_with(b"PK"));
    }
}
