//! Data losses from the CS231n notes, each the **mean over the batch** of a
//! per-example loss, returned as a 1×1 [`Var`] ready for `backward()`.
//!
//! | loss | per-example `L_i` | labels |
//! |---|---|---|
//! | [`svm`] | `Σ_{j≠y_i} max(0, s_j − s_{y_i} + 1)` | class per row, `&[usize]` |
//! | [`squared_hinge`] | `Σ_{j≠y_i} max(0, s_j − s_{y_i} + 1)²` | class per row |
//! | [`softmax_cross_entropy`] | `−log softmax(s)_{y_i}` | class per row |
//! | [`binary_logistic`] | `Σ_j −y_j log σ(z_j) − (1−y_j) log(1−σ(z_j))` | m×k matrix of 0/1 |
//! | [`binary_hinge`] | `Σ_j max(0, 1 − y_j z_j)` | m×k matrix of ±1 |
//! | [`l2_regression`] | `‖f − y‖₂²` (squared) | m×k targets |
//! | [`l1_regression`] | `‖f − y‖₁` | m×k targets |
//! | [`huber`] | `Σ_j h_δ(f_j − y_j)`: ½r² for \|r\| ≤ δ, δ(\|r\| − ½δ) beyond | m×k targets |
//!
//! Every loss is composed from [`autograd`] ops, so its gradient is the
//! tape's and the `gradcheck` crate can check it; each file's module docs
//! give the formula, the gradient and how the loss stays finite for extreme
//! inputs.
//!
//! # Labels are validated
//!
//! Labels are data, and data is where mistakes hide, so every loss checks
//! them before recording anything (regression targets must be finite). The `try_` form returns a typed
//! [`autograd::Error`] naming the loss and the offending value; the plain
//! form panics with the same message at the caller's line:
//!
//! ```
//! use autograd::{Error, Tape};
//! use ndarray::array;
//!
//! let tape = Tape::new();
//! let scores = tape.leaf(array![[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]);
//! let e = nn::losses::try_svm(scores, &[0, 3]).unwrap_err();
//! assert!(matches!(e, Error::Argument { op: "svm", .. }));
//! assert_eq!(e.to_string(), "svm: label 3 in row 1 is out of range for 3 classes");
//! ```
//!
//! # Data loss and regularization are separate
//!
//! A loss here is only the data term. Add a [`crate::regularize`] penalty
//! to it for the full objective; keeping them apart lets a gradient check
//! test each on its own, as the notes advise.

use autograd::{Error, Float, Result, Shape, Var};
use ndarray::Array2;

mod binary_hinge;
mod huber;
mod l1;
mod l2;
mod logistic;
mod softmax;
mod squared_hinge;
mod svm;

pub use binary_hinge::{binary_hinge, try_binary_hinge};
pub use huber::{huber, try_huber};
pub use l1::{l1_regression, try_l1_regression};
pub use l2::{l2_regression, try_l2_regression};
pub use logistic::{binary_logistic, try_binary_logistic};
pub use softmax::{softmax_cross_entropy, try_softmax_cross_entropy};
pub use squared_hinge::{squared_hinge, try_squared_hinge};
pub use svm::{svm, try_svm};

/// `total / m`: the batch mean of a summed per-example loss. Every loss
/// divides by the number of rows (examples), never by the number of
/// entries, so the loss of a batch does not depend on the number of
/// classes or outputs.
#[track_caller]
fn batch_mean<'t, F: Float>(total: Var<'t, F>, rows: usize) -> Var<'t, F> {
    total * F::of(1.0 / rows as f64)
}

/// A batch must hold at least one example: the mean of nothing is not a
/// loss.
fn nonempty_batch(loss: &'static str, what: &str, shape: Shape) -> Result<()> {
    if shape.rows == 0 {
        return Err(Error::shape(
            loss,
            format!("empty batch: {what} are {shape}"),
        ));
    }
    Ok(())
}

/// One class label per row of `scores`, each a column index.
fn check_class_labels(loss: &'static str, scores: Shape, labels: &[usize]) -> Result<()> {
    nonempty_batch(loss, "scores", scores)?;
    if labels.len() != scores.rows {
        return Err(Error::argument(
            loss,
            format!(
                "{} labels for {} rows of scores ({scores})",
                labels.len(),
                scores.rows
            ),
        ));
    }
    if let Some((row, label)) = labels.iter().enumerate().find(|&(_, &l)| l >= scores.cols) {
        return Err(Error::argument(
            loss,
            format!(
                "label {label} in row {row} is out of range for {} classes",
                scores.cols
            ),
        ));
    }
    Ok(())
}

/// `given` (labels or targets) must have the shape of `inputs` (logits or
/// predictions): the losses never broadcast labels, since a broadcast
/// target is almost always a transposed or mis-sliced one.
fn check_same_shape<F: Float>(
    loss: &'static str,
    (what, given): (&str, &Array2<F>),
    (of, inputs): (&str, Shape),
) -> Result<()> {
    nonempty_batch(loss, of, inputs)?;
    let given = Shape::of(given);
    if given != inputs {
        return Err(Error::shape(
            loss,
            format!("{what} are {given}, {of} are {inputs}"),
        ));
    }
    Ok(())
}

/// Every label must be one of `allowed`; the error names the first that is
/// not (NaN included).
fn check_label_values<F: Float>(
    loss: &'static str,
    labels: &Array2<F>,
    allowed: [F; 2],
    described: &str,
) -> Result<()> {
    if let Some(((r, c), &y)) = labels.indexed_iter().find(|&(_, y)| !allowed.contains(y)) {
        return Err(Error::argument(
            loss,
            format!("label {y} at [{r}, {c}] is not {described}"),
        ));
    }
    Ok(())
}

/// Every target must be finite: a NaN or ±∞ target makes the loss NaN or
/// ∞ with no hint where it came from. The error names the first one.
fn check_finite_targets<F: Float>(loss: &'static str, targets: &Array2<F>) -> Result<()> {
    if let Some(((r, c), &y)) = targets.indexed_iter().find(|&(_, y)| !y.is_finite()) {
        return Err(Error::argument(
            loss,
            format!("target {y} at row {r}, column {c} is not finite"),
        ));
    }
    Ok(())
}

/// The plain forms' panic: the error's message, at the caller's line.
#[track_caller]
fn or_panic<T>(result: Result<T>) -> T {
    // A `match`, not `unwrap_or_else`: a panic inside a closure would
    // report the closure's line instead of the caller's.
    match result {
        Ok(value) => value,
        Err(e) => panic!("{e}"),
    }
}
