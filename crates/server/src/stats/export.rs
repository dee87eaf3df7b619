//! The statistics as files a supervisor opens in Excel or WPS: CSV (UTF-8 with a byte-order
//! mark, CRLF, quoted where needed) and XLSX (a summary sheet, one sheet per breakdown and one
//! for cases; bold frozen headers; minutes and shares as numbers).

use onetrip_api::stats::{ExportFormat, QueueStats, StatsRow};
use onetrip_domain::Lang;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::spreadsheet::{Cell, Csv, Formats, Table, file_name_part, header_row, write_cell};

pub(crate) fn zh_en(lang: Lang, zh: &str, en: &str) -> String {
    lang.pick(zh.into(), en.into())
}

/// The breakdowns in the order they are shown: the dimension's name and its rows.
fn breakdowns(stats: &QueueStats, lang: Lang) -> [(String, &[StatsRow]); 4] {
    [
        (zh_en(lang, "业务类别", "Service"), &stats.by_service),
        (zh_en(lang, "窗口", "Window"), &stats.by_window),
        (zh_en(lang, "工作人员", "Clerk"), &stats.by_clerk),
        (zh_en(lang, "时段", "Hour"), &stats.by_hour),
    ]
}

/// Headers of a breakdown's figures; `tickets` names the count column.
fn figure_headers(lang: Lang, tickets: &str) -> Vec<String> {
    let en = [
        "Tickets",
        "Served",
        "No-shows",
        "No-show rate",
        "Waits counted",
        "Wait median (min)",
        "Wait P90 (min)",
        "Services counted",
        "Service median (min)",
        "Service P90 (min)",
    ];
    let zh = [
        tickets,
        "办结数",
        "过号数",
        "过号率",
        "等候样本数",
        "等候中位数（分钟）",
        "等候P90（分钟）",
        "办理样本数",
        "办理中位数（分钟）",
        "办理P90（分钟）",
    ];
    zh.iter()
        .zip(en)
        .map(|(zh, en)| zh_en(lang, zh, en))
        .collect()
}

fn figures(row: &StatsRow) -> Vec<Cell> {
    vec![
        Cell::Count(row.issued),
        Cell::Count(row.served),
        Cell::Count(row.no_show),
        Cell::Rate(row.no_show_rate),
        Cell::Count(row.wait.count),
        Cell::Minutes(row.wait.median_ms),
        Cell::Minutes(row.wait.p90_ms),
        Cell::Count(row.service.count),
        Cell::Minutes(row.service.median_ms),
        Cell::Minutes(row.service.p90_ms),
    ]
}

/// The case figures as label and value.
fn case_lines(stats: &QueueStats, lang: Lang) -> Vec<(String, Cell)> {
    let cases = &stats.cases;
    vec![
        (zh_en(lang, "办件总数", "Cases"), Cell::Count(cases.total)),
        (zh_en(lang, "受理", "Accepted"), Cell::Count(cases.accepted)),
        (
            zh_en(lang, "即办", "Completed on the spot"),
            Cell::Count(cases.completed),
        ),
        (
            zh_en(lang, "一次性告知", "One-time notices"),
            Cell::Count(cases.incomplete),
        ),
        (
            zh_en(
                lang,
                "办结（受理或即办）",
                "Finished (accepted or completed)",
            ),
            Cell::Count(cases.finished),
        ),
        (
            zh_en(lang, "跑 0 次办结", "Finished with 0 trips"),
            Cell::Count(cases.trips.zero),
        ),
        (
            zh_en(lang, "跑 1 次办结", "Finished with 1 trip"),
            Cell::Count(cases.trips.one),
        ),
        (
            zh_en(lang, "跑 2 次办结", "Finished with 2 trips"),
            Cell::Count(cases.trips.two),
        ),
        (
            zh_en(lang, "跑 3 次及以上办结", "Finished with 3 or more trips"),
            Cell::Count(cases.trips.three_or_more),
        ),
        (
            zh_en(lang, "人均跑动次数", "Trips per finished case"),
            Cell::Decimal(cases.trips_mean),
        ),
        (
            zh_en(lang, "最多跑一次实现率", "Finished within one trip"),
            Cell::Rate(cases.at_most_one_trip_rate),
        ),
        (
            zh_en(lang, "零跑腿率", "Finished with zero trips"),
            Cell::Rate(cases.zero_trip_rate),
        ),
    ]
}

/// What the ratings line says until ratings are recorded.
fn ratings_note(stats: &QueueStats, lang: Lang) -> Cell {
    match &stats.ratings {
        Some(ratings) => Cell::Decimal(ratings.mean),
        None => Cell::Text(zh_en(lang, "暂未启用", "Not recorded yet")),
    }
}

fn method_note(lang: Lang) -> String {
    zh_en(
        lang,
        "等候时长：取号至叫号（不含过号）；办理时长：叫号至办结。中位数和P90为全部号票的精确百分位数（线性插值，同 Excel PERCENTILE.INC）。过号率＝过号数÷(办结数＋过号数)。按窗口、工作人员统计的是其叫到的号票；按时段统计以取号时间（北京时间）为准。",
        "Wait: from taking the ticket to the call (no-shows left out); service: from the call to finishing. Medians and P90 are exact percentiles of every ticket (linear interpolation, as Excel's PERCENTILE.INC). No-show rate = no-shows ÷ (served + no-shows). By window and by clerk: the tickets called there; by hour: the hour the ticket was taken (China Standard Time).",
    )
}

// ---------------------------------------------------------------------------------------------
// CSV

/// One table of every breakdown (dimension, item, figures), then the case figures.
pub fn csv(stats: &QueueStats, lang: Lang) -> Vec<u8> {
    let mut out = Csv::new();
    let mut header = vec![
        Cell::Text(zh_en(lang, "维度", "Breakdown")),
        Cell::Text(zh_en(lang, "项目", "Item")),
    ];
    header.extend(figure_headers(lang, "号票数").into_iter().map(Cell::Text));
    out.line(&header);
    let all = zh_en(lang, "全部", "All");
    let mut line = vec![Cell::Text(all), Cell::Text(stats.overall.label.clone())];
    line.extend(figures(&stats.overall));
    out.line(&line);
    for (dimension, rows) in breakdowns(stats, lang) {
        for row in rows {
            let mut line = vec![Cell::Text(dimension.clone()), Cell::Text(row.label.clone())];
            line.extend(figures(row));
            out.line(&line);
        }
    }
    out.blank();
    out.line(&[
        Cell::Text(zh_en(lang, "办件指标", "Case figure")),
        Cell::Text(zh_en(lang, "数值", "Value")),
    ]);
    for (label, value) in case_lines(stats, lang) {
        out.line(&[Cell::Text(label), value]);
    }
    out.line(&[
        Cell::Text(zh_en(lang, "好差评", "Ratings")),
        ratings_note(stats, lang),
    ]);
    out.into_bytes()
}

// ---------------------------------------------------------------------------------------------
// XLSX

/// A sheet named after its breakdown, with the breakdown's lines and, when given, the total.
fn table_sheet(
    workbook: &mut Workbook,
    name: &str,
    tickets: &str,
    rows: &[StatsRow],
    total: Option<&StatsRow>,
    lang: Lang,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let mut headers = vec![name.to_owned()];
    headers.extend(figure_headers(lang, tickets));
    let mut widths = vec![24.0];
    widths.extend(std::iter::repeat_n(13.0, headers.len() - 1));
    let line = |row: &StatsRow| {
        let mut cells = vec![Cell::Text(row.label.clone())];
        cells.extend(figures(row));
        cells
    };
    Table {
        name: name.to_owned(),
        headers,
        widths,
        rows: rows.iter().map(line).collect(),
        total: total.map(line),
    }
    .sheet(workbook, formats)
}

/// A summary sheet, one sheet per breakdown, and one for the cases.
pub fn xlsx(stats: &QueueStats, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();

    let summary = workbook.add_worksheet();
    summary.set_name(zh_en(lang, "概览", "Summary"))?;
    header_row(
        summary,
        &[zh_en(lang, "指标", "Figure"), zh_en(lang, "数值", "Value")],
        &[28.0, 36.0],
        &formats,
    )?;
    let overall = &stats.overall;
    let mut lines = vec![
        (
            zh_en(lang, "中心/站点", "Site"),
            Cell::Text(stats.site_name.clone()),
        ),
        (
            zh_en(lang, "日期范围", "Days"),
            Cell::Text(format!("{} – {}", stats.from, stats.to)),
        ),
        (
            zh_en(lang, "取号数", "Tickets issued"),
            Cell::Count(overall.issued),
        ),
        (zh_en(lang, "办结数", "Served"), Cell::Count(overall.served)),
        (
            zh_en(lang, "过号数", "No-shows"),
            Cell::Count(overall.no_show),
        ),
        (
            zh_en(lang, "过号率", "No-show rate"),
            Cell::Rate(overall.no_show_rate),
        ),
        (
            zh_en(lang, "等候中位数（分钟）", "Wait median (min)"),
            Cell::Minutes(overall.wait.median_ms),
        ),
        (
            zh_en(lang, "等候P90（分钟）", "Wait P90 (min)"),
            Cell::Minutes(overall.wait.p90_ms),
        ),
        (
            zh_en(lang, "办理中位数（分钟）", "Service median (min)"),
            Cell::Minutes(overall.service.median_ms),
        ),
        (
            zh_en(lang, "办理P90（分钟）", "Service P90 (min)"),
            Cell::Minutes(overall.service.p90_ms),
        ),
    ];
    lines.extend(case_lines(stats, lang));
    lines.push((zh_en(lang, "好差评", "Ratings"), ratings_note(stats, lang)));
    let mut at = 1;
    for (label, cell) in &lines {
        summary.write_string(at, 0, label)?;
        write_cell(summary, at, 1, cell, &formats)?;
        at += 1;
    }
    at += 1;
    summary.write_string_with_format(at, 0, zh_en(lang, "说明", "Notes"), &formats.bold)?;
    summary.write_string_with_format(at, 1, method_note(lang), &formats.wrap)?;
    summary.set_column_width(1, 60)?;

    let [service, window, clerk, hour] = breakdowns(stats, lang);
    let issued = zh_en(lang, "取号数", "Tickets");
    let called = zh_en(lang, "叫号数", "Tickets called");
    // Services and hours split every ticket, so they end with the total; windows and clerks
    // count only the tickets called there.
    table_sheet(
        &mut workbook,
        &service.0,
        &issued,
        service.1,
        Some(overall),
        lang,
        &formats,
    )?;
    table_sheet(
        &mut workbook,
        &window.0,
        &called,
        window.1,
        None,
        lang,
        &formats,
    )?;
    table_sheet(
        &mut workbook,
        &clerk.0,
        &called,
        clerk.1,
        None,
        lang,
        &formats,
    )?;
    table_sheet(
        &mut workbook,
        &hour.0,
        &issued,
        hour.1,
        Some(overall),
        lang,
        &formats,
    )?;

    let cases = workbook.add_worksheet();
    cases.set_name(zh_en(lang, "办件", "Cases"))?;
    header_row(
        cases,
        &[
            zh_en(lang, "办件指标", "Case figure"),
            zh_en(lang, "数值", "Value"),
        ],
        &[30.0, 14.0],
        &formats,
    )?;
    for (at, (label, cell)) in (1u32..).zip(case_lines(stats, lang)) {
        cases.write_string(at, 0, &label)?;
        write_cell(cases, at, 1, &cell, &formats)?;
    }

    workbook.save_to_buffer()
}

// ---------------------------------------------------------------------------------------------
// File names

/// `统计_玉环市行政服务中心_2026-11-01_2026-11-27.xlsx` (English: `stats_…`).
pub fn file_name(stats: &QueueStats, format: ExportFormat, lang: Lang) -> String {
    format!(
        "{}_{}_{}_{}.{}",
        zh_en(lang, "统计", "stats"),
        file_name_part(&stats.site_name),
        stats.from,
        stats.to,
        format.as_str()
    )
}
