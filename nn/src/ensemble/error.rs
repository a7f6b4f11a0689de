//! [`EnsembleError`]: what averaging, scoring or choosing members can
//! report. Each variant names the member (by its position in the slice
//! given) and the numbers involved.

use std::fmt;

/// An ensemble error.
///
/// ```
/// use ndarray::array;
/// use nn::ensemble::{EnsembleError, average_probs};
///
/// let e = average_probs(&[array![[0.5, 0.5]], array![[0.2, 0.3, 0.5]]]).unwrap_err();
/// assert!(matches!(e, EnsembleError::Shape { member: 1, .. }));
/// assert_eq!(
///     e.to_string(),
///     "ensemble: member 1 gives 1×3 probabilities, member 0 gave 1×2 \
///      (members must agree on rows and class count)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EnsembleError {
    /// An ensemble of no members (or a top-k of no candidates).
    NoMembers,
    /// A member's forward pass failed (it cannot take the input).
    Model {
        /// The member's position.
        member: usize,
        /// The model's own error.
        source: autograd::Error,
    },
    /// A member's probability matrix differs in shape from member 0's.
    Shape {
        /// The member's position.
        member: usize,
        /// Member 0's (rows, classes).
        expected: (usize, usize),
        /// This member's (rows, classes).
        found: (usize, usize),
    },
    /// A member's probabilities hold a NaN (a broken model is never
    /// hidden as a wrong answer).
    NaN {
        /// The member's position, or `None` for an averaged matrix.
        member: Option<usize>,
        /// The row.
        row: usize,
        /// The column (class).
        col: usize,
    },
    /// The labels do not fit the probabilities: wrong count, empty, or a
    /// label out of range.
    Labels {
        /// What is wrong, with the numbers.
        detail: String,
    },
    /// A bad argument (k = 0, a NaN validation accuracy, a snapshot that
    /// does not fit the model).
    Argument {
        /// What is wrong, with the numbers.
        detail: String,
    },
}

impl fmt::Display for EnsembleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnsembleError::NoMembers => write!(f, "ensemble: no members"),
            EnsembleError::Model { member, source } => {
                write!(f, "ensemble: member {member}: {source}")
            }
            EnsembleError::Shape {
                member,
                expected,
                found,
            } => write!(
                f,
                "ensemble: member {member} gives {}×{} probabilities, member 0 gave {}×{} \
                 (members must agree on rows and class count)",
                found.0, found.1, expected.0, expected.1
            ),
            EnsembleError::NaN {
                member: Some(m),
                row,
                col,
            } => write!(
                f,
                "ensemble: member {m}'s probability at row {row}, column {col} is NaN"
            ),
            EnsembleError::NaN {
                member: None,
                row,
                col,
            } => write!(
                f,
                "ensemble: the probability at row {row}, column {col} is NaN"
            ),
            EnsembleError::Labels { detail } => write!(f, "ensemble: labels: {detail}"),
            EnsembleError::Argument { detail } => write!(f, "ensemble: {detail}"),
        }
    }
}

impl std::error::Error for EnsembleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EnsembleError::Model { source, .. } => Some(source),
            _ => None,
        }
    }
}
