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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionLog {
    /// The node that branched.
    pub node: NodeId,
    /// Its op's name (`"relu"`, `"max"`, …).
    pub op: &'static str,
    /// Shape of the log (the node's output shape), row-major.
    pub shape: Shape,
    /// One branch per output element, row-major.
    pub branches: Vec<Branch>,
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
