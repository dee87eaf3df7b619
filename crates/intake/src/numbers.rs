//! Where a sheet's number and title are read from: the file's page labels, its bookmarks,
//! and the title block (标题栏) at the lower right of the page as seen.

use std::collections::{HashMap, HashSet};

use lopdf::{Document, Object, ObjectId};
use onetrip_domain::review::SheetNumber;

use crate::content::TextRun;
use crate::pdf::{deref, dict_of, number, text_string};
use crate::{IndexEntry, Reading, Source};

/// Confidence of each kind of evidence.
pub const PAGE_LABEL_CONFIDENCE: f32 = 0.95;
pub const BOOKMARK_CONFIDENCE: f32 = 0.9;
/// A value in the cell next to its label (图号, 图名).
pub const LABELLED_CONFIDENCE: f32 = 0.8;
/// The value in the cell below its label.
pub const BELOW_LABEL_CONFIDENCE: f32 = 0.7;
/// The only sheet number anywhere in the title block, no label beside it.
pub const UNLABELLED_CONFIDENCE: f32 = 0.55;
/// The largest Chinese text of the title block, no label beside it.
pub const GUESSED_CONFIDENCE: f32 = 0.4;
/// Added when the title block agrees with a page label or bookmark.
const AGREEMENT_BONUS: f32 = 0.05;

/// Most nodes of a page label tree or outline that are visited.
const MAX_NODES: usize = 100_000;

/// The words of title block labels: none of them is a value.
const LABEL_WORDS: [&str; 24] = [
    "工程名称",
    "项目名称",
    "工程",
    "图名",
    "图纸名称",
    "图号",
    "图别",
    "比例",
    "日期",
    "设计",
    "审核",
    "校对",
    "审定",
    "制图",
    "绘图",
    "专业",
    "负责人",
    "项目负责人",
    "专业负责人",
    "图幅",
    "版本",
    "阶段",
    "建设单位",
    "设计单位",
];

/// A sheet number the way a drawing set writes it: a known specialty prefix, or 目录.
pub fn sheet_number(text: &str) -> Option<SheetNumber> {
    let number = SheetNumber::parse(text).ok()?;
    (number.specialty().is_some() || number.prefix() == "目录").then_some(number)
}

/// A sheet number at the start of a text, and what follows it: `建施-03 一层平面图`,
/// `建施-03一层平面图`.
pub fn leading_sheet_number(text: &str) -> Option<(SheetNumber, String)> {
    let text = text.trim();
    if let Some((head, rest)) = text.split_once(char::is_whitespace)
        && let Some(number) = sheet_number(head)
    {
        return Some((number, rest.trim().to_owned()));
    }
    if let Some(number) = sheet_number(text) {
        return Some((number, String::new()));
    }
    // No space: the number ends where its digits (and dashes between digits) end.
    let first_digit = text
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() || is_wide_digit(*c))?
        .0;
    let mut end = first_digit;
    let mut chars = text[first_digit..].char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let digit = c.is_ascii_digit() || is_wide_digit(c);
        let dash_then_digit = is_dash(c)
            && chars
                .peek()
                .is_some_and(|(_, n)| n.is_ascii_digit() || is_wide_digit(*n));
        if digit || dash_then_digit {
            end = first_digit + at + c.len_utf8();
        } else {
            break;
        }
    }
    let number = sheet_number(&text[..end])?;
    Some((number, text[end..].trim().to_owned()))
}

fn is_wide_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '－' | '—' | '–' | '‐' | '‑' | '‒' | '―' | '−' | '﹣'
    )
}

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(is_cjk)
}

fn is_label(text: &str) -> bool {
    let plain: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ':' | '：'))
        .collect();
    LABEL_WORDS.contains(&plain.as_str())
}

/// The page labels of the file, by page index: `None` where a page has no label.
pub fn page_labels(doc: &Document, pages: usize) -> Vec<Option<String>> {
    let mut ranges: Vec<(usize, &lopdf::Dictionary)> = Vec::new();
    if let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"PageLabels").ok())
        .and_then(|o| dict_of(doc, o))
    {
        let mut stack = vec![root];
        let mut visited = 0;
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > MAX_NODES {
                break;
            }
            if let Some(nums) = node
                .get(b"Nums")
                .ok()
                .and_then(|o| deref(doc, o).as_array().ok())
            {
                for pair in nums.chunks(2) {
                    if let (Some(start), Some(label)) = (
                        number(deref(doc, &pair[0])),
                        pair.get(1).and_then(|o| dict_of(doc, o)),
                    ) && start >= 0.0
                    {
                        ranges.push((start as usize, label));
                    }
                }
            }
            if let Some(kids) = node
                .get(b"Kids")
                .ok()
                .and_then(|o| deref(doc, o).as_array().ok())
            {
                stack.extend(kids.iter().filter_map(|k| dict_of(doc, k)));
            }
        }
    }
    ranges.sort_by_key(|(start, _)| *start);
    (0..pages)
        .map(|page| {
            let at = ranges.partition_point(|(start, _)| *start <= page);
            let (start, label) = ranges.get(at.checked_sub(1)?)?;
            let prefix = label
                .get(b"P")
                .ok()
                .and_then(|o| text_string(doc, o))
                .unwrap_or_default();
            let first = label
                .get(b"St")
                .ok()
                .and_then(number)
                .unwrap_or(1.0)
                .max(1.0) as usize;
            let value = first + (page - start);
            let numeral = match label.get(b"S").ok().and_then(|o| o.as_name().ok()) {
                Some(b"D") => value.to_string(),
                Some(b"R") => roman(value),
                Some(b"r") => roman(value).to_lowercase(),
                Some(b"A") => letters(value),
                Some(b"a") => letters(value).to_lowercase(),
                _ => String::new(),
            };
            let text = format!("{prefix}{numeral}");
            (!text.is_empty()).then_some(text)
        })
        .collect()
}

fn roman(mut value: usize) -> String {
    let mut out = String::new();
    for (n, s) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while value >= n && out.len() < 64 {
            out.push_str(s);
            value -= n;
        }
    }
    out
}

fn letters(value: usize) -> String {
    let letter = char::from(b'A' + u8::try_from((value.max(1) - 1) % 26).unwrap_or(0));
    letter
        .to_string()
        .repeat(((value.max(1) - 1) / 26 + 1).min(64))
}

/// Bookmarks pointing at pages, by page index: the first outline item whose destination is
/// the page and whose title starts with a sheet number; its number and the rest as title.
pub fn bookmarks(
    doc: &Document,
    page_ids: &HashMap<ObjectId, usize>,
) -> HashMap<usize, (SheetNumber, String)> {
    let mut found = HashMap::new();
    let Some(first) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Outlines").ok())
        .and_then(|o| dict_of(doc, o))
        .and_then(|o| o.get(b"First").ok())
    else {
        return found;
    };
    let mut stack = vec![first];
    let mut seen: HashSet<ObjectId> = HashSet::new();
    while let Some(object) = stack.pop() {
        if seen.len() > MAX_NODES {
            break;
        }
        if let Object::Reference(id) = object
            && !seen.insert(*id)
        {
            continue;
        }
        let Some(item) = dict_of(doc, object) else {
            continue;
        };
        if let Ok(next) = item.get(b"Next") {
            stack.push(next);
        }
        if let Ok(child) = item.get(b"First") {
            stack.push(child);
        }
        let destination = item.get(b"Dest").ok().or_else(|| {
            let action = dict_of(doc, item.get(b"A").ok()?)?;
            (action.get(b"S").ok()?.as_name().ok()? == b"GoTo").then(|| action.get(b"D").ok())?
        });
        let page = destination
            .map(|d| deref(doc, d))
            .and_then(|d| d.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|p| p.as_reference().ok())
            .and_then(|id| page_ids.get(&id));
        let (Some(&page), Some(title)) = (
            page,
            item.get(b"Title").ok().and_then(|o| text_string(doc, o)),
        ) else {
            continue;
        };
        if let Some(parsed) = leading_sheet_number(&title) {
            found.entry(page).or_insert(parsed);
        }
    }
    found
}

/// A text run placed on the page as seen: x to the right, y up, origin at the lower left.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenRun {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    pub size: f32,
}

/// Puts runs on the page as seen and joins pieces of one line (CAD exports often write a
/// text character by character).
pub fn seen_runs(runs: &[TextRun], to_seen: impl Fn((f32, f32)) -> (f32, f32)) -> Vec<SeenRun> {
    let mut placed: Vec<SeenRun> = runs
        .iter()
        .filter_map(|run| {
            let (sx, sy) = to_seen(run.start);
            let (ex, ey) = to_seen(run.end);
            // Only text running left to right on the page as seen is read.
            ((ex - sx) >= -0.01 && (ey - sy).abs() <= run.size.max(1.0) * 0.3).then(|| SeenRun {
                text: run.text.clone(),
                x0: sx,
                x1: ex.max(sx),
                y: sy,
                size: run.size.max(0.1),
            })
        })
        .collect();
    placed.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    // Runs of one line, in x order.
    let mut lines: Vec<Vec<SeenRun>> = Vec::new();
    for run in placed {
        match lines.last_mut() {
            Some(line) if (line[0].y - run.y).abs() <= 0.3 * line[0].size.min(run.size) => {
                line.push(run)
            }
            _ => lines.push(vec![run]),
        }
    }
    let mut out = Vec::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut current: Option<SeenRun> = None;
        for run in line {
            current = Some(match current {
                Some(mut joined)
                    if run.x0 - joined.x1 <= 0.4 * joined.size
                        && run.x0 - joined.x1 >= -0.3 * joined.size
                        && (run.size / joined.size - 1.0).abs() < 0.3 =>
                {
                    joined.text.push_str(&run.text);
                    joined.x1 = joined.x1.max(run.x1);
                    joined
                }
                Some(done) => {
                    out.push(done);
                    run
                }
                None => run,
            });
        }
        out.extend(current);
    }
    out
}

/// Whether a point of the page as seen lies in the title block's corner (lower right).
pub fn in_title_block(run: &SeenRun, width: f32, height: f32) -> bool {
    run.x0 >= 0.5 * width && run.y <= 0.35 * height
}

/// The runs on the same line to the right of a label, up to the next label.
fn right_of<'a>(label: &SeenRun, runs: &'a [SeenRun]) -> Vec<&'a SeenRun> {
    let mut row: Vec<&SeenRun> = runs
        .iter()
        .filter(|r| {
            r.x0 >= label.x1 - 0.1
                && (r.y - label.y).abs() <= 0.5 * label.size.max(r.size)
                && !std::ptr::eq(*r, label)
        })
        .collect();
    row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    row.into_iter()
        .take_while(|r| !is_label(&r.text))
        .take(1)
        .collect()
}

/// The run in the cell below a label: starting near the label's x, within two lines.
fn below<'a>(label: &SeenRun, runs: &'a [SeenRun]) -> Option<&'a SeenRun> {
    runs.iter()
        .filter(|r| {
            r.y < label.y - 0.3 * label.size
                && label.y - r.y <= 3.0 * label.size.max(r.size)
                && (r.x0 - label.x0).abs() <= 2.0 * label.size
                && !is_label(&r.text)
        })
        .max_by(|a, b| a.y.total_cmp(&b.y))
}

/// The value written after a label in the same run: `图号：建施-03`.
fn inline_value(label: &str, text: &str) -> Option<String> {
    let rest = text.trim().strip_prefix(label)?;
    let rest = rest.trim_start_matches([':', '：', ' ']);
    (!rest.is_empty()).then(|| rest.to_owned())
}

/// Sheet number and title read from the title block's runs.
pub fn title_block(runs: &[SeenRun]) -> (Option<Reading>, Option<Reading>) {
    let reading = |text: String, confidence: f32| Reading {
        text,
        confidence,
        source: Source::TitleBlock,
    };
    let mut number = None;
    let mut title = None;
    for run in runs {
        if number.is_none() {
            if let Some(value) = inline_value("图号", &run.text).and_then(|v| sheet_number(&v)) {
                number = Some(reading(value.to_string(), LABELLED_CONFIDENCE));
            } else if is_label(&run.text) && run.text.contains("图号") {
                if let Some(value) = right_of(run, runs)
                    .first()
                    .and_then(|r| sheet_number(&r.text))
                {
                    number = Some(reading(value.to_string(), LABELLED_CONFIDENCE));
                } else if let Some(value) = below(run, runs).and_then(|r| sheet_number(&r.text)) {
                    number = Some(reading(value.to_string(), BELOW_LABEL_CONFIDENCE));
                }
            }
        }
        if title.is_none() {
            if let Some(value) = inline_value("图名", &run.text).filter(|v| has_cjk(v)) {
                title = Some(reading(value, LABELLED_CONFIDENCE));
            } else if is_label(&run.text) && run.text.contains("图名") {
                if let Some(value) = right_of(run, runs).first().filter(|r| has_cjk(&r.text)) {
                    title = Some(reading(value.text.clone(), LABELLED_CONFIDENCE));
                } else if let Some(value) = below(run, runs).filter(|r| has_cjk(&r.text)) {
                    title = Some(reading(value.text.clone(), BELOW_LABEL_CONFIDENCE));
                }
            }
        }
    }
    if number.is_none() {
        let mut found: Vec<(SheetNumber, f32)> = runs
            .iter()
            .filter_map(|r| Some((sheet_number(&r.text)?, r.size)))
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        let distinct: HashSet<&SheetNumber> = found.iter().map(|(n, _)| n).collect();
        let confidence = if distinct.len() == 1 {
            UNLABELLED_CONFIDENCE
        } else {
            GUESSED_CONFIDENCE
        };
        number = found
            .first()
            .map(|(n, _)| reading(n.to_string(), confidence));
    }
    if title.is_none() {
        title = runs
            .iter()
            .filter(|r| has_cjk(&r.text) && !is_label(&r.text) && sheet_number(&r.text).is_none())
            .max_by(|a, b| a.size.total_cmp(&b.size).then(b.y.total_cmp(&a.y)))
            .map(|r| reading(r.text.clone(), GUESSED_CONFIDENCE));
    }
    (number, title)
}

/// Combines the readings of a page: page label first, then bookmark, then title block;
/// agreement of the title block raises the confidence of what it agrees with.
pub fn choose(
    label: Option<&str>,
    bookmark: Option<&(SheetNumber, String)>,
    block: (Option<Reading>, Option<Reading>),
) -> (Option<Reading>, Option<Reading>) {
    let (block_number, block_title) = block;
    let agrees = |text: &str| block_number.as_ref().is_some_and(|r| r.text == text);
    let boosted = |text: String, confidence: f32, source: Source| {
        let confidence = if agrees(&text) {
            (confidence + AGREEMENT_BONUS).min(1.0)
        } else {
            confidence
        };
        Reading {
            text,
            confidence,
            source,
        }
    };
    let number = if let Some(number) = label.and_then(sheet_number) {
        Some(boosted(
            number.to_string(),
            PAGE_LABEL_CONFIDENCE,
            Source::PageLabel,
        ))
    } else if let Some((number, _)) = bookmark {
        Some(boosted(
            number.to_string(),
            BOOKMARK_CONFIDENCE,
            Source::Bookmark,
        ))
    } else {
        block_number
    };
    let title = match bookmark {
        Some((_, title)) if !title.is_empty() => Some(Reading {
            text: title.clone(),
            confidence: BOOKMARK_CONFIDENCE,
            source: Source::Bookmark,
        }),
        _ => block_title,
    };
    (number, title)
}

/// The entries of an index sheet: per line, each sheet number and the Chinese text after it.
pub fn index_entries(runs: &[SeenRun]) -> Vec<IndexEntry> {
    let mut lines: Vec<Vec<&SeenRun>> = Vec::new();
    for run in runs {
        match lines.last_mut() {
            Some(line) if (line[0].y - run.y).abs() <= 0.5 * line[0].size.min(run.size) => {
                line.push(run)
            }
            _ => lines.push(vec![run]),
        }
    }
    // (x and y of the number, entry): a table may stand in several column groups.
    let mut entries: Vec<(f32, f32, f32, IndexEntry)> = Vec::new();
    let mut push = |(number, title, x, y, size): (SheetNumber, Option<String>, f32, f32, f32)| {
        if let Some(title) = title {
            entries.push((
                x,
                y,
                size,
                IndexEntry {
                    sheet_number: number.to_string(),
                    title,
                },
            ));
        }
    };
    for mut line in lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut current: Option<(SheetNumber, Option<String>, f32, f32, f32)> = None;
        for run in line {
            match sheet_number(&run.text).filter(|n| n.specialty().is_some()) {
                Some(number) => {
                    if let Some(done) = current.take() {
                        push(done);
                    }
                    current = Some((number, None, run.x0, run.y, run.size));
                }
                None => {
                    if let Some((_, title @ None, ..)) = current.as_mut()
                        && has_cjk(&run.text)
                        && !is_label(&run.text)
                    {
                        *title = Some(run.text.clone());
                    }
                }
            }
        }
        if let Some(done) = current {
            push(done);
        }
    }
    // Column groups: numbers starting at about the same x. Read group by group, top down.
    let mut starts: Vec<(f32, f32)> = entries.iter().map(|(x, _, size, _)| (*x, *size)).collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut groups: Vec<f32> = Vec::new();
    for (x, size) in starts {
        if groups.last().is_none_or(|last| x - last > 2.0 * size) {
            groups.push(x);
        }
    }
    let group_of = |x: f32| {
        groups
            .iter()
            .rposition(|start| *start <= x + 0.01)
            .unwrap_or(0)
    };
    entries.sort_by(|a, b| group_of(a.0).cmp(&group_of(b.0)).then(b.1.total_cmp(&a.1)));
    entries.into_iter().map(|(.., entry)| entry).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lead_titles_with_or_without_a_space() {
        let (number, title) = leading_sheet_number("建施-03 一层平面图").unwrap();
        assert_eq!(
            (number.to_string().as_str(), title.as_str()),
            ("建施-03", "一层平面图")
        );
        let (number, title) = leading_sheet_number("结施０２基础平面图").unwrap();
        assert_eq!(
            (number.to_string().as_str(), title.as_str()),
            ("结施-02", "基础平面图")
        );
        let (number, title) = leading_sheet_number("目录").unwrap();
        assert_eq!((number.to_string().as_str(), title.as_str()), ("目录", ""));
        assert!(leading_sheet_number("第一章 总则").is_none());
        assert!(leading_sheet_number("A1").is_none());
    }

    fn run(text: &str, x0: f32, y: f32, size: f32) -> SeenRun {
        SeenRun {
            text: text.into(),
            x0,
            x1: x0 + size * text.chars().count() as f32,
            y,
            size,
        }
    }

    #[test]
    fn labels_find_their_values_beside_or_below() {
        let runs = [
            run("图号", 10.0, 50.0, 10.0),
            run("电施-05", 80.0, 50.0, 10.0),
            run("图名", 10.0, 80.0, 10.0),
            run("照明平面图", 80.0, 80.0, 12.0),
        ];
        let (number, title) = title_block(&runs);
        assert_eq!(number.unwrap().text, "电施-05");
        assert_eq!(title.unwrap().confidence, LABELLED_CONFIDENCE);
        let runs = [
            run("图号", 10.0, 50.0, 10.0),
            run("结施-12", 12.0, 35.0, 10.0),
            run("某某楼", 40.0, 80.0, 8.0),
            run("梁配筋图", 40.0, 65.0, 14.0),
        ];
        let (number, title) = title_block(&runs);
        assert_eq!(
            number.as_ref().map(|r| (r.text.as_str(), r.confidence)),
            Some(("结施-12", BELOW_LABEL_CONFIDENCE))
        );
        assert_eq!(
            title.map(|r| (r.text, r.confidence)),
            Some(("梁配筋图".into(), GUESSED_CONFIDENCE))
        );
    }

    #[test]
    fn characters_written_one_by_one_are_joined() {
        let runs: Vec<TextRun> = "建施-03"
            .chars()
            .enumerate()
            .map(|(i, c)| TextRun {
                text: c.to_string(),
                start: (100.0 + 10.0 * i as f32, 20.0),
                end: (109.0 + 10.0 * i as f32, 20.0),
                size: 10.0,
            })
            .collect();
        let seen = seen_runs(&runs, |p| p);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].text, "建施-03");
    }
}
