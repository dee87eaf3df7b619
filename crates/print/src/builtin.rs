//! The built-in templates, laid out after the paper forms of a county service center, and a
//! sample record for each (used by previews, tests and the benchmark).
//!
//! Sizes follow Chinese document conventions: 二号 22 pt for titles, 三号 16 pt for the
//! issuing body, 小四 12 pt and 五号 10.5 pt for the body.

use serde_json::{Value, json};

use crate::PrintError;
use crate::signing::{Claim, IssuerKey};
use crate::template::{
    Align, Color, Column, Field, FieldKind, Fit, PageSize, Static, Template, TextStyle,
};

const PT_MM: f32 = 25.4 / 72.0;

fn text(x: f32, y: f32, w: f32, text: &str, style: TextStyle) -> Static {
    Static::Text {
        x,
        y,
        w,
        text: text.into(),
        style,
    }
}

fn style(size: f32) -> TextStyle {
    TextStyle::new(size)
}

fn centered(size: f32) -> TextStyle {
    TextStyle {
        align: Align::Center,
        ..TextStyle::new(size)
    }
}

fn title(size: f32, spacing: f32) -> TextStyle {
    TextStyle {
        align: Align::Center,
        bold: true,
        spacing,
        ..TextStyle::new(size)
    }
}

fn line(x1: f32, y1: f32, x2: f32, y2: f32, width: f32) -> Static {
    Static::Line {
        x1,
        y1,
        x2,
        y2,
        width,
        dash: None,
        color: Color::BLACK,
    }
}

fn dashed(x1: f32, y: f32, x2: f32, dash: f32) -> Static {
    Static::Line {
        x1,
        y1: y,
        x2,
        y2: y,
        width: 0.25,
        dash: Some(dash),
        color: Color::BLACK,
    }
}

fn paragraph(x: f32, y: f32, w: f32, line_height: f32, body: &str, style: TextStyle) -> Static {
    Static::Paragraph {
        x,
        y,
        w,
        line_height,
        text: body.into(),
        style,
        indent: 0.0,
    }
}

/// A ruled form table: labels on the left, values on the right.
struct FormTable {
    x: f32,
    w: f32,
    label_w: f32,
    top: f32,
    y: f32,
    label_size: f32,
    statics: Vec<Static>,
}

/// The value cell of a form table row.
#[derive(Clone, Copy)]
struct Cell {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

impl Cell {
    /// Top of a single line of `size` points centred vertically in the cell.
    fn line_top(&self, size: f32) -> f32 {
        self.y + (self.h - size * PT_MM) / 2.0
    }

    /// A one-line field centred in the cell, 3 mm from its left edge.
    fn field(&self, key: &str, label: &str, size: f32) -> Field {
        Field::text(
            key,
            label,
            self.x + 3.0,
            self.line_top(size),
            self.w - 6.0,
            size,
        )
    }

    /// A field of up to `lines` lines, centred vertically as a block.
    fn wrapped(&self, key: &str, label: &str, size: f32, lines: usize, line_height: f32) -> Field {
        let block = line_height * (lines as f32 - 1.0) + size * PT_MM;
        let top = self.y + ((self.h - block) / 2.0).max(1.5);
        Field::text(key, label, self.x + 3.0, top, self.w - 6.0, size)
            .wrap(line_height, lines)
            .middle()
    }
}

impl FormTable {
    fn new(x: f32, y: f32, w: f32, label_w: f32, label_size: f32) -> Self {
        Self {
            x,
            w,
            label_w,
            top: y,
            y,
            label_size,
            statics: Vec::new(),
        }
    }

    /// Adds a row; returns its value cell.
    fn row(&mut self, label: &str, h: f32) -> Cell {
        let label_style = TextStyle {
            align: Align::Center,
            ..TextStyle::new(self.label_size)
        };
        let lines: Vec<&str> = label.split('\n').collect();
        let line_h = self.label_size * PT_MM * 1.35;
        let block = line_h * (lines.len() as f32 - 1.0) + self.label_size * PT_MM;
        let mut ly = self.y + (h - block) / 2.0;
        for part in lines {
            self.statics.push(text(
                self.x + 1.0,
                ly,
                self.label_w - 2.0,
                part,
                label_style,
            ));
            ly += line_h;
        }
        let cell = Cell {
            x: self.x + self.label_w,
            y: self.y,
            w: self.w - self.label_w,
            h,
        };
        self.y += h;
        self.statics
            .push(line(self.x, self.y, self.x + self.w, self.y, 0.3));
        cell
    }

    /// Closes the table: frame and the divider between labels and values.
    fn finish(mut self) -> (Vec<Static>, f32) {
        self.statics.push(line(
            self.x + self.label_w,
            self.top,
            self.x + self.label_w,
            self.y,
            0.3,
        ));
        self.statics.push(Static::Rect {
            x: self.x,
            y: self.top,
            w: self.w,
            h: self.y - self.top,
            width: 0.6,
            fill: None,
            color: Color::BLACK,
        });
        (self.statics, self.y)
    }
}

/// 80 mm thermal ticket slip (排队号票).
fn ticket_slip() -> Template {
    let w = 80.0;
    let statics = vec![
        text(4.0, 13.0, 72.0, "排 队 号 票", centered(9.0)),
        dashed(4.0, 19.5, 76.0, 1.0),
        dashed(4.0, 58.0, 76.0, 1.0),
        text(4.0, 100.5, 72.0, "扫码查看排队进度", centered(7.5)),
        text(
            4.0,
            106.0,
            72.0,
            "请留意大屏及语音叫号，过号请重新取号",
            centered(7.5),
        ),
        text(
            4.0,
            110.5,
            72.0,
            "本号票当日有效 · 最多跑一次",
            centered(7.5),
        ),
    ];
    let fields = vec![
        Field::text("site", "服务中心", 4.0, 5.0, 72.0, 12.0)
            .align(Align::Center)
            .bold(),
        Field::text("service", "业务类别", 4.0, 23.0, 72.0, 11.0).align(Align::Center),
        Field::text("number", "号码", 4.0, 31.0, 72.0, 40.0)
            .align(Align::Center)
            .bold(),
        Field::text("waiting", "前面等候人数", 4.0, 50.0, 72.0, 10.0)
            .align(Align::Center)
            .format("您前面还有 {waiting} 人等候"),
        Field::text("issued_at", "取号时间", 5.0, 61.0, 70.0, 8.5).format("取号时间：{issued_at}"),
        Field::text("windows", "办理窗口", 5.0, 66.0, 70.0, 8.5)
            .format("办理窗口：{windows}")
            .optional(),
        Field::text("source", "取号方式", 5.0, 71.0, 70.0, 8.5)
            .format("取号方式：{source}")
            .optional(),
        Field {
            kind: FieldKind::Qr { size: 24.0 },
            ..Field::text("progress_url", "进度查询二维码", 28.0, 76.0, 24.0, 8.0)
        },
    ];
    Template {
        name: "ticket-slip".into(),
        title: "排队号票".into(),
        description: "80 mm thermal ticket slip from the kiosk or the window".into(),
        page: PageSize {
            width: w,
            height: 116.0,
        },
        statics,
        fields,
    }
}

/// 受理回执: acceptance receipt.
fn acceptance_receipt() -> Template {
    let mut statics = vec![text(25.0, 33.0, 160.0, "受 理 回 执", title(22.0, 4.0))];
    let mut fields = vec![
        Field::text("center", "受理单位", 25.0, 22.0, 160.0, 16.0).align(Align::Center),
        Field::text("number", "回执编号", 25.0, 47.0, 160.0, 10.5)
            .align(Align::Right)
            .format("编号：{number}"),
    ];
    let mut table = FormTable::new(25.0, 54.0, 160.0, 36.0, 12.0);
    for (key, label) in [
        ("applicant", "申请人"),
        ("id_number", "证件号码"),
        ("phone", "联系电话"),
        ("matter", "申请事项"),
        ("accepted_at", "受理时间"),
        ("promised", "承诺办结时限"),
    ] {
        let cell = table.row(label, 11.0);
        let field = cell.field(key, label, 12.0);
        // Not every applicant leaves a telephone number.
        fields.push(if key == "phone" {
            field.optional()
        } else {
            field
        });
    }
    let materials = table.row("已收材料", 54.0);
    fields.push(Field {
        kind: FieldKind::Table {
            columns: vec![
                Column {
                    key: "#".into(),
                    label: "序号".into(),
                    x: 0.0,
                    w: 8.0,
                    align: Align::Right,
                    required: false,
                },
                Column {
                    key: "name".into(),
                    label: "材料名称".into(),
                    x: 10.0,
                    w: 86.0,
                    align: Align::Left,
                    required: true,
                },
                Column {
                    key: "form".into(),
                    label: "形式及份数".into(),
                    x: 98.0,
                    w: 24.0,
                    align: Align::Left,
                    required: false,
                },
            ],
            row_height: 6.2,
            max_rows: 8,
        },
        fit: Fit::Shrink { min_size: 7.0 },
        ..Field::text(
            "materials",
            "已收材料",
            materials.x + 1.0,
            materials.y + 2.5,
            122.0,
            10.5,
        )
    });
    let window = table.row("办理窗口", 11.0);
    fields.push(window.field("window", "办理窗口", 12.0));
    let clerk = table.row("受理人", 11.0);
    fields.push(clerk.field("clerk", "受理人", 12.0));
    let inquiry = table.row("进度查询", 15.0);
    fields.push(
        inquiry
            .wrapped("inquiry", "进度查询", 10.5, 2, 5.5)
            .optional(),
    );
    let (table_statics, bottom) = table.finish();
    statics.extend(table_statics);
    statics.push(paragraph(
        25.0,
        bottom + 6.0,
        160.0,
        6.0,
        "注：1. 本回执是申请事项已受理的凭证，请妥善保管。\n\u{3000}\u{3000}2. 办结后可凭本回执领取办理结果，也可选择免费邮寄送达，无需再次到窗口。\n\u{3000}\u{3000}3. 对办理过程有意见或建议，请拨打 12345 政务服务便民热线。",
        style(10.5),
    ));
    statics.push(text(
        115.0,
        bottom + 34.0,
        70.0,
        "受理单位（盖章）",
        centered(12.0),
    ));
    fields.push(
        Field::text(
            "accepted_date",
            "受理日期",
            115.0,
            bottom + 43.0,
            70.0,
            12.0,
        )
        .align(Align::Center)
        .format("{accepted_date:date}"),
    );
    Template {
        name: "acceptance-receipt".into(),
        title: "受理回执".into(),
        description: "Acceptance receipt given to the applicant when a matter is accepted".into(),
        page: PageSize::A4,
        statics,
        fields,
    }
}

/// 一次性告知书: one-time notice listing every missing material.
fn one_time_notice() -> Template {
    let mut statics = vec![text(25.0, 33.0, 160.0, "一次性告知书", title(22.0, 3.0))];
    let mut fields = vec![
        Field::text("center", "告知单位", 25.0, 22.0, 160.0, 16.0).align(Align::Center),
        Field::text("number", "告知书编号", 25.0, 47.0, 160.0, 10.5)
            .align(Align::Right)
            .format("编号：{number}"),
        Field::text("applicant", "申请人", 25.0, 56.0, 160.0, 12.0).format("{applicant}："),
        Field::text("matter", "申请事项", 25.0, 64.0, 160.0, 12.0)
            .wrap(7.0, 4)
            .format("\u{3000}\u{3000}您（单位）于{submitted_date:date}申请办理的“{matter}”事项，经审查，申请材料不齐全或者不符合法定形式。依据《中华人民共和国行政许可法》第三十二条的规定，现将需要补正的全部材料一次性告知如下："),
    ];
    // The list of missing materials: header and ten ruled rows.
    let (x, top, w) = (25.0, 96.0, 160.0);
    let header_h = 9.0;
    let row_h = 9.0;
    let rows = 10;
    let columns = [
        (0.0, 14.0, "序号"),
        (14.0, 72.0, "需补正的材料"),
        (86.0, 74.0, "补正要求"),
    ];
    statics.push(Static::Rect {
        x,
        y: top,
        w,
        h: header_h,
        width: 0.0,
        fill: Some(Color(0.92, 0.92, 0.92)),
        color: Color::BLACK,
    });
    for (cx, cw, label) in columns {
        statics.push(text(
            x + cx,
            top + (header_h - 11.0 * PT_MM) / 2.0,
            cw,
            label,
            TextStyle {
                bold: true,
                ..centered(11.0)
            },
        ));
        if cx > 0.0 {
            statics.push(line(
                x + cx,
                top,
                x + cx,
                top + header_h + row_h * rows as f32,
                0.3,
            ));
        }
    }
    for row in 0..=rows {
        let y = top + header_h + row_h * row as f32;
        statics.push(line(x, y, x + w, y, 0.3));
    }
    let bottom = top + header_h + row_h * rows as f32;
    statics.push(Static::Rect {
        x,
        y: top,
        w,
        h: bottom - top,
        width: 0.6,
        fill: None,
        color: Color::BLACK,
    });
    fields.push(Field {
        kind: FieldKind::Table {
            columns: vec![
                Column {
                    key: "#".into(),
                    label: "序号".into(),
                    x: 0.0,
                    w: 14.0,
                    align: Align::Center,
                    required: false,
                },
                Column {
                    key: "name".into(),
                    label: "需补正的材料".into(),
                    x: 16.0,
                    w: 68.0,
                    align: Align::Left,
                    required: true,
                },
                Column {
                    key: "requirement".into(),
                    label: "补正要求".into(),
                    x: 88.0,
                    w: 70.0,
                    align: Align::Left,
                    required: false,
                },
            ],
            row_height: row_h,
            max_rows: rows,
        },
        fit: Fit::Shrink { min_size: 7.0 },
        ..Field::text(
            "missing",
            "需补正的材料",
            x,
            top + header_h + (row_h - 10.5 * PT_MM) / 2.0,
            w,
            10.5,
        )
    });
    statics.push(paragraph(
        25.0,
        bottom + 6.0,
        160.0,
        6.5,
        "\u{3000}\u{3000}请按上述要求一次补齐全部材料。补齐后可通过“浙里办”网上提交或邮寄，无需再到窗口。本告知书一式两份，申请人与受理窗口各执一份。",
        style(12.0),
    ));
    fields.push(
        Field::text("window", "告知窗口", 25.0, bottom + 24.0, 75.0, 12.0)
            .format("告知窗口：{window}"),
    );
    fields.push(
        Field::text("clerk", "经办人", 25.0, bottom + 32.0, 75.0, 12.0).format("经 办 人：{clerk}"),
    );
    fields.push(
        Field::text("phone", "咨询电话", 25.0, bottom + 40.0, 75.0, 12.0)
            .format("咨询电话：{phone}")
            .optional(),
    );
    statics.push(text(
        115.0,
        bottom + 28.0,
        70.0,
        "告知单位（盖章）",
        centered(12.0),
    ));
    fields.push(
        Field::text("notice_date", "告知日期", 115.0, bottom + 38.0, 70.0, 12.0)
            .align(Align::Center)
            .format("{notice_date:date}"),
    );
    statics.push(dashed(20.0, bottom + 52.0, 190.0, 1.5));
    statics.push(text(
        25.0,
        bottom + 57.0,
        160.0,
        "申请人签收：\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}签收日期：\u{3000}\u{3000}\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日",
        style(12.0),
    ));
    Template {
        name: "one-time-notice".into(),
        title: "一次性告知书".into(),
        description: "One-time notice listing every missing material at once".into(),
        page: PageSize::A4,
        statics,
        fields,
    }
}

/// 城镇污水排入排水管网许可证: the drainage permit.
fn drainage_permit() -> Template {
    let frame = Color(0.55, 0.08, 0.08);
    let mut statics = vec![
        Static::Rect {
            x: 10.0,
            y: 10.0,
            w: 190.0,
            h: 277.0,
            width: 1.4,
            fill: None,
            color: frame,
        },
        Static::Rect {
            x: 12.5,
            y: 12.5,
            w: 185.0,
            h: 272.0,
            width: 0.35,
            fill: None,
            color: frame,
        },
        text(
            20.0,
            24.0,
            170.0,
            "城镇污水排入排水管网许可证",
            title(24.0, 1.5),
        ),
    ];
    let mut fields = vec![
        Field::text("number", "许可证编号", 25.0, 40.0, 160.0, 11.0)
            .align(Align::Right)
            .format("编号：{number}"),
    ];
    let mut table = FormTable::new(25.0, 47.0, 160.0, 40.0, 12.0);
    for (key, label, h, lines) in [
        ("holder", "排水户名称", 12.0, 1),
        ("credit_code", "统一社会信用代码", 12.0, 1),
        ("legal_rep", "法定代表人", 12.0, 1),
        ("address", "详细地址", 15.0, 2),
        ("category", "排水户类型", 12.0, 1),
        ("outfalls", "排水口数量\n及位置", 15.0, 2),
        ("volume", "排水量", 12.0, 1),
        ("pollutants", "主要污染物\n项目及浓度", 15.0, 2),
    ] {
        let cell = table.row(label, h);
        let plain = label.replace('\n', "");
        fields.push(if lines > 1 {
            cell.wrapped(key, &plain, 12.0, lines, 6.0)
        } else {
            cell.field(key, &plain, 12.0)
        });
    }
    let validity = table.row("许可期限", 12.0);
    fields.push(
        validity
            .field("valid_until", "许可期限", 12.0)
            .format("自 {valid_from:date} 至 {valid_until:date}"),
    );
    let issuer = table.row("发证机关", 12.0);
    fields.push(issuer.field("issuer", "发证机关", 12.0));
    let (table_statics, bottom) = table.finish();
    statics.extend(table_statics);
    statics.push(Static::Paragraph {
        x: 25.0,
        y: bottom + 6.0,
        w: 160.0,
        line_height: 7.0,
        text: "经审查，准予该排水户按照本许可证载明的排水口、排水量、主要污染物项目及浓度等要求，将污水排入城镇排水管网。".into(),
        style: style(12.0),
        indent: 2.0,
    });
    let qr_top = bottom + 24.0;
    fields.push(Field {
        kind: FieldKind::Qr { size: 38.0 },
        ..Field::text("qr", "核验二维码", 27.0, qr_top, 38.0, 8.0)
    });
    statics.push(text(
        27.0,
        qr_top + 38.5,
        38.0,
        "扫码核验真伪",
        centered(9.0),
    ));
    statics.push(text(
        110.0,
        qr_top + 10.0,
        75.0,
        "发证机关（盖章）",
        centered(14.0),
    ));
    fields.push(
        Field::text("issue_date", "发证日期", 110.0, qr_top + 22.0, 75.0, 14.0)
            .align(Align::Center)
            .format("{issue_date:date}"),
    );
    let notes_top = qr_top + 46.0;
    statics.push(line(20.0, notes_top - 2.0, 190.0, notes_top - 2.0, 0.25));
    statics.push(text(
        25.0,
        notes_top,
        160.0,
        "注意事项",
        TextStyle {
            bold: true,
            ..style(9.0)
        },
    ));
    statics.push(paragraph(
        25.0,
        notes_top + 5.0,
        160.0,
        4.6,
        "1. 本证应妥善保管，不得涂改、出租、出借或者以其他形式转让。\n2. 排水户名称、法定代表人等变更的，应当申请变更；排水口、排水量、主要污染物项目或者浓度等发生变化的，应当重新申请领取许可证。\n3. 许可证有效期满需继续排放污水的，应当在有效期届满 30 日前向发证机关提出延续申请。\n4. 依据《城镇污水排入排水管网许可管理办法》（住房和城乡建设部令第21号）核发。",
        style(9.0),
    ));
    Template {
        name: "drainage-permit".into(),
        title: "城镇污水排入排水管网许可证".into(),
        description:
            "Drainage permit with a signed QR code, full page or overlay on the official form"
                .into(),
        page: PageSize::A4,
        statics,
        fields,
    }
}

/// 送达路单: the delivery run sheet.
fn delivery_run_sheet() -> Template {
    let page = PageSize::A4_LANDSCAPE;
    let (x, top, w) = (15.0, 33.0, 267.0);
    let header_h = 9.0;
    let row_h = 10.0;
    let rows = 13;
    let columns: [(&str, &str, f32, Align); 8] = [
        ("#", "序号", 12.0, Align::Center),
        ("permit_no", "许可证编号", 50.0, Align::Left),
        ("holder", "排水户名称", 52.0, Align::Left),
        ("address", "送达地址", 64.0, Align::Left),
        ("contact", "联系人及电话", 35.0, Align::Left),
        ("", "签收人", 20.0, Align::Center),
        ("", "关系", 17.0, Align::Center),
        ("", "签收时间", 17.0, Align::Center),
    ];
    let mut statics = vec![text(x, 12.0, w, "排水许可证送达路单", title(20.0, 2.0))];
    statics.push(Static::Rect {
        x,
        y: top,
        w,
        h: header_h,
        width: 0.0,
        fill: Some(Color(0.92, 0.92, 0.92)),
        color: Color::BLACK,
    });
    let mut table_columns = Vec::new();
    let mut cx = 0.0;
    for (key, label, cw, align) in columns {
        let head = TextStyle {
            bold: true,
            ..centered(10.5)
        };
        let size = head.size;
        statics.push(text(
            x + cx,
            top + (header_h - size * PT_MM) / 2.0,
            cw,
            label,
            head,
        ));
        if cx > 0.0 {
            statics.push(line(
                x + cx,
                top,
                x + cx,
                top + header_h + row_h * rows as f32,
                0.3,
            ));
        }
        if !key.is_empty() {
            table_columns.push(Column {
                key: key.into(),
                label: label.into(),
                x: cx + 1.5,
                w: cw - 3.0,
                align,
                required: key == "permit_no" || key == "holder" || key == "address",
            });
        }
        cx += cw;
    }
    for row in 0..=rows {
        let y = top + header_h + row_h * row as f32;
        statics.push(line(x, y, x + w, y, 0.3));
    }
    let bottom = top + header_h + row_h * rows as f32;
    statics.push(Static::Rect {
        x,
        y: top,
        w,
        h: bottom - top,
        width: 0.6,
        fill: None,
        color: Color::BLACK,
    });
    statics.push(text(150.0, bottom + 6.0, 60.0, "送达人签名：", style(11.0)));
    statics.push(text(220.0, bottom + 6.0, 60.0, "复核人签名：", style(11.0)));
    statics.push(text(
        x,
        bottom + 14.0,
        w,
        "说明：签收人应为排水户负责人或其委托的人员，并在“关系”栏注明与受送达人的关系；无法送达的，在签收人栏注明原因，路单随证件带回。",
        style(9.0),
    ));
    let fields = vec![
        Field::text("run_no", "路单编号", x, 24.0, 80.0, 11.0).format("路单编号：{run_no}"),
        Field::text("area", "送达区域", 95.0, 24.0, 75.0, 11.0).format("送达区域：{area}"),
        Field::text("courier", "送达人", 175.0, 24.0, 50.0, 11.0).format("送达人：{courier}"),
        Field::text("run_date", "送达日期", 222.0, 24.0, 60.0, 11.0)
            .align(Align::Right)
            .format("日期：{run_date:date}"),
        Field {
            kind: FieldKind::Table {
                columns: table_columns,
                row_height: row_h,
                max_rows: rows,
            },
            fit: Fit::Shrink { min_size: 6.5 },
            ..Field::text(
                "deliveries",
                "送达清单",
                x,
                top + header_h + (row_h - 9.5 * PT_MM) / 2.0,
                w,
                9.5,
            )
        },
        Field::text("total", "件数", x, bottom + 6.0, 100.0, 11.0)
            .format("本单共 {total} 件")
            .optional(),
    ];
    Template {
        name: "delivery-run-sheet".into(),
        title: "排水许可证送达路单".into(),
        description: "Run sheet for a delivery round: one row per permit, signed on delivery"
            .into(),
        page,
        statics,
        fields,
    }
}

/// 送达回证: the delivery receipt.
fn delivery_receipt() -> Template {
    let mut statics = vec![text(25.0, 33.0, 160.0, "送 达 回 证", title(22.0, 4.0))];
    let mut fields = vec![
        Field::text("authority", "送达机关", 25.0, 22.0, 160.0, 16.0).align(Align::Center),
        Field::text("number", "回证编号", 25.0, 47.0, 160.0, 10.5)
            .align(Align::Right)
            .format("编号：{number}"),
    ];
    let mut table = FormTable::new(25.0, 54.0, 160.0, 42.0, 12.0);
    let document = table.row("送达文书\n名称及文号", 18.0);
    fields.push(document.wrapped("document", "送达文书名称及文号", 12.0, 2, 6.5));
    let recipient = table.row("受送达人", 13.0);
    fields.push(recipient.field("recipient", "受送达人", 12.0));
    let address = table.row("送达地点", 16.0);
    fields.push(address.wrapped("address", "送达地点", 12.0, 2, 6.5));
    let method = table.row("送达方式", 13.0);
    fields.push(method.field("method", "送达方式", 12.0));
    let signature = table.row("收件人签名\n或盖章", 30.0);
    fields.push(
        Field::text(
            "receiver",
            "收件人",
            signature.x + 3.0,
            signature.y + 5.0,
            80.0,
            12.0,
        )
        .optional(),
    );
    statics.push(text(
        signature.x,
        signature.y + signature.h - 8.0,
        signature.w - 6.0,
        "年\u{3000}\u{3000}月\u{3000}\u{3000}日",
        TextStyle {
            align: Align::Right,
            ..style(12.0)
        },
    ));
    let proxy = table.row("代收人及\n代收理由", 16.0);
    fields.push(
        proxy
            .wrapped("proxy", "代收人及代收理由", 12.0, 2, 6.5)
            .optional(),
    );
    let courier = table.row("送达人", 13.0);
    fields.push(courier.field("courier", "送达人", 12.0));
    let when = table.row("送达时间", 13.0);
    fields.push(when.field("delivered_at", "送达时间", 12.0).optional());
    let remark = table.row("备\u{3000}\u{3000}注", 24.0);
    fields.push(remark.wrapped("remark", "备注", 11.0, 3, 6.0).optional());
    let (table_statics, bottom) = table.finish();
    statics.extend(table_statics);
    statics.push(paragraph(
        25.0,
        bottom + 5.0,
        160.0,
        5.5,
        "说明：1. 受送达人本人不在的，可交其同住成年家属或者单位负责收件的人签收，并注明与受送达人的关系。\n\u{3000}\u{3000}\u{3000}2. 受送达人拒绝签收的，送达人应在备注栏注明拒收事由和日期，由送达人、见证人签名或者盖章，将文书留在受送达人住所，即视为送达。",
        style(10.0),
    ));
    statics.push(text(
        115.0,
        bottom + 36.0,
        70.0,
        "送达机关（盖章）",
        centered(12.0),
    ));
    fields.push(
        Field::text("issue_date", "填发日期", 115.0, bottom + 45.0, 70.0, 12.0)
            .align(Align::Center)
            .format("{issue_date:date}"),
    );
    Template {
        name: "delivery-receipt".into(),
        title: "送达回证".into(),
        description: "Delivery receipt signed by the person who received the document".into(),
        page: PageSize::A4,
        statics,
        fields,
    }
}

/// Every built-in template.
pub fn builtin_templates() -> Vec<Template> {
    vec![
        ticket_slip(),
        acceptance_receipt(),
        one_time_notice(),
        drainage_permit(),
        delivery_run_sheet(),
        delivery_receipt(),
    ]
}

/// A built-in template by name.
pub fn find_template(name: &str) -> Result<Template, PrintError> {
    builtin_templates()
        .into_iter()
        .find(|template| template.name == name)
        .ok_or_else(|| PrintError::UnknownTemplate(name.to_owned()))
}

/// The key that signs sample permits. Sample data only: real permits are signed by the
/// central API with the authority's own key.
pub fn sample_issuer_key() -> IssuerKey {
    // A fixed, public, obviously-not-secret value so samples render identically every time.
    IssuerKey::from_secret([0x5a; 32])
}

/// A drainage permit record, numbered `n`, signed with `key`.
pub fn sample_permit(n: usize, key: &IssuerKey) -> Value {
    let shops = [
        (
            "玉环市楚门镇老街面馆",
            "92331083MA2K3L4X1P",
            "陈建国",
            "餐饮（六小行业）",
            "浙江省台州市玉环市楚门镇中山路118号",
        ),
        (
            "玉环市清港镇亮洁洗车行",
            "92331083MA2K5R7Y3T",
            "林晓峰",
            "洗车（六小行业）",
            "浙江省台州市玉环市清港镇清港大道56号",
        ),
        (
            "玉环市坎门街道丝域美发店",
            "92331083MA2K8W2C6E",
            "王丽娟",
            "美容美发（六小行业）",
            "浙江省台州市玉环市坎门街道海洋路22号",
        ),
    ];
    let (holder, code, rep, category, address) = shops[n % shops.len()];
    let holder = if n < shops.len() {
        holder.to_owned()
    } else {
        format!("{holder}（{}分店）", n + 1)
    };
    let number = format!("玉排许字〔2026〕第{:04}号", n + 1);
    let claim = Claim {
        kind: "drainage-permit".into(),
        number: number.clone(),
        holder: holder.clone(),
        valid_from: "2026-11-27".into(),
        valid_until: "2031-11-26".into(),
        issuer: "玉环市住房和城乡建设局".into(),
    };
    let qr = key.sign(&claim).unwrap_or_default();
    json!({
        "number": number,
        "holder": holder,
        "credit_code": code,
        "legal_rep": rep,
        "address": address,
        "category": category,
        "outfalls": "1个（DW001），位于经营场所东侧，经隔油池预处理后接入市政污水检查井",
        "volume": "≤ 5 立方米/日",
        "pollutants": "化学需氧量 ≤ 500 mg/L，动植物油 ≤ 100 mg/L，悬浮物 ≤ 400 mg/L，氨氮 ≤ 45 mg/L",
        "valid_from": "2026-11-27",
        "valid_until": "2031-11-26",
        "issuer": "玉环市住房和城乡建设局",
        "issue_date": "2026-11-27",
        "qr": qr,
    })
}

/// Sample records for a built-in template.
pub fn sample_records(name: &str) -> Result<Vec<Value>, PrintError> {
    let records = match name {
        "ticket-slip" => vec![json!({
            "site": "玉环市行政服务中心",
            "service": "E 排水许可",
            "number": "E012",
            "waiting": 3,
            "issued_at": "2026-11-27 09:12",
            "windows": "12、13 号窗口",
            "source": "自助取号机",
            "progress_url": "https://zwfw.yuhuan.gov.cn/q/E012-20261127",
        })],
        "acceptance-receipt" => vec![json!({
            "center": "玉环市行政服务中心",
            "number": "SL-20261127-0042",
            "applicant": "玉环市楚门镇老街面馆（陈建国）",
            "id_number": "92331083MA2K3L4X1P",
            "phone": "138 5866 1234",
            "matter": "城镇污水排入排水管网许可证核发",
            "accepted_at": "2026年11月27日 09:35",
            "promised": "7个工作日（2026年12月8日前办结）",
            "materials": [
                {"name": "城镇污水排入排水管网许可申请表", "form": "原件 1 份"},
                {"name": "排水户内部排水管网及排水口位置平面图", "form": "原件 1 份"},
                {"name": "隔油池等预处理设施说明及照片", "form": "复印件 1 份"},
                {"name": "排水户承诺书（一表一图一承诺）", "form": "原件 1 份"},
                {"name": "营业执照", "form": "复印件 1 份"},
            ],
            "window": "工程建设综合窗口（12号）",
            "clerk": "李晓敏",
            "inquiry": "可凭本回执编号在“浙里办”App 或拨打 0576-87221234 查询办理进度。",
            "accepted_date": "2026-11-27",
        })],
        "one-time-notice" => vec![json!({
            "center": "玉环市行政服务中心",
            "number": "GZ-20261127-0007",
            "applicant": "玉环市清港镇亮洁洗车行",
            "submitted_date": "2026-11-27",
            "matter": "城镇污水排入排水管网许可证核发",
            "missing": [
                {"name": "隔油沉砂池竣工照片", "requirement": "清晰显示池体及进出水口，加盖公章"},
                {"name": "排水户内部排水管网平面图", "requirement": "标明检测井和排水口位置"},
                {"name": "法定代表人身份证复印件", "requirement": "正反面复印在同一页"},
            ],
            "window": "工程建设综合窗口（12号）",
            "clerk": "李晓敏",
            "phone": "0576-87221234",
            "notice_date": "2026-11-27",
        })],
        "drainage-permit" => vec![sample_permit(0, &sample_issuer_key())],
        "delivery-run-sheet" => vec![json!({
            "run_no": "SD-20261128-03",
            "area": "楚门镇（中山路—东西大街）",
            "courier": "周海波",
            "run_date": "2026-11-28",
            "total": 3,
            "deliveries": [
                {"permit_no": "玉排许字〔2026〕第0001号", "holder": "玉环市楚门镇老街面馆", "address": "楚门镇中山路118号", "contact": "陈建国 13858661234"},
                {"permit_no": "玉排许字〔2026〕第0004号", "holder": "玉环市楚门镇味道小厨", "address": "楚门镇东西大街9号", "contact": "张敏 13906761288"},
                {"permit_no": "玉排许字〔2026〕第0007号", "holder": "玉环市楚门镇好运来宾馆", "address": "楚门镇兴港东路201号", "contact": "徐振华 13566881020"},
            ],
        })],
        "delivery-receipt" => vec![json!({
            "authority": "玉环市住房和城乡建设局",
            "number": "SDHZ-2026-0001",
            "document": "城镇污水排入排水管网许可证（玉排许字〔2026〕第0001号）",
            "recipient": "玉环市楚门镇老街面馆",
            "address": "浙江省台州市玉环市楚门镇中山路118号",
            "method": "直接送达（送证上门）",
            "courier": "周海波、林静",
            "delivered_at": "2026年11月28日 10:20",
            "issue_date": "2026-11-28",
        })],
        other => return Err(PrintError::UnknownTemplate(other.to_owned())),
    };
    Ok(records)
}
