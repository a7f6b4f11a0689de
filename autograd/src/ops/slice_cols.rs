//! `slice_cols`: the columns `start..end` of a matrix.
//!
//! * Forward: `y[i,j] = x[i, start + j]`; an m×n input gives m×(end − start).
//! * Local derivative: a selection of entries, so backward scatters the
//!   upstream gradient into those columns and leaves zeros elsewhere.
//! * Smooth (linear): no kinks.
//!
//! The range follows Rust's slicing rules: `end ≤ n` and `start ≤ end`, and
//! an empty range (`start == end`) is allowed and gives an m×0 result.

use std::ops::Range;

// Column ranges via `slice_axis` rather than `s![]`, whose expansion
// allows `unsafe_code`, which this crate forbids.
use ndarray::{Array2, Axis};

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct SliceCols {
    start: usize,
    end: usize,
}

impl<F: Float> Op<F> for SliceCols {
    fn name(&self) -> &'static str {
        "slice_cols"
    }
    fn label(&self) -> String {
        format!("slice_cols[{}..{}]", self.start, self.end)
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let (x, start, end) = (inputs[0], self.start, self.end);
        if start > end {
            return Err(Error::argument(
                "slice_cols",
                format!("range {start}..{end} starts after it ends"),
            ));
        }
        if end > x.cols {
            return Err(Error::argument(
                "slice_cols",
                format!(
                    "columns {start}..{end} are out of range for a {x} matrix ({} columns)",
                    x.cols
                ),
            ));
        }
        Ok(Shape::new(x.rows, end - start))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        inputs[0]
            .slice_axis(Axis(1), (self.start..self.end).into())
            .as_standard_layout()
            .into_owned()
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let mut grad = Array2::zeros(ctx.input_dim(0));
        grad.slice_axis_mut(Axis(1), (self.start..self.end).into())
            .assign(ctx.upstream);
        grad
    }
    /// Shapes only: the upstream gradient is written into zeros of the input's shape.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    /// The upstream gradient padded with zero constants on either side.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let Shape { rows, cols } = ctx.inputs[0].shape();
        let tape = ctx.upstream.tape();
        let zeros = |width: usize| tape.constant(Array2::zeros((rows, width)));
        let mut parts = Vec::with_capacity(3);
        if self.start > 0 {
            parts.push(zeros(self.start));
        }
        parts.push(ctx.upstream);
        if self.end < cols {
            parts.push(zeros(cols - self.end));
        }
        Some(Var::concat_cols(&parts))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The columns `range` (`start..end`); an empty range gives an m×0 node.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let y = x.slice_cols(1..3);
    /// assert_eq!(y.value(), array![[2.0, 3.0], [5.0, 6.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(g[x], array![[0.0, 1.0, 2.0], [0.0, 3.0, 4.0]]);
    /// ```
    ///
    /// # Panics
    /// If `end` exceeds the column count or `start > end` (see
    /// [`Var::try_slice_cols`]).
    #[track_caller]
    pub fn slice_cols(self, range: Range<usize>) -> Var<'t, F> {
        match self.try_slice_cols(range) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::slice_cols`], returning an argument error for a range that is
    /// reversed or runs past the last column.
    #[track_caller]
    pub fn try_slice_cols(self, range: Range<usize>) -> Result<Var<'t, F>> {
        let op = SliceCols {
            start: range.start,
            end: range.end,
        };
        self.record(op, &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "slice_cols",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| {
        let n = x[0].shape().cols;
        x[0].slice_cols(n / 2..n)
    },
}];

#[cfg(test)]
mod tests {
    use crate::{Error, Shape, Tape};
    use ndarray::{Array2, array};

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]);
        let y = x.slice_cols(1..3);
        assert_eq!(y.value(), array![[2.0, 3.0], [6.0, 7.0]]);
        assert!(y.with_value(|v| v.is_standard_layout()));
        let g = y.backward_with(array![[1.0, -2.0], [0.5, 4.0]]);
        assert_eq!(g[x], array![[0.0, 1.0, -2.0, 0.0], [0.0, 0.5, 4.0, 0.0]]);
    }

    #[test]
    fn two_slices_of_one_input_accumulate() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0]]);
        let (a, b) = (x.slice_cols(0..2), x.slice_cols(1..3));
        let g = (a * b).backward_with(array![[1.0, 10.0]]);
        // y = [x0·x1, x1·x2]: ∂/∂x = [x1·1, x0·1 + x2·10, x1·10].
        assert_eq!(g[x], array![[2.0, 31.0, 20.0]]);
    }

    #[test]
    fn empty_and_full_ranges() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(x.slice_cols(2..2).shape(), Shape::new(2, 0));
        let all = x.slice_cols(0..2);
        assert_eq!(all.value(), x.value());
        let up = array![[1.0, 2.0], [-3.0, 0.5]];
        assert_eq!(all.backward_with(up.clone())[x], up);
    }

    #[test]
    fn bad_ranges_are_argument_errors() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((2, 5)));
        let e = x.try_slice_cols(3..7).unwrap_err();
        assert!(matches!(e, Error::Argument { .. }));
        assert_eq!(
            e.to_string(),
            "slice_cols: columns 3..7 are out of range for a 2×5 matrix (5 columns)"
        );
        #[allow(clippy::reversed_empty_ranges)] // the point of the test
        let e = x.try_slice_cols(3..1).unwrap_err();
        assert_eq!(e.to_string(), "slice_cols: range 3..1 starts after it ends");
    }

    #[test]
    #[should_panic(expected = "slice_cols: columns 0..3 are out of range")]
    fn plain_form_panics_with_the_same_message() {
        let tape = Tape::<f64>::new();
        let _ = tape.leaf(Array2::zeros((1, 2))).slice_cols(0..3);
    }
}
