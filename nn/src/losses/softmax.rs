//! The softmax classifier's cross-entropy loss, from raw scores (logits).
//!
//! For scores `s` (m×C) and labels `y`:
//!
//! ```text
//! L_i = −log( e^{s_{i,y_i}} / Σ_j e^{s_ij} ) = log Σ_j e^{s_ij} − s_{i,y_i}
//! L   = (1/m) Σ_i L_i
//! ∂L/∂s_ij = (p_ij − 1[j = y_i]) / m,      p_i = softmax(s_i)
//! ```
//!
//! Stability: the loss is `−log_softmax(s)` picked at the label, and
//! `log_softmax` subtracts each row's maximum before exponentiating (the
//! notes' `f -= np.max(f)`), so logits of ±1e4 give a finite loss and
//! finite gradients. Never compute `softmax(s).log()`: the probability of
//! a hopeless class underflows to 0 and its log is −∞.
//!
//! With tiny weights every score is about equal, every `p_ij ≈ 1/C`, and the
//! loss starts near `ln C` — the notes' first sanity check (2.302 for 10
//! classes).

use autograd::{Float, Result, Var};

use super::{check_class_labels, or_panic};

/// The mean cross-entropy of `scores` (m×C logits) for class `labels`.
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// let tape = Tape::new();
/// let s = tape.leaf(array![[0.0, 0.0], [3.0_f64.ln(), 0.0]]);
/// let loss = nn::losses::softmax_cross_entropy(s, &[0, 0]);
/// // row 0: p = [½, ½] → ln 2;  row 1: p = [¾, ¼] → −ln ¾
/// let want = (2.0_f64.ln() - 0.75_f64.ln()) / 2.0;
/// assert!((loss.item() - want).abs() < 1e-15);
/// let g = loss.backward();          // (p − onehot) / m
/// let want = [-0.25, 0.25, -0.125, 0.125];
/// assert!(g[s].iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-15));
/// ```
///
/// # Panics
/// On an empty batch, a label count other than the number of rows, or a
/// label `≥ C` (see [`try_softmax_cross_entropy`]).
#[track_caller]
pub fn softmax_cross_entropy<'t, F: Float>(scores: Var<'t, F>, labels: &[usize]) -> Var<'t, F> {
    or_panic(try_softmax_cross_entropy(scores, labels))
}

/// [`softmax_cross_entropy`], returning an error instead of panicking.
///
/// ```
/// use autograd::Tape;
/// use ndarray::Array2;
/// let tape = Tape::<f32>::new();
/// let s = tape.leaf(Array2::zeros((3, 4)));
/// assert_eq!(
///     nn::losses::try_softmax_cross_entropy(s, &[0, 1, 2, 3]).unwrap_err().to_string(),
///     "softmax_cross_entropy: 4 labels for 3 rows of scores (3×4)"
/// );
/// ```
#[track_caller]
pub fn try_softmax_cross_entropy<'t, F: Float>(
    scores: Var<'t, F>,
    labels: &[usize],
) -> Result<Var<'t, F>> {
    check_class_labels("softmax_cross_entropy", scores.shape(), labels)?;
    // The mean over the m×1 column of picked log-probabilities is the batch
    // mean; negating the 1×1 result is cheaper than negating the column.
    Ok(-scores.log_softmax().pick(labels).mean())
}
