//! `log_sum_exp`: `ln Σ exp(x)` over all entries, or over each column
//! (axis 0) or row (axis 1).
//!
//! * Forward, computed stably: with `m` the lane's maximum,
//!   `y = m + ln Σ_j exp(x_j − m)`. Every exponent is ≤ 0, so nothing
//!   overflows (`[[1000, 1000]]` gives `1000 + ln 2`), and the sum is ≥ 1, so
//!   the logarithm never sees 0.
//! * Local derivative: `∂y/∂x_j = exp(x_j − y)`, the softmax weights of the
//!   lane; backward is `upstream ⊙ exp(x − y)` (again exponents ≤ 0).
//! * Smooth: no kinks. Infinite maxima are handled without NaN: an all-−∞
//!   lane gives −∞ and a lane holding +∞ gives +∞; in both cases the
//!   gradient goes to the entries equal to the maximum, split evenly
//!   ([`ties::tie_share`]) like the softmax of equal entries.
//!
//! [`shift`] and [`max_and_log_norm`] are shared with `softmax` and
//! `log_softmax`, which normalize each row the same way.

use ndarray::{Array2, ArrayView1, Zip};

use crate::higher_order::broadcast_graph;
use crate::op::{BackwardCtx, GraphCtx, Op};
use crate::ops::elementwise::chain;
use crate::ops::reduce::{Over, fold_lanes, lane_max, nonempty, unfold_lanes};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties;
use crate::{Float, Result, Shape, Var};

/// `x − m` for an entry `x` of a lane whose maximum is `m`, except that the
/// entries equal to `m` give exactly 0: an infinite maximum would otherwise
/// give `∞ − ∞ = NaN`.
#[inline]
pub(crate) fn shift<F: Float>(x: F, m: F) -> F {
    if x == m { F::zero() } else { x - m }
}

/// A lane's maximum `m` and `ln Σ exp(shift(x, m))`, so that
/// `ln Σ exp(x) = m + log_norm`. The sum includes `exp(0) = 1` for the
/// maximum, so the logarithm is finite for a non-empty lane.
pub(crate) fn max_and_log_norm<F: Float>(lane: ArrayView1<'_, F>) -> (F, F) {
    let m = lane_max(lane);
    let sum: F = lane.iter().map(|&x| shift(x, m).exp()).sum();
    (m, sum.ln())
}

pub(crate) struct LogSumExp(pub Over);

impl<F: Float> Op<F> for LogSumExp {
    fn name(&self) -> &'static str {
        "log_sum_exp"
    }
    fn label(&self) -> String {
        format!("log_sum_exp[{}]", self.0)
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        nonempty("log_sum_exp", inputs[0])?;
        Ok(self.0.reduced(inputs[0]))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        fold_lanes(self.0, inputs[0], |lane| {
            let (m, log_norm) = max_and_log_norm(lane);
            m + log_norm
        })
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        unfold_lanes(
            self.0,
            ctx.inputs[0],
            ctx.output,
            ctx.upstream,
            |x, y, g, grad| {
                if y.is_nan() {
                    // A NaN in the lane: every entry's weight is NaN
                    // (0 where the upstream gradient is 0, invariant 5).
                    Zip::from(grad).for_each(|d| *d = chain(g, y));
                } else if y.is_finite() {
                    // y ≥ every x_j, so the exponent is ≤ 0.
                    Zip::from(grad)
                        .and(x)
                        .for_each(|d, &x| *d = g * (x - y).exp());
                } else {
                    // y = ±∞ is the lane's maximum (see the module doc).
                    let tied = x.iter().filter(|&&x| x == y).count();
                    let share = g * ties::tie_share::<F>(tied);
                    Zip::from(grad).and(x).for_each(|d, &x| {
                        if x == y {
                            *d = share;
                        }
                    });
                }
            },
        )
    }
    /// `g ⊙ exp(x − y)` with `y` the output node, so a second sweep also
    /// differentiates through `y` (giving softmax's Jacobian).
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let x = ctx.inputs[0];
        let shape = x.shape();
        let weights = (x - broadcast_graph(ctx.output, shape)).exp();
        Some(broadcast_graph(ctx.upstream, shape) * weights)
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `ln Σ exp(x)` over all entries, as a 1×1 node, computed without
    /// overflow.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1000.0, 1000.0]]);
    /// let y = x.log_sum_exp();
    /// assert_eq!(y.item(), 1000.0 + 2.0_f64.ln());
    /// let g = y.backward();                              // the softmax weights
    /// assert!(g[x].iter().all(|&w| (w - 0.5).abs() < 1e-12));
    /// ```
    ///
    /// # Panics
    /// If the input is empty (see [`Var::try_log_sum_exp`]).
    #[track_caller]
    pub fn log_sum_exp(self) -> Var<'t, F> {
        self.record_or_panic(LogSumExp(Over::All), &[self])
    }

    /// [`Var::log_sum_exp`], returning a shape error for an empty input.
    #[track_caller]
    pub fn try_log_sum_exp(self) -> Result<Var<'t, F>> {
        self.record(LogSumExp(Over::All), &[self])
    }

    /// `ln Σ exp(x)` over `axis`: 0 reduces each column (result 1×n), 1 each
    /// row (result m×1).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, 0.0], [5.0, 5.0]]);
    /// let y = x.log_sum_exp_axis(1);
    /// let ln2 = 2.0_f64.ln();
    /// assert_eq!(y.value(), array![[ln2], [5.0 + ln2]]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is not 0 or 1, or the input is empty (see
    /// [`Var::try_log_sum_exp_axis`]).
    #[track_caller]
    pub fn log_sum_exp_axis(self, axis: usize) -> Var<'t, F> {
        match self.try_log_sum_exp_axis(axis) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::log_sum_exp_axis`], returning an error for an axis other than
    /// 0 or 1 or an empty input.
    #[track_caller]
    pub fn try_log_sum_exp_axis(self, axis: usize) -> Result<Var<'t, F>> {
        self.record(LogSumExp(Over::axis("log_sum_exp", axis)?), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "log_sum_exp",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].log_sum_exp(),
    },
    OpSpec {
        name: "log_sum_exp(axis=0)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].log_sum_exp_axis(0),
    },
    OpSpec {
        name: "log_sum_exp(axis=1)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].log_sum_exp_axis(1),
    },
];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use approx::assert_abs_diff_eq;
    use ndarray::{Array2, array};

    /// Compares two matrices entry by entry (row-major).
    fn close(a: &Array2<f64>, b: &Array2<f64>) {
        assert_eq!(a.dim(), b.dim());
        let (a, b): (Vec<f64>, Vec<f64>) =
            (a.iter().copied().collect(), b.iter().copied().collect());
        assert_abs_diff_eq!(a.as_slice(), b.as_slice(), epsilon = 1e-12);
    }

    #[test]
    fn each_axis_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 1.0], [2.0, 0.0]]);
        let e = f64::exp;
        // Rows: ln(1 + e), ln(e² + 1); weights exp(x − y).
        let by_row = x.log_sum_exp_axis(1);
        let (r0, r1) = ((1.0 + e(1.0)).ln(), (e(2.0) + 1.0).ln());
        close(&by_row.value(), &array![[r0], [r1]]);
        let g = by_row.backward_with(array![[2.0], [-1.0]]);
        let expected = array![
            [2.0 / (1.0 + e(1.0)), 2.0 * e(1.0) / (1.0 + e(1.0))],
            [-e(2.0) / (e(2.0) + 1.0), -1.0 / (e(2.0) + 1.0)]
        ];
        close(&g[x], &expected);

        // Columns: ln(1 + e²), ln(e + 1).
        let by_col = x.log_sum_exp_axis(0);
        let (c0, c1) = ((1.0 + e(2.0)).ln(), (e(1.0) + 1.0).ln());
        close(&by_col.value(), &array![[c0, c1]]);
        let g = by_col.backward_with(array![[3.0, 0.5]]);
        let expected = array![
            [3.0 / (1.0 + e(2.0)), 0.5 * e(1.0) / (e(1.0) + 1.0)],
            [3.0 * e(2.0) / (1.0 + e(2.0)), 0.5 / (e(1.0) + 1.0)]
        ];
        close(&g[x], &expected);

        // All: ln(1 + e + e² + 1).
        let total = 2.0 + e(1.0) + e(2.0);
        let all = x.log_sum_exp();
        assert_abs_diff_eq!(all.item(), total.ln(), epsilon = 1e-12);
        let g = all.backward_with(array![[-2.0]]);
        let expected = array![[1.0, e(1.0)], [e(2.0), 1.0]] * (-2.0 / total);
        close(&g[x], &expected);
    }

    #[test]
    fn large_inputs_stay_finite() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1000.0, 1000.0], [-1000.0, 1000.0]]);
        let y = x.log_sum_exp_axis(1);
        let ln2 = 2.0_f64.ln();
        close(&y.value(), &array![[1000.0 + ln2], [1000.0]]);
        let g = y.backward_with(array![[1.0], [4.0]]);
        close(&g[x], &array![[0.5, 0.5], [0.0, 4.0]]);

        let tape = Tape::<f32>::new();
        let x = tape.leaf(array![[100.0, 100.0]]); // exp(100) overflows f32
        let y = x.log_sum_exp();
        assert_abs_diff_eq!(y.item(), 100.0 + 2.0_f32.ln(), epsilon = 1e-4);
        let g = y.backward();
        assert_abs_diff_eq!(g[x][[0, 0]], 0.5, epsilon = 1e-5);
        assert_abs_diff_eq!(g[x][[0, 1]], 0.5, epsilon = 1e-5);
    }

    #[test]
    fn infinite_maxima_give_no_nan() {
        let tape = Tape::new();
        let inf = f64::INFINITY;
        let x = tape.leaf(array![[-inf, -inf], [inf, 3.0], [-inf, 0.0]]);
        let y = x.log_sum_exp_axis(1);
        assert_eq!(y.value(), array![[-inf], [inf], [0.0]]);
        let g = y.backward_with(array![[2.0], [3.0], [5.0]]);
        assert_eq!(g[x], array![[1.0, 1.0], [3.0, 0.0], [0.0, 5.0]]);
    }

    #[test]
    fn errors() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((0, 0)));
        assert_eq!(
            x.try_log_sum_exp().unwrap_err().to_string(),
            "log_sum_exp: cannot reduce an empty 0×0 matrix"
        );
        let y = tape.leaf(Array2::zeros((1, 1)));
        assert_eq!(
            y.try_log_sum_exp_axis(3).unwrap_err().to_string(),
            "log_sum_exp: axis must be 0 or 1 for a 2-D matrix, got 3"
        );
    }
}
