//! The exceptions of a cohort's dry run as a file the officer opens in Excel or WPS, to send
//! each discharger what is missing: CSV or XLSX, one line per application with its reasons.

use onetrip_api::permits::DryRun;
use onetrip_api::stats::ExportFormat;
use onetrip_domain::Lang;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::spreadsheet::{Cell, Csv, ExportFile, Formats, Table, file_name_part};
use crate::stats::export::zh_en;

/// The exceptions as a table.
pub fn exceptions_table(run: &DryRun, lang: Lang) -> Table {
    let headers = [
        ("序号", "No."),
        ("排水户", "Discharger"),
        ("乡镇（街道）", "Town"),
        ("地址", "Address"),
        ("行业", "Industry"),
        ("未批准原因", "Why not approved"),
    ];
    Table {
        name: zh_en(lang, "例外清单", "Exceptions"),
        headers: headers.iter().map(|(zh, en)| zh_en(lang, zh, en)).collect(),
        widths: vec![6.0, 28.0, 14.0, 32.0, 12.0, 60.0],
        rows: (1u32..)
            .zip(&run.exceptions)
            .map(|(n, row)| {
                let reasons: Vec<String> = row.reasons.iter().map(|r| r.message(lang)).collect();
                vec![
                    Cell::Count(n),
                    Cell::Text(row.discharger.clone()),
                    Cell::Text(row.town.clone()),
                    Cell::Text(row.address.clone()),
                    Cell::Text(row.industry.label(lang).to_owned()),
                    Cell::Text(reasons.join(zh_en(lang, "；", "; ").as_str())),
                ]
            })
            .collect(),
        total: None,
    }
}

/// The exceptions file, named after the day and the cohort's town when it has one.
pub fn exceptions_file(
    run: &DryRun,
    format: ExportFormat,
    town: Option<&str>,
    today: &str,
    lang: Lang,
) -> Result<ExportFile, XlsxError> {
    let table = exceptions_table(run, lang);
    let bytes = match format {
        ExportFormat::Csv => {
            let mut csv = Csv::new();
            table.csv(&mut csv);
            csv.into_bytes()
        }
        ExportFormat::Xlsx => {
            let mut workbook = Workbook::new();
            table.sheet(&mut workbook, &Formats::new())?;
            workbook.save_to_buffer()?
        }
    };
    let prefix = zh_en(lang, "排水许可例外清单", "permit_exceptions");
    let town = town
        .map(|t| format!("_{}", file_name_part(t)))
        .unwrap_or_default();
    let name = format!("{prefix}{town}_{today}.{}", format.as_str());
    Ok(ExportFile::new(bytes, format, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use onetrip_api::permits::DryRunRow;
    use onetrip_domain::permits::{Industry, Material, Pretreatment, Reason};
    use uuid::Uuid;

    fn run() -> DryRun {
        DryRun {
            eligible: vec![],
            exceptions: vec![DryRunRow {
                application_id: Uuid::nil(),
                discharger: "=玉环阿明小吃店".into(),
                town: "楚门镇".into(),
                address: "楚门镇人民路 8 号".into(),
                industry: Industry::Catering,
                reasons: vec![
                    Reason::MissingPretreatment(Pretreatment::GreaseTrap),
                    Reason::MissingMaterial(Material::DrainageDrawing),
                ],
                number: None,
            }],
        }
    }

    #[test]
    fn each_exception_is_a_line_with_all_its_reasons_and_formulas_stay_text() {
        let file = exceptions_file(
            &run(),
            ExportFormat::Csv,
            Some("楚门镇"),
            "2026-12-01",
            Lang::ZhCn,
        )
        .unwrap();
        assert_eq!(file.file_name, "排水许可例外清单_楚门镇_2026-12-01.csv");
        let text = String::from_utf8(file.bytes).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].starts_with("序号,排水户"), "{text}");
        assert!(lines[1].contains("缺少预处理设施：隔油池；"), "{text}");
        assert!(
            !lines[1].contains(",=玉环"),
            "a formula is kept as text: {text}"
        );

        let xlsx =
            exceptions_file(&run(), ExportFormat::Xlsx, None, "2026-12-01", Lang::En).unwrap();
        assert_eq!(xlsx.file_name, "permit_exceptions_2026-12-01.xlsx");
        assert!(xlsx.bytes.starts_with(b"PK"), "an XLSX is a zip");
    }
}
