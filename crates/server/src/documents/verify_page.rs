//! `GET /verify`: the public page on which anyone checks a document's QR code.
//!
//! One self-contained HTML document — inline CSS, no scripts, no fonts or anything else from
//! the network — readable on a phone and on a desktop. A plain form sends the text of the QR
//! code back as `?payload=`, so it works without JavaScript; the server checks it with
//! [`super::verify`], the same code path as `POST /api/verify`, and renders the
//! verdict with the document's details. Simplified Chinese by default, English with
//! `?lang=en` or when `Accept-Language` prefers English.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::verify::{DocumentClaim, Verdict, VerifyResponse};
use onetrip_domain::Lang;

use crate::lang::ClientLang;
use crate::state::AppState;

/// The page's path.
pub const PATH: &str = "/verify";

/// Longest payload the page checks, in characters. A document's QR code carries a few hundred.
pub const MAX_PAYLOAD_CHARS: usize = 2_000;

/// Nothing may be loaded from elsewhere and nothing may run: the page is markup and styles.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What was asked of the page.
enum Outcome {
    /// The page opened without a payload.
    Empty,
    /// The form was sent with nothing in it.
    Blank,
    /// The payload is longer than [`MAX_PAYLOAD_CHARS`]; it is not checked.
    TooLong { chars: usize },
    /// The payload was checked.
    Checked(Box<VerifyResponse>),
    /// The records could not be read, so whether it was revoked is not known.
    Unavailable,
}

/// `GET /verify?payload=…&lang=…`.
#[utoipa::path(get, path = "/verify", params(
        ("payload" = Option<String>, Query, description = "The text read from a document's QR code"),
        ("lang" = Option<String>, Query, description = "`zh-CN` or `en`; the browser's language when left out")),
    responses((status = 200, description = "The verdict, a self-contained HTML page", content_type = "text/html")))]
pub async fn page(
    State(state): State<AppState>,
    ClientLang(accepted): ClientLang,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let pairs = query.map(|Query(pairs)| pairs).unwrap_or_default();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let lang = match param("lang").map(str::trim) {
        Some(tag) if !tag.is_empty() => Lang::from_tag(tag),
        _ => accepted,
    };
    let payload = param("payload");
    let outcome = match payload {
        None => Outcome::Empty,
        Some(text) if text.trim().is_empty() => Outcome::Blank,
        Some(text) => {
            let chars = text.chars().count();
            if chars > MAX_PAYLOAD_CHARS {
                Outcome::TooLong { chars }
            } else {
                match super::verify(&state.store, &state.issuer_key, text, state.clock.now_ms())
                    .await
                {
                    Ok(response) => Outcome::Checked(Box::new(response)),
                    Err(error) => {
                        tracing::error!("verify: cannot read the issued documents: {error}");
                        Outcome::Unavailable
                    }
                }
            }
        }
    };
    let status = match outcome {
        Outcome::TooLong { .. } => StatusCode::BAD_REQUEST,
        Outcome::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::OK,
    };
    // A payload too long to check is not sent back either.
    let kept = match outcome {
        Outcome::TooLong { .. } => "",
        _ => payload.unwrap_or(""),
    };
    let key = state.issuer_key.public_key().to_text();
    let html = render(lang, kept, &outcome, &key);
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(lang_tag(lang)),
            ),
            (header::VARY, HeaderValue::from_static("accept-language")),
        ],
        html,
    )
        .into_response()
}

/// The text in the reader's language.
fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::ZhCn => zh,
        Lang::En => en,
    }
}

fn lang_tag(lang: Lang) -> &'static str {
    tr(lang, "zh-CN", "en")
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes text for a query string value.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The name of a kind of document: the title of its print template where there is one (in
/// English for the kinds named here), the machine name otherwise.
fn kind_name(kind: &str, lang: Lang) -> String {
    let english = match kind {
        "drainage-permit" => Some("Permit for discharging urban sewage into drainage networks"),
        "review-certificate" => Some("Construction drawing review certificate"),
        _ => None,
    };
    if let (Lang::En, Some(name)) = (lang, english) {
        return name.to_owned();
    }
    onetrip_print::find_template(kind)
        .map(|template| template.title)
        .unwrap_or_else(|_| kind.to_owned())
}

/// The reason a payload is invalid, in the reader's language where it is a known one.
fn reason_text(reason: &str, lang: Lang) -> String {
    let known = match reason {
        "no signature" => Some(("没有签名", "it carries no signature")),
        "not a OneTrip payload (OT1 with six fields)" => Some((
            "不是本平台的证件二维码（应以 OT1 开头，含六项内容和签名）",
            "it is not a OneTrip code (OT1, six fields and a signature)",
        )),
        "signed, but the fields are malformed" => Some((
            "签名正确，但内容格式有误",
            "it is signed, but its fields are malformed",
        )),
        _ => None,
    };
    match known {
        Some((zh, en)) => tr(lang, zh, en).to_owned(),
        None => reason.to_owned(),
    }
}

/// The whole page.
fn render(lang: Lang, payload: &str, outcome: &Outcome, key: &str) -> String {
    let other = match lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    };
    let mut switch = format!("{PATH}?lang={}", lang_tag(other));
    if !payload.is_empty() {
        switch.push_str("&payload=");
        switch.push_str(&url_encode(payload));
    }
    let mut html = String::with_capacity(8 * 1024);
    html.push_str(&format!(
        "<!doctype html>\n<html lang=\"{lang_attr}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{title}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n<header class=\"top\">\n\
         <span class=\"brand\">{brand}</span>\n\
         <a class=\"switch\" data-testid=\"verify-lang\" href=\"{switch}\" lang=\"{other_attr}\" \
         hreflang=\"{other_attr}\">{other_name}</a>\n</header>\n\
         <h1>{heading}</h1>\n<p class=\"lead\">{lead}</p>\n",
        lang_attr = lang_tag(lang),
        title = tr(lang, "证件核验 · 一次办", "Document check · OneTrip"),
        brand = tr(lang, "一次办", "OneTrip"),
        switch = escape(&switch),
        other_attr = lang_tag(other),
        other_name = tr(lang, "English", "中文"),
        heading = tr(lang, "证件二维码核验", "Check a document's QR code"),
        lead = tr(
            lang,
            "扫描证件上的二维码，把扫到的文字粘贴到下面，点击“验证”，即可查验证件的真伪和有效期。",
            "Scan the QR code on the document, paste the text it contains below and press \
             Verify to check that the document is genuine and in force."
        ),
    ));
    match outcome {
        Outcome::Empty => {}
        Outcome::Blank => html.push_str(&notice(
            "info",
            tr(
                lang,
                "请先粘贴二维码内容，再点击“验证”。",
                "Paste the text of the QR code first, then press Verify.",
            ),
        )),
        Outcome::TooLong { chars } => html.push_str(&notice(
            "bad",
            &match lang {
                Lang::ZhCn => format!(
                    "内容过长，未予核验：二维码内容最多 {MAX_PAYLOAD_CHARS} 个字符，\
                     收到的有 {chars} 个。请只粘贴二维码中的文字。"
                ),
                Lang::En => format!(
                    "Too long to check: a QR code holds at most {MAX_PAYLOAD_CHARS} \
                     characters, this has {chars}. Paste only the text of the QR code."
                ),
            },
        )),
        Outcome::Checked(response) => html.push_str(&result(lang, response)),
        Outcome::Unavailable => html.push_str(&notice(
            "bad",
            tr(
                lang,
                "暂时无法查询证件记录，未能核验，请稍后再试。",
                "The records cannot be read just now, so the document was not checked. \
                 Try again in a moment.",
            ),
        )),
    }
    html.push_str(&format!(
        "<form class=\"card\" method=\"get\" action=\"{PATH}\">\n\
         <label for=\"payload\">{label}</label>\n\
         <textarea id=\"payload\" name=\"payload\" data-testid=\"verify-payload\" rows=\"5\" \
         maxlength=\"{MAX_PAYLOAD_CHARS}\" spellcheck=\"false\" autocomplete=\"off\" \
         autocapitalize=\"off\" placeholder=\"OT1|drainage-permit|…\">{payload}</textarea>\n\
         <p class=\"hint\">{hint}</p>\n\
         <input type=\"hidden\" name=\"lang\" value=\"{lang_attr}\">\n\
         <button type=\"submit\" data-testid=\"verify-submit\">{button}</button>\n</form>\n\
         <footer>\n<p>{key_label}</p>\n<code data-testid=\"verify-key\">{key}</code>\n\
         </footer>\n</main>\n</body>\n</html>\n",
        label = tr(lang, "二维码内容", "Text of the QR code"),
        payload = escape(payload),
        hint = tr(
            lang,
            "以 <code>OT1|</code> 开头的一行文字。",
            "One line of text starting with <code>OT1|</code>."
        ),
        lang_attr = lang_tag(lang),
        button = tr(lang, "验证", "Verify"),
        key_label = tr(
            lang,
            "发证机关公钥（与 /api/verify/key 公布的一致，可供核对）：",
            "Issuer public key (as published at /api/verify/key), for comparison:"
        ),
        key = escape(key),
    ));
    html
}

/// A message that is not a verdict.
fn notice(class: &str, text: &str) -> String {
    format!(
        "<section class=\"card notice {class}\" role=\"alert\" data-testid=\"verify-notice\">\
         {}</section>\n",
        escape(text)
    )
}

/// The verdict, what it means, and the document's details when the signature holds.
fn result(lang: Lang, response: &VerifyResponse) -> String {
    let until = response
        .claim
        .as_ref()
        .map(|claim| claim.valid_until.as_str())
        .unwrap_or("");
    let from = response
        .claim
        .as_ref()
        .map(|claim| claim.valid_from.as_str())
        .unwrap_or("");
    let (class, mark, verdict, meaning) = match response.verdict {
        Verdict::Valid => (
            "valid",
            "✓",
            tr(lang, "有效", "Valid"),
            tr(
                lang,
                "证件真实，且在有效期内。请核对下列信息与纸质证件是否一致。",
                "Genuine and in force. Check that the details below match the paper document.",
            )
            .to_owned(),
        ),
        Verdict::Expired => (
            "warn",
            "!",
            tr(lang, "已过期", "Expired"),
            match lang {
                Lang::ZhCn => format!("证件真实，但有效期已于 {until} 届满，现已失效。"),
                Lang::En => {
                    format!("Genuine, but its validity ended on {until}: it is no longer in force.")
                }
            },
        ),
        Verdict::NotYetValid => (
            "warn",
            "!",
            tr(lang, "尚未生效", "Not yet valid"),
            match lang {
                Lang::ZhCn => format!("证件真实，但自 {from} 起才生效，目前尚不能使用。"),
                Lang::En => format!("Genuine, but not in force until {from}."),
            },
        ),
        Verdict::Revoked => {
            let withdrawn = response.withdrawn.as_ref();
            let on = withdrawn.map(|w| w.on.as_str()).unwrap_or("");
            let reason = withdrawn
                .map(|w| match lang {
                    Lang::ZhCn => w.reason_zh.as_str(),
                    Lang::En => w.reason_en.as_str(),
                })
                .unwrap_or("");
            (
                "bad",
                "✕",
                tr(lang, "已撤销", "Revoked"),
                match lang {
                    Lang::ZhCn => {
                        format!("证件真实，但已于 {on} 撤销，现已失效，请勿采信。原因：{reason}。")
                    }
                    Lang::En => format!(
                        "Genuine, but revoked on {on}: it is no longer in force. Reason: {reason}."
                    ),
                },
            )
        }
        Verdict::Tampered => (
            "bad",
            "✕",
            tr(lang, "被篡改", "Tampered"),
            tr(
                lang,
                "二维码内容与签名不符，可能被改动或伪造。请勿采信，并向发证机关核实。",
                "The content does not match its signature: it may have been altered or forged. \
                 Do not rely on it; check with the issuing authority.",
            )
            .to_owned(),
        ),
        Verdict::Invalid => {
            let reason = reason_text(response.reason.as_deref().unwrap_or(""), lang);
            (
                "bad",
                "✕",
                tr(lang, "无效", "Invalid"),
                match lang {
                    Lang::ZhCn => {
                        format!("这不是本平台签发的证件二维码，无法核验。原因：{reason}。")
                    }
                    Lang::En => format!(
                        "This is not the QR code of a document issued here and cannot be \
                         checked: {reason}."
                    ),
                },
            )
        }
    };
    let verdict_name = match response.verdict {
        Verdict::Valid => "valid",
        Verdict::Expired => "expired",
        Verdict::NotYetValid => "not_yet_valid",
        Verdict::Revoked => "revoked",
        Verdict::Tampered => "tampered",
        Verdict::Invalid => "invalid",
    };
    let mut html = format!(
        "<section class=\"card result {class}\" data-testid=\"verify-result\" \
         data-verdict=\"{verdict_name}\" aria-live=\"polite\">\n\
         <p class=\"verdict\" data-testid=\"verify-verdict\">\
         <span class=\"mark\" aria-hidden=\"true\">{mark}</span>{verdict}</p>\n\
         <p class=\"meaning\">{}</p>\n",
        escape(&meaning)
    );
    if let Some(claim) = &response.claim {
        html.push_str(&claim_list(lang, claim));
    }
    html.push_str(&format!(
        "<p class=\"checked\">{}</p>\n</section>\n",
        escape(&match lang {
            Lang::ZhCn => format!("核验日期：{}（北京时间）", response.checked_on),
            Lang::En => format!(
                "Checked against {} (China Standard Time)",
                response.checked_on
            ),
        })
    ));
    html
}

fn claim_list(lang: Lang, claim: &DocumentClaim) -> String {
    let validity = match (lang, claim.valid_until == onetrip_api::review::NO_EXPIRY) {
        (Lang::ZhCn, true) => format!("自 {} 起长期有效", claim.valid_from),
        (Lang::En, true) => format!("from {}, until revoked", claim.valid_from),
        (Lang::ZhCn, false) => format!("{} 至 {}", claim.valid_from, claim.valid_until),
        (Lang::En, false) => format!("{} to {}", claim.valid_from, claim.valid_until),
    };
    let rows = [
        (
            tr(lang, "证件类型", "Document"),
            kind_name(&claim.kind, lang),
        ),
        (tr(lang, "证件编号", "Number"), claim.number.clone()),
        (tr(lang, "持证单位", "Holder"), claim.holder.clone()),
        (tr(lang, "有效期", "Validity"), validity),
        (tr(lang, "发证机关", "Issued by"), claim.issuer.clone()),
    ];
    let mut html = String::from("<dl class=\"claim\" data-testid=\"verify-claim\">\n");
    for (label, value) in rows {
        html.push_str(&format!(
            "<div><dt>{label}</dt><dd>{}</dd></div>\n",
            escape(&value)
        ));
    }
    html.push_str("</dl>\n");
    html
}

const STYLE: &str = r#"
:root{color-scheme:light;--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--accent:#0b57d0}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f3f5f7;color:var(--ink);font-size:18px;line-height:1.6;
font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif}
main{max-width:42rem;margin:0 auto;padding:.75rem 1rem 2rem}
.top{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding-bottom:.75rem;border-bottom:1px solid var(--line)}
.brand{font-weight:600;color:var(--muted);font-size:1rem}
.switch{font-size:1rem;color:var(--accent);text-decoration:none;padding:.3rem .9rem;border:1px solid var(--line);border-radius:999px;background:#fff;white-space:nowrap}
.switch:hover,.switch:focus{border-color:var(--accent)}
h1{font-size:1.6rem;line-height:1.3;margin:1.25rem 0 .5rem}
.lead{color:var(--muted);margin:0 0 1.25rem}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.25rem;margin:0 0 1.25rem}
.result{border-width:2px 2px 2px 10px}
.verdict{display:flex;align-items:center;gap:.6rem;margin:0;font-size:2.6rem;font-weight:700;line-height:1.2}
.mark{display:inline-flex;align-items:center;justify-content:center;flex:none;width:1.15em;height:1.15em;border-radius:50%;color:#fff;font-size:.75em;line-height:1}
.meaning{margin:.6rem 0 0;font-size:1.15rem;font-weight:500}
.valid{border-color:#1a7f37;background:#eff9f2}.valid .verdict{color:#1a7f37}.valid .mark{background:#1a7f37}
.warn{border-color:#d4a72c;background:#fff8e5}.warn .verdict{color:#9a6700}.warn .mark{background:#bf8700}
.bad{border-color:#cf222e;background:#fff1f0}.bad .verdict{color:#cf222e}.bad .mark{background:#cf222e}
.notice{font-size:1.1rem;font-weight:500}.notice.bad{color:#a40e26;border-width:2px 2px 2px 10px}
.notice.info{border-color:var(--accent);background:#eef4ff}
dl{margin:1rem 0 0;border-top:1px solid rgba(0,0,0,.12)}
dl div{padding:.55rem 0;border-bottom:1px solid rgba(0,0,0,.08)}
dt{font-size:.9rem;color:var(--muted)}
dd{margin:0;font-size:1.15rem;font-weight:600;overflow-wrap:anywhere}
.checked{margin:.75rem 0 0;font-size:.95rem;color:var(--muted)}
label{display:block;font-weight:600;margin-bottom:.5rem}
textarea{display:block;width:100%;min-height:7.5rem;max-height:24rem;field-sizing:content;padding:.75rem;font-size:1rem;line-height:1.5;color:var(--ink);
font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK SC","Noto Sans CJK SC",monospace;
border:1px solid #8c959f;border-radius:8px;resize:vertical;word-break:break-all;background:#fff}
textarea:focus{outline:3px solid rgba(11,87,208,.3);border-color:var(--accent)}
.hint{font-size:.9rem;color:var(--muted);margin:.4rem 0 1rem}
.hint code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:0 .25em;background:#f0f2f4;border-radius:4px}
button{display:block;width:100%;padding:.8rem 1rem;font:inherit;font-size:1.25rem;font-weight:700;color:#fff;background:var(--accent);border:0;border-radius:10px;cursor:pointer}
button:hover{background:#0842a0}
button:focus-visible{outline:3px solid rgba(11,87,208,.4);outline-offset:2px}
:lang(zh-CN) button{letter-spacing:.3em;text-indent:.3em}
footer{margin-top:2rem;font-size:.8rem;color:var(--muted)}
footer p{margin:0 0 .25rem}
footer code{display:block;padding:.4rem .6rem;font-size:.8rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere;background:#fff;border:1px solid var(--line);border-radius:6px;user-select:all}
@media (min-width:36rem){
main{padding-top:1.5rem}
h1{font-size:2rem}
dl div{display:grid;grid-template-columns:7rem 1fr;gap:1rem;align-items:baseline}
dt{font-size:1rem}
button{width:auto;min-width:10rem;padding-left:2rem;padding-right:2rem}
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script>&'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        );
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(url_encode("OT1|a b&c=d"), "OT1%7Ca%20b%26c%3Dd");
        assert_eq!(url_encode("第"), "%E7%AC%AC");
    }

    #[test]
    fn names_known_kinds_and_keeps_unknown_ones() {
        assert_eq!(
            kind_name("drainage-permit", Lang::ZhCn),
            "城镇污水排入排水管网许可证"
        );
        assert_eq!(kind_name("fishing-licence", Lang::ZhCn), "fishing-licence");
        assert_eq!(kind_name("fishing-licence", Lang::En), "fishing-licence");
    }
}
