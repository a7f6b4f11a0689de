//! `reshape`: the same entries read in row-major (C) order into a new shape.
//!
//! * Forward: entry `k` of the input in row-major order is entry `k` of the
//!   output in row-major order; the element counts must match.
//! * Local derivative: a relabelling of entries, so backward reshapes the
//!   upstream gradient back to the input's shape (again row-major).
//! * Smooth (linear): no kinks.
//!
//! Inputs in any memory layout (e.g. column-major, from a transposed value)
//! are read in their *logical* row-major order; the result is always in
//! standard layout.

use ndarray::Array2;

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct Reshape(pub Shape);

/// `a`'s entries in row-major order, laid out as `to` (same count).
fn row_major<F: Float>(a: &Array2<F>, to: Shape) -> Array2<F> {
    // `as_standard_layout` copies only a non-standard input, and `into_owned`
    // then moves that copy rather than copying again.
    a.as_standard_layout()
        .into_shape_with_order(to.dim())
        .expect("standard layout and equal counts were checked")
        .into_owned()
}

impl<F: Float> Op<F> for Reshape {
    fn name(&self) -> &'static str {
        "reshape"
    }
    fn label(&self) -> String {
        format!("reshape[{}]", self.0)
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let (from, to) = (inputs[0], self.0);
        if from.len() != to.len() {
            return Err(Error::shape(
                "reshape",
                format!(
                    "cannot reshape {from} ({} elements) into {to} ({} elements)",
                    from.len(),
                    to.len()
                ),
            ));
        }
        Ok(to)
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        row_major(inputs[0], self.0)
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        row_major(ctx.upstream, ctx.input_shape(0))
    }
    /// Shapes only: the upstream gradient is laid out in the input's shape.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let Shape { rows, cols } = ctx.inputs[0].shape();
        Some(ctx.upstream.reshape(rows, cols))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The entries in row-major order, laid out as `rows × cols`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let y = x.reshape(3, 2);
    /// assert_eq!(y.value(), array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    /// assert_eq!(g[x], array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// ```
    ///
    /// # Panics
    /// If `rows · cols` differs from the number of entries (see
    /// [`Var::try_reshape`]).
    #[track_caller]
    pub fn reshape(self, rows: usize, cols: usize) -> Var<'t, F> {
        match self.try_reshape(rows, cols) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::reshape`], returning a shape error when the element counts
    /// differ.
    #[track_caller]
    pub fn try_reshape(self, rows: usize, cols: usize) -> Result<Var<'t, F>> {
        self.record(Reshape(Shape::new(rows, cols)), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "reshape(n×m)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| {
            let s = x[0].shape();
            x[0].reshape(s.cols, s.rows)
        },
    },
    OpSpec {
        name: "reshape(1×mn)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].reshape(1, x[0].shape().len()),
    },
];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::{Array2, array};

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let y = x.reshape(2, 3);
        assert_eq!(y.value(), array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let g = y.backward_with(array![[0.5, -1.0, 2.0], [7.0, 0.0, -3.0]]);
        assert_eq!(g[x], array![[0.5, -1.0], [2.0, 7.0], [0.0, -3.0]]);

        let flat = x.reshape(1, 6);
        assert_eq!(flat.value(), array![[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]);
        let g = flat.backward_with(array![[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]] * -1.0);
        assert_eq!(g[x], array![[-1.0, -2.0], [-3.0, -4.0], [-5.0, -6.0]]);
    }

    #[test]
    fn reads_a_column_major_input_in_logical_row_major_order() {
        let tape = Tape::new();
        // Logically [[1, 2, 3], [4, 5, 6]], stored column by column.
        let value = array![[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]].reversed_axes();
        assert!(!value.is_standard_layout());
        let x = tape.leaf(value);
        let y = x.reshape(3, 2);
        assert_eq!(y.value(), array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        assert!(y.with_value(|v| v.is_standard_layout()));
        let g = y.backward_with(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        assert_eq!(g[x], array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    }

    #[test]
    fn after_transpose() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let y = x.t().reshape(1, 6); // [[1, 4], [2, 5], [3, 6]] flattened
        assert_eq!(y.value(), array![[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]]);
        let g = y.backward_with(array![[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]);
        assert_eq!(g[x], array![[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]);
    }

    #[test]
    fn count_mismatch_is_a_shape_error() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((2, 3)));
        assert_eq!(
            x.try_reshape(4, 2).unwrap_err().to_string(),
            "reshape: cannot reshape 2×3 (6 elements) into 4×2 (8 elements)"
        );
    }

    #[test]
    #[should_panic(expected = "reshape: cannot reshape 2×3 (6 elements) into 5×1 (5 elements)")]
    fn plain_form_panics_with_the_same_message() {
        let tape = Tape::<f64>::new();
        let _ = tape.leaf(Array2::zeros((2, 3))).reshape(5, 1);
    }
}
