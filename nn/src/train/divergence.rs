//! Divergence is reported, not trained through: [`TrainError`] and the
//! per-step test [`check_step`].
//!
//! A step diverges when its loss or the global gradient norm is not finite,
//! or when its loss exceeds [`EXPLODE_FACTOR`] × the run's first loss (a
//! sane run's loss falls from its first value; twenty times it is an
//! explosion, not noise). The error names the step, the loss, the gradient
//! norm and the parameter with the largest (or first non-finite) gradient.

use std::fmt;

/// A step's loss above this factor × the first step's loss is divergence.
pub const EXPLODE_FACTOR: f64 = 20.0;

/// Why training stopped with an error.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainError {
    /// The loss or gradient went non-finite or exploded.
    Diverged {
        /// The step (0-based over the run) at which it was seen.
        step: u64,
        /// The step's loss (data + regularization).
        loss: f64,
        /// The global gradient norm √(Σ over parameters of ‖g‖²).
        grad_norm: f64,
        /// The parameter with the largest gradient norm (or the first
        /// non-finite one), and that norm.
        worst_param: (String, f64),
    },
    /// A model, loss or data error (shapes, labels, batch size).
    Model(String),
    /// The epoch observer refused to continue (e.g. a checkpoint write failed).
    Observer(String),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Diverged {
                step,
                loss,
                grad_norm,
                worst_param: (name, norm),
            } => write!(
                f,
                "training diverged at step {step}: loss {loss:e}, gradient norm {grad_norm:e}, \
                 worst parameter `{name}` (gradient norm {norm:e}); lower the learning rate"
            ),
            TrainError::Model(e) => write!(f, "training failed: {e}"),
            TrainError::Observer(e) => write!(f, "training stopped by its observer: {e}"),
        }
    }
}

impl std::error::Error for TrainError {}

/// Checks one step: `loss` and `norms` (each parameter's name and gradient
/// norm) against the run's `first_loss`.
///
/// ```
/// use nn::train::divergence::check_step;
/// assert!(check_step(3, 2.3, Some(2.3), &[("W".into(), 1.0)]).is_ok());
/// let e = check_step(1, 1e9, Some(2.3), &[("W".into(), 5.0), ("b".into(), 9.0)]).unwrap_err();
/// assert!(e.to_string().contains("step 1") && e.to_string().contains("`b`"), "{e}");
/// assert!(check_step(0, f64::NAN, None, &[]).is_err());
/// ```
///
/// # Errors
/// [`TrainError::Diverged`] as described in the module doc.
pub fn check_step(
    step: u64,
    loss: f64,
    first_loss: Option<f64>,
    norms: &[(String, f64)],
) -> Result<(), TrainError> {
    let grad_norm = norms.iter().map(|(_, n)| n * n).sum::<f64>().sqrt();
    let exploded = first_loss.is_some_and(|first| loss > EXPLODE_FACTOR * first.abs().max(1e-12));
    if loss.is_finite() && grad_norm.is_finite() && !exploded {
        return Ok(());
    }
    let worst = norms
        .iter()
        .find(|(_, n)| !n.is_finite())
        .or_else(|| norms.iter().max_by(|a, b| a.1.total_cmp(&b.1)))
        .cloned()
        .unwrap_or_else(|| ("(none)".into(), f64::NAN));
    Err(TrainError::Diverged {
        step,
        loss,
        grad_norm,
        worst_param: worst,
    })
}
