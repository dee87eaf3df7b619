//! The built-in templates, laid out after the paper forms of a county service center, and a
//! sample record for each (used by previews, tests and the benchmark).
//!
//! The templates are ordinary template files, `templates/<name>.json` in this crate, embedded
//! at build time and read by [`Template::from_json`], the loader of custom templates. To
//! change one, edit its file; to add one, add a file and list it in `BUILTIN_FILES`.
//!
//! Sizes follow Chinese document conventions: 二号 22 pt for titles, 三号 16 pt for the
//! issuing body, 小四 12 pt and 五号 10.5 pt for the body.

use std::sync::LazyLock;

use serde_json::{Value, json};

use crate::PrintError;
use crate::signing::{Claim, IssuerKey};
use crate::template::Template;

/// The built-in template files (file name, contents), in the order they are listed.
const BUILTIN_FILES: [(&str, &str); 8] = [
    (
        "ticket-slip.json",
        include_str!("../templates/ticket-slip.json"),
    ),
    (
        "acceptance-receipt.json",
        include_str!("../templates/acceptance-receipt.json"),
    ),
    (
        "one-time-notice.json",
        include_str!("../templates/one-time-notice.json"),
    ),
    (
        "drainage-permit.json",
        include_str!("../templates/drainage-permit.json"),
    ),
    (
        "delivery-run-sheet.json",
        include_str!("../templates/delivery-run-sheet.json"),
    ),
    (
        "delivery-receipt.json",
        include_str!("../templates/delivery-receipt.json"),
    ),
    (
        "review-certificate.json",
        include_str!("../templates/review-certificate.json"),
    ),
    (
        "renewal-reminder.json",
        include_str!("../templates/renewal-reminder.json"),
    ),
];

/// The built-in templates, read once.
static BUILTIN: LazyLock<Vec<Template>> = LazyLock::new(|| {
    BUILTIN_FILES
        .iter()
        .map(|(file, json)| {
            // The files are part of this crate, checked by its tests: one that does not load
            // is a bug in the build, not in anyone's data, so it stops the program.
            Template::from_json(json)
                .unwrap_or_else(|err| panic!("built-in template templates/{file}: {err}"))
        })
        .collect()
});

/// Every built-in template.
pub fn builtin_templates() -> Vec<Template> {
    BUILTIN.clone()
}

/// A built-in template by name.
pub fn find_template(name: &str) -> Result<Template, PrintError> {
    BUILTIN
        .iter()
        .find(|template| template.name == name)
        .cloned()
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

/// A review certificate record, signed with `key`.
pub fn sample_certificate(key: &IssuerKey) -> Value {
    let number = "施审合字〔2026〕第0001号";
    let claim = Claim {
        kind: "review-certificate".into(),
        number: number.into(),
        holder: "玉环市城南小学扩建工程".into(),
        valid_from: "2026-12-01".into(),
        valid_until: "9999-12-31".into(),
        issuer: "玉环市行政服务中心".into(),
    };
    let qr = key.sign(&claim).unwrap_or_default();
    json!({
        "number": number,
        "project": "玉环市城南小学扩建工程",
        "code": "2026-331083-47-01-000123",
        "builder": "玉环市教育局",
        "designer": "浙江省建筑设计研究院有限公司",
        "location": "玉环市玉城街道",
        "kind": "房屋建筑",
        "floor_area": "12,580.00 平方米",
        "round": "第 2 轮（复审）",
        "reviewers": [
            {"specialty": "建筑", "reviewer": "王建华"},
            {"specialty": "结构", "reviewer": "刘志强"},
            {"specialty": "给排水", "reviewer": "陈小燕"},
            {"specialty": "电气", "reviewer": "赵明"},
            {"specialty": "消防", "reviewer": "周立新（玉环市消防救援大队）"},
        ],
        "issuer": "玉环市行政服务中心",
        "issued_on": "2026-12-01",
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
        "review-certificate" => vec![sample_certificate(&sample_issuer_key())],
        "renewal-reminder" => vec![json!({
            "center": "玉环市行政服务中心",
            "number": "YXTX-20261201-0001",
            "holder": "玉环市楚门镇老街面馆",
            "address": "楚门镇中山路118号",
            "permit_number": "玉排许字〔2021〕第0012号",
            "valid_from": "2021-12-31",
            "valid_until": "2026-12-30",
            "days_left": 29,
            "phone": "0576-87221234",
            "letter_date": "2026-12-01",
        })],
        other => return Err(PrintError::UnknownTemplate(other.to_owned())),
    };
    Ok(records)
}
