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
            Error::ForeignNode { context } => write!(
                f,
                "{context}: this node handle belongs to a different tape \
                 (or to this tape before `reset`)"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
