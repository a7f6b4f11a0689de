//! The multiclass SVM (Weston–Watkins hinge) loss with margin `Δ = 1`.
//!
//! For scores `s` (m×C, one row per example) and labels `y`:
//!
//! ```text
//! L_i = Σ_{j ≠ y_i} max(0, s_ij − s_{i,y_i} + Δ)          L = (1/m) Σ_i L_i
//! ```
//!
//! Gradient, with `1[·]` the indicator of a *strictly* positive margin:
//!
//! ```text
//! ∂L/∂s_ij      =  1[s_ij − s_{i,y_i} + Δ > 0] / m                 (j ≠ y_i)
//! ∂L/∂s_{i,y_i} = −(number of positive margins in row i) / m
//! ```
//!
//! The max is a `relu`, whose derivative at 0 is 0, so a score exactly on
//! the margin (`s_j = s_{y_i} − Δ`) contributes nothing: the notes'
//! `margins > 0`. The correct class's own term is `max(0, Δ) = Δ` and
//! must not count; it is multiplied by a constant one-hot *complement*
//! mask, which zeroes its value and its gradient exactly (subtracting `Δ`
//! afterwards would leave rounding residue in the value).
//!
//! Numerically safe as is: only differences and a `relu`, no exponentials.

use autograd::{Float, Result, Shape, Var};
use ndarray::Array2;

use super::{batch_mean, check_class_labels, or_panic};

/// The margin `Δ`. The notes show any `Δ > 0` is equivalent once the
/// weights are regularized (it only sets the scale of `W`), so it is fixed.
const DELTA: f64 = 1.0;

/// Hinge margins `s_ij − s_{i,y_i} + Δ` (m×C), with the correct-class
/// entries still present (they equal `Δ`), and the mask that removes them.
///
/// Shared with the squared hinge, which differs only in squaring.
#[track_caller]
pub(super) fn margins<'t, F: Float>(
    scores: Var<'t, F>,
    labels: &[usize],
) -> (Var<'t, F>, Var<'t, F>) {
    let correct = scores.pick(labels); // m×1, broadcast along each row
    let margins = (scores - correct).add_scalar(F::of(DELTA));
    let Shape { rows, cols } = scores.shape();
    let mut others = Array2::from_elem((rows, cols), F::one());
    for (i, &y) in labels.iter().enumerate() {
        others[[i, y]] = F::zero();
    }
    (margins, scores.tape().constant(others))
}

/// The mean multiclass SVM loss of `scores` (m×C) for class `labels`.
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
///
/// // The notes' example: scores [13, −7, 11], correct class 0, Δ = 10 there
/// // and 1 here: max(0, −7 − 13 + 1) + max(0, 11 − 13 + 1) = 0.
/// let tape = Tape::new();
/// let s = tape.leaf(array![[13.0, -7.0, 11.0], [1.0, 2.0, 1.5]]);
/// let loss = nn::losses::svm(s, &[0, 0]);
/// // row 1: max(0, 2 − 1 + 1) + max(0, 1.5 − 1 + 1) = 2 + 1.5
/// assert_eq!(loss.item(), 3.5 / 2.0);
/// let g = loss.backward();
/// assert_eq!(g[s], array![[0.0, 0.0, 0.0], [-1.0, 0.5, 0.5]]);
/// ```
///
/// # Panics
/// On an empty batch, a label count other than the number of rows, or a
/// label `≥ C` (see [`try_svm`]).
#[track_caller]
pub fn svm<'t, F: Float>(scores: Var<'t, F>, labels: &[usize]) -> Var<'t, F> {
    or_panic(try_svm(scores, labels))
}

/// [`svm`], returning an error instead of panicking.
///
/// ```
/// use autograd::Tape;
/// use ndarray::Array2;
/// let tape = Tape::<f64>::new();
/// let s = tape.leaf(Array2::zeros((2, 3)));
/// assert_eq!(
///     nn::losses::try_svm(s, &[0]).unwrap_err().to_string(),
///     "svm: 1 labels for 2 rows of scores (2×3)"
/// );
/// ```
#[track_caller]
pub fn try_svm<'t, F: Float>(scores: Var<'t, F>, labels: &[usize]) -> Result<Var<'t, F>> {
    check_class_labels("svm", scores.shape(), labels)?;
    let (margins, others) = margins(scores, labels);
    Ok(batch_mean(
        (margins.relu() * others).sum(),
        scores.shape().rows,
    ))
}
