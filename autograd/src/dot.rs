//! Graphviz export: draw the tape as a graph, optionally with gradients.
//!
//! [`Tape::to_dot`] returns a `digraph` in the
//! [DOT language](https://graphviz.org/doc/info/lang.html). Render it with
//! `dot -Tsvg tape.dot -o tape.svg`. Each box shows the node's Wengert-list
//! line, its shape, a summary of its value and (if given) of its gradient;
//! edges run from inputs to the node that consumes them, labelled with the
//! argument position when an op takes several. Leaves are blue, constants
//! grey and dashed, and ops that need no gradient have grey text.

use std::fmt::Write as _;

use ndarray::Array2;

use crate::tape::NodeKind;
use crate::{Float, Gradients, Shape, Tape};

/// At most this many elements are printed in full; larger matrices are
/// summarized as min / mean / max.
const SHOW_ALL_UP_TO: usize = 4;

impl<F: Float> Tape<F> {
    /// The tape as a Graphviz `digraph` (node `%i` is `n{i}`), with gradient
    /// summaries when `grads` is given.
    ///
    /// `grads` must come from a backward pass on this tape (since its last
    /// [`reset`](Tape::reset)); nodes it holds no gradient for are shown as
    /// `grad: none`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    ///
    /// let tape = Tape::new();
    /// let x = tape.constant(array![[1.0, 2.0]]);
    /// let w = tape.named_leaf("w", array![[3.0], [4.0]]);
    /// let loss = x.matmul(w).sum();
    /// let grads = loss.backward();
    /// let dot = tape.to_dot(Some(&grads));
    /// assert!(dot.starts_with("digraph tape {"));
    /// assert!(dot.contains("n0 -> n2 [label=\"0\"];"));   // x is matmul's lhs
    /// assert!(dot.contains(r#"%1 = leaf \"w\""#));        // quotes escaped
    /// assert!(dot.contains(r"grad: [[1], [2]]"));          // ∂loss/∂w = xᵀ
    /// // Save and render: std::fs::write("tape.dot", dot), then `dot -Tsvg`.
    /// ```
    pub fn to_dot(&self, grads: Option<&Gradients<F>>) -> String {
        let nodes = self.nodes.borrow();
        let mut out = String::from(
            "digraph tape {\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n",
        );
        for (i, node) in nodes.iter().enumerate() {
            let mut text = vec![
                match &node.kind {
                    NodeKind::Op(_) => {
                        let args: Vec<String> = node.inputs.iter().map(|j| j.to_string()).collect();
                        format!("%{i} = {}({})", node.label(), args.join(", "))
                    }
                    _ => format!("%{i} = {}", node.label()),
                },
                Shape::of(&node.value).to_string(),
                format!("value: {}", summary(&node.value)),
            ];
            if let Some(g) = grads {
                let grad = match g.get_by_id(crate::NodeId(i)) {
                    Some(grad) => summary(grad),
                    None => "none".into(),
                };
                text.push(format!("grad: {grad}"));
            }
            let label: Vec<String> = text.iter().map(|t| escape(t)).collect();
            let style = match (&node.kind, node.requires_grad) {
                (NodeKind::Leaf { .. }, _) => ", style=\"rounded,filled\", fillcolor=\"lightblue\"",
                (NodeKind::Constant, _) => {
                    ", style=\"dashed,filled\", fillcolor=\"gray92\", fontcolor=\"gray35\""
                }
                (NodeKind::Op(_), false) => ", color=\"gray60\", fontcolor=\"gray35\"",
                (NodeKind::Op(_), true) => "",
            };
            let location = format!("{}:{}", node.location.file(), node.location.line());
            let _ = writeln!(
                out,
                "  n{i} [label=\"{}\", tooltip=\"{}\"{style}];",
                label.join("\\n"),
                escape(&location),
            );
            let several = node.inputs.len() > 1;
            for (arg, input) in node.inputs.iter().enumerate() {
                let j = input.index();
                if several {
                    let _ = writeln!(out, "  n{j} -> n{i} [label=\"{arg}\"];");
                } else {
                    let _ = writeln!(out, "  n{j} -> n{i};");
                }
            }
        }
        out.push_str("}\n");
        out
    }
}

/// Makes `s` safe inside a DOT double-quoted string: backslashes and quotes
/// are escaped and line breaks become DOT's `\n`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A short text for a matrix: every element of a small one (`[[1, 2]]`),
/// min / mean / max of a larger one.
fn summary<F: Float>(a: &Array2<F>) -> String {
    if a.is_empty() {
        return "empty".into();
    }
    if a.len() <= SHOW_ALL_UP_TO {
        let rows: Vec<String> = a
            .rows()
            .into_iter()
            .map(|row| {
                let cells: Vec<String> = row.iter().map(|&x| number(x.as_f64())).collect();
                format!("[{}]", cells.join(", "))
            })
            .collect();
        return format!("[{}]", rows.join(", "));
    }
    let (mut min, mut max, mut total) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
    for &x in a {
        let x = x.as_f64();
        min = min.min(x);
        max = max.max(x);
        total += x;
    }
    let mean = total / a.len() as f64;
    format!(
        "min {}  mean {}  max {}",
        number(min),
        number(mean),
        number(max)
    )
}

/// A compact number: four decimals without trailing zeros for ordinary
/// magnitudes, scientific notation for very small or very large ones.
fn number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return x.to_string();
    }
    let magnitude = x.abs();
    if (1e-3..1e5).contains(&magnitude) {
        let fixed = format!("{x:.4}");
        let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
        trimmed.to_string()
    } else {
        format!("{x:.3e}")
    }
}

#[cfg(test)]
mod tests {
    use super::{escape, number, summary};
    use crate::Tape;
    use ndarray::{Array2, array};

    #[test]
    fn nodes_edges_and_styles() {
        let tape = Tape::new();
        let x = tape.constant(array![[1.0, 2.0]]);
        let w = tape.named_leaf("W1", array![[1.0], [-1.0]]);
        let b = tape.leaf(array![[0.5]]);
        let h = x.matmul(w) + b; // 1 − 2 + 0.5 = −0.5
        let _ = h.relu().sum();
        let dot = tape.to_dot(None);
        assert!(dot.starts_with("digraph tape {\n"));
        assert!(dot.ends_with("}\n"));
        for edge in [
            "n0 -> n3 [label=\"0\"];",
            "n1 -> n3 [label=\"1\"];",
            "n3 -> n4 [label=\"0\"];",
            "n2 -> n4 [label=\"1\"];",
            "n4 -> n5;",
            "n5 -> n6;",
        ] {
            assert!(dot.contains(edge), "missing {edge} in\n{dot}");
        }
        assert_eq!(dot.matches("->").count(), 6);
        assert_eq!(dot.matches(" [label=\"%").count(), 7, "one box per node");
        let line = |n: &str| {
            dot.lines()
                .find(|l| l.trim_start().starts_with(&format!("{n} [label=")))
                .unwrap_or_else(|| panic!("no node {n}"))
                .to_string()
        };
        assert!(line("n0").contains("%0 = constant\\n1×2\\nvalue: [[1, 2]]\""));
        assert!(line("n0").contains("dashed"));
        assert!(line("n1").contains("%1 = leaf \\\"W1\\\"\\n2×1\\nvalue: [[1], [-1]]\""));
        assert!(line("n1").contains("lightblue"));
        assert!(line("n4").contains("%4 = add(%3, %2)\\n1×1\\nvalue: [[-0.5]]\""));
        assert!(line("n6").contains("%6 = sum[all](%5)"));
        assert!(!dot.contains("grad:"), "no gradients were given");
        assert!(line("n4").contains(&format!("tooltip=\"{}:", file!())));
    }

    #[test]
    fn gradients_are_summarized_when_given() {
        let tape = Tape::new();
        let x = tape.constant(Array2::from_shape_fn((2, 3), |(i, j)| (i * 3 + j) as f64));
        let w = tape.leaf(array![[1.0], [1.0], [1.0]]);
        let loss = x.matmul(w).relu().sum();
        let dot = tape.to_dot(Some(&loss.backward()));
        // x is 2×3: summarized; its gradient was never computed.
        assert!(dot.contains("%0 = constant\\n2×3\\nvalue: min 0  mean 2.5  max 5\\ngrad: none\""));
        // ∂loss/∂w = xᵀ·1 = [0+3, 1+4, 2+5]ᵀ.
        assert!(dot.contains("%1 = leaf\\n3×1\\nvalue: [[1], [1], [1]]\\ngrad: [[3], [5], [7]]\""));
        assert!(dot.contains("%4 = sum[all](%3)\\n1×1\\nvalue: [[15]]\\ngrad: [[1]]\""));
    }

    #[test]
    fn ops_needing_no_gradient_are_greyed() {
        let tape = Tape::new();
        let x = tape.constant(array![[1.0]]);
        let _ = x.relu();
        let dot = tape.to_dot(None);
        let relu = dot.lines().find(|l| l.contains("relu(%0)")).unwrap();
        assert!(relu.contains("fontcolor=\"gray35\""));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape(r#"leaf "a\b""#), r#"leaf \"a\\b\""#);
        assert_eq!(escape("two\nlines"), "two\\nlines");
        let tape = Tape::<f32>::new();
        let _ = tape.named_leaf("say \"hi\"", array![[1.0]]);
        let dot = tape.to_dot(None);
        assert!(dot.contains(r#"[label="%0 = leaf \"say \"hi\"\"\n1×1"#));
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(-1.23456), "-1.2346");
        assert_eq!(number(1e-7), "1.000e-7");
        assert_eq!(number(123456.0), "1.235e5");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
        assert_eq!(summary(&Array2::<f64>::zeros((0, 3))), "empty");
        assert_eq!(
            summary(&array![[1.0_f32, 2.5], [3.0, 4.0]]),
            "[[1, 2.5], [3, 4]]"
        );
        assert_eq!(
            summary(&array![[1.0, 2.0, 3.0, 4.0, 10.0]]),
            "min 1  mean 4  max 10"
        );
    }
}
