//! Matrix shapes, broadcasting rules and the reduction that undoes a
//! broadcast in the backward pass.
//!
//! Broadcasting is 2-D only and follows NumPy: an axis of length 1 stretches
//! to match the other operand, so `(m,n)` combines with `(1,n)`, `(m,1)` and
//! `(1,1)`. In backward, the gradient of a stretched operand is the *sum* of
//! the upstream gradient over the stretched axes ([`sum_to_shape`]).

use std::fmt;

use ndarray::{Array2, ArrayView2, Axis};

use crate::{Error, Float, Result};

/// The shape of a 2-D value: `rows × cols`. A scalar is `1×1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
}

impl Shape {
    /// The shape `rows × cols`.
    pub const fn new(rows: usize, cols: usize) -> Self {
        Shape { rows, cols }
    }

    /// The shape of an array.
    pub fn of<F>(a: &Array2<F>) -> Self {
        let (rows, cols) = a.dim();
        Shape { rows, cols }
    }

    /// Number of elements.
    pub const fn len(self) -> usize {
        self.rows * self.cols
    }

    /// True when the shape holds no elements.
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// `(rows, cols)`, the form ndarray takes.
    pub const fn dim(self) -> (usize, usize) {
        (self.rows, self.cols)
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}×{}", self.rows, self.cols)
    }
}

impl From<(usize, usize)> for Shape {
    fn from((rows, cols): (usize, usize)) -> Self {
        Shape { rows, cols }
    }
}

/// The shape two operands broadcast to, or an error naming `op` and both
/// shapes.
///
/// ```
/// use autograd::shape::{broadcast_shapes, Shape};
/// let s = broadcast_shapes("add", Shape::new(4, 3), Shape::new(1, 3)).unwrap();
/// assert_eq!(s, Shape::new(4, 3));
/// let e = broadcast_shapes("add", Shape::new(4, 3), Shape::new(2, 3)).unwrap_err();
/// assert_eq!(e.to_string(), "add: lhs is 4×3, rhs is 2×3; they do not broadcast");
/// ```
pub fn broadcast_shapes(op: &'static str, lhs: Shape, rhs: Shape) -> Result<Shape> {
    fn axis(a: usize, b: usize) -> Option<usize> {
        match (a, b) {
            _ if a == b => Some(a),
            (1, _) => Some(b),
            (_, 1) => Some(a),
            _ => None,
        }
    }
    match (axis(lhs.rows, rhs.rows), axis(lhs.cols, rhs.cols)) {
        (Some(rows), Some(cols)) => Ok(Shape { rows, cols }),
        _ => Err(Error::shape(
            op,
            format!("lhs is {lhs}, rhs is {rhs}; they do not broadcast"),
        )),
    }
}

/// Sums `grad` over the axes along which an operand of shape `target` was
/// stretched, giving that operand's gradient. Returns `grad` unchanged (no
/// copy) when nothing was broadcast; otherwise `grad`'s buffer goes back to
/// the thread's buffer cache (see [`crate::release_cached_buffers`]).
///
/// # Panics
/// If `target` does not broadcast to `grad`'s shape (each of its axes must
/// match or be 1).
#[track_caller]
pub fn sum_to_shape<F: Float>(grad: Array2<F>, target: Shape) -> Array2<F> {
    let shape = Shape::of(&grad);
    if shape == target {
        return grad;
    }
    let fits = |t: usize, g: usize| t == g || t == 1;
    if !(fits(target.rows, shape.rows) && fits(target.cols, shape.cols)) {
        panic!("sum_to_shape: a {target} operand does not broadcast to the {shape} gradient");
    }
    let reduced = reduce_to_shape(&grad, target);
    crate::kernels::recycle(grad);
    reduced
}

/// [`sum_to_shape`] of a borrowed gradient: always a new matrix (from the
/// buffer cache), even when nothing was broadcast. Ops whose slope is a
/// constant (add, sub) reduce the upstream gradient directly with this
/// rather than copying it first (the bias of every affine layer).
pub(crate) fn reduce_to_shape<F: Float>(grad: &Array2<F>, target: Shape) -> Array2<F> {
    let (rows, cols) = grad.dim();
    match (rows == target.rows, cols == target.cols) {
        (true, true) => crate::kernels::map1(grad, |g| g),
        (false, true) => column_sums(grad),
        (true, false) => row_sums(grad),
        (false, false) => {
            let total = match grad.as_slice() {
                Some(values) => crate::kernels::lane_sum(values, |g| g),
                None => grad.sum(),
            };
            Array2::from_elem((1, 1), total)
        }
    }
}

/// The 1×n row of column sums, added one row at a time so the inner loop
/// runs along contiguous memory and vectorizes. (ndarray's `sum_axis(0)`
/// made the bias gradient of the W2 benchmark's 128×512 layers cost as much
/// as the layer's ReLU forward and backward together.)
fn column_sums<F: Float>(grad: &Array2<F>) -> Array2<F> {
    let (rows, cols) = grad.dim();
    let Some(values) = grad.as_slice().filter(|_| rows > 0 && cols > 0) else {
        return grad.sum_axis(Axis(0)).insert_axis(Axis(0));
    };
    let mut sums = crate::kernels::scratch((1, cols));
    let out = sums.as_slice_mut().expect("cached matrices are row-major");
    let (first, rest) = values.split_at(cols);
    out.copy_from_slice(first);
    for row in rest.chunks_exact(cols) {
        for (s, &g) in out.iter_mut().zip(row) {
            *s += g;
        }
    }
    sums
}

/// The m×1 column of row sums, each row summed in independent lanes
/// ([`crate::kernels::lane_sum`]).
fn row_sums<F: Float>(grad: &Array2<F>) -> Array2<F> {
    let (rows, cols) = grad.dim();
    let Some(values) = grad.as_slice().filter(|_| rows > 0 && cols > 0) else {
        return grad.sum_axis(Axis(1)).insert_axis(Axis(1));
    };
    let mut sums = crate::kernels::scratch((rows, 1));
    for (s, row) in sums.iter_mut().zip(values.chunks_exact(cols)) {
        *s = crate::kernels::lane_sum(row, |g| g);
    }
    sums
}

/// `value` viewed at the broadcast shape `to` (a no-copy stride trick).
///
/// # Panics
/// If `value` does not broadcast to `to`.
#[track_caller]
pub fn broadcast_view<F>(value: &Array2<F>, to: Shape) -> ArrayView2<'_, F> {
    match value.broadcast(to.dim()) {
        Some(view) => view,
        None => panic!(
            "broadcast_view: a {} matrix does not broadcast to {to}",
            Shape::of(value)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ShapeBuilder, array};

    #[test]
    fn broadcast_rules() {
        let s = |r, c| Shape::new(r, c);
        assert_eq!(broadcast_shapes("t", s(3, 4), s(3, 4)), Ok(s(3, 4)));
        assert_eq!(broadcast_shapes("t", s(3, 4), s(1, 4)), Ok(s(3, 4)));
        assert_eq!(broadcast_shapes("t", s(3, 1), s(3, 4)), Ok(s(3, 4)));
        assert_eq!(broadcast_shapes("t", s(1, 1), s(3, 4)), Ok(s(3, 4)));
        assert_eq!(broadcast_shapes("t", s(3, 1), s(1, 4)), Ok(s(3, 4)));
        assert!(broadcast_shapes("t", s(3, 4), s(4, 3)).is_err());
    }

    #[test]
    fn sum_to_shape_reduces_stretched_axes() {
        let g = array![[1.0, 2.0], [3.0, 4.0]];
        assert_eq!(sum_to_shape(g.clone(), Shape::new(2, 2)), g);
        assert_eq!(
            sum_to_shape(g.clone(), Shape::new(1, 2)),
            array![[4.0, 6.0]]
        );
        assert_eq!(
            sum_to_shape(g.clone(), Shape::new(2, 1)),
            array![[3.0], [7.0]]
        );
        assert_eq!(sum_to_shape(g, Shape::new(1, 1)), array![[10.0]]);
    }

    #[test]
    fn reductions_agree_across_layouts_and_edge_shapes() {
        // 3×19 (a row longer than the sixteen summing lanes, with a tail)
        // in row-major order and as a column-major copy of the same matrix.
        // Halves of integers: every order of summation is exact.
        let g = Array2::from_shape_fn((3, 19), |(i, j)| (i * 19 + j) as f64 - 7.5);
        let mut f_order = Array2::zeros((3, 19).f());
        f_order.assign(&g);
        for grad in [&g, &f_order] {
            assert_eq!(
                reduce_to_shape(grad, Shape::new(1, 19)),
                g.sum_axis(Axis(0)).insert_axis(Axis(0))
            );
            assert_eq!(
                reduce_to_shape(grad, Shape::new(3, 1)),
                g.sum_axis(Axis(1)).insert_axis(Axis(1))
            );
            assert_eq!(reduce_to_shape(grad, Shape::new(1, 1)), array![[g.sum()]]);
            assert_eq!(reduce_to_shape(grad, Shape::new(3, 19)), g);
        }
        // No rows or no columns: sums of nothing are zero.
        let empty = Array2::<f64>::zeros((0, 4));
        assert_eq!(
            reduce_to_shape(&empty, Shape::new(1, 4)),
            Array2::zeros((1, 4))
        );
        let empty = Array2::<f64>::zeros((4, 0));
        assert_eq!(
            reduce_to_shape(&empty, Shape::new(4, 1)),
            Array2::zeros((4, 1))
        );
        // One row: the column sums are that row.
        let one = array![[1.5, -2.0, 3.0]];
        assert_eq!(reduce_to_shape(&one, Shape::new(1, 3)), one);
    }
}
