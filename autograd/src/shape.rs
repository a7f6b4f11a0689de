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
pub fn sum_to_shape<F: Float>(grad: Array2<F>, target: Shape) -> Array2<F> {
    let (rows, cols) = grad.dim();
    let reduced = match (rows == target.rows, cols == target.cols) {
        (true, true) => return grad,
        (false, true) => grad.sum_axis(Axis(0)).insert_axis(Axis(0)),
        (true, false) => grad.sum_axis(Axis(1)).insert_axis(Axis(1)),
        (false, false) => Array2::from_elem((1, 1), grad.sum()),
    };
    crate::kernels::recycle(grad);
    reduced
}

/// `value` viewed at the broadcast shape `to` (a no-copy stride trick).
///
/// # Panics
/// If `value` does not broadcast to `to`; callers have validated shapes.
pub fn broadcast_view<F>(value: &Array2<F>, to: Shape) -> ArrayView2<'_, F> {
    value
        .broadcast(to.dim())
        .expect("shapes were validated before broadcasting")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

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
}
