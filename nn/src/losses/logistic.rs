//! Binary logistic regression per attribute (the notes' attribute
//! classification): `k` independent yes/no outputs per example.
//!
//! For logits `z` (m×k) and labels `y ∈ {0, 1}` (m×k), with σ the sigmoid:
//!
//! ```text
//! L_i = Σ_j −y_ij log σ(z_ij) − (1 − y_ij) log(1 − σ(z_ij))
//!     = Σ_j max(z_ij, 0) − z_ij y_ij + log(1 + e^{−|z_ij|})     (stable form)
//! L   = (1/m) Σ_i L_i
//! ∂L/∂z_ij = (σ(z_ij) − y_ij) / m
//! ```
//!
//! Stability: the stable form never exponentiates a positive number, so
//! logits of ±1e4 give a finite loss (`e^{−1e4}` underflows harmlessly to 0
//! and `log 1 = 0`) and finite gradients; the naive `log σ(z)` is `log 0 =
//! −∞` there.
//!
//! Exactness at `z = 0`: written with `relu` and `abs`, the two kinks at 0
//! would each take their derivative-at-the-kink of 0 and the tape would
//! report `−y` instead of the true `σ(0) − y = ½ − y` — exactly where a
//! zero-initialized classifier starts. So `max(z, 0)` is written as
//! `(z + |z|)/2`: with `|·|'(0) = 0` its slope at 0 is ½, the `log(1 +
//! e^{−|z|})` term's is 0, and the sum is exact. Away from 0 both forms
//! agree bit for bit (`z + |z|` is `2z` or exactly `0`).

use autograd::{Float, Result, Shape, Var};
use ndarray::Array2;

use super::{batch_mean, check_label_values, check_same_shape, or_panic};

/// The mean (over examples) of the summed per-attribute logistic losses of
/// `logits` (m×k) for 0/1 `labels` (m×k).
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let z = tape.leaf(array![[0.0, 2.0], [-1.0, 0.0]]);
/// let y = array![[1.0, 0.0], [0.0, 0.0]];
/// let loss = nn::losses::binary_logistic(z, &y);
/// let softplus = |x: f64| (1.0 + x.exp()).ln();
/// // −log σ(0) + −log(1 − σ(2)) + −log(1 − σ(−1)) + −log(1 − σ(0))
/// let want = (softplus(0.0) + softplus(2.0) + softplus(-1.0) + softplus(0.0)) / 2.0;
/// assert!((loss.item() - want).abs() < 1e-14);
/// let sigma = |x: f64| 1.0 / (1.0 + (-x).exp());
/// let g = loss.backward();          // (σ(z) − y) / m, exact at z = 0
/// assert_eq!(g[z][[0, 0]], -0.25);
/// assert_eq!(g[z][[1, 1]], 0.25);
/// assert!((g[z][[0, 1]] - sigma(2.0) / 2.0).abs() < 1e-15);
/// ```
///
/// # Panics
/// On an empty batch, labels of another shape, or a label other than 0 or
/// 1 (see [`try_binary_logistic`]).
#[track_caller]
pub fn binary_logistic<'t, F: Float>(logits: Var<'t, F>, labels: &Array2<F>) -> Var<'t, F> {
    or_panic(try_binary_logistic(logits, labels))
}

/// [`binary_logistic`], returning an error instead of panicking.
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let z = tape.leaf(array![[0.5, -0.5]]);
/// assert_eq!(
///     nn::losses::try_binary_logistic(z, &array![[1.0, -1.0]]).unwrap_err().to_string(),
///     "binary_logistic: label -1 at [0, 1] is not 0 or 1"
/// );
/// ```
#[track_caller]
pub fn try_binary_logistic<'t, F: Float>(
    logits: Var<'t, F>,
    labels: &Array2<F>,
) -> Result<Var<'t, F>> {
    const LOSS: &str = "binary_logistic";
    let shape: Shape = logits.shape();
    check_same_shape(LOSS, ("labels", labels), ("logits", shape))?;
    check_label_values(LOSS, labels, [F::zero(), F::one()], "0 or 1")?;
    let y = logits.tape().constant(labels.clone());
    let abs = logits.abs();
    let positive_part = (logits + abs) * F::of(0.5); // max(z, 0), slope ½ at 0
    let log1p_exp_neg_abs = (-abs).exp().add_scalar(F::one()).log();
    let per_entry = positive_part - logits * y + log1p_exp_neg_abs;
    Ok(batch_mean(per_entry.sum(), shape.rows))
}
