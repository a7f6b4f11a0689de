//! Evaluation helpers: [`predict`] (the model's outputs on a batch, in
//! evaluation mode) and [`accuracy`] (the fraction of rows whose highest
//! score is the label), both through a shared reference to the model.
//!
//! They are the Rust spelling of PyTorch's `model.eval()` followed by
//! `with torch.no_grad(): model(x)`: each runs one evaluation-mode pass on a
//! fresh tape, which changes no layer state, and returns plain arrays.

use autograd::{Error, Float, Result, Tape};
use ndarray::Array2;

use crate::module::{Ctx, Module};

/// The model's outputs (class scores, or whatever its last layer gives) for
/// the batch `x`, computed in evaluation mode.
///
/// ```
/// use ndarray::array;
/// use nn::layers::Affine;
///
/// let fc = Affine::from_values("fc", array![[1.0, -1.0], [0.5, 2.0]], array![[0.0, 1.0]]).unwrap();
/// assert_eq!(nn::predict(&fc, &array![[2.0, 2.0]]), array![[3.0, 3.0]]);
/// ```
///
/// # Panics
/// If the model cannot take `x` (see [`try_predict`]).
#[track_caller]
pub fn predict<F: Float, M: Module<F> + ?Sized>(model: &M, x: &Array2<F>) -> Array2<F> {
    match try_predict(model, x) {
        Ok(scores) => scores,
        Err(e) => panic!("{e}"),
    }
}

/// [`predict`], returning the model's error instead of panicking.
///
/// ```
/// use ndarray::array;
/// use nn::layers::Affine;
/// let fc = Affine::from_values("fc", array![[1.0], [0.5]], array![[0.0]]).unwrap();
/// assert!(nn::try_predict(&fc, &array![[1.0, 2.0, 3.0]]).is_err());
/// ```
///
/// # Errors
/// The model's [`Module::try_forward`] error.
pub fn try_predict<F: Float, M: Module<F> + ?Sized>(model: &M, x: &Array2<F>) -> Result<Array2<F>> {
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let y = model.try_forward(&mut ctx, tape.constant(x.clone()))?;
    Ok(y.value())
}

/// The fraction of rows of `x` whose highest score (the first, on a tie,
/// as `numpy.argmax`) is at the row's label, in evaluation mode.
///
/// ```
/// use ndarray::array;
/// use nn::layers::Affine;
///
/// // Scores are x itself: rows 0 and 2 pick class 1, row 1 class 0.
/// let id = Affine::from_values("id", array![[1.0, 0.0], [0.0, 1.0]], array![[0.0, 0.0]]).unwrap();
/// let x = array![[0.0, 1.0], [3.0, 2.0], [-1.0, 5.0], [4.0, 4.0]];
/// assert_eq!(nn::accuracy(&id, &x, &[1, 0, 0, 0]), 0.75); // the tie in row 3 picks class 0
/// ```
///
/// # Panics
/// On a label count other than the number of rows, a label out of range,
/// or a NaN score (see [`try_accuracy`]).
#[track_caller]
pub fn accuracy<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    x: &Array2<F>,
    labels: &[usize],
) -> f64 {
    match try_accuracy(model, x, labels) {
        Ok(acc) => acc,
        Err(e) => panic!("{e}"),
    }
}

/// [`accuracy`], returning an error instead of panicking.
///
/// ```
/// use ndarray::array;
/// use nn::layers::Affine;
/// let id = Affine::from_values("id", array![[1.0, 0.0], [0.0, 1.0]], array![[0.0, 0.0]]).unwrap();
/// let e = nn::try_accuracy(&id, &array![[0.0, 1.0]], &[2]).unwrap_err();
/// assert_eq!(e.to_string(), "accuracy: label 2 in row 0 is out of range for 2 classes");
/// let e = nn::try_accuracy(&id, &array![[f64::NAN, 1.0]], &[1]).unwrap_err();
/// assert_eq!(e.to_string(), "accuracy: the score at row 0, column 0 is NaN");
/// ```
///
/// # Errors
/// [`Error::Argument`] for a label count other than the number of rows, a
/// label out of range or a NaN score (which has no rank: hiding it as a
/// wrong answer would hide a broken model); the model's own error if it
/// cannot take `x`.
pub fn try_accuracy<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    x: &Array2<F>,
    labels: &[usize],
) -> Result<f64> {
    const OP: &str = "accuracy";
    let scores = try_predict(model, x)?;
    let (rows, classes) = scores.dim();
    if labels.len() != rows {
        return Err(Error::argument(
            OP,
            format!("{} labels for {rows} rows of scores", labels.len()),
        ));
    }
    if rows == 0 {
        return Err(Error::argument(OP, "empty batch"));
    }
    let mut correct = 0usize;
    for (r, (row, &label)) in scores.rows().into_iter().zip(labels).enumerate() {
        if label >= classes {
            return Err(Error::argument(
                OP,
                format!("label {label} in row {r} is out of range for {classes} classes"),
            ));
        }
        let mut best = 0;
        for (c, &s) in row.iter().enumerate() {
            if s.is_nan() {
                return Err(Error::argument(
                    OP,
                    format!("the score at row {r}, column {c} is NaN"),
                ));
            }
            if s > row[best] {
                best = c;
            }
        }
        correct += usize::from(best == label);
    }
    Ok(correct as f64 / rows as f64)
}
