//! What every transform shares: reading a matrix into `f64` (refusing
//! non-finite training data), checking widths, and reading a saved
//! [`State`] back.
//!
//! Statistics are computed in `f64` whatever `F` is: a mean of thousands of
//! `f32` pixels summed in `f32` loses digits, and an eigendecomposition in
//! `f32` loses the small eigenvalues whitening divides by. Fitted
//! statistics are stored rounded to `F` (so `export` is exact), and
//! `apply`/`inverse` widen them and the data to `f64`, compute, and round
//! once.

use autograd::Float;
use ndarray::Array2;

use super::PreprocessError;
use crate::optim::State;

pub(crate) type Result<T> = std::result::Result<T, PreprocessError>;

/// The training matrix in `f64`, refusing an empty matrix and any NaN/±∞.
pub(crate) fn training_f64<F: Float>(
    transform: &'static str,
    x: &Array2<F>,
) -> Result<Array2<f64>> {
    let (rows, cols) = x.dim();
    if rows == 0 || cols == 0 {
        return Err(PreprocessError::Empty {
            transform,
            rows,
            cols,
        });
    }
    if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !v.as_f64().is_finite()) {
        return Err(PreprocessError::NonFinite {
            transform,
            row,
            col,
            value: v.as_f64(),
        });
    }
    Ok(x.mapv(|v| v.as_f64()))
}

/// `x` in `f64` after checking its width; NaN passes through (never hidden).
pub(crate) fn input_f64<F: Float>(
    transform: &'static str,
    op: &'static str,
    expected: usize,
    x: &Array2<F>,
) -> Result<Array2<f64>> {
    if x.ncols() != expected {
        return Err(PreprocessError::WidthMismatch {
            transform,
            op,
            expected,
            got: x.ncols(),
        });
    }
    Ok(x.mapv(|v| v.as_f64()))
}

/// Round an `f64` result to `F`.
pub(crate) fn to_float<F: Float>(x: Array2<f64>) -> Array2<F> {
    x.mapv(F::of)
}

/// A 1×n row holding `values`.
pub(crate) fn row_of<F: Float>(values: &[F]) -> Array2<F> {
    Array2::from_shape_fn((1, values.len()), |(_, j)| values[j])
}

/// Refuse a state exported by another kind of transform.
pub(crate) fn expect_kind<F: Float>(transform: &'static str, state: &State<F>) -> Result<()> {
    if state.kind == transform {
        Ok(())
    } else {
        Err(bad(transform, format!("state is of kind {:?}", state.kind)))
    }
}

/// The array `name`, which must be `rows × cols`.
pub(crate) fn array<'s, F: Float>(
    transform: &'static str,
    state: &'s State<F>,
    name: &str,
    (rows, cols): (usize, usize),
) -> Result<&'s Array2<F>> {
    let a = state
        .array(name)
        .ok_or_else(|| bad(transform, format!("no array {name:?}")))?;
    if a.dim() != (rows, cols) {
        let (r, c) = a.dim();
        return Err(bad(
            transform,
            format!("array {name:?} is {r}×{c}, expected {rows}×{cols}"),
        ));
    }
    Ok(a)
}

/// The scalar `name` as a count (a non-negative integer).
pub(crate) fn count<F: Float>(
    transform: &'static str,
    state: &State<F>,
    name: &str,
) -> Result<usize> {
    match state.scalar(name) {
        Some(v) if v >= 0.0 && v.fract() == 0.0 && v < 2f64.powi(53) => Ok(v as usize),
        Some(v) => Err(bad(
            transform,
            format!("scalar {name:?} = {v} is not a count"),
        )),
        None => Err(bad(transform, format!("no scalar {name:?}"))),
    }
}

pub(crate) fn bad(transform: &'static str, reason: String) -> PreprocessError {
    PreprocessError::BadState { transform, reason }
}
