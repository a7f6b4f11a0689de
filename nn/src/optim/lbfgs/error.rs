//! [`LbfgsError`]: why a `minimize` call or a `restore` could not go on.
//! (Bad hyperparameters are refused earlier, by
//! [`LbfgsConfigError`](super::LbfgsConfigError).)

use std::fmt;

/// What stopped L-BFGS with an error rather than a
/// [`StopReason`](super::StopReason). After an error from `minimize` the
/// parameters hold the last accepted iterate (always finite), never the
/// trial point that failed.
#[derive(Clone, Debug, PartialEq)]
pub enum LbfgsError {
    /// The closure returned a NaN or infinite loss or gradient entry.
    NonFinite {
        /// Accepted iterations of this `minimize` call before the failing
        /// evaluation (0: at the starting point or in the first line
        /// search).
        iteration: usize,
        /// `"loss"` or `"gradient"`.
        quantity: &'static str,
        /// The flat index of the gradient entry (see the parameter order
        /// in [`Lbfgs`](super::Lbfgs)); `None` for the loss.
        index: Option<usize>,
        /// The offending value.
        value: f64,
    },
    /// The closure returned an error (from a `try_` op, say).
    Closure {
        /// Accepted iterations before the failing evaluation.
        iteration: usize,
        /// The closure's error.
        source: autograd::Error,
    },
    /// A gradient vector of the wrong length (`minimize_vec`).
    GradientLength {
        /// The number of variables.
        expected: usize,
        /// The gradient's length.
        got: usize,
    },
    /// A different number of gradients than parameters.
    GradientCount {
        /// The number of parameters.
        expected: usize,
        /// The number of gradients.
        got: usize,
    },
    /// A gradient whose shape is not its parameter's.
    GradientShape {
        /// The parameter's position in the list.
        param: usize,
        /// Its name.
        name: String,
        /// Its shape (rows, columns).
        expected: (usize, usize),
        /// The gradient's shape.
        got: (usize, usize),
    },
    /// The stored curvature pairs have another length than the variables
    /// passed to `minimize` (a different model?).
    Dimension {
        /// The length of the stored pairs.
        history: usize,
        /// The number of variables passed.
        variables: usize,
    },
    /// A [`State`](crate::optim::State) that `restore` cannot use.
    State {
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for LbfgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LbfgsError::NonFinite {
                iteration,
                quantity,
                index: Some(i),
                value,
            } => write!(
                f,
                "lbfgs: iteration {iteration}: the closure returned a non-finite {quantity} ({value} at entry {i})"
            ),
            LbfgsError::NonFinite {
                iteration,
                quantity,
                index: None,
                value,
            } => write!(
                f,
                "lbfgs: iteration {iteration}: the closure returned a non-finite {quantity} ({value})"
            ),
            LbfgsError::Closure { iteration, source } => {
                write!(
                    f,
                    "lbfgs: iteration {iteration}: the closure failed: {source}"
                )
            }
            LbfgsError::GradientLength { expected, got } => write!(
                f,
                "lbfgs: the gradient has {got} entries, the variables {expected}"
            ),
            LbfgsError::GradientCount { expected, got } => write!(
                f,
                "lbfgs: the closure returned {got} gradients for {expected} parameters"
            ),
            LbfgsError::GradientShape {
                param,
                name,
                expected,
                got,
            } => write!(
                f,
                "lbfgs: gradient {param} ({name}) is {}×{}, the parameter {}×{}",
                got.0, got.1, expected.0, expected.1
            ),
            LbfgsError::Dimension { history, variables } => write!(
                f,
                "lbfgs: the history holds pairs of length {history}, but {variables} variables were passed"
            ),
            LbfgsError::State { reason } => write!(f, "lbfgs: cannot restore state: {reason}"),
        }
    }
}

impl std::error::Error for LbfgsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LbfgsError::Closure { source, .. } => Some(source),
            _ => None,
        }
    }
}
