//! Huber (smooth L1) regression: quadratic for small errors, linear for
//! large ones, averaged over the batch.
//!
//! For predictions `f`, targets `y` (both m×k), residuals `r = f − y` and a
//! threshold `δ > 0`:
//!
//! ```text
//! h(r) = ½ r²              for |r| ≤ δ
//!        δ (|r| − ½ δ)     for |r| > δ
//! L_i = Σ_j h(f_ij − y_ij)          L = (1/m) Σ_i L_i
//! ∂L/∂f_ij = clamp(r_ij, −δ, δ) / m
//! ```
//!
//! Like L2 near a perfect prediction (smooth, gradient proportional to the
//! error), like L1 for outliers (each pulls with strength at most δ). `h`
//! is continuously differentiable; its second derivative jumps from 1 to 0
//! at `|r| = δ`. This is PyTorch's `HuberLoss(delta)` per element, but, as
//! every loss here, summed over the `k` outputs and averaged over the `m`
//! examples (PyTorch's `mean` averages over all `m·k` entries).
//!
//! Written with tape ops only, as `c ⊙ (r − ½ c)` with `c = clamp(r, −δ, δ)`:
//! for `|r| ≤ δ` that is `r·½r`, beyond it `±δ(r ∓ ½δ) = δ(|r| − ½δ)`. No
//! branch squares a large residual, so the loss is finite (and anomaly mode
//! quiet) for residuals whose square would overflow; NaN stays NaN.

use autograd::{Error, Float, Result, Var};
use ndarray::Array2;

use super::{batch_mean, check_same_shape, or_panic};

/// The mean Huber loss with threshold `delta` between `predictions` (m×k)
/// and `targets` (m×k).
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let f = tape.leaf(array![[0.5, 3.0], [0.0, -1.0]]);
/// let y = array![[0.0, 0.0], [0.0, 1.0]];
/// // Residuals 0.5 (quadratic: 0.125), 3 (linear: 1·(3 − 0.5)), 0, −2 (1.5).
/// let loss = nn::losses::huber(f, &y, 1.0);
/// assert_eq!(loss.item(), (0.125 + 2.5 + 0.0 + 1.5) / 2.0);
/// assert_eq!(loss.backward()[f], array![[0.25, 0.5], [0.0, -0.5]]); // clamp(r, −1, 1) / 2
/// ```
///
/// # Panics
/// On an empty batch, targets of another shape, or a `delta` that is not
/// positive and finite (see [`try_huber`]).
#[track_caller]
pub fn huber<'t, F: Float>(predictions: Var<'t, F>, targets: &Array2<F>, delta: F) -> Var<'t, F> {
    or_panic(try_huber(predictions, targets, delta))
}

/// [`huber`], returning an error instead of panicking.
///
/// ```
/// use autograd::Tape;
/// use ndarray::Array2;
/// let tape = Tape::<f64>::new();
/// let f = tape.leaf(Array2::zeros((2, 2)));
/// assert_eq!(
///     nn::losses::try_huber(f, &Array2::zeros((2, 2)), 0.0).unwrap_err().to_string(),
///     "huber: delta must be positive and finite, got 0"
/// );
/// ```
#[track_caller]
pub fn try_huber<'t, F: Float>(
    predictions: Var<'t, F>,
    targets: &Array2<F>,
    delta: F,
) -> Result<Var<'t, F>> {
    if !(delta > F::zero() && delta.is_finite()) {
        return Err(Error::argument(
            "huber",
            format!("delta must be positive and finite, got {delta}"),
        ));
    }
    let shape = predictions.shape();
    check_same_shape("huber", ("targets", targets), ("predictions", shape))?;
    let r = predictions - predictions.tape().constant(targets.clone());
    let c = r.clamp(-delta, delta);
    let per_entry = c * (r - c * F::of(0.5));
    Ok(batch_mean(per_entry.sum(), shape.rows))
}
