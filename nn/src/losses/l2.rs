//! L2 regression: the **squared** L2 distance between predictions and
//! targets, averaged over the batch.
//!
//! For predictions `f` and targets `y` (both m×k):
//!
//! ```text
//! L_i = ‖f_i − y_i‖₂² = Σ_j (f_ij − y_ij)²          L = (1/m) Σ_i L_i
//! ∂L/∂f_ij = 2 (f_ij − y_ij) / m
//! ```
//!
//! Squared, as in the notes, rather than the plain norm `‖f_i − y_i‖₂`:
//! the square's gradient is linear in the error and smooth everywhere,
//! while the norm's gradient has constant magnitude and is undefined (a
//! `sqrt` at 0) for a perfect prediction. There is no ½: the gradient is
//! `2(f − y)/m`. Per row the sum runs over the `k` outputs, so the loss is
//! not divided by `k`.
//!
//! The notes' caution applies: an L2 loss is much harder to optimize and
//! more fragile than a softmax; prefer quantizing the output into bins when
//! that is possible.

use autograd::{Float, Result, Var};
use ndarray::Array2;

use super::{batch_mean, check_finite_targets, check_same_shape, or_panic};

/// The mean squared L2 distance between `predictions` (m×k) and `targets`
/// (m×k).
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let f = tape.leaf(array![[1.0, 2.0], [0.0, -1.0]]);
/// let y = array![[0.0, 0.0], [0.0, 2.0]];
/// let loss = nn::losses::l2_regression(f, &y);
/// assert_eq!(loss.item(), (1.0 + 4.0 + 9.0) / 2.0);
/// assert_eq!(loss.backward()[f], array![[1.0, 2.0], [0.0, -3.0]]);
/// ```
///
/// # Panics
/// On an empty batch, targets of another shape or a NaN/±∞ target (see
/// [`try_l2_regression`]).
#[track_caller]
pub fn l2_regression<'t, F: Float>(predictions: Var<'t, F>, targets: &Array2<F>) -> Var<'t, F> {
    or_panic(try_l2_regression(predictions, targets))
}

/// [`l2_regression`], returning an error instead of panicking.
///
/// ```
/// use autograd::Tape;
/// use ndarray::Array2;
/// let tape = Tape::<f64>::new();
/// let f = tape.leaf(Array2::zeros((3, 1)));
/// assert_eq!(
///     nn::losses::try_l2_regression(f, &Array2::zeros((1, 3))).unwrap_err().to_string(),
///     "l2_regression: targets are 1×3, predictions are 3×1"
/// );
/// let y = ndarray::array![[0.0], [f64::NAN], [1.0]];
/// assert_eq!(
///     nn::losses::try_l2_regression(f, &y).unwrap_err().to_string(),
///     "l2_regression: target NaN at row 1, column 0 is not finite"
/// );
/// ```
#[track_caller]
pub fn try_l2_regression<'t, F: Float>(
    predictions: Var<'t, F>,
    targets: &Array2<F>,
) -> Result<Var<'t, F>> {
    let shape = predictions.shape();
    check_same_shape(
        "l2_regression",
        ("targets", targets),
        ("predictions", shape),
    )?;
    check_finite_targets("l2_regression", targets)?;
    let y = predictions.tape().constant(targets.clone());
    // `sum_squares` is one fused node: Σ over all entries is Σ_i L_i.
    Ok(batch_mean((predictions - y).sum_squares(), shape.rows))
}
