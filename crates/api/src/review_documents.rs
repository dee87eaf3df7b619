//! A review project's documents, composed from what the reader sees of it ([`ProjectView`]):
//! the consolidated opinion letter of a round (审查意见书) as a flowing report, and the review
//! certificate (审查合格书) as a record of its print template. The server renders them for the
//! portal and the browser; the desktop renders the same from its cache, offline too.

use onetrip_domain::Lang;
use onetrip_domain::review::opinion::Severity;
use onetrip_print::report::{Report, Section, Table, TableColumn};
use serde_json::{Value, json};

use crate::review::{Certificate, Opinion, OpinionState, ProjectView, ReplyKind};

/// The body a project's documents are issued in: the center's top-level site.
pub fn issuing_body(sites: &[onetrip_domain::config::Site]) -> String {
    sites
        .iter()
        .find(|site| site.parent_id.is_none())
        .map(|site| site.name.clone())
        .unwrap_or_else(|| "施工图联合审查".into())
}

/// The template the certificate prints with.
pub const CERTIFICATE_TEMPLATE: &str = "review-certificate";

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// `2026-12-01` → `2026年12月1日`.
fn chinese_date(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!(
            "{y}年{}月{}日",
            m.trim_start_matches('0'),
            d.trim_start_matches('0')
        ),
        _ => iso.to_owned(),
    }
}

fn round_name(number: u32) -> String {
    if number == 1 {
        "第 1 轮（送审）".into()
    } else {
        format!("第 {number} 轮（复审）")
    }
}

fn state_name(state: OpinionState) -> &'static str {
    match state {
        OpinionState::Draft => "草稿",
        OpinionState::Open => "待回复",
        OpinionState::Replied => "已回复",
        OpinionState::Closed => "已关闭",
    }
}

fn reply_text(opinion: &Opinion) -> Option<String> {
    let reply = opinion.reply.as_ref()?;
    let kind = match &reply.reply {
        ReplyKind::Changed { sheets } if sheets.is_empty() => "已修改".to_owned(),
        ReplyKind::Changed { sheets } => format!("已修改（{}）", sheets.join("、")),
        ReplyKind::Explained => "说明".into(),
        ReplyKind::Disagree => "不同意".into(),
    };
    Some(if reply.text.trim().is_empty() {
        format!("回复：{kind}")
    } else {
        format!("回复：{kind}。{}", reply.text.trim())
    })
}

/// The opinions a round's letter lists: every released one on the round, and those raised in
/// it that were carried on, by specialty, then sheet, then id.
fn letter_opinions(view: &ProjectView, round: u32) -> Vec<&Opinion> {
    let Some(round_id) = view
        .rounds
        .iter()
        .find(|r| r.round.number == round)
        .map(|r| r.round.id)
    else {
        return Vec::new();
    };
    let raised = format!("-R{round}-");
    let mut opinions: Vec<&Opinion> = view
        .opinions
        .iter()
        .filter(|o| o.state != OpinionState::Draft)
        .filter(|o| o.round_id == round_id || o.code.contains(&raised))
        .collect();
    opinions.sort_by(|a, b| {
        (a.specialty, &a.sheet_number, a.code.len(), &a.code).cmp(&(
            b.specialty,
            &b.sheet_number,
            b.code.len(),
            &b.code,
        ))
    });
    opinions
}

/// The consolidated opinion letter of round `round`, or why there is none.
pub fn opinion_letter(view: &ProjectView, round: u32, issuer: &str) -> Result<Report, String> {
    let Some(round_view) = view.rounds.iter().find(|r| r.round.number == round) else {
        return Err(format!("没有第 {round} 轮 / there is no round {round}"));
    };
    let opinions = letter_opinions(view, round);
    let released_on = opinions
        .iter()
        .filter_map(|o| o.released_at_ms)
        .max()
        .map(onetrip_print::signing::center_date);
    let Some(released_on) = released_on else {
        return Err(format!(
            "第 {round} 轮的审查意见尚未发出 / round {round}'s opinions are not released yet"
        ));
    };
    let project = &view.project;
    let mut facts = vec![
        ("项目名称".to_owned(), project.name.clone()),
        ("项目代码".to_owned(), project.code.clone()),
        ("建设单位".to_owned(), project.builder.clone()),
        ("设计单位".to_owned(), project.designer.clone()),
        (
            "工程地点".to_owned(),
            format!("{}，{}", project.town, project.kind.name(Lang::ZhCn)),
        ),
        (
            "建筑面积".to_owned(),
            format!("{} 平方米", project.floor_area_m2),
        ),
    ];
    if let Some(accepted) = &round_view.round.accepted_on {
        facts.push(("受理日期".into(), chinese_date(accepted)));
    }
    let must = opinions
        .iter()
        .filter(|o| o.severity == Severity::MustChange)
        .count();
    facts.push((
        "意见汇总".into(),
        format!("共 {} 条，其中必须修改 {must} 条", opinions.len()),
    ));
    let columns = vec![
        TableColumn::new("意见编号", 1.25).centred(),
        TableColumn::new("图号", 1.05).centred(),
        TableColumn::new("审查意见", 4.2),
        TableColumn::new("依据条文", 2.0),
        TableColumn::new("类别", 1.25).centred(),
    ];
    let mut sections = Vec::new();
    for (index, specialty) in project.specialties.iter().enumerate() {
        let reviewer = view
            .tasks
            .iter()
            .filter(|t| t.round_id == round_view.round.id && t.specialty == *specialty)
            .find_map(|t| t.reviewer_name.clone());
        let numeral = NUMERALS.get(index).copied().unwrap_or("十");
        let heading = match &reviewer {
            Some(name) => format!("{numeral}、{}专业（审查人：{name}）", specialty.name_zh()),
            None => format!("{numeral}、{}专业", specialty.name_zh()),
        };
        let rows: Vec<Vec<String>> = opinions
            .iter()
            .filter(|o| o.specialty == *specialty)
            .map(|o| {
                let mut text = o.text.trim().to_owned();
                if let Some(superseded) = &o.superseded {
                    text.push_str(&format!("（注：所引版本已被 {} 替代）", superseded.instead));
                }
                if let Some(reply) = reply_text(o) {
                    text.push('\n');
                    text.push_str(&reply);
                }
                let severity = match o.severity {
                    Severity::MustChange => "必须修改",
                    Severity::Advice => "建议修改",
                };
                vec![
                    o.code.clone(),
                    o.sheet_number.clone(),
                    text,
                    o.clause.clone().unwrap_or_else(|| "—".into()),
                    format!(
                        "{}\n{severity}\n{}",
                        o.kind.name(Lang::ZhCn),
                        state_name(o.state)
                    ),
                ]
            })
            .collect();
        sections.push(if rows.is_empty() {
            Section {
                heading,
                intro: Some("本专业本轮无审查意见。".into()),
                table: None,
            }
        } else {
            Section {
                heading,
                intro: None,
                table: Some(Table {
                    columns: columns.clone(),
                    rows,
                }),
            }
        });
    }
    Ok(Report {
        title: "施工图审查意见书".into(),
        subtitle: Some(round_name(round)),
        number: Some(format!("编号：{}-R{round}", project.code)),
        facts,
        sections,
        closing: vec![
            "请建设单位组织设计单位对上述意见逐条回复（已修改的注明修改的图号），修改后在网上申报平台重新送审。必须修改的意见未全部闭合前，不予出具施工图审查合格书。".into(),
            "意见编号在各轮审查中保持不变，回复及修改时请注明。".into(),
        ],
        signature: vec![issuer.to_owned(), chinese_date(&released_on)],
        footer: format!("{} 施工图审查意见书 {}", project.name, round_name(round)),
    })
}

/// The record the certificate template prints.
pub fn certificate_record(view: &ProjectView, certificate: &Certificate) -> Value {
    let project = &view.project;
    let reviewers: Vec<Value> = certificate
        .reviewers
        .iter()
        .map(|r| json!({"specialty": r.specialty.name_zh(), "reviewer": r.reviewer}))
        .collect();
    json!({
        "number": certificate.number,
        "project": certificate.holder,
        "code": project.code,
        "builder": project.builder,
        "designer": project.designer,
        "location": project.town,
        "kind": project.kind.name(Lang::ZhCn),
        "floor_area": format!("{} 平方米", project.floor_area_m2),
        "round": round_name(certificate.round),
        "reviewers": reviewers,
        "issuer": certificate.issuer,
        "issued_on": certificate.issued_on,
        "qr": certificate.payload,
    })
}

/// Which of a project's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDocument {
    /// 审查意见书 of a round.
    Letter,
    /// 审查合格书.
    Certificate,
}

/// A document ready to render: a flowing report, or a record of a print template.
#[derive(Debug, Clone)]
pub enum Composed {
    Report(Report),
    Form {
        template: &'static str,
        record: Value,
    },
}

/// A composed document and the name its file goes by.
#[derive(Debug, Clone)]
pub struct DocumentFile {
    /// Without the extension: `2026-331083-47-01-000123-审查意见书-第1轮`.
    pub title: String,
    pub composed: Composed,
}

impl DocumentFile {
    pub fn render(
        &self,
        fonts: &onetrip_print::FontSet,
    ) -> Result<Vec<u8>, onetrip_print::PrintError> {
        match &self.composed {
            Composed::Report(report) => onetrip_print::report::render_report(fonts, report),
            Composed::Form { template, record } => onetrip_print::render(
                fonts,
                &onetrip_print::find_template(template)?,
                std::slice::from_ref(record),
                &onetrip_print::RenderOptions::default(),
                &mut |_| {},
            ),
        }
    }
}

fn unavailable(lang: Lang, reason: &str, zh: String, en: String) -> crate::error::ApiError {
    crate::error::ApiError::new(crate::error::ErrorCode::NotFound, lang.pick(zh, en))
        .with_reason(reason)
}

/// The document `which` of the project as `view` shows it: round `round`'s letter (the latest
/// round with released opinions when none is given), or the certificate; or why there is none.
pub fn compose(
    view: &ProjectView,
    which: ReviewDocument,
    round: Option<u32>,
    issuer: &str,
    lang: Lang,
) -> Result<DocumentFile, crate::error::ApiError> {
    let code = &view.project.code;
    match which {
        ReviewDocument::Letter => {
            let round = round.or_else(|| {
                view.opinions
                    .iter()
                    .filter(|o| o.released_at_ms.is_some())
                    .filter_map(|o| view.rounds.iter().find(|r| r.round.id == o.round_id))
                    .map(|r| r.round.number)
                    .max()
            });
            let Some(round) = round else {
                return Err(unavailable(
                    lang,
                    "letter_unavailable",
                    "审查意见尚未发出，还没有审查意见书".into(),
                    "No opinions are released yet, so there is no opinion letter".into(),
                ));
            };
            let report = opinion_letter(view, round, issuer).map_err(|message| {
                let (zh, en) = message.split_once(" / ").unwrap_or((&message, &message));
                unavailable(lang, "letter_unavailable", zh.to_owned(), en.to_owned())
            })?;
            Ok(DocumentFile {
                title: format!("{code}-审查意见书-第{round}轮"),
                composed: Composed::Report(report),
            })
        }
        ReviewDocument::Certificate => {
            let Some(certificate) = &view.certificate else {
                return Err(unavailable(
                    lang,
                    "certificate_unavailable",
                    "该项目尚未签发审查合格书".into(),
                    "The project's certificate has not been issued".into(),
                ));
            };
            if certificate.revoked.is_some() {
                return Err(crate::error::ApiError::new(
                    crate::error::ErrorCode::Invalid,
                    lang.pick(
                        format!("合格书 {} 已撤销，项目正在重新审查", certificate.number),
                        format!(
                            "Certificate {} was revoked: the project is under review again",
                            certificate.number
                        ),
                    ),
                )
                .with_reason("certificate_revoked"));
            }
            Ok(DocumentFile {
                title: format!("{code}-审查合格书"),
                composed: Composed::Form {
                    template: CERTIFICATE_TEMPLATE,
                    record: certificate_record(view, certificate),
                },
            })
        }
    }
}

/// The marked-up forms of a drawing file.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    ts_rs::TS,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ExportForm {
    /// The markups drawn onto a copy of the sheets.
    Flattened,
    /// A copy with real PDF annotations, each named by its opinion id.
    Annotated,
    /// The annotations as XFDF, for other PDF tools to import onto the original.
    Xfdf,
}

/// A specialty's layer colour, as the viewer draws it (`SheetViewer.vue`'s palette).
pub fn layer_color(specialty: onetrip_domain::review::Specialty) -> [f32; 3] {
    use onetrip_domain::review::Specialty;
    let hex: u32 = match specialty {
        Specialty::Architecture => 0xd4380d,
        Specialty::Structure => 0x0958d9,
        Specialty::Plumbing => 0x08979c,
        Specialty::Hvac => 0x7cb305,
        Specialty::Electrical => 0xd48806,
        Specialty::FireProtection => 0xcf1322,
        Specialty::CivilDefence => 0x531dab,
        Specialty::EnergySaving => 0x389e0d,
    };
    let channel = |shift: u32| ((hex >> shift) & 0xff) as f32 / 255.0;
    [channel(16), channel(8), channel(0)]
}

/// The released opinions' markups on the pages of file `file_id`, page by page.
pub fn file_marks(view: &ProjectView, file_id: uuid::Uuid) -> Vec<onetrip_export::SheetMarks> {
    use crate::review::MarkupShape;
    use onetrip_export::{Mark, MarkedOpinion, Shape, SheetMarks};
    let sheets = view
        .rounds
        .iter()
        .flat_map(|r| r.sheets.iter())
        .filter(|s| s.file_id == file_id);
    let mut marks = Vec::new();
    for sheet in sheets {
        let Some(number) = &sheet.number else {
            continue;
        };
        let opinions: Vec<MarkedOpinion> = view
            .opinions
            .iter()
            .filter(|o| o.state != OpinionState::Draft && o.round_id == sheet.round_id)
            .filter(|o| &o.sheet_number == number && !o.markups.is_empty())
            .map(|o| MarkedOpinion {
                id: o.code.clone(),
                text: o.text.clone(),
                author: o.author_name.clone(),
                color: layer_color(o.specialty),
                markups: o
                    .markups
                    .iter()
                    .map(|m| Mark {
                        shape: match m.shape {
                            MarkupShape::Cloud => Shape::Cloud,
                            MarkupShape::Rectangle => Shape::Rectangle,
                            MarkupShape::Arrow => Shape::Arrow,
                            MarkupShape::Text => Shape::Text,
                        },
                        rect: m.rect.map(|v| v as f32 / 10.0),
                        text: m.text.clone(),
                    })
                    .collect(),
            })
            .collect();
        if !opinions.is_empty() {
            marks.push(SheetMarks {
                page: sheet.page as usize,
                opinions,
            });
        }
    }
    marks.sort_by_key(|m| m.page);
    marks
}

/// A drawing file exported with its markups: the file name, its bytes and their media type.
pub struct ExportedFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// Exports file `file_id` of the project (its original bytes in `original`) in `form`.
pub fn export_file(
    view: &ProjectView,
    file_id: uuid::Uuid,
    original: &[u8],
    form: ExportForm,
) -> Result<ExportedFile, onetrip_export::ExportError> {
    let name = view
        .rounds
        .iter()
        .flat_map(|r| r.files.iter())
        .find(|f| f.id == file_id)
        .map(|f| {
            f.name
                .trim_end_matches(".pdf")
                .trim_end_matches(".PDF")
                .to_owned()
        })
        .unwrap_or_else(|| "drawings".into());
    let marks = file_marks(view, file_id);
    Ok(match form {
        ExportForm::Flattened => ExportedFile {
            name: format!("{name}-审查标注.pdf"),
            bytes: onetrip_export::flattened(original, &marks)?,
            content_type: "application/pdf",
        },
        ExportForm::Annotated => ExportedFile {
            name: format!("{name}-审查批注.pdf"),
            bytes: onetrip_export::annotated(original, &marks)?,
            content_type: "application/pdf",
        },
        ExportForm::Xfdf => ExportedFile {
            name: format!("{name}-审查批注.xfdf"),
            bytes: onetrip_export::xfdf(&format!("{name}.pdf"), &marks)?.into_bytes(),
            content_type: "application/vnd.adobe.xfdf",
        },
    })
}
