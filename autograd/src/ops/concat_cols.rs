//! `concat_cols`: several matrices with the same number of rows, side by
//! side.
//!
//! * Forward: `[X₀ X₁ … X_k]`; parts of shapes m×n₀, m×n₁, … give
//!   m×(n₀ + n₁ + …).
//! * Local derivative: each part is a block of columns of the output, so
//!   part `p`'s gradient is the upstream gradient's columns
//!   `offset_p..offset_p + n_p`.
//! * Smooth (linear): no kinks.

// Column ranges via `slice_axis` rather than `s![]`, whose expansion
// allows `unsafe_code`, which this crate forbids.
use ndarray::{Array2, Axis};

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct ConcatCols;

impl<F: Float> Op<F> for ConcatCols {
    fn name(&self) -> &'static str {
        "concat_cols"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        // `try_concat_cols` has refused an empty list, so `inputs[0]` exists.
        let rows = inputs[0].rows;
        if inputs.iter().any(|s| s.rows != rows) {
            let shapes: Vec<String> = inputs.iter().map(Shape::to_string).collect();
            return Err(Error::shape(
                "concat_cols",
                format!(
                    "parts must have the same number of rows, got {}",
                    shapes.join(", ")
                ),
            ));
        }
        Ok(Shape::new(rows, inputs.iter().map(|s| s.cols).sum()))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let cols = inputs.iter().map(|x| x.ncols()).sum();
        let mut y = Array2::zeros((inputs[0].nrows(), cols));
        let mut start = 0;
        for x in inputs {
            let end = start + x.ncols();
            y.slice_axis_mut(Axis(1), (start..end).into()).assign(x);
            start = end;
        }
        y
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, wrt: usize) -> Array2<F> {
        let start: usize = (0..wrt).map(|k| ctx.input_shape(k).cols).sum();
        let end = start + ctx.input_shape(wrt).cols;
        ctx.upstream
            .slice_axis(Axis(1), (start..end).into())
            .as_standard_layout()
            .into_owned()
    }
    /// Shapes only: the upstream gradient is cut into the inputs' columns.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, wrt: usize) -> Option<Var<'t, F>> {
        let start: usize = ctx.inputs[..wrt].iter().map(|x| x.shape().cols).sum();
        let end = start + ctx.inputs[wrt].shape().cols;
        Some(ctx.upstream.slice_cols(start..end))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The `parts` side by side: `[X₀ X₁ …]`. All parts need the same
    /// number of rows.
    ///
    /// ```
    /// use autograd::{Tape, Var};
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let a = tape.leaf(array![[1.0], [2.0]]);
    /// let b = tape.leaf(array![[3.0, 4.0], [5.0, 6.0]]);
    /// let y = Var::concat_cols(&[a, b]);
    /// assert_eq!(y.value(), array![[1.0, 3.0, 4.0], [2.0, 5.0, 6.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(g[a], array![[1.0], [4.0]]);
    /// assert_eq!(g[b], array![[2.0, 3.0], [5.0, 6.0]]);
    /// ```
    ///
    /// # Panics
    /// If `parts` is empty or the row counts differ (see
    /// [`Var::try_concat_cols`]).
    #[track_caller]
    pub fn concat_cols(parts: &[Var<'t, F>]) -> Var<'t, F> {
        match Self::try_concat_cols(parts) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::concat_cols`], returning an argument error for an empty list
    /// and a shape error naming every part's shape when row counts differ.
    #[track_caller]
    pub fn try_concat_cols(parts: &[Var<'t, F>]) -> Result<Var<'t, F>> {
        let Some(first) = parts.first() else {
            return Err(Error::argument("concat_cols", "needs at least one part"));
        };
        first.record(ConcatCols, parts)
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "concat_cols",
    domains: &[Domain::Real, Domain::Real],
    shapes: ShapeRule::SameRows,
    kink: Kink::None,
    apply: |x| Var::concat_cols(x),
}];

#[cfg(test)]
mod tests {
    use crate::{Error, Tape, Var};
    use ndarray::{Array2, array};

    #[test]
    fn three_parts_with_uneven_upstream() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let b = tape.constant(array![[5.0], [6.0]]);
        let c = tape.leaf(array![[7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]);
        let y = Var::concat_cols(&[a, b, c]);
        assert_eq!(
            y.value(),
            array![
                [1.0, 2.0, 5.0, 7.0, 8.0, 9.0],
                [3.0, 4.0, 6.0, 10.0, 11.0, 12.0]
            ]
        );
        let g = y.backward_with(array![
            [1.0, -1.0, 2.0, 0.5, 3.0, -4.0],
            [6.0, 7.0, -8.0, 9.0, 0.0, 1.5]
        ]);
        assert_eq!(g[a], array![[1.0, -1.0], [6.0, 7.0]]);
        assert!(g.get(b).is_none()); // a constant: never computed
        assert_eq!(g[c], array![[0.5, 3.0, -4.0], [9.0, 0.0, 1.5]]);
        assert!(g[c].is_standard_layout());
    }

    #[test]
    fn a_repeated_part_accumulates() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0], [2.0]]);
        let g = Var::concat_cols(&[x, x]).backward_with(array![[1.0, 10.0], [2.0, 20.0]]);
        assert_eq!(g[x], array![[11.0], [22.0]]);
    }

    #[test]
    fn a_single_part_and_empty_parts() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0]]);
        let e = tape.leaf(Array2::zeros((1, 0)));
        let y = Var::concat_cols(&[e, x, e]);
        assert_eq!(y.value(), array![[1.0, 2.0]]);
        let g = y.backward_with(array![[3.0, 4.0]]);
        assert_eq!(g[x], array![[3.0, 4.0]]);
        assert_eq!(g[e].dim(), (1, 0));
        assert_eq!(Var::concat_cols(&[x]).value(), x.value());
    }

    #[test]
    fn errors() {
        let e = Var::<f64>::try_concat_cols(&[]).unwrap_err();
        assert!(matches!(e, Error::Argument { .. }));
        assert_eq!(e.to_string(), "concat_cols: needs at least one part");

        let tape = Tape::<f64>::new();
        let a = tape.leaf(Array2::zeros((2, 3)));
        let b = tape.leaf(Array2::zeros((4, 1)));
        let c = tape.leaf(Array2::zeros((2, 2)));
        let e = Var::try_concat_cols(&[a, b, c]).unwrap_err();
        assert!(matches!(e, Error::Shape { .. }));
        assert_eq!(
            e.to_string(),
            "concat_cols: parts must have the same number of rows, got 2×3, 4×1, 2×2"
        );
    }

    #[test]
    #[should_panic(expected = "concat_cols: needs at least one part")]
    fn plain_form_panics_with_the_same_message() {
        let _ = Var::<f32>::concat_cols(&[]);
    }
}
