//! The binary hinge loss: a binary SVM per output, labels ±1.
//!
//! For scores `z` (m×k; `k = 1` for a single neuron) and labels
//! `y ∈ {−1, +1}` (m×k):
//!
//! ```text
//! L_i = Σ_j max(0, 1 − y_ij z_ij)          L = (1/m) Σ_i L_i
//! ∂L/∂z_ij = −y_ij · 1[y_ij z_ij < 1] / m
//! ```
//!
//! The max is a `relu`, so a score exactly on the margin (`y z = 1`) gets
//! gradient 0, as in the multiclass [`super::svm`]. No exponentials:
//! large scores stay finite.

use autograd::{Float, Result, Var};
use ndarray::Array2;

use super::{batch_mean, check_label_values, check_same_shape, or_panic};

/// The mean binary hinge loss of `scores` (m×k) for ±1 `labels` (m×k).
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let z = tape.leaf(array![[2.0], [0.5], [1.0], [0.25]]);
/// let y = array![[1.0], [1.0], [1.0], [-1.0]];
/// let loss = nn::losses::binary_hinge(z, &y);
/// // margins 1 − yz: −1 → 0, 0.5, 0 (on the margin), 1.25
/// assert_eq!(loss.item(), (0.5 + 1.25) / 4.0);
/// assert_eq!(loss.backward()[z], array![[0.0], [-0.25], [0.0], [0.25]]);
/// ```
///
/// # Panics
/// On an empty batch, labels of another shape, or a label other than −1 or
/// +1 (see [`try_binary_hinge`]).
#[track_caller]
pub fn binary_hinge<'t, F: Float>(scores: Var<'t, F>, labels: &Array2<F>) -> Var<'t, F> {
    or_panic(try_binary_hinge(scores, labels))
}

/// [`binary_hinge`], returning an error instead of panicking.
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let z = tape.leaf(array![[0.5], [-0.5]]);
/// assert_eq!(
///     nn::losses::try_binary_hinge(z, &array![[1.0], [0.0]]).unwrap_err().to_string(),
///     "binary_hinge: label 0 at [1, 0] is not -1 or +1"
/// );
/// ```
#[track_caller]
pub fn try_binary_hinge<'t, F: Float>(
    scores: Var<'t, F>,
    labels: &Array2<F>,
) -> Result<Var<'t, F>> {
    const LOSS: &str = "binary_hinge";
    let shape = scores.shape();
    check_same_shape(LOSS, ("labels", labels), ("scores", shape))?;
    check_label_values(LOSS, labels, [-F::one(), F::one()], "-1 or +1")?;
    let y = scores.tape().constant(labels.clone());
    let margins = (scores * y).neg().add_scalar(F::one()); // 1 − y z
    Ok(batch_mean(margins.relu().sum(), shape.rows))
}
