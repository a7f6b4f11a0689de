//! `softmax`: each row turned into probabilities, `exp(x) / Σ_row exp(x)`.
//!
//! * Forward, computed stably: with `m` the row's maximum,
//!   `y_j = exp(x_j − m) / Σ_k exp(x_k − m)`. Every exponent is ≤ 0 and the
//!   denominator is ≥ 1, so huge logits give no overflow and no NaN.
//! * Local derivative: `∂y_j/∂x_k = y_j (δ_jk − y_k)`, so backward is
//!   `y ⊙ (g − Σ_row(g ⊙ y))` — one dot product per row, no Jacobian built.
//! * Smooth: no kinks. A row holding +∞ puts all its mass, split evenly, on
//!   the +∞ entries; an all-−∞ row is uniform (see
//!   [`log_sum_exp::shift`](crate::ops::log_sum_exp::shift)).

use ndarray::{Array2, Zip};

use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::ops::elementwise::chain;
use crate::ops::log_sum_exp::shift;
use crate::ops::reduce::lane_max;
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Shape, Var};

pub(crate) struct Softmax;

impl<F: Float> Op<F> for Softmax {
    fn name(&self) -> &'static str {
        "softmax"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let x = inputs[0];
        let mut y = Array2::zeros(x.raw_dim());
        Zip::from(y.rows_mut()).and(x.rows()).for_each(|mut y, x| {
            let m = lane_max(x);
            Zip::from(&mut y)
                .and(&x)
                .for_each(|y, &x| *y = shift(x, m).exp());
            // ≥ 1: the maximum contributes exp(0).
            let total = y.sum();
            y /= total;
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
                // `chain` terms: a zero upstream row gives a dot of exactly
                // 0 even where `y` is NaN.
                let dot: F = y.iter().zip(&g).map(|(&y, &g)| chain(g, y)).sum();
                Zip::from(&mut grad)
                    .and(&y)
                    .and(&g)
                    // `chain`: exactly 0 where `g − dot` is, even for a NaN
                    // output (a NaN input row behind a zero upstream).
                    .for_each(|d, &y, &g| *d = chain(g - dot, y));
            });
        grad
    }
    /// The output only (`y ⊙ (g − Σ g⊙y)`), not the input.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::OUTPUT
    }
    /// `y ⊙ (g − rowsum(g ⊙ y))` from the output node `y`.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let (y, g) = (ctx.output, ctx.upstream);
        Some(y * (g - (g * y).sum_axis(1)))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The softmax of each row: non-negative entries summing to 1 per row.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, 0.0], [1000.0, -1000.0]]);
    /// let p = x.softmax();
    /// assert_eq!(p.value(), array![[0.5, 0.5], [1.0, 0.0]]); // no overflow
    /// let g = p.backward_with(array![[1.0, 3.0], [1.0, 1.0]]);
    /// assert_eq!(g[x], array![[-0.5, 0.5], [0.0, 0.0]]);
    /// ```
    #[track_caller]
    pub fn softmax(self) -> Var<'t, F> {
        self.record_or_panic(Softmax, &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "softmax",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].softmax(),
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
        let x = tape.leaf(array![[0.0, 3.0_f64.ln()], [1.0, 1.0]]);
        let y = x.softmax();
        close(&y.value(), &array![[0.25, 0.75], [0.5, 0.5]]);
        let g = y.backward_with(array![[1.0, 2.0], [3.0, -1.0]]);
        // Row 0: Σ g⊙y = 1/4 + 6/4 = 7/4; y ⊙ (g − 7/4) = [1/4·(−3/4), 3/4·1/4].
        // Row 1: Σ g⊙y = 1;              y ⊙ (g − 1)   = [½·2, ½·(−2)].
        close(&g[x], &array![[-3.0 / 16.0, 3.0 / 16.0], [1.0, -1.0]]);
    }

    #[test]
    fn three_columns() {
        let tape = Tape::new();
        // exp: 1, e, e² over Z = 1 + e + e².
        let x = tape.leaf(array![[0.0, 1.0, 2.0]]);
        let e = std::f64::consts::E;
        let z = 1.0 + e + e * e;
        let p = [1.0 / z, e / z, e * e / z];
        let y = x.softmax();
        close(&y.value(), &array![[p[0], p[1], p[2]]]);
        let up = [2.0, -1.0, 0.5];
        let g = y.backward_with(array![[up[0], up[1], up[2]]]);
        let dot: f64 = (0..3).map(|k| p[k] * up[k]).sum();
        let expected = array![[
            p[0] * (up[0] - dot),
            p[1] * (up[1] - dot),
            p[2] * (up[2] - dot)
        ]];
        close(&g[x], &expected);
    }

    #[test]
    fn huge_logits_give_no_nan() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1000.0, 1000.0, -1000.0], [1e308, 0.0, -1e308]]);
        let y = x.softmax();
        assert_eq!(y.value(), array![[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]);
        let g = y.backward_with(array![[1.0, -1.0, 5.0], [2.0, 3.0, 4.0]]);
        assert_eq!(g[x], array![[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]]);

        let tape = Tape::<f32>::new();
        let x = tape.leaf(array![[100.0, 100.0]]); // exp(100) overflows f32
        assert_eq!(x.softmax().value(), array![[0.5, 0.5]]);
    }

    #[test]
    fn infinite_entries_give_no_nan() {
        let tape = Tape::new();
        let inf = f64::INFINITY;
        let x = tape.leaf(array![
            [inf, 0.0, inf],
            [-inf, -inf, -inf],
            [-inf, 0.0, 0.0]
        ]);
        let y = x.softmax();
        let third = 1.0 / 3.0;
        assert_eq!(
            y.value(),
            array![[0.5, 0.0, 0.5], [third, third, third], [0.0, 0.5, 0.5]]
        );
        let g = y.backward_with(Array2::ones((3, 3)));
        assert!(g[x].iter().all(|d| d.is_finite()));
    }

    #[test]
    fn empty_rows_are_fine() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((2, 0)));
        assert_eq!(x.softmax().shape(), crate::Shape::new(2, 0));
    }
}
