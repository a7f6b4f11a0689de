//! [`evaluate`]: a model's mean data loss and accuracy in evaluation mode
//! (batch norm's running statistics, no dropout), in one forward pass.

use autograd::{Float, Tape};
use ndarray::Array2;

use super::trainer::DataLoss;
use crate::{Ctx, Module};

/// Mean data loss and accuracy of `model` on `(x, labels)` in evaluation mode.
///
/// # Errors
/// The model's forward error, or a NaN score.
pub fn evaluate<F, M, L>(
    model: &M,
    x: &Array2<F>,
    labels: &[usize],
    loss: &L,
) -> autograd::Result<(f64, f64)>
where
    F: Float,
    M: Module<F> + ?Sized,
    L: DataLoss<F>,
{
    let tape = Tape::new();
    let scores = model.try_forward(&mut Ctx::eval(&tape), tape.constant(x.clone()))?;
    let l = loss(scores, labels).item().as_f64();
    let value = scores.value();
    let mut correct = 0usize;
    for (row, &label) in value.rows().into_iter().zip(labels) {
        let mut best = 0;
        for (j, &v) in row.iter().enumerate() {
            if v.is_nan() {
                return Err(autograd::Error::argument("evaluate", "a score is NaN"));
            }
            if v > row[best] {
                best = j;
            }
        }
        correct += usize::from(best == label);
    }
    Ok((l, correct as f64 / labels.len().max(1) as f64))
}
