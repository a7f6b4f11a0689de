//! Typed errors. Every message names the op that refused and the shapes or
//! values it was given, so a user can find the offending line from the text
//! alone.

use std::fmt;

use crate::anomaly::Anomaly;
use crate::shape::Shape;

/// Everything that can go wrong when building or differentiating a tape.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// Input shapes an op cannot combine, e.g. `matmul: lhs is 2×3, rhs is 4×5`.
    Shape {
        /// The op that refused (`"matmul"`, `"add"`, …).
        op: &'static str,
        /// What was wrong, naming every shape involved.
        detail: String,
    },
    /// An argument outside its valid range (a label ≥ number of classes, a
    /// column range past the end, `k = 0` pieces, …).
    Argument {
        /// The op that refused.
        op: &'static str,
        /// What was wrong and which value caused it.
        detail: String,
    },
    /// `backward()` needs a 1×1 loss; use `backward_with` for other shapes.
    NotScalar {
        /// Shape of the node backward was called on.
        shape: Shape,
    },
    /// Anomaly mode saw a NaN or ±∞; the [`Anomaly`] names the op that made it.
    Anomaly(Box<Anomaly>),
    /// An op (in practice a custom [`Op`](crate::Op)) returned a matrix
    /// whose shape breaks its own contract: a `forward` that disagrees with
    /// its `output_shape`, or a gradient whose shape is not its input's.
    /// Checked in every build profile, so a wrong shape is never silently
    /// stored or added by prefix. Boxed, like [`Error::Anomaly`], so every
    /// `Result` the tape returns stays small (the W1 benchmark's node
    /// recording moves them).
    WrongShape(Box<WrongShape>),
    /// A handle from one tape was used with another tape, or after `reset`.
    ForeignNode {
        /// What the handle was used for.
        context: &'static str,
    },
}

impl Error {
    /// A shape error for `op`.
    pub fn shape(op: &'static str, detail: impl Into<String>) -> Self {
        Error::Shape {
            op,
            detail: detail.into(),
        }
    }

    /// An argument error for `op`.
    pub fn argument(op: &'static str, detail: impl Into<String>) -> Self {
        Error::Argument {
            op,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Shape { op, detail } | Error::Argument { op, detail } => {
                write!(f, "{op}: {detail}")
            }
            Error::NotScalar { shape } => write!(
                f,
                "backward: the loss must be 1×1 but is {shape}; \
                 reduce it (e.g. `.sum()` or `.mean()`) or call `backward_with` \
                 with an explicit upstream gradient"
            ),
            Error::Anomaly(a) => write!(f, "{a}"),
            Error::WrongShape(w) => write!(f, "{w}"),
            Error::ForeignNode { context } => write!(
                f,
                "{context}: this node handle belongs to a different tape \
                 (or to this tape before `reset`)"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// What [`Error::WrongShape`] reports: an op, which of its methods
/// returned a matrix of the wrong shape, the shape its contract requires
/// and the shape it returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongShape {
    /// The op that broke the contract.
    pub op: &'static str,
    /// What returned the matrix (and, for gradients, for which input).
    pub produced: Produced,
    /// The shape the contract requires.
    pub expected: Shape,
    /// The shape returned.
    pub got: Shape,
}

impl fmt::Display for WrongShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (op, expected, got) = (self.op, self.expected, self.got);
        match self.produced {
            Produced::Forward => write!(
                f,
                "{op}: forward returned a {got} matrix, but output_shape said {expected}"
            ),
            Produced::Backward { input } => write!(
                f,
                "{op}: backward for input {input} returned a {got} gradient, \
                 but input {input} is {expected}"
            ),
            Produced::BackwardGraph { input } => write!(
                f,
                "{op}: backward_graph for input {input} returned a {got} gradient node, \
                 but input {input} is {expected}"
            ),
        }
    }
}

impl From<WrongShape> for Error {
    fn from(w: WrongShape) -> Self {
        Error::WrongShape(Box::new(w))
    }
}

/// Which method of an op returned the misshapen matrix in
/// [`Error::WrongShape`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Produced {
    /// [`Op::forward`](crate::Op::forward).
    Forward,
    /// [`Op::backward`](crate::Op::backward) (or the default
    /// [`Op::backward_accumulate`](crate::Op::backward_accumulate), which
    /// calls it), for input `input`.
    Backward {
        /// The input whose gradient it was.
        input: usize,
    },
    /// [`Op::backward_graph`](crate::Op::backward_graph), for input `input`.
    BackwardGraph {
        /// The input whose gradient it was.
        input: usize,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
