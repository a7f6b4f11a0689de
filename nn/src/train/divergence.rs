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

/// ‖g‖ (NaN or ∞ if any entry is), with eight independent partial sums
/// so the loop vectorizes: the trainer takes it of every gradient at every
/// step. Summed in `F` (in f32 that is four values per instruction; the
/// relative error stays near 1e-6, plenty for a divergence test), and again
/// in f64 if that overflowed, so a finite gradient never reads as ∞.
///
/// ```
/// use ndarray::array;
/// let g = array![[3.0f32, 0.0], [0.0, 4.0]];
/// assert_eq!(nn::train::divergence::norm(&g), 5.0);
/// assert!(nn::train::divergence::norm(&array![[1.0, f64::NAN]]).is_nan());
/// // 1e20² overflows f32; the norm is still right.
/// let big = nn::train::divergence::norm(&array![[1e20f32, 1e20]]);
/// assert!((big / (1e20 * 2f64.sqrt()) - 1.0).abs() < 1e-6);
/// ```
pub fn norm<F: autograd::Float>(g: &ndarray::Array2<F>) -> f64 {
    fn sum_sq<T: Copy + Default + std::ops::Add<Output = T> + std::ops::Mul<Output = T>>(
        v: &[T],
    ) -> T {
        let mut acc = [T::default(); 8];
        let chunks = v.chunks_exact(8);
        let tail = chunks.remainder();
        for c in chunks {
            for i in 0..8 {
                acc[i] = acc[i] + c[i] * c[i];
            }
        }
        for (i, &x) in tail.iter().enumerate() {
            acc[i] = acc[i] + x * x;
        }
        let pairs = [
            acc[0] + acc[4],
            acc[1] + acc[5],
            acc[2] + acc[6],
            acc[3] + acc[7],
        ];
        (pairs[0] + pairs[2]) + (pairs[1] + pairs[3])
    }
    let owned;
    let v = match g.as_slice_memory_order() {
        Some(v) => v,
        None => {
            owned = g.iter().copied().collect::<Vec<F>>();
            &owned
        }
    };
    let fast = sum_sq(v).as_f64();
    if fast.is_infinite() {
        let wide: Vec<f64> = v.iter().map(|x| x.as_f64()).collect();
        return sum_sq(&wide).sqrt();
    }
    fast.sqrt()
}
