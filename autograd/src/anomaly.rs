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
//!
//! Switched on mid-tape, the mode cannot see values made before: the first
//! op checked that *receives* such a NaN is then reported with
//! [`Anomaly::predating`] set, and the message says the value predates
//! anomaly mode rather than blaming that op.

use std::fmt;
use std::panic::Location;

use ndarray::Array2;

use crate::kernels::lane_sum;
use crate::node_id::NodeId;
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
    /// Set when the op was handed a value that was already non-finite,
    /// made before anomaly mode was switched on: then this op is not the
    /// culprit, only the first op checked (see [`Predating`]).
    pub predating: Option<Predating>,
}

/// A non-finite value an op received that was made while anomaly mode was
/// off, so the op that made it went unchecked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Predating {
    /// Input `index` of the op already held `value`.
    Input {
        /// Which input.
        index: usize,
        /// Its first non-finite value (NaN, +∞ or −∞).
        value: f64,
    },
    /// The op's own forward output (computed before anomaly mode) held
    /// `value`; found when its backward is checked.
    Output {
        /// The output's first non-finite value.
        value: f64,
    },
}

/// The first non-finite value among `inputs` (then `output`, if given):
/// in anomaly mode, such a value can only have been made while the mode was
/// off, since one made while it was on would have been reported first.
pub(crate) fn predating<F: Float>(
    inputs: &[&Array2<F>],
    output: Option<&Array2<F>>,
) -> Option<Predating> {
    for (index, input) in inputs.iter().enumerate() {
        if let Some((_, value)) = first_non_finite(input) {
            return Some(Predating::Input { index, value });
        }
    }
    let (_, value) = first_non_finite(output?)?;
    Some(Predating::Output { value })
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
        )?;
        match self.predating {
            None => Ok(()),
            Some(Predating::Input { index, value }) => write!(
                f,
                "; but the first non-finite value predates anomaly mode: \
                 input {index} of {} was already {value}",
                self.op
            ),
            Some(Predating::Output { value }) => write!(
                f,
                "; but the first non-finite value predates anomaly mode: \
                 the output of {} was already {value} (computed before anomaly mode)",
                self.op
            ),
        }
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
/// vectorizes: `x · 0` is 0 for finite `x` and NaN for ±∞ or NaN, so the
/// sum is 0 unless some value is poisoned. (A short-circuiting
/// `all(is_finite)` costs a branch per element; this scan keeps anomaly
/// mode cheap on large activations.)
fn all_finite<F: Float>(values: &[F]) -> bool {
    lane_sum(values, |x| x * F::zero()) == F::zero()
}

#[cfg(test)]
mod tests {
    use super::first_non_finite;
    use ndarray::Array2;

    #[test]
    fn the_vectorized_scan_finds_every_position_and_kind() {
        for len in [1, 7, 8, 9, 16, 37] {
            let clean = Array2::from_shape_fn((1, len), |(_, j)| j as f64 - 3.0);
            assert_eq!(first_non_finite(&clean), None, "len {len}");
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                for at in 0..len {
                    let mut a = clean.clone();
                    a[[0, at]] = bad;
                    let (pos, value) = first_non_finite(&a).expect("found");
                    assert_eq!(pos, (0, at));
                    assert!(value.is_nan() == bad.is_nan() && (value.is_nan() || value == bad));
                }
            }
        }
        // A transposed (column-major) view takes the same fast path and
        // still reports the row-major position.
        let mut a = Array2::<f32>::zeros((3, 5));
        a[[2, 1]] = f32::INFINITY;
        let t = a.t().to_owned();
        assert_eq!(
            first_non_finite(&a.t().to_owned()),
            Some(((1, 2), f64::INFINITY))
        );
        assert_eq!(
            first_non_finite(&t.reversed_axes()),
            Some(((2, 1), f64::INFINITY))
        );
    }
}
