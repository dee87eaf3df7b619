//! Every word the generator writes, so that the font subset can be cut once for all sets.

use std::collections::BTreeSet;

/// The specialties of a set, in the order their sheets follow each other: prefix and the
/// titles of their sheets.
pub const SPECIALTIES: [(&str, &[&str]); 5] = [
    (
        "建施",
        &[
            "建筑设计说明",
            "总平面图",
            "一层平面图",
            "二层平面图",
            "三层平面图",
            "屋顶平面图",
            "南立面图",
            "北立面图",
            "东西立面图",
            "剖面图",
            "楼梯详图",
            "门窗表及门窗详图",
            "卫生间详图",
            "墙身大样图",
        ],
    ),
    (
        "结施",
        &[
            "结构设计总说明",
            "基础平面布置图",
            "柱平面布置图",
            "二层梁配筋图",
            "二层板配筋图",
            "三层梁配筋图",
            "三层板配筋图",
            "屋面梁配筋图",
            "楼梯结构详图",
        ],
    ),
    (
        "水施",
        &[
            "给排水设计说明",
            "一层给排水平面图",
            "二层给排水平面图",
            "给排水系统图",
        ],
    ),
    (
        "暖施",
        &[
            "暖通设计说明",
            "一层通风空调平面图",
            "二层通风空调平面图",
            "空调水系统图",
        ],
    ),
    (
        "电施",
        &[
            "电气设计说明",
            "配电系统图",
            "一层照明平面图",
            "二层照明平面图",
            "防雷接地平面图",
        ],
    ),
];

/// Title of a sheet added in a revised round.
pub const ADDED_TITLE: &str = "补充节点详图";

pub const PROJECT: &str = "某县政务服务中心综合楼";
pub const DESIGNERS: [&str; 4] = ["张伟", "李娜", "王芳", "刘洋"];
pub const CHECKERS: [&str; 3] = ["陈静", "杨帆", "赵磊"];
pub const INDEX_NUMBER: &str = "目录";
pub const INDEX_TITLE: &str = "图纸目录";
pub const LABELS: [&str; 7] = ["工程名称", "图名", "图号", "比例", "日期", "设计", "审核"];
pub const INDEX_HEADERS: [&str; 4] = ["序号", "图号", "图名", "图幅"];
pub const LETTER_LINES: [&str; 3] = [
    "施工图审查送审函",
    "现将施工图报送贵中心审查。",
    "附件：图纸目录",
];
pub const SCAN_NOTE: &str = "扫描件";
/// Characters of the suffixes a title gets when a specialty has more sheets than titles.
const EXTRA: &str = "（）续第张";

/// A sheet's title: the specialty's titles in order, then the same titles again marked
/// 续 with a counter, so that titles stay distinct however many sheets there are.
pub fn sheet_title(titles: &[&str], index: usize) -> String {
    let base = titles[index % titles.len()];
    match index / titles.len() {
        0 => base.to_owned(),
        round => format!("{base}（续{round}）"),
    }
}

/// All characters any set may contain.
pub fn alphabet() -> BTreeSet<char> {
    let mut chars: BTreeSet<char> = (' '..='~').collect();
    let mut add = |text: &str| chars.extend(text.chars());
    for (prefix, titles) in SPECIALTIES {
        add(prefix);
        titles.iter().for_each(|t| add(t));
    }
    for text in [
        ADDED_TITLE,
        PROJECT,
        INDEX_NUMBER,
        INDEX_TITLE,
        SCAN_NOTE,
        EXTRA,
    ] {
        add(text);
    }
    DESIGNERS
        .iter()
        .chain(&CHECKERS)
        .chain(&LABELS)
        .chain(&INDEX_HEADERS)
        .chain(&LETTER_LINES)
        .for_each(|t| add(t));
    chars
}
