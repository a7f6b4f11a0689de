//! `pick`: one entry per row, chosen by a label — `y[i,0] = x[i, labels[i]]`.
//!
//! The building block of a classification loss: with `x` the
//! log-probabilities (`log_softmax`), `−x.pick(labels).mean()` is the mean
//! cross-entropy.
//!
//! * Forward: an m×n input and `m` labels, each `< n`, give an m×1 output.
//! * Local derivative: `∂y[i,0]/∂x[i,j] = 1` if `j = labels[i]`, else 0, so
//!   backward scatters the upstream gradient into the picked entries and
//!   leaves zeros elsewhere.
//! * Smooth (linear in `x`): no kinks. Labels are data, not inputs, and
//!   get no gradient.

use ndarray::Array2;

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct Pick {
    /// The column picked in each row.
    labels: Box<[usize]>,
}

impl<F: Float> Op<F> for Pick {
    fn name(&self) -> &'static str {
        "pick"
    }
    fn label(&self) -> String {
        format!("pick[{} labels]", self.labels.len())
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let x = inputs[0];
        if self.labels.len() != x.rows {
            return Err(Error::argument(
                "pick",
                format!("{} labels for {} rows", self.labels.len(), x.rows),
            ));
        }
        if let Some((row, label)) = self.labels.iter().enumerate().find(|&(_, &l)| l >= x.cols) {
            return Err(Error::argument(
                "pick",
                format!(
                    "label {label} in row {row} is out of range for {} columns",
                    x.cols
                ),
            ));
        }
        Ok(Shape::new(x.rows, 1))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let x = inputs[0];
        Array2::from_shape_fn((x.nrows(), 1), |(i, _)| x[[i, self.labels[i]]])
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let mut grad = Array2::zeros(ctx.input_dim(0));
        for (i, &label) in self.labels.iter().enumerate() {
            grad[[i, label]] = ctx.upstream[[i, 0]];
        }
        grad
    }
    /// Shapes only: the upstream gradient is written into zeros of the input's shape.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::NOTHING
    }
    /// The upstream column times a constant one-hot mask of the labels.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let shape = ctx.inputs[0].shape();
        let mut one_hot = Array2::zeros(shape.dim());
        for (i, &label) in self.labels.iter().enumerate() {
            one_hot[[i, label]] = F::one();
        }
        Some(ctx.upstream * ctx.upstream.tape().constant(one_hot))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The entry `labels[i]` of each row `i`, as an m×1 column.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let logits = tape.leaf(array![[2.0, 0.0, 1.0], [0.5, 0.5, 3.0]]);
    /// let log_p = logits.log_softmax().pick(&[0, 2]);    // log p(correct class)
    /// let mean_log_p = log_p.mean();                      // −(mean cross-entropy)
    /// assert!(mean_log_p.item() < 0.0);
    ///
    /// let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
    /// let y = x.pick(&[1, 0]);
    /// assert_eq!(y.value(), array![[2.0], [3.0]]);
    /// assert_eq!(y.backward_with(array![[5.0], [6.0]])[x], array![[0.0, 5.0], [6.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If there is not one label per row or a label is not a column index
    /// (see [`Var::try_pick`]).
    #[track_caller]
    pub fn pick(self, labels: &[usize]) -> Var<'t, F> {
        match self.try_pick(labels) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::pick`], returning an argument error for a wrong number of
    /// labels or a label out of range.
    #[track_caller]
    pub fn try_pick(self, labels: &[usize]) -> Result<Var<'t, F>> {
        let op = Pick {
            labels: labels.into(),
        };
        self.record(op, &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "pick",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| {
        let s = x[0].shape();
        // `max(1)` keeps a zero-column input an error rather than a division by zero.
        let labels: Vec<usize> = (0..s.rows).map(|i| i % s.cols.max(1)).collect();
        x[0].pick(&labels)
    },
}];

#[cfg(test)]
mod tests {
    use crate::{Error, Tape};
    use ndarray::{Array2, array};

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]);
        let y = x.pick(&[2, 0, 2]);
        assert_eq!(y.value(), array![[3.0], [4.0], [9.0]]);
        let g = y.backward_with(array![[1.5], [-2.0], [4.0]]);
        assert_eq!(
            g[x],
            array![[0.0, 0.0, 1.5], [-2.0, 0.0, 0.0], [0.0, 0.0, 4.0]]
        );
    }

    #[test]
    fn log_likelihood_gradient_is_one_hot_minus_softmax() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 3.0_f64.ln()], [1.0, 1.0]]);
        let log_likelihood = x.log_softmax().pick(&[1, 0]).sum();
        // The one-hot labels minus the softmax rows [1/4, 3/4] and [1/2, 1/2].
        let g = log_likelihood.backward();
        let expected = [-0.25, 0.25, 0.5, -0.5];
        for (got, want) in g[x].iter().zip(expected) {
            approx::assert_abs_diff_eq!(*got, want, epsilon = 1e-12);
        }
    }

    #[test]
    fn wrong_label_count_is_an_argument_error() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((4, 5)));
        let e = x.try_pick(&[0, 1, 2]).unwrap_err();
        assert!(matches!(e, Error::Argument { op: "pick", .. }));
        assert_eq!(e.to_string(), "pick: 3 labels for 4 rows");
    }

    #[test]
    fn label_out_of_range_is_an_argument_error() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((4, 5)));
        let e = x.try_pick(&[0, 4, 7, 9]).unwrap_err();
        assert!(matches!(e, Error::Argument { op: "pick", .. }));
        assert_eq!(
            e.to_string(),
            "pick: label 7 in row 2 is out of range for 5 columns"
        );
    }

    #[test]
    #[should_panic(expected = "pick: 1 labels for 2 rows")]
    fn plain_form_panics_with_the_same_message() {
        let tape = Tape::<f64>::new();
        let _ = tape.leaf(Array2::zeros((2, 2))).pick(&[0]);
    }
}
