//! `log_softmax`: the logarithm of each row's softmax,
//! `x − ln Σ_row exp(x)`.
//!
//! * Forward, computed stably: with `m` the row's maximum,
//!   `y_j = (x_j − m) − ln Σ_k exp(x_k − m)`. Exponents are ≤ 0 and the sum is
//!   ≥ 1, so huge logits give exact, finite results (`[1000, 0]` gives
//!   `[0, −1000]`) rather than `−∞` or NaN.
//! * Local derivative: `∂y_j/∂x_k = δ_jk − softmax(x)_k`, so backward is
//!   `g − softmax(x) ⊙ Σ_row g`, with `softmax(x) = exp(y)` read off the
//!   output (`y ≤ 0`, so the exponent is ≤ 0).
//! * Smooth: no kinks. Infinite entries follow
//!   [`log_sum_exp::shift`](crate::ops::log_sum_exp::shift): an all-−∞ row
//!   gives `−ln n` everywhere, and a row holding +∞ gives `−ln k` on its `k`
//!   infinite entries and −∞ elsewhere.

use ndarray::{Array2, Zip};

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::ops::elementwise::chain;
use crate::ops::log_sum_exp::{max_and_log_norm, shift};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Shape, Var};

pub(crate) struct LogSoftmax;

impl<F: Float> Op<F> for LogSoftmax {
    fn name(&self) -> &'static str {
        "log_softmax"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let x = inputs[0];
        let mut y = Array2::zeros(x.raw_dim());
        Zip::from(y.rows_mut()).and(x.rows()).for_each(|mut y, x| {
            let (m, log_norm) = max_and_log_norm(x);
            Zip::from(&mut y)
                .and(&x)
                .for_each(|y, &x| *y = shift(x, m) - log_norm);
        });
        y
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let (y, g) = (ctx.output, ctx.upstream);
        let mut grad = Array2::zeros(g.raw_dim());
        Zip::from(grad.rows_mut())
            .and(y.rows())
            .and(g.rows())
            .for_each(|mut grad, y, g| {
                let total = g.sum();
                Zip::from(&mut grad)
                    .and(&y)
                    .and(&g)
                    // `chain`: a zero row total adds exactly 0, even for a
                    // NaN output (a NaN input row behind a zero upstream).
                    .for_each(|d, &y, &g| *d = g - chain(total, y.exp()));
            });
        grad
    }
    /// The output only (`g − exp(y)·Σg`), not the input.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::OUTPUT
    }
    /// `g − exp(y) ⊙ rowsum(g)` from the output node `y`.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let (y, g) = (ctx.output, ctx.upstream);
        Some(g - y.exp() * g.sum_axis(1))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The log-softmax of each row, computed without overflow; the stable
    /// way to get log-probabilities for a cross-entropy loss (see
    /// [`Var::pick`]).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1000.0, 0.0], [2.0, 2.0]]);
    /// let y = x.log_softmax();
    /// let ln2 = 2.0_f64.ln();
    /// assert_eq!(y.value(), array![[0.0, -1000.0], [-ln2, -ln2]]);
    /// let g = y.backward_with(array![[1.0, 0.0], [1.0, 3.0]]);
    /// assert_eq!(g[x], array![[0.0, 0.0], [-1.0, 1.0]]); // g − softmax · Σg
    /// ```
    #[track_caller]
    pub fn log_softmax(self) -> Var<'t, F> {
        self.record_or_panic(LogSoftmax, &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "log_softmax",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].log_softmax(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use approx::assert_abs_diff_eq;
    use ndarray::{Array2, array};

    /// Compares two matrices entry by entry (row-major).
    fn close(a: &Array2<f64>, b: &Array2<f64>) {
        assert_eq!(a.dim(), b.dim());
        let a: Vec<f64> = a.iter().copied().collect();
        let b: Vec<f64> = b.iter().copied().collect();
        assert_abs_diff_eq!(a.as_slice(), b.as_slice(), epsilon = 1e-12);
    }

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let ln = f64::ln;
        let x = tape.leaf(array![[0.0, ln(3.0)], [1.0, 1.0]]);
        let y = x.log_softmax();
        // softmax rows: [1/4, 3/4] and [1/2, 1/2].
        close(
            &y.value(),
            &array![[-ln(4.0), ln(3.0) - ln(4.0)], [-ln(2.0), -ln(2.0)]],
        );
        let g = y.backward_with(array![[1.0, 2.0], [3.0, -1.0]]);
        // Row 0: Σg = 3; g − p·3 = [1 − 3/4, 2 − 9/4].
        // Row 1: Σg = 2; g − p·2 = [3 − 1, −1 − 1].
        close(&g[x], &array![[0.25, -0.25], [2.0, -2.0]]);
    }

    #[test]
    fn agrees_with_the_log_of_softmax() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.3, -1.2, 2.5], [4.0, 0.0, -4.0]]);
        close(&x.log_softmax().value(), &x.softmax().value().mapv(f64::ln));
    }

    #[test]
    fn huge_logits_are_exact_and_finite() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1000.0, 0.0, -1000.0], [-1e308, 1e308, 0.0]]);
        let y = x.log_softmax();
        assert_eq!(
            y.value(),
            array![[0.0, -1000.0, -2000.0], [-f64::INFINITY, 0.0, -1e308]]
        );
        let g = y.backward_with(array![[1.0, 2.0, -3.0], [1.0, 1.0, 1.0]]);
        // Softmax is [1, 0, 0] (row 0) and [0, 1, 0] (row 1).
        assert_eq!(g[x], array![[1.0, 2.0, -3.0], [1.0, -2.0, 1.0]]);

        let tape = Tape::<f32>::new();
        let x = tape.leaf(array![[100.0, 100.0]]); // exp(100) overflows f32
        let ln2 = 2.0_f32.ln();
        assert_eq!(x.log_softmax().value(), array![[-ln2, -ln2]]);
    }

    #[test]
    fn infinite_entries_give_no_nan() {
        let tape = Tape::new();
        let inf = f64::INFINITY;
        let x = tape.leaf(array![[-inf, -inf], [-inf, 0.0], [inf, 1.0]]);
        let y = x.log_softmax();
        let ln2 = 2.0_f64.ln();
        assert_eq!(y.value(), array![[-ln2, -ln2], [-inf, 0.0], [0.0, -inf]]);
        let g = y.backward_with(array![[1.0, 3.0], [2.0, 5.0], [4.0, 1.0]]);
        assert_eq!(g[x], array![[-1.0, 1.0], [2.0, -2.0], [-1.0, 1.0]]);
    }
}
