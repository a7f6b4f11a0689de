//! L1 regression: the L1 distance between predictions and targets,
//! averaged over the batch.
//!
//! For predictions `f` and targets `y` (both m×k):
//!
//! ```text
//! L_i = ‖f_i − y_i‖₁ = Σ_j |f_ij − y_ij|          L = (1/m) Σ_i L_i
//! ∂L/∂f_ij = sign(f_ij − y_ij) / m,    sign(0) = 0
//! ```
//!
//! The kink at a perfect prediction takes the derivative 0 (autograd's
//! `abs` tie rule), a valid subgradient. Less sensitive to outliers than
//! [`super::l2_regression`]: each error pulls with constant strength.

use autograd::{Float, Result, Var};
use ndarray::Array2;

use super::{batch_mean, check_finite_targets, check_same_shape, or_panic};

/// The mean L1 distance between `predictions` (m×k) and `targets` (m×k).
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let f = tape.leaf(array![[1.0, 2.0], [0.0, -1.0]]);
/// let y = array![[0.0, 2.0], [0.5, 2.0]];
/// let loss = nn::losses::l1_regression(f, &y);
/// assert_eq!(loss.item(), (1.0 + 0.0 + 0.5 + 3.0) / 2.0);
/// assert_eq!(loss.backward()[f], array![[0.5, 0.0], [-0.5, -0.5]]);
/// ```
///
/// # Panics
/// On an empty batch, targets of another shape or a NaN/±∞ target (see
/// [`try_l1_regression`]).
#[track_caller]
pub fn l1_regression<'t, F: Float>(predictions: Var<'t, F>, targets: &Array2<F>) -> Var<'t, F> {
    or_panic(try_l1_regression(predictions, targets))
}

/// [`l1_regression`], returning an error instead of panicking.
///
/// ```
/// use autograd::Tape;
/// use ndarray::Array2;
/// let tape = Tape::<f64>::new();
/// let f = tape.leaf(Array2::zeros((0, 2)));
/// assert_eq!(
///     nn::losses::try_l1_regression(f, &Array2::zeros((0, 2))).unwrap_err().to_string(),
///     "l1_regression: empty batch: predictions are 0×2"
/// );
/// let f = tape.leaf(Array2::zeros((1, 2)));
/// let y = ndarray::array![[0.0, f64::INFINITY]];
/// assert_eq!(
///     nn::losses::try_l1_regression(f, &y).unwrap_err().to_string(),
///     "l1_regression: target inf at row 0, column 1 is not finite"
/// );
/// ```
#[track_caller]
pub fn try_l1_regression<'t, F: Float>(
    predictions: Var<'t, F>,
    targets: &Array2<F>,
) -> Result<Var<'t, F>> {
    let shape = predictions.shape();
    check_same_shape(
        "l1_regression",
        ("targets", targets),
        ("predictions", shape),
    )?;
    check_finite_targets("l1_regression", targets)?;
    let y = predictions.tape().constant(targets.clone());
    Ok(batch_mean((predictions - y).abs().sum(), shape.rows))
}
