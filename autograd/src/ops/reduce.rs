//! Shared pieces of the reductions (sum, mean, max, log-sum-exp): which axis
//! they run over and the shape that leaves.
//!
//! Results stay 2-D: reducing a `m×n` matrix over all entries gives `1×1`,
//! over axis 0 (down the rows) gives `1×n`, over axis 1 (along each row)
//! gives `m×1`. Backward broadcasts the small upstream gradient back.
//!
//! Reductions that are not a plain sum (max, log-sum-exp) work lane by lane:
//! a *lane* is the run of entries folded into one output element (a column
//! for axis 0, a row for axis 1, every entry in row-major order for all).
//! [`fold_lanes`], [`zip_lanes`] and [`unfold_lanes`] visit the lanes so each
//! op states only what it does to one lane.

use std::fmt;

use ndarray::{Array2, ArrayView1, ArrayViewMut1, CowArray, Ix1, Zip};

use crate::{Error, Float, Result, Shape};

/// What a reduction runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// Every entry: the result is 1×1.
    All,
    /// Axis 0 (down each column): the result is 1×n.
    Rows,
    /// Axis 1 (along each row): the result is m×1.
    Cols,
}

impl Over {
    /// The reduction over `axis` (0 or 1), or an argument error naming `op`.
    pub fn axis(op: &'static str, axis: usize) -> Result<Over> {
        match axis {
            0 => Ok(Over::Rows),
            1 => Ok(Over::Cols),
            _ => Err(Error::argument(
                op,
                format!("axis must be 0 or 1 for a 2-D matrix, got {axis}"),
            )),
        }
    }

    /// The shape left after reducing `input`.
    pub fn reduced(self, input: Shape) -> Shape {
        match self {
            Over::All => Shape::new(1, 1),
            Over::Rows => Shape::new(1, input.cols),
            Over::Cols => Shape::new(input.rows, 1),
        }
    }

    /// How many entries each output element reduces.
    pub fn count(self, input: Shape) -> usize {
        match self {
            Over::All => input.len(),
            Over::Rows => input.rows,
            Over::Cols => input.cols,
        }
    }

    /// The ndarray axis, if any.
    pub(crate) fn nd_axis(self) -> Option<ndarray::Axis> {
        match self {
            Over::All => None,
            Over::Rows => Some(ndarray::Axis(0)),
            Over::Cols => Some(ndarray::Axis(1)),
        }
    }
}

impl fmt::Display for Over {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Over::All => f.write_str("all"),
            Over::Rows => f.write_str("axis=0"),
            Over::Cols => f.write_str("axis=1"),
        }
    }
}

/// An error for reducing an empty matrix, which has no sum to average and
/// no maximum.
pub(crate) fn nonempty(op: &'static str, input: Shape) -> Result<()> {
    if input.is_empty() {
        Err(Error::shape(
            op,
            format!("cannot reduce an empty {input} matrix"),
        ))
    } else {
        Ok(())
    }
}

/// The largest entry of a lane, −∞ for an empty lane. A NaN entry makes the
/// result NaN (a NaN must not be silently skipped).
pub(crate) fn lane_max<F: Float>(lane: ArrayView1<'_, F>) -> F {
    lane.fold(
        F::neg_infinity(),
        |m, &x| if x > m || x.is_nan() { x } else { m },
    )
}

/// Every entry of `x` as one lane in row-major order; copies only when `x`
/// is not in standard layout.
fn flat<F: Float>(x: &Array2<F>) -> CowArray<'_, F, Ix1> {
    x.to_shape(x.len())
        .expect("a 2-D array always flattens in row-major order")
}

/// Reduces each lane of `x` to one value with `f`; the result keeps its
/// reduced 2-D shape (1×1, 1×n or m×1).
pub(crate) fn fold_lanes<F: Float>(
    over: Over,
    x: &Array2<F>,
    mut f: impl FnMut(ArrayView1<'_, F>) -> F,
) -> Array2<F> {
    match over.nd_axis() {
        None => Array2::from_elem((1, 1), f(flat(x).view())),
        Some(axis) => x.map_axis(axis, f).insert_axis(axis),
    }
}

/// Calls `f(lane, y)` for each lane of `x` with its element `y` of the
/// reduced result, in the result's row-major order.
pub(crate) fn zip_lanes<F: Float, T>(
    over: Over,
    x: &Array2<F>,
    y: &Array2<F>,
    mut f: impl FnMut(ArrayView1<'_, F>, F) -> T,
) -> Vec<T> {
    match over.nd_axis() {
        None => vec![f(flat(x).view(), y[[0, 0]])],
        Some(axis) => x
            .lanes(axis)
            .into_iter()
            .zip(y.index_axis(axis, 0))
            .map(|(lane, &y)| f(lane, y))
            .collect(),
    }
}

/// The backward pass of a lane reduction: a zero gradient of `x`'s shape
/// whose lanes `f(lane of x, y, g, lane of the gradient)` fills in, given
/// each lane's output `y` and upstream gradient `g`.
pub(crate) fn unfold_lanes<F: Float>(
    over: Over,
    x: &Array2<F>,
    y: &Array2<F>,
    g: &Array2<F>,
    mut f: impl FnMut(ArrayView1<'_, F>, F, F, ArrayViewMut1<'_, F>),
) -> Array2<F> {
    let mut out = Array2::zeros(x.raw_dim());
    match over.nd_axis() {
        None => {
            let len = out.len();
            let lane = out
                .view_mut()
                .into_shape_with_order(len)
                .expect("a fresh array is in standard layout");
            f(flat(x).view(), y[[0, 0]], g[[0, 0]], lane);
        }
        Some(axis) => Zip::from(out.lanes_mut(axis))
            .and(x.lanes(axis))
            .and(y.index_axis(axis, 0))
            .and(g.index_axis(axis, 0))
            .for_each(|out, x, &y, &g| f(x, y, g, out)),
    }
    out
}
