//! Benchmark: a batch of drainage permits into one PDF, timed, with bytes per extra page and
//! peak memory; also writes the same permits as HTML for headless Chromium (see run.sh).
//!
//! cargo run --release -p onetrip-print --example bench_permits -- [COUNT] [OUT_DIR]

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use onetrip_print::builtin::{sample_issuer_key, sample_permit};
use onetrip_print::{FontSet, RenderOptions, find_template, render};
use serde_json::Value;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html(records: &[Value]) -> String {
    let mut html = String::from(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 0 }
body { margin: 0; font-family: "Noto Serif CJK SC", serif; }
.page { width: 210mm; height: 297mm; box-sizing: border-box; padding: 10mm; page-break-after: always; position: relative; }
.frame { border: 1.4mm double #8c1414; height: 277mm; box-sizing: border-box; padding: 10mm 12mm; }
h1 { text-align: center; font-size: 24pt; margin: 4mm 0 3mm; letter-spacing: 1.5pt; }
.no { text-align: right; font-size: 11pt; margin-bottom: 2mm; }
table { width: 100%; border-collapse: collapse; border: 0.6mm solid #000; font-size: 12pt; }
td { border: 0.3mm solid #000; height: 12mm; padding: 0 3mm; }
td.l { width: 40mm; text-align: center; }
p { font-size: 12pt; text-indent: 2em; line-height: 7mm; }
.qr { position: absolute; left: 27mm; top: 205mm; width: 38mm; }
.seal { position: absolute; left: 110mm; top: 215mm; width: 75mm; text-align: center; font-size: 14pt; }
.notes { position: absolute; left: 25mm; top: 250mm; width: 160mm; font-size: 9pt; }
</style></head><body>
"#,
    );
    let rows = [
        ("排水户名称", "holder"),
        ("统一社会信用代码", "credit_code"),
        ("法定代表人", "legal_rep"),
        ("详细地址", "address"),
        ("排水户类型", "category"),
        ("排水口数量及位置", "outfalls"),
        ("排水量", "volume"),
        ("主要污染物项目及浓度", "pollutants"),
        ("发证机关", "issuer"),
    ];
    for record in records {
        let get = |key: &str| html_escape(record[key].as_str().unwrap_or(""));
        html.push_str(
            "<div class=\"page\"><div class=\"frame\"><h1>城镇污水排入排水管网许可证</h1>",
        );
        html.push_str(&format!(
            "<div class=\"no\">编号：{}</div><table>",
            get("number")
        ));
        for (label, key) in rows {
            html.push_str(&format!(
                "<tr><td class=\"l\">{label}</td><td>{}</td></tr>",
                get(key)
            ));
        }
        html.push_str(&format!(
            "<tr><td class=\"l\">许可期限</td><td>自 {} 至 {}</td></tr></table>",
            get("valid_from"),
            get("valid_until")
        ));
        html.push_str("<p>经审查，准予该排水户按照本许可证载明的排水口、排水量、主要污染物项目及浓度等要求，将污水排入城镇排水管网。</p>");
        // The QR code as an inline SVG of module rectangles, as a web page would draw it.
        html.push_str(&format!(
            "<div class=\"qr\">{}</div>",
            qr_svg(record["qr"].as_str().unwrap_or(""))
        ));
        html.push_str(&format!(
            "<div class=\"seal\">发证机关（盖章）<br><br>{}</div>",
            get("issue_date")
        ));
        html.push_str("<div class=\"notes\"><b>注意事项</b><br>1. 本证应妥善保管，不得涂改、出租、出借或者以其他形式转让。<br>2. 排水户名称、法定代表人等变更的，应当申请变更；排水口、排水量、主要污染物项目或者浓度等发生变化的，应当重新申请领取许可证。<br>3. 许可证有效期满需继续排放污水的，应当在有效期届满 30 日前向发证机关提出延续申请。<br>4. 依据《城镇污水排入排水管网许可管理办法》（住房和城乡建设部令第21号）核发。</div>");
        html.push_str("</div></div>\n");
    }
    html.push_str("</body></html>\n");
    html
}

fn qr_svg(text: &str) -> String {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).unwrap();
    let width = code.width();
    let colors = code.to_colors();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-4 -4 {0} {0}\" width=\"100%\"><path d=\"",
        width + 8
    );
    for row in 0..width {
        for col in 0..width {
            if colors[row * width + col] == qrcode::Color::Dark {
                svg.push_str(&format!("M{col} {row}h1v1h-1z"));
            }
        }
    }
    svg.push_str("\"/></svg>");
    svg
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let out_dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "bench/output".into()));
    std::fs::create_dir_all(&out_dir).unwrap();

    let key = sample_issuer_key();
    let records: Vec<Value> = (0..count).map(|n| sample_permit(n, &key)).collect();
    let template = find_template("drainage-permit").unwrap();
    let options = RenderOptions::default();

    let load = Instant::now();
    let fonts = FontSet::bundled().unwrap();
    // Load the main font and its glyph table now, so the timing below is the batch itself.
    let _ = render(&fonts, &template, &records[..1], &options, &mut |_| {}).unwrap();
    let font_load = load.elapsed();

    let one = render(&fonts, &template, &records[..1], &options, &mut |_| {}).unwrap();
    // Three runs; the median is reported (the machine is shared, the minimum is optimistic).
    let mut times = Vec::new();
    let mut batch = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        batch = render(&fonts, &template, &records, &options, &mut |_| {}).unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    let elapsed = times[1];
    println!("render_min_s={:.3}", times[0].as_secs_f64());
    let per_extra_page = (batch.len() - one.len()) as f64 / (count.max(2) - 1) as f64;

    std::fs::write(out_dir.join("permits.pdf"), &batch).unwrap();
    if std::env::var_os("BENCH_PDF_ONLY").is_none() {
        qr_timing(&records);
        std::fs::write(out_dir.join("permits.html"), html(&records)).unwrap();
    }
    println!("pages={count}");
    println!("font_load_and_first_page_s={:.3}", font_load.as_secs_f64());
    println!("render_s={:.3}", elapsed.as_secs_f64());
    println!("pdf_bytes={}", batch.len());
    println!("single_page_bytes={}", one.len());
    println!("bytes_per_extra_page={per_extra_page:.0}");
    println!("peak_rss_mib={:.1}", peak_rss_kib() as f64 / 1024.0);
}

fn qr_timing(records: &[Value]) {
    let start = Instant::now();
    for record in records {
        let _ = onetrip_print::qr::encode(record["qr"].as_str().unwrap()).unwrap();
    }
    println!("qr_encode_s={:.3}", start.elapsed().as_secs_f64());
}
