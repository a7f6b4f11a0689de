//! The squared hinge (L2-SVM) loss: the multiclass SVM with squared margins.
//!
//! For scores `s` (m×C) and labels `y`, with `Δ = 1`:
//!
//! ```text
//! L_i = Σ_{j ≠ y_i} max(0, s_ij − s_{i,y_i} + Δ)²          L = (1/m) Σ_i L_i
//! ```
//!
//! Gradient, with `h_ij = max(0, s_ij − s_{i,y_i} + Δ)`:
//!
//! ```text
//! ∂L/∂s_ij      =  2 h_ij / m                  (j ≠ y_i)
//! ∂L/∂s_{i,y_i} = −2 Σ_{j≠y_i} h_ij / m
//! ```
//!
//! Unlike the plain hinge this is differentiable at the margin (both
//! one-sided slopes are 0), so it penalizes violated margins more strongly
//! and smoothly. The correct-class term is masked exactly as in
//! [`super::svm`]. No exponentials, so large scores stay finite (until
//! the square itself overflows, past `√max` of the float type).

use autograd::{Float, Result, Var};

use super::{batch_mean, check_class_labels, or_panic, svm::margins};

/// The mean squared-hinge loss of `scores` (m×C) for class `labels`.
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let s = tape.leaf(array![[1.0, 2.0, 1.5]]);
/// let loss = nn::losses::squared_hinge(s, &[0]);
/// assert_eq!(loss.item(), 2.0 * 2.0 + 1.5 * 1.5); // margins 2 and 1.5
/// assert_eq!(loss.backward()[s], array![[-7.0, 4.0, 3.0]]);
/// ```
///
/// # Panics
/// On an empty batch, a label count other than the number of rows, or a
/// label `≥ C` (see [`try_squared_hinge`]).
#[track_caller]
pub fn squared_hinge<'t, F: Float>(scores: Var<'t, F>, labels: &[usize]) -> Var<'t, F> {
    or_panic(try_squared_hinge(scores, labels))
}

/// [`squared_hinge`], returning an error instead of panicking.
///
/// ```
/// use autograd::Tape;
/// use ndarray::Array2;
/// let tape = Tape::<f64>::new();
/// let s = tape.leaf(Array2::zeros((1, 2)));
/// assert_eq!(
///     nn::losses::try_squared_hinge(s, &[2]).unwrap_err().to_string(),
///     "squared_hinge: label 2 in row 0 is out of range for 2 classes"
/// );
/// ```
#[track_caller]
pub fn try_squared_hinge<'t, F: Float>(scores: Var<'t, F>, labels: &[usize]) -> Result<Var<'t, F>> {
    check_class_labels("squared_hinge", scores.shape(), labels)?;
    let (margins, others) = margins(scores, labels);
    // Mask before squaring so the correct class's Δ² never enters the sum.
    let hinge = margins.relu() * others;
    Ok(batch_mean(hinge.sum_squares(), scores.shape().rows))
}
