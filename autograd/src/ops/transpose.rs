//! `transpose`: the matrix transpose `Xᵀ`.
//!
//! * Forward: `y[j,i] = x[i,j]`; an m×n input gives an n×m output.
//! * Local derivative: a permutation of entries, so backward transposes the
//!   upstream gradient back.
//! * Smooth (linear): no kinks.
//!
//! Both directions copy into standard (row-major) layout rather than keeping
//! ndarray's reversed-stride view, so later ops see contiguous rows.

use ndarray::Array2;

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Shape, Var};

pub(crate) struct Transpose;

/// `a` transposed, in standard layout.
fn transposed<F: Float>(a: &Array2<F>) -> Array2<F> {
    a.t().as_standard_layout().into_owned()
}

impl<F: Float> Op<F> for Transpose {
    fn name(&self) -> &'static str {
        "transpose"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(Shape::new(inputs[0].cols, inputs[0].rows))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        transposed(inputs[0])
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        transposed(ctx.upstream)
    }
    /// Shapes only: the upstream gradient is transposed.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        Some(ctx.upstream.t())
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The transpose: an m×n node becomes n×m.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0, 3.0]]);
    /// let y = x.transpose();
    /// assert_eq!(y.value(), array![[1.0], [2.0], [3.0]]);
    /// let g = y.backward_with(array![[4.0], [5.0], [6.0]]);
    /// assert_eq!(g[x], array![[4.0, 5.0, 6.0]]);
    /// ```
    #[track_caller]
    pub fn transpose(self) -> Var<'t, F> {
        self.record_or_panic(Transpose, &[self])
    }

    /// Shorthand for [`Var::transpose`], as in `x.matmul(w.t())`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0]]);
    /// assert_eq!(x.matmul(x.t()).item(), 5.0);
    /// ```
    #[track_caller]
    pub fn t(self) -> Var<'t, F> {
        self.transpose()
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "transpose",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].transpose(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let y = x.transpose();
        assert_eq!(y.value(), array![[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]);
        assert!(y.with_value(|v| v.is_standard_layout()));
        let g = y.backward_with(array![[1.0, -1.0], [2.0, 0.5], [-3.0, 4.0]]);
        assert_eq!(g[x], array![[1.0, 2.0, -3.0], [-1.0, 0.5, 4.0]]);
        assert!(g[x].is_standard_layout());
    }

    #[test]
    fn twice_is_the_identity() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let y = x.t().t();
        assert_eq!(y.value(), x.value());
        let up = array![[1.0, -2.0], [0.0, 3.0], [7.0, 0.5]];
        assert_eq!(y.backward_with(up.clone())[x], up);
    }

    #[test]
    fn column_major_input_gives_a_standard_result() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].reversed_axes());
        let y = x.transpose();
        assert_eq!(y.value(), array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        assert!(y.with_value(|v| v.is_standard_layout()));
    }
}
