//! `sum`: the sum of all entries, or of each column (axis 0) or row (axis 1).
//!
//! * Forward: `y = Σ_ij x[i,j]` (1×1), `y[0,j] = Σ_i x[i,j]` (1×n) or
//!   `y[i,0] = Σ_j x[i,j]` (m×1).
//! * Local derivative: `∂y/∂x[i,j] = 1`, so backward broadcasts the upstream
//!   gradient back to the input's shape.
//! * Smooth: no kinks.

use ndarray::Array2;

use crate::higher_order::broadcast_graph;
use crate::kernels::scratch;
use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::ops::reduce::Over;
use crate::shape::broadcast_view;
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Shape, Var};

pub(crate) struct Sum(pub Over);

impl<F: Float> Op<F> for Sum {
    fn name(&self) -> &'static str {
        "sum"
    }
    fn label(&self) -> String {
        format!("sum[{}]", self.0)
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(self.0.reduced(inputs[0]))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let x = inputs[0];
        match self.0.nd_axis() {
            None => Array2::from_elem((1, 1), x.sum()),
            Some(axis) => x.sum_axis(axis).insert_axis(axis),
        }
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let shape = ctx.input_shape(0);
        let mut grad = scratch(shape.dim());
        grad.assign(&broadcast_view(ctx.upstream, shape)); // overwrites every element
        grad
    }
    /// Shapes only: the upstream gradient is broadcast to the input's shape.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        Some(broadcast_graph(ctx.upstream, ctx.inputs[0].shape()))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The sum of all entries, as a 1×1 node.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
    /// let s = x.sum();
    /// assert_eq!(s.item(), 10.0);
    /// assert_eq!(s.backward()[x], array![[1.0, 1.0], [1.0, 1.0]]);
    /// ```
    #[track_caller]
    pub fn sum(self) -> Var<'t, F> {
        self.record_or_panic(Sum(Over::All), &[self])
    }

    /// The sum over `axis`: 0 sums each column (result 1×n), 1 sums each
    /// row (result m×1).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(x.sum_axis(0).value(), array![[4.0, 6.0]]);
    /// assert_eq!(x.sum_axis(1).value(), array![[3.0], [7.0]]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is not 0 or 1 (see [`Var::try_sum_axis`]).
    #[track_caller]
    pub fn sum_axis(self, axis: usize) -> Var<'t, F> {
        match self.try_sum_axis(axis) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::sum_axis`], returning an error for an axis other than 0 or 1.
    #[track_caller]
    pub fn try_sum_axis(self, axis: usize) -> Result<Var<'t, F>> {
        self.record(Sum(Over::axis("sum", axis)?), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "sum",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].sum(),
    },
    OpSpec {
        name: "sum(axis=0)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].sum_axis(0),
    },
    OpSpec {
        name: "sum(axis=1)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].sum_axis(1),
    },
];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::array;

    #[test]
    fn each_axis_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let rows = x.sum_axis(0);
        assert_eq!(rows.value(), array![[5.0, 7.0, 9.0]]);
        let g = rows.backward_with(array![[1.0, -2.0, 3.0]]);
        assert_eq!(g[x], array![[1.0, -2.0, 3.0], [1.0, -2.0, 3.0]]);

        let cols = x.sum_axis(1);
        assert_eq!(cols.value(), array![[6.0], [15.0]]);
        let g = cols.backward_with(array![[2.0], [-1.0]]);
        assert_eq!(g[x], array![[2.0, 2.0, 2.0], [-1.0, -1.0, -1.0]]);

        let all = x.sum();
        assert_eq!(all.item(), 21.0);
        assert_eq!(
            all.backward_with(array![[0.5]])[x],
            ndarray::Array2::from_elem((2, 3), 0.5)
        );
    }

    #[test]
    fn bad_axis_is_an_argument_error() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(ndarray::Array2::zeros((2, 2)));
        assert_eq!(
            x.try_sum_axis(2).unwrap_err().to_string(),
            "sum: axis must be 0 or 1 for a 2-D matrix, got 2"
        );
    }
}
