//! The legend [`Tape::to_dot`](crate::Tape::to_dot) draws beside the graph:
//! one Graphviz HTML-like table saying what the colours, edge labels and
//! the `value`/`grad` lines mean, so a rendered picture explains itself to
//! someone who has never read this crate's docs.

/// The legend as a DOT node statement (with its trailing newline). The
/// `grad` row appears only when gradients are drawn.
pub(crate) fn legend(with_gradients: bool) -> String {
    let mut rows = vec![
        row(
            r#"BGCOLOR="lightblue" STYLE="rounded""#,
            "leaf",
            "an input that needs a gradient (a parameter)",
        ),
        row(
            r#"BGCOLOR="gray92" STYLE="dashed""#,
            r#"<FONT COLOR="gray35">constant</FONT>"#,
            "data or a detached value: no gradient flows into it",
        ),
        row("", "op", "an operation recorded on the tape"),
        row(
            r#"COLOR="gray60""#,
            r#"<FONT COLOR="gray35">op</FONT>"#,
            "an operation no gradient-requiring leaf reaches: backward skips it",
        ),
        row(
            "",
            "%4 = add(%3, %2)",
            "node 4 of the Wengert list, computed from nodes 3 and 2",
        ),
        row(
            "",
            "value:",
            "the forward value (min, mean, max when large)",
        ),
    ];
    if with_gradients {
        rows.push(row(
            "",
            "grad:",
            "∂loss/∂node: how the loss changes per unit change of each entry (none: never computed)",
        ));
    }
    rows.push(row(
        "",
        "→ label 0, 1",
        "which argument of the op the arrow feeds",
    ));
    rows.push(row(
        r#"COLOR="darkorange3""#,
        r#"<FONT COLOR="darkorange3"><B>→ broadcast</B></FONT>"#,
        "an operand stretched to the output's shape; its gradient is summed back over the stretched axis",
    ));
    format!(
        "  legend [shape=plaintext, fontname=\"monospace\", fontsize=9, label=<\
         <TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"3\" CELLPADDING=\"3\">\
         <TR><TD COLSPAN=\"2\" BORDER=\"0\"><B>legend</B></TD></TR>{}</TABLE>>];\n",
        rows.concat()
    )
}

/// One legend row: a sample cell drawn with `attrs`, and its meaning.
/// `sample` may hold HTML-like markup; `meaning` is plain text.
fn row(attrs: &str, sample: &str, meaning: &str) -> String {
    let sample = if sample.starts_with('<') {
        sample.to_string()
    } else {
        html_escape(sample)
    };
    format!(
        "<TR><TD {attrs}>{sample}</TD><TD BORDER=\"0\" ALIGN=\"LEFT\">{}</TD></TR>",
        html_escape(meaning)
    )
}

/// Escapes the characters HTML-like labels reserve.
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::{html_escape, legend};

    #[test]
    fn names_every_mark_and_the_gradient_only_when_drawn() {
        let with = legend(true);
        for meaning in [
            "leaf",
            "constant",
            "Wengert list",
            "broadcast",
            "∂loss/∂node",
        ] {
            assert!(with.contains(meaning), "legend lacks {meaning}: {with}");
        }
        assert!(!legend(false).contains("∂loss/∂node"));
        assert!(with.starts_with("  legend [shape=plaintext"));
        assert!(with.ends_with(">];\n"));
    }

    #[test]
    fn markup_is_escaped_in_plain_text() {
        assert_eq!(
            html_escape(r#"a<b & "c">"#),
            "a&lt;b &amp; &quot;c&quot;&gt;"
        );
        assert!(legend(true).contains("%4 = add(%3, %2)"));
    }
}
