//! Printing a tape as a Wengert list: one node per line, in recording order.
//!
//! ```text
//! %0 = constant        [1×2]  no grad
//! %1 = leaf "W1"       [2×3]
//! %2 = matmul(%0, %1)  [1×3]
//! %3 = relu(%2)        [1×3]
//! %4 = sum[all](%3)    [1×1]
//! ```
//!
//! Each line is `%i = label(inputs…)` and the node's shape; the label comes
//! from [`Op::label`](crate::Op::label), so ops with parameters show them
//! (`sum[axis=0]`). Nodes that no gradient-requiring leaf reaches are marked
//! `no grad`: backward skips them. The alternate form `{:#}` adds the source
//! line that created each node (`# src/main.rs:12`).

use std::fmt;

use crate::node::{Node, NodeKind};
use crate::{Float, Shape, Tape};

/// The columns of one listing line, before alignment.
struct Row {
    id: String,
    expr: String,
    shape: String,
    no_grad: bool,
    location: String,
}

impl Row {
    fn of<F: Float>(index: usize, node: &Node<F>) -> Row {
        let expr = match &node.kind {
            NodeKind::Op(_) => {
                let args: Vec<String> = node.inputs.iter().map(|i| i.to_string()).collect();
                format!("{}({})", node.label(), args.join(", "))
            }
            NodeKind::Leaf { .. } | NodeKind::Constant => node.label(),
        };
        Row {
            id: format!("%{index}"),
            expr,
            shape: format!("[{}]", Shape::of(&node.value)),
            no_grad: !node.requires_grad,
            location: format!("# {}:{}", node.location.file(), node.location.line()),
        }
    }
}

/// Width of a column in characters (`×` is one character, two bytes).
fn width(rows: &[Row], column: impl Fn(&Row) -> &str) -> usize {
    rows.iter()
        .map(|r| column(r).chars().count())
        .max()
        .unwrap_or(0)
}

/// Lists the tape as a Wengert list; `{:#}` adds each node's source line.
///
/// Lines are separated by `\n` with no trailing newline, so
/// `println!("{tape}")` prints no blank line. An empty tape prints
/// `(empty tape)`.
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
///
/// let tape = Tape::new();
/// let x = tape.constant(array![[1.0, 2.0]]);
/// let w = tape.named_leaf("w", array![[3.0], [4.0]]);
/// let _loss = x.matmul(w).relu().sum();
/// assert_eq!(
///     tape.to_string(),
///     "%0 = constant        [1×2]  no grad\n\
///      %1 = leaf \"w\"        [2×1]\n\
///      %2 = matmul(%0, %1)  [1×1]\n\
///      %3 = relu(%2)        [1×1]\n\
///      %4 = sum[all](%3)    [1×1]"
/// );
/// ```
impl<F: Float> fmt::Display for Tape<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nodes = self.nodes.borrow();
        if nodes.is_empty() {
            return f.write_str("(empty tape)");
        }
        let rows: Vec<Row> = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| Row::of(i, node))
            .collect();
        let id_w = width(&rows, |r| &r.id);
        let expr_w = width(&rows, |r| &r.expr);
        let shape_w = width(&rows, |r| &r.shape);
        let with_location = f.alternate();
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            let mut line = format!(
                "{:<id_w$} = {:<expr_w$}  {:<shape_w$}  {:<7}",
                row.id,
                row.expr,
                row.shape,
                if row.no_grad { "no grad" } else { "" },
            );
            if with_location {
                line.push_str("  ");
                line.push_str(&row.location);
            }
            f.write_str(line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Param, Tape};
    use ndarray::array;

    #[test]
    fn lists_leaves_constants_and_ops_aligned() {
        let tape = Tape::<f64>::new();
        let w1 = tape.named_leaf("W1", ndarray::Array2::zeros((3, 4)));
        let x = tape.constant(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((1, 4)));
        let h = x.matmul(w1);
        let _ = (h + b).relu().sum_axis(0);
        let expected = "\
%0 = leaf \"W1\"        [3×4]
%1 = constant         [2×3]  no grad
%2 = leaf             [1×4]
%3 = matmul(%1, %0)   [2×4]
%4 = add(%3, %2)      [2×4]
%5 = relu(%4)         [2×4]
%6 = sum[axis=0](%5)  [1×4]";
        assert_eq!(tape.to_string(), expected);
    }

    #[test]
    fn marks_ops_that_need_no_gradient() {
        let tape = Tape::new();
        let x = tape.constant(array![[1.0, -2.0]]);
        let w = tape.leaf(array![[1.0, 1.0]]);
        let _ = x.relu() * w;
        let expected = "\
%0 = constant     [1×2]  no grad
%1 = leaf         [1×2]
%2 = relu(%0)     [1×2]  no grad
%3 = mul(%2, %1)  [1×2]";
        assert_eq!(tape.to_string(), expected);
    }

    #[test]
    fn ids_are_left_aligned_past_ten_nodes() {
        let tape = Tape::new();
        let mut y = tape.leaf(array![[1.0]]);
        for _ in 0..10 {
            y = y + y;
        }
        let listing = tape.to_string();
        let lines: Vec<&str> = listing.lines().collect();
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[0], "%0  = leaf         [1×1]");
        assert_eq!(lines[9], "%9  = add(%8, %8)  [1×1]");
        assert_eq!(lines[10], "%10 = add(%9, %9)  [1×1]");
    }

    #[test]
    fn params_show_their_name_and_detached_values_are_constants() {
        let p = Param::new("b", array![[0.5]]);
        let tape = Tape::new();
        let b = tape.param(&p);
        let _ = b.detach();
        assert_eq!(
            tape.to_string(),
            "%0 = leaf \"b\"  [1×1]\n%1 = constant  [1×1]  no grad"
        );
    }

    #[test]
    fn alternate_form_adds_source_lines() {
        let tape = Tape::new();
        let line = line!() + 1;
        let x = tape.leaf(array![[2.0]]);
        let _ = x * x;
        let file = file!();
        let expected = format!(
            "%0 = leaf         [1×1]           # {file}:{line}\n\
             %1 = mul(%0, %0)  [1×1]           # {file}:{}",
            line + 1
        );
        assert_eq!(format!("{tape:#}"), expected);
    }

    #[test]
    fn empty_tape_says_so() {
        assert_eq!(Tape::<f32>::new().to_string(), "(empty tape)");
    }
}
