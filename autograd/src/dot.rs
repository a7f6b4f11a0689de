//! Graphviz export: draw the tape as a graph, optionally with gradients.
//!
//! [`Tape::to_dot`] returns a `digraph` in the
//! [DOT language](https://graphviz.org/doc/info/lang.html). Render it with
//! `dot -Tsvg tape.dot -o tape.svg`. Each box shows the node's Wengert-list
//! line, its shape, a summary of its value and (if given) of its gradient;
//! edges run from inputs to the node that consumes them, labelled with the
//! argument position when an op takes several. Leaves are blue, constants
//! grey and dashed, and ops that need no gradient have grey text. An
//! operand that a broadcasting op stretched (a 1×n bias added to an m×n
//! matrix) gets a bold orange edge saying so, because its gradient is the
//! upstream gradient summed over the stretched axis. A legend explains all
//! of this in the picture itself ([`DotOptions`]).

use std::fmt::Write as _;

use ndarray::Array2;

use crate::dot_legend::legend;
use crate::registry::{ShapeRule, all_ops};
use crate::tape::NodeKind;
use crate::{Error, Float, Gradients, Result, Shape, Tape};

/// At most this many elements are printed in full; larger matrices are
/// summarized as min / mean / max.
const SHOW_ALL_UP_TO: usize = 4;

/// What [`Tape::to_dot_with`] draws besides the nodes and edges.
///
/// The default (what [`Tape::to_dot`] uses) draws the legend and keeps
/// source lines in tooltips only, which an SVG viewer shows on hover but a
/// PNG loses; turn on [`DotOptions::source_lines`] for a picture to print.
///
/// ```
/// use autograd::{DotOptions, Tape};
/// use ndarray::array;
///
/// let tape = Tape::new();
/// let x = tape.leaf(array![[1.0, 2.0]]);
/// let _ = x.relu().sum();
/// let dot = tape.to_dot_with(None, &DotOptions::default().source_lines(true).legend(false));
/// assert!(dot.contains(&format!("at {}:", file!())));
/// assert!(!dot.contains("legend"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DotOptions {
    legend: bool,
    source_lines: bool,
}

impl Default for DotOptions {
    fn default() -> Self {
        DotOptions {
            legend: true,
            source_lines: false,
        }
    }
}

impl DotOptions {
    /// Draw a legend box explaining colours, edge labels, broadcasting and
    /// what `grad` means (on by default).
    pub fn legend(mut self, on: bool) -> Self {
        self.legend = on;
        self
    }

    /// Print the source line that created each node in its box (off by
    /// default: it is always in the node's tooltip).
    pub fn source_lines(mut self, on: bool) -> Self {
        self.source_lines = on;
        self
    }
}

impl<F: Float> Tape<F> {
    /// The tape as a Graphviz `digraph` (node `%i` is `n{i}`), with gradient
    /// summaries when `grads` is given, and a legend
    /// ([`DotOptions::default`]).
    ///
    /// `grads` must come from a backward pass on this tape as recorded now
    /// (since its last [`reset`](Tape::reset)); nodes it holds no gradient
    /// for are shown as `grad: none`.
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
    ///
    /// # Panics
    /// If `grads` came from another tape, or from this tape before a reset
    /// (see [`Tape::try_to_dot`]).
    #[track_caller]
    pub fn to_dot(&self, grads: Option<&Gradients<F>>) -> String {
        match self.try_to_dot(grads, &DotOptions::default()) {
            Ok(dot) => dot,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Tape::to_dot`] with [`DotOptions`].
    ///
    /// # Panics
    /// As [`Tape::to_dot`].
    #[track_caller]
    pub fn to_dot_with(&self, grads: Option<&Gradients<F>>, options: &DotOptions) -> String {
        match self.try_to_dot(grads, options) {
            Ok(dot) => dot,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Tape::to_dot_with`], returning [`Error::ForeignNode`] when `grads`
    /// came from another tape or from this tape before a reset, instead of
    /// drawing another recording's numbers on these nodes.
    pub fn try_to_dot(&self, grads: Option<&Gradients<F>>, options: &DotOptions) -> Result<String> {
        if let Some(g) = grads
            && !g.belong_to(self)
        {
            return Err(Error::ForeignNode {
                context: "Tape::to_dot",
            });
        }
        let broadcasting: Vec<&str> = all_ops()
            .iter()
            .filter(|s| s.shapes == ShapeRule::Broadcast)
            .map(|s| s.name)
            .collect();
        let nodes = self.nodes.borrow();
        let mut out = String::from(
            "digraph tape {\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n  \
             edge [fontname=\"monospace\", fontsize=9];\n",
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
                let grad = match g.get_index(i) {
                    Some(grad) => summary(grad),
                    None => "none".into(),
                };
                text.push(format!("grad: {grad}"));
            }
            let location = format!("{}:{}", node.location.file(), node.location.line());
            if options.source_lines {
                text.push(format!("at {location}"));
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
            let _ = writeln!(
                out,
                "  n{i} [label=\"{}\", tooltip=\"{}\"{style}];",
                label.join("\\n"),
                escape(&location),
            );
            let output = Shape::of(&node.value);
            let broadcasts = match &node.kind {
                NodeKind::Op(op) => broadcasting.contains(&op.name()),
                _ => false,
            };
            let several = node.inputs.len() > 1;
            for (arg, input) in node.inputs.iter().enumerate() {
                let j = input.index();
                let shape = Shape::of(&nodes[j].value);
                if broadcasts && shape != output {
                    let _ = writeln!(
                        out,
                        "  n{j} -> n{i} [label=\"{arg}: broadcast {shape} → {output}\", \
                         style=bold, color=\"darkorange3\", fontcolor=\"darkorange3\"];"
                    );
                } else if several {
                    let _ = writeln!(out, "  n{j} -> n{i} [label=\"{arg}\"];");
                } else {
                    let _ = writeln!(out, "  n{j} -> n{i};");
                }
            }
        }
        if options.legend {
            out.push_str(&legend(grads.is_some()));
        }
        out.push_str("}\n");
        Ok(out)
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
    use super::{DotOptions, escape, number, summary};
    use crate::{Error, Tape};
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
    fn broadcast_operands_are_marked_on_their_edge() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let b = tape.leaf(array![[0.5, -0.5]]);
        let w = tape.leaf(array![[1.0], [1.0]]);
        let _ = (x + b).matmul(w).sum();
        let dot = tape.to_dot(None);
        assert!(dot.contains("n0 -> n3 [label=\"0\"];"), "{dot}");
        assert!(
            dot.contains("n1 -> n3 [label=\"1: broadcast 1×2 → 2×2\", style=bold"),
            "{dot}"
        );
        // matmul's operands differ in shape from its output without broadcasting.
        assert!(dot.contains("n3 -> n4 [label=\"0\"];"), "{dot}");
        assert!(dot.contains("n2 -> n4 [label=\"1\"];"), "{dot}");
        assert_eq!(dot.matches("broadcast 1×2").count(), 1);
    }

    #[test]
    fn legend_by_default_and_source_lines_on_request() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0]]);
        let loss = x.relu().sum();
        let grads = loss.backward();
        let plain = tape.to_dot(Some(&grads));
        assert!(plain.contains("  legend [shape=plaintext"));
        assert!(plain.contains("∂loss/∂node"));
        assert!(!plain.contains("\\nat "), "source lines are off by default");
        let options = DotOptions::default().legend(false).source_lines(true);
        let dot = tape.to_dot_with(Some(&grads), &options);
        assert!(!dot.contains("legend"));
        let relu = dot.lines().find(|l| l.contains("relu(%0)")).unwrap();
        assert!(
            relu.contains(&format!("grad: [[1, 1]]\\nat {}:", file!())),
            "{relu}"
        );
        // Without gradients the legend does not explain a line it does not draw.
        assert!(!tape.to_dot(None).contains("∂loss/∂node"));
    }

    #[test]
    fn gradients_of_another_recording_are_refused() {
        let mut tape = Tape::new();
        let other = Tape::new();
        let foreign = other.leaf(array![[7.0]]).sum().backward();
        let _ = tape.leaf(array![[1.0]]).sum();
        let err = tape
            .try_to_dot(Some(&foreign), &DotOptions::default())
            .unwrap_err();
        assert_eq!(
            err,
            Error::ForeignNode {
                context: "Tape::to_dot"
            }
        );
        let stale = tape.leaf(array![[2.0]]).sum().backward();
        assert!(
            tape.try_to_dot(Some(&stale), &DotOptions::default())
                .is_ok()
        );
        tape.reset();
        let _ = tape.leaf(array![[3.0]]).sum();
        assert!(
            tape.try_to_dot(Some(&stale), &DotOptions::default())
                .is_err()
        );
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
