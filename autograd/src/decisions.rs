//! Decision logs: which branch every element of every branching op took.
//!
//! A gradient checker evaluates the function at `x+h` and `x−h`; if any
//! branching op chose differently between the two, the finite difference
//! straddles a kink and is not evidence of a bug. Recording is off by default
//! (one `bool` test per op when off) and switched on per tape with
//! [`Tape::record_decisions`](crate::Tape::record_decisions).

use std::fmt;

use crate::Shape;
use crate::node_id::NodeId;
use crate::ties::Branch;

/// The branches one node's elements took in one forward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionLog {
    /// The node that branched.
    pub node: NodeId,
    /// Its op's name (`"relu"`, `"max"`, …).
    pub op: &'static str,
    /// Shape of the log (the node's output shape), row-major.
    pub shape: Shape,
    /// One branch per output element, row-major.
    pub branches: Vec<Branch>,
    /// The value each element's branch was decided on, row-major (as
    /// `f64`): the op's first input where it has the output's shape
    /// (relu's `x`, clamp's `x`, maximum's `a`, which equals `b` at a tie),
    /// otherwise the output (a max reduction's or maxout's winning value).
    /// A gradient checker prints it so a student sees *how close* to the
    /// kink the input sat.
    pub values: Vec<f64>,
}

impl DecisionLog {
    /// The branch and decided-on value of `element` (row, column), if the
    /// log covers it.
    ///
    /// ```
    /// use autograd::Tape;
    /// use autograd::ties::Branch;
    /// use ndarray::array;
    ///
    /// let tape = Tape::new();
    /// tape.record_decisions(true);
    /// let _ = tape.leaf(array![[-2.0, 1e-9]]).relu();
    /// let log = &tape.decision_logs()[0];
    /// assert_eq!(log.at((0, 1)), Some((Branch::POSITIVE, 1e-9)));
    /// assert_eq!(log.at((1, 0)), None);
    /// ```
    pub fn at(&self, element: (usize, usize)) -> Option<(Branch, f64)> {
        let (r, c) = element;
        if r >= self.shape.rows || c >= self.shape.cols {
            return None;
        }
        let i = r * self.shape.cols + c;
        Some((*self.branches.get(i)?, *self.values.get(i)?))
    }
}

/// One element whose branch differs between two logs of the same node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crossing {
    /// The node whose decision changed.
    pub node: NodeId,
    /// Its op's name.
    pub op: &'static str,
    /// The element (row, column) in the node's output.
    pub element: (usize, usize),
    /// The branch taken in the first evaluation.
    pub before: Branch,
    /// The branch taken in the second evaluation.
    pub after: Branch,
}

impl fmt::Display for Crossing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (r, c) = self.element;
        write!(
            f,
            "{} = {} at [{r},{c}] went from {} to {}",
            self.node,
            self.op,
            branch_name(self.before),
            branch_name(self.after)
        )
    }
}

fn branch_name(b: Branch) -> String {
    match b {
        Branch::TIE => "a tie".into(),
        Branch(i) => format!("branch {i}"),
    }
}

/// Every element whose branch differs between two runs of the same graph
/// (logs paired by node). Nodes present in only one run are ignored: the
/// caller compares runs of the same code path.
pub fn crossings(a: &[DecisionLog], b: &[DecisionLog]) -> Vec<Crossing> {
    let mut out = Vec::new();
    for la in a {
        let Some(lb) = b.iter().find(|l| l.node == la.node) else {
            continue;
        };
        let cols = la.shape.cols.max(1);
        for (i, (&x, &y)) in la.branches.iter().zip(&lb.branches).enumerate() {
            if x != y {
                out.push(Crossing {
                    node: la.node,
                    op: la.op,
                    element: (i / cols, i % cols),
                    before: x,
                    after: y,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::ties::Branch;
    use ndarray::array;

    /// The decided-on value is the input where it lines up with the output
    /// (relu, maximum) and the output where it does not (a max reduction).
    #[test]
    fn values_are_the_input_or_the_winning_value() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[-2.0, 0.0], [3.0, 0.5]]);
        let _ = x.relu();
        let _ = x.maximum(tape.constant(array![[1.0, 0.0], [1.0, 1.0]]));
        let _ = x.max_axis(1);
        let logs = tape.decision_logs();
        assert_eq!(logs.len(), 3);
        assert_eq!(logs[0].values, vec![-2.0, 0.0, 3.0, 0.5]);
        assert_eq!(logs[0].at((0, 1)), Some((Branch::KINK, 0.0)));
        assert_eq!(logs[1].values, vec![-2.0, 0.0, 3.0, 0.5]);
        assert_eq!(logs[1].at((0, 1)), Some((Branch::TIE, 0.0)));
        assert_eq!(logs[2].values, vec![0.0, 3.0]);
        assert_eq!(logs[2].at((1, 0)), Some((Branch::winner(0), 3.0)));
        assert_eq!(logs[2].at((0, 1)), None);
    }
}
