//! `report.html`: one self-contained page (no server, no network, no
//! script) with the charts inlined as SVG, the weight grid inlined as a
//! base64 `data:` URI, the sanity checks as a pass/fail table, the epoch
//! table, the final table and the configuration. Every piece of run text
//! goes through [`escape`]; the SVGs come from plotters, which escapes
//! its text itself.

use std::fmt::Write;

use super::RunSummary;

/// Standard base64 (RFC 4648 §4, with `=` padding), for the PNG's
/// `data:` URI.
///
/// ```
/// use examples::report::html::base64;
/// assert_eq!(base64(b"foobar"), "Zm9vYmFy");
/// assert_eq!(base64(b"fo"), "Zm8=");
/// ```
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        // 3 input bytes give 4 sextets; a short chunk of k bytes gives
        // k + 1 of them, then `=` padding.
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Escapes text for HTML element content and quoted attributes.
///
/// ```
/// use examples::report::html::escape;
/// assert_eq!(escape("<b>\"x\" & 'y'</b>"), "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
/// ```
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

/// The page's stylesheet: readable width, tables with borders, green and
/// red verdicts.
pub(crate) const STYLE: &str = "body{font-family:sans-serif;max-width:960px;margin:1em auto;padding:0 1em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 9px;text-align:left}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}\
.pass{color:#fff;background:#2a8a2a;font-weight:bold}.fail{color:#fff;background:#c0392b;font-weight:bold}\
pre{background:#f7f7f7;border:1px solid #ddd;padding:.6em;overflow:auto}\
figure{margin:1em 0}svg{max-width:100%;height:auto}img.weights{image-rendering:pixelated;border:1px solid #ccc;min-width:320px;max-width:100%}";

/// The page: `charts` are `(heading, svg)` pairs inlined in order;
/// `weights_png` is the weight grid, if any, with its caption.
pub fn page(
    run: &RunSummary<'_>,
    charts: &[(&str, &str)],
    weights_png: Option<(&[u8], &str)>,
) -> String {
    let mut h = String::new();
    let title = escape(run.title);
    // `write!` into a String cannot fail.
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n"
    );
    sanity_table(&mut h, run);
    final_table(&mut h, run);
    for (heading, svg) in charts {
        let _ = write!(h, "<h2>{}</h2>\n<figure>{svg}</figure>\n", escape(heading));
    }
    if let Some((png, caption)) = weights_png {
        let _ = write!(
            h,
            "<h2>First-layer weights</h2>\n<figure><img class=\"weights\" alt=\"first-layer weights\" \
             src=\"data:image/png;base64,{}\"><figcaption>{}</figcaption></figure>\n",
            base64(png),
            escape(caption)
        );
    }
    epoch_table(&mut h, run);
    let _ = write!(
        h,
        "<h2>Configuration</h2>\n<pre>{}</pre>\n</body></html>\n",
        escape(run.config_json)
    );
    h
}

fn sanity_table(h: &mut String, run: &RunSummary<'_>) {
    let passed = run.sanity.iter().filter(|s| s.passed).count();
    let _ = writeln!(
        h,
        "<h2>Sanity checks before training ({passed} of {} passed)</h2>",
        run.sanity.len()
    );
    if run.sanity.is_empty() {
        h.push_str("<p>No sanity checks were run.</p>\n");
        return;
    }
    h.push_str("<table><tr><th>check</th><th>result</th><th>detail</th></tr>\n");
    for s in run.sanity {
        let (class, word) = if s.passed {
            ("pass", "PASS")
        } else {
            ("fail", "FAIL")
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"{class}\">{word}</td><td>{}</td></tr>",
            escape(&s.name),
            escape(&s.detail)
        );
    }
    h.push_str("</table>\n");
}

fn final_table(h: &mut String, run: &RunSummary<'_>) {
    h.push_str("<h2>Final results</h2>\n");
    if run.final_table.is_empty() {
        h.push_str("<p>No final results.</p>\n");
        return;
    }
    h.push_str("<table>\n");
    for (label, value) in run.final_table {
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td class=\"num\">{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    h.push_str("</table>\n");
}

fn epoch_table(h: &mut String, run: &RunSummary<'_>) {
    if run.epochs.is_empty() {
        return;
    }
    h.push_str(
        "<h2>Epochs</h2>\n<table><tr><th>epoch</th><th>step</th><th>lr</th><th>train loss</th>\
         <th>reg loss</th><th>val loss</th><th>train acc</th><th>val acc</th><th>seconds</th></tr>\n",
    );
    for e in run.epochs {
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3e}</td>\
             <td class=\"num\">{:.4}</td><td class=\"num\">{:.4}</td><td class=\"num\">{:.4}</td>\
             <td class=\"num\">{:.2}%</td><td class=\"num\">{:.2}%</td><td class=\"num\">{:.2}</td></tr>",
            e.epoch,
            e.step,
            e.lr,
            e.train_loss,
            e.reg_loss,
            e.val_loss,
            100.0 * e.train_acc,
            100.0 * e.val_acc,
            e.seconds
        );
    }
    h.push_str("</table>\n");
}
