//! `gather_rows` (alias `index_select`): the rows `indices` of a matrix, in
//! order, repeats allowed — a mini-batch drawn from a dataset, or an
//! embedding lookup, recorded on the tape.
//!
//! * Forward: `y[k, :] = x[indices[k], :]`; an m×n input and `K` indices
//!   give a K×n output (K = 0 gives 0×n).
//! * Local derivative: a selection, so backward is a scatter-add: row `k`
//!   of the upstream gradient is added into row `indices[k]`, so a row
//!   picked twice accumulates both gradients, and unpicked rows get 0.
//! * Smooth (linear): no kinks. Indices are data and get no gradient; one
//!   that is not a row of `x` is an argument error naming it and the row
//!   count.

use ndarray::{Array2, Axis};

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct GatherRows {
    indices: Box<[usize]>,
}

/// The first index not below `len`, as an argument error for `op`.
pub(crate) fn check_indices(
    op: &'static str,
    indices: &[usize],
    len: usize,
    what: &str,
) -> Result<()> {
    match indices.iter().enumerate().find(|&(_, &i)| i >= len) {
        Some((k, i)) => Err(Error::argument(
            op,
            format!("index {i} at position {k} is out of range for {len} {what}"),
        )),
        None => Ok(()),
    }
}

/// The K×m one-hot matrix `S` with `S[k, indices[k]] = 1`, so that the
/// gather is `S · x` and its backward `Sᵀ · g` (a scatter-add).
pub(crate) fn one_hot<F: Float>(indices: &[usize], m: usize) -> Array2<F> {
    let mut s = Array2::zeros((indices.len(), m));
    for (k, &i) in indices.iter().enumerate() {
        s[[k, i]] = F::one();
    }
    s
}

impl<F: Float> Op<F> for GatherRows {
    fn name(&self) -> &'static str {
        "gather_rows"
    }
    fn label(&self) -> String {
        format!("gather_rows[{} indices]", self.indices.len())
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let x = inputs[0];
        check_indices("gather_rows", &self.indices, x.rows, "rows")?;
        Ok(Shape::new(self.indices.len(), x.cols))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        inputs[0].select(Axis(0), &self.indices)
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let mut grad = Array2::zeros(ctx.input_dim(0));
        for (k, &i) in self.indices.iter().enumerate() {
            let mut row = grad.row_mut(i);
            row += &ctx.upstream.row(k);
        }
        grad
    }
    /// Shapes only: the upstream gradient is added into zeros of the input's shape.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    /// `Sᵀ · g` with the one-hot selection `S` a constant: linear in `g`,
    /// and a scatter-add that accumulates repeated indices.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let m = ctx.inputs[0].shape().rows;
        let st = one_hot::<F>(&self.indices, m).reversed_axes();
        let st = ctx
            .upstream
            .tape()
            .constant(st.as_standard_layout().into_owned());
        Some(st.matmul(ctx.upstream))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The rows `indices` of this matrix, in order, repeats allowed (a
    /// mini-batch, an embedding lookup). The gradient is scattered back and
    /// accumulates for repeated indices.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let table = tape.leaf(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]); // 3 embeddings
    /// let batch = table.gather_rows(&[2, 0, 2]);
    /// assert_eq!(batch.value(), array![[5.0, 6.0], [1.0, 2.0], [5.0, 6.0]]);
    /// let g = batch.backward_with(array![[1.0, 1.0], [2.0, 3.0], [10.0, 20.0]]);
    /// assert_eq!(g[table], array![[2.0, 3.0], [0.0, 0.0], [11.0, 21.0]]); // row 2 twice
    /// ```
    ///
    /// # Panics
    /// If an index is not a row of this matrix (see [`Var::try_gather_rows`]).
    #[track_caller]
    pub fn gather_rows(self, indices: &[usize]) -> Var<'t, F> {
        match self.try_gather_rows(indices) {
            Ok(y) => y,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::gather_rows`], returning an argument error naming the first
    /// index out of range and the row count.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::Array2;
    /// let tape = Tape::<f64>::new();
    /// let x = tape.leaf(Array2::zeros((3, 2)));
    /// assert_eq!(
    ///     x.try_gather_rows(&[0, 3]).unwrap_err().to_string(),
    ///     "gather_rows: index 3 at position 1 is out of range for 3 rows"
    /// );
    /// ```
    #[track_caller]
    pub fn try_gather_rows(self, indices: &[usize]) -> Result<Var<'t, F>> {
        let op = GatherRows {
            indices: indices.into(),
        };
        self.record(op, &[self])
    }

    /// [`Var::gather_rows`] under PyTorch's name (`index_select` on rows).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0], [2.0]]);
    /// assert_eq!(x.index_select(&[1, 1]).value(), array![[2.0], [2.0]]);
    /// ```
    ///
    /// # Panics
    /// As [`Var::gather_rows`].
    #[track_caller]
    pub fn index_select(self, indices: &[usize]) -> Var<'t, F> {
        match self.try_gather_rows(indices) {
            Ok(y) => y,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::try_gather_rows`] under PyTorch's name.
    #[track_caller]
    pub fn try_index_select(self, indices: &[usize]) -> Result<Var<'t, F>> {
        self.try_gather_rows(indices)
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "gather_rows",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    // The last row, then every row: m + 1 indices with one repeat, so the
    // scatter-add's accumulation is under test for every generated shape.
    apply: |x| {
        let m = x[0].shape().rows;
        let indices: Vec<usize> = std::iter::once(m.saturating_sub(1)).chain(0..m).collect();
        x[0].gather_rows(&indices)
    },
}];

#[cfg(test)]
mod tests {
    use crate::{Error, Shape, Tape};
    use ndarray::{Array2, array};

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let y = x.gather_rows(&[1, 1, 0]);
        assert_eq!(
            y.value(),
            array![[4.0, 5.0, 6.0], [4.0, 5.0, 6.0], [1.0, 2.0, 3.0]]
        );
        let g = y.backward_with(array![
            [1.0, 2.0, 3.0],
            [10.0, 20.0, 30.0],
            [-1.0, 0.5, 2.0]
        ]);
        assert_eq!(g[x], array![[-1.0, 0.5, 2.0], [11.0, 22.0, 33.0]]);
    }

    #[test]
    fn empty_selection_and_unpicked_rows() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(x.gather_rows(&[]).shape(), Shape::new(0, 2));
        let g = x.gather_rows(&[1]).backward_with(array![[5.0, 6.0]]);
        assert_eq!(g[x], array![[0.0, 0.0], [5.0, 6.0]]);
    }

    #[test]
    fn nan_rows_are_copied() {
        let tape = Tape::new();
        let x = tape.leaf(array![[f64::NAN], [1.0]]);
        assert!(x.gather_rows(&[0]).item().is_nan());
    }

    #[test]
    fn out_of_range_index_is_an_argument_error() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((4, 2)));
        let e = x.try_gather_rows(&[0, 3, 9, 4]).unwrap_err();
        assert!(matches!(
            e,
            Error::Argument {
                op: "gather_rows",
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "gather_rows: index 9 at position 2 is out of range for 4 rows"
        );
        assert_eq!(
            x.try_index_select(&[4]).unwrap_err().to_string(),
            "gather_rows: index 4 at position 0 is out of range for 4 rows"
        );
    }

    #[test]
    fn second_order_accumulates_repeats() {
        // s = Σ w ⊙ gather(x)²: ∇x_i = Σ_{k: idx k = i} 2 w_k x_i, H v likewise with v.
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let w = tape.constant(array![[1.0, 1.0], [2.0, 2.0], [0.5, -1.0]]);
        let g = (x.gather_rows(&[0, 0, 1]).square() * w)
            .sum()
            .grad_graph(&[x])
            .unwrap()[0];
        assert_eq!(g.value(), array![[6.0, 12.0], [3.0, -8.0]]);
        let v = tape.constant(array![[1.0, -1.0], [2.0, 3.0]]);
        assert_eq!(
            (g * v).sum().backward()[x],
            array![[6.0, -6.0], [2.0, -6.0]]
        );
    }
}
