//! `select_cols`: the columns `indices` of a matrix, in order, repeats
//! allowed (the column counterpart of `gather_rows`; `slice_cols` takes a
//! contiguous range).
//!
//! * Forward: `y[:, k] = x[:, indices[k]]`; an m×n input and `K` indices
//!   give an m×K output.
//! * Local derivative: a selection, so backward is a scatter-add: column
//!   `k` of the upstream gradient is added into column `indices[k]`, so
//!   repeated indices accumulate and unpicked columns get 0.
//! * Smooth (linear): no kinks. An index that is not a column of `x` is an
//!   argument error naming it and the column count.

use ndarray::{Array2, Axis};

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::ops::gather_rows::{check_indices, one_hot};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Shape, Var};

pub(crate) struct SelectCols {
    indices: Box<[usize]>,
}

impl<F: Float> Op<F> for SelectCols {
    fn name(&self) -> &'static str {
        "select_cols"
    }
    fn label(&self) -> String {
        format!("select_cols[{} indices]", self.indices.len())
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let x = inputs[0];
        check_indices("select_cols", &self.indices, x.cols, "columns")?;
        Ok(Shape::new(x.rows, self.indices.len()))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        inputs[0].select(Axis(1), &self.indices)
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let mut grad = Array2::zeros(ctx.input_dim(0));
        for (k, &j) in self.indices.iter().enumerate() {
            let mut col = grad.column_mut(j);
            col += &ctx.upstream.column(k);
        }
        grad
    }
    /// Shapes only: the upstream gradient is added into zeros of the input's shape.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    /// `g · S` with `S` the constant K×n one-hot selection: the column
    /// scatter-add, linear in `g`.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let n = ctx.inputs[0].shape().cols;
        let s = ctx.upstream.tape().constant(one_hot::<F>(&self.indices, n));
        Some(ctx.upstream.matmul(s))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The columns `indices` of this matrix, in order, repeats allowed;
    /// the gradient is scattered back and accumulates for repeats.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// let y = x.select_cols(&[2, 0, 2]);
    /// assert_eq!(y.value(), array![[3.0, 1.0, 3.0], [6.0, 4.0, 6.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(g[x], array![[2.0, 0.0, 4.0], [5.0, 0.0, 10.0]]);
    /// ```
    ///
    /// # Panics
    /// If an index is not a column of this matrix (see
    /// [`Var::try_select_cols`]).
    #[track_caller]
    pub fn select_cols(self, indices: &[usize]) -> Var<'t, F> {
        match self.try_select_cols(indices) {
            Ok(y) => y,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::select_cols`], returning an argument error naming the first
    /// index out of range and the column count.
    #[track_caller]
    pub fn try_select_cols(self, indices: &[usize]) -> Result<Var<'t, F>> {
        let op = SelectCols {
            indices: indices.into(),
        };
        self.record(op, &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "select_cols",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    // Every column in reverse, then column 0 again: one repeat for any shape.
    apply: |x| {
        let n = x[0].shape().cols;
        let indices: Vec<usize> = (0..n).rev().chain(std::iter::once(0)).collect();
        x[0].select_cols(&indices)
    },
}];

#[cfg(test)]
mod tests {
    use crate::{Error, Shape, Tape};
    use ndarray::{Array2, array};

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let y = x.select_cols(&[1, 1, 0]);
        assert_eq!(
            y.value(),
            array![[2.0, 2.0, 1.0], [4.0, 4.0, 3.0], [6.0, 6.0, 5.0]]
        );
        let g = y.backward_with(array![
            [1.0, 10.0, -1.0],
            [2.0, 20.0, 0.5],
            [3.0, 30.0, 2.0]
        ]);
        assert_eq!(g[x], array![[-1.0, 11.0], [0.5, 22.0], [2.0, 33.0]]);
        assert_eq!(x.select_cols(&[]).shape(), Shape::new(3, 0));
    }

    #[test]
    fn out_of_range_index_is_an_argument_error() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((2, 3)));
        let e = x.try_select_cols(&[2, 3]).unwrap_err();
        assert!(matches!(
            e,
            Error::Argument {
                op: "select_cols",
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "select_cols: index 3 at position 1 is out of range for 3 columns"
        );
    }

    #[test]
    fn second_order_accumulates_repeats() {
        // s = Σ w ⊙ select(x)² with column 0 taken twice.
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0]]);
        let w = tape.constant(array![[1.0, 2.0, -1.0]]);
        let g = (x.select_cols(&[0, 0, 1]).square() * w)
            .sum()
            .grad_graph(&[x])
            .unwrap()[0];
        assert_eq!(g.value(), array![[6.0, -4.0]]);
        let v = tape.constant(array![[2.0, 3.0]]);
        assert_eq!((g * v).sum().backward()[x], array![[12.0, -6.0]]);
    }
}
