//! [`PreprocessError`]: every way fitting, applying or restoring a
//! transform can be refused, each naming the transform and the numbers
//! that disagree.
//!
//! A separate enum rather than [`autograd::Error`]: that one describes ops
//! on a tape and their shapes, while these errors are about data (a NaN in
//! row 12), hyperparameters (k, ε, a channel count) and saved states.

use std::fmt;

/// Why a preprocessing transform could not be fitted, applied or restored.
///
/// ```
/// use nn::preprocess::{PreprocessError, Standardize, Transform};
/// use ndarray::array;
///
/// let fitted = Standardize::fit(&array![[1.0, 2.0], [3.0, 5.0]]).unwrap();
/// let err = fitted.apply(&array![[1.0, 2.0, 3.0]]).unwrap_err();
/// assert_eq!(
///     err,
///     PreprocessError::WidthMismatch { transform: "standardize", op: "apply", expected: 2, got: 3 }
/// );
/// assert_eq!(err.to_string(), "standardize: apply expects rows of width 2, got width 3");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum PreprocessError {
    /// Fitting on a matrix with no rows or no columns: there is no
    /// statistic to compute.
    Empty {
        /// The transform being fitted.
        transform: &'static str,
        /// Rows of the training matrix.
        rows: usize,
        /// Columns of the training matrix.
        cols: usize,
    },
    /// A NaN or ±∞ in the training data, which would poison every
    /// statistic computed from it.
    NonFinite {
        /// The transform being fitted.
        transform: &'static str,
        /// Row of the first non-finite value.
        row: usize,
        /// Column of the first non-finite value.
        col: usize,
        /// The value itself (NaN, inf or -inf).
        value: f64,
    },
    /// The matrix given to `apply` or `inverse` has the wrong width.
    WidthMismatch {
        /// The fitted transform.
        transform: &'static str,
        /// `"apply"` or `"inverse"`.
        op: &'static str,
        /// The width the transform was fitted for (its input or output).
        expected: usize,
        /// The width it was given.
        got: usize,
    },
    /// PCA asked for k components of D-dimensional data with k = 0 or k > D.
    InvalidComponents {
        /// The number of components asked for.
        k: usize,
        /// The data's dimension D.
        dim: usize,
    },
    /// Whitening's ε is zero, negative, NaN or infinite.
    InvalidEpsilon {
        /// The ε given.
        epsilon: f64,
    },
    /// Per-channel centering with a channel count that is 0 or does not
    /// divide the row width.
    InvalidChannels {
        /// The channel count given.
        channels: usize,
        /// The row width D.
        dim: usize,
    },
    /// A saved state that does not describe this transform: another kind,
    /// a missing entry or an entry of the wrong shape.
    BadState {
        /// The transform being restored.
        transform: &'static str,
        /// What is wrong with the state.
        reason: String,
    },
    /// The eigensolver did not converge.
    Decomposition {
        /// The solver's own message.
        reason: String,
    },
}

impl fmt::Display for PreprocessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreprocessError::Empty {
                transform,
                rows,
                cols,
            } => write!(
                f,
                "{transform}: cannot fit on an empty {rows}×{cols} matrix"
            ),
            PreprocessError::NonFinite {
                transform,
                row,
                col,
                value,
            } => write!(
                f,
                "{transform}: training data has {value} at row {row}, column {col}"
            ),
            PreprocessError::WidthMismatch {
                transform,
                op,
                expected,
                got,
            } => write!(
                f,
                "{transform}: {op} expects rows of width {expected}, got width {got}"
            ),
            PreprocessError::InvalidComponents { k, dim } => write!(
                f,
                "pca: k = {k} components of {dim}-dimensional data (need 1 ≤ k ≤ {dim})"
            ),
            PreprocessError::InvalidEpsilon { epsilon } => {
                write!(f, "pca: whitening ε must be finite and > 0, got {epsilon}")
            }
            PreprocessError::InvalidChannels { channels, dim } => write!(
                f,
                "center: {channels} channels do not divide rows of width {dim}"
            ),
            PreprocessError::BadState { transform, reason } => {
                write!(f, "{transform}: cannot restore: {reason}")
            }
            PreprocessError::Decomposition { reason } => {
                write!(f, "pca: eigendecomposition failed: {reason}")
            }
        }
    }
}

impl std::error::Error for PreprocessError {}
