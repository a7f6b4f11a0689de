//! `mean`: the average of all entries, or of each column (axis 0) or row
//! (axis 1).
//!
//! * Forward: `y = Σ x / c`, where `c` is the number of entries each output
//!   element averages (`m·n`, `m` or `n`).
//! * Local derivative: `∂y/∂x[i,j] = 1/c`, so backward broadcasts the
//!   upstream gradient back to the input's shape and divides it by `c`.
//! * Smooth: no kinks. An empty input has no mean and is a shape error.

use ndarray::Array2;

use crate::higher_order::broadcast_graph;
use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::ops::reduce::{Over, fold_lanes, nonempty};
use crate::shape::broadcast_view;
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Shape, Var};

pub(crate) struct Mean(pub Over);

impl Mean {
    /// `c`, the number of entries averaged into each output element.
    fn count<F: Float>(&self, x: &Array2<F>) -> F {
        self.count_of(Shape::of(x))
    }

    /// [`Mean::count`] from the input's shape alone.
    fn count_of<F: Float>(&self, shape: Shape) -> F {
        F::from_usize(self.0.count(shape)).expect("a count fits in a float")
    }
}

impl<F: Float> Op<F> for Mean {
    fn name(&self) -> &'static str {
        "mean"
    }
    fn label(&self) -> String {
        format!("mean[{}]", self.0)
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        nonempty("mean", inputs[0])?;
        Ok(self.0.reduced(inputs[0]))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let x = inputs[0];
        let c = self.count(x);
        fold_lanes(self.0, x, |lane| lane.sum() / c)
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let shape = ctx.input_shape(0);
        let c = self.count_of(shape);
        broadcast_view(ctx.upstream, shape).mapv(|g| g / c)
    }
    /// Shapes only: the upstream gradient is broadcast to the input's shape and divided by the count.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let shape = ctx.inputs[0].shape();
        let c = self.0.count(shape) as f64;
        Some(broadcast_graph(ctx.upstream, shape).mul_scalar(F::of(1.0 / c)))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The mean of all entries, as a 1×1 node.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0], [3.0, 6.0]]);
    /// let m = x.mean();
    /// assert_eq!(m.item(), 3.0);
    /// assert_eq!(m.backward()[x], array![[0.25, 0.25], [0.25, 0.25]]);
    /// ```
    ///
    /// # Panics
    /// If the input is empty (see [`Var::try_mean`]).
    #[track_caller]
    pub fn mean(self) -> Var<'t, F> {
        self.record_or_panic(Mean(Over::All), &[self])
    }

    /// [`Var::mean`], returning a shape error for an empty input.
    #[track_caller]
    pub fn try_mean(self) -> Result<Var<'t, F>> {
        self.record(Mean(Over::All), &[self])
    }

    /// The mean over `axis`: 0 averages each column (result 1×n), 1 averages
    /// each row (result m×1).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0], [3.0, 6.0]]);
    /// assert_eq!(x.mean_axis(0).value(), array![[2.0, 4.0]]);
    /// assert_eq!(x.mean_axis(1).value(), array![[1.5], [4.5]]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is not 0 or 1, or the input is empty (see
    /// [`Var::try_mean_axis`]).
    #[track_caller]
    pub fn mean_axis(self, axis: usize) -> Var<'t, F> {
        match self.try_mean_axis(axis) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::mean_axis`], returning an error for an axis other than 0 or 1
    /// or an empty input.
    #[track_caller]
    pub fn try_mean_axis(self, axis: usize) -> Result<Var<'t, F>> {
        self.record(Mean(Over::axis("mean", axis)?), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "mean",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].mean(),
    },
    OpSpec {
        name: "mean(axis=0)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].mean_axis(0),
    },
    OpSpec {
        name: "mean(axis=1)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].mean_axis(1),
    },
];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::{Array2, array};

    #[test]
    fn each_axis_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0], [5.0, 6.0, 7.0]]);
        let rows = x.mean_axis(0);
        assert_eq!(rows.value(), array![[3.0, 4.0, 5.0]]);
        let g = rows.backward_with(array![[1.0, -2.0, 3.0]]);
        assert_eq!(g[x], array![[0.5, -1.0, 1.5], [0.5, -1.0, 1.5]]);

        let cols = x.mean_axis(1);
        assert_eq!(cols.value(), array![[2.0], [6.0]]);
        let g = cols.backward_with(array![[3.0], [-6.0]]);
        assert_eq!(g[x], array![[1.0, 1.0, 1.0], [-2.0, -2.0, -2.0]]);

        let all = x.mean();
        assert_eq!(all.item(), 4.0);
        let g = all.backward_with(array![[-3.0]]);
        assert_eq!(g[x], Array2::from_elem((2, 3), -0.5));
    }

    #[test]
    fn works_in_f32() {
        let tape = Tape::<f32>::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let m = x.mean();
        assert_eq!(m.item(), 2.5);
        assert_eq!(m.backward()[x], Array2::from_elem((2, 2), 0.25));
    }

    #[test]
    fn empty_input_is_a_shape_error() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((0, 3)));
        let msg = "mean: cannot reduce an empty 0×3 matrix";
        assert_eq!(x.try_mean().unwrap_err().to_string(), msg);
        assert_eq!(x.try_mean_axis(1).unwrap_err().to_string(), msg);
    }

    #[test]
    fn bad_axis_is_an_argument_error() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((2, 2)));
        assert_eq!(
            x.try_mean_axis(2).unwrap_err().to_string(),
            "mean: axis must be 0 or 1 for a 2-D matrix, got 2"
        );
    }

    #[test]
    #[should_panic(expected = "mean: cannot reduce an empty 2×0 matrix")]
    fn plain_form_panics_with_the_same_message() {
        let tape = Tape::<f64>::new();
        let _ = tape.leaf(Array2::zeros((2, 0))).mean_axis(0);
    }
}
