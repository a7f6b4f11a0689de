//! Anomaly mode: find the op that *produced* the first NaN or ±∞.
//!
//! A NaN usually shows up far from its cause — in the loss, several ops
//! after a `log(0)`. With [`Tape::detect_anomalies`](crate::Tape::detect_anomalies)
//! on, every leaf, every forward output and every backward gradient is
//! checked as it is made; the first non-finite one is recorded as an
//! [`Anomaly`] naming the node, the op, the pass, the input shapes, the
//! element and the user's source line where the node was created.
//! `try_backward` then returns it as [`Error::Anomaly`](crate::Error::Anomaly).
//! When off, the cost is one `bool` test per op.

use std::fmt;
use std::panic::Location;

use ndarray::Array2;

use crate::tape::NodeId;
use crate::{Float, Shape};

/// Which pass produced the anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// A leaf or constant was given a non-finite value.
    Input,
    /// An op's forward computation.
    Forward,
    /// An op's backward computation (the gradient for one of its inputs).
    Backward,
}

/// The first non-finite value seen in anomaly mode, and who made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Anomaly {
    /// Input, forward or backward.
    pub pass: Pass,
    /// The node whose computation produced the value.
    pub node: NodeId,
    /// Its op's label (`log`, `leaky_relu[α=0.1]`), or `leaf`/`constant`.
    pub op: String,
    /// Shapes of the op's inputs.
    pub input_shapes: Vec<Shape>,
    /// For the backward pass: which input's gradient was non-finite.
    pub wrt: Option<usize>,
    /// The offending element (row, column).
    pub element: (usize, usize),
    /// The offending value (NaN, +∞ or −∞).
    pub value: f64,
    /// Where the user created the node.
    pub location: &'static Location<'static>,
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shapes: Vec<String> = self.input_shapes.iter().map(Shape::to_string).collect();
        let (r, c) = self.element;
        let what = match (self.pass, self.wrt) {
            (Pass::Input, _) => "value".to_string(),
            (Pass::Forward, _) => "forward output".to_string(),
            (Pass::Backward, Some(i)) => format!("backward gradient for input {i}"),
            (Pass::Backward, None) => "backward gradient".to_string(),
        };
        write!(
            f,
            "anomaly: {} {} = {}({}) produced {} at [{r},{c}] in its {what}; created at {}",
            match self.pass {
                Pass::Input => "input",
                Pass::Forward => "forward:",
                Pass::Backward => "backward:",
            },
            self.node,
            self.op,
            shapes.join(", "),
            self.value,
            self.location
        )
    }
}

/// The first non-finite element of `a`, row-major: its position and value.
pub(crate) fn first_non_finite<F: Float>(a: &Array2<F>) -> Option<((usize, usize), f64)> {
    if let Some(values) = a.as_slice_memory_order()
        && all_finite(values)
    {
        return None;
    }
    // Rare (an anomaly) or a non-contiguous view: locate it element by element.
    a.indexed_iter()
        .find(|(_, v)| !v.is_finite())
        .map(|(at, v)| (at, v.as_f64()))
}

/// Whether every value is finite, in a branch-free pass the compiler
/// vectorizes: `x − x` is 0 for finite `x` and NaN for ±∞ or NaN, and
/// eight independent accumulators stay 0 unless one is poisoned. (A
/// short-circuiting `all(is_finite)` costs a branch per element; this scan
/// keeps anomaly mode cheap on large activations.)
#[allow(clippy::eq_op)] // `x - x` is the finiteness test, not a typo for 0
fn all_finite<F: Float>(values: &[F]) -> bool {
    const LANES: usize = 8;
    let mut acc = [F::zero(); LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a += x - x;
        }
    }
    acc.iter().all(|a| *a == F::zero()) && rest.iter().all(|x| x.is_finite())
}
