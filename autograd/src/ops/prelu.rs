//! `prelu`: the parametric rectifier, whose negative-side slope is learned.
//!
//! * Forward: for `x` of shape m×n and a slope `a` of shape 1×n (one slope
//!   per column) or 1×1 (one shared slope), `y[i,j] = x[i,j]` where
//!   `x[i,j] > 0` and `a[j]·x[i,j]` otherwise.
//! * Local derivatives: `∂y/∂x = 1` for `x > 0` and `a` for `x < 0`;
//!   `∂y/∂a = 0` for `x > 0` and `x` for `x < 0`. The slope's gradient is
//!   summed over the rows (and, when shared, the columns) it applies to.
//! * Kink at `x = 0`: `∂/∂x = a`, `∂/∂a = 0`
//!   ([`crate::ties::prelu_slopes`]); the decision log records negative /
//!   kink / positive per element of `x` ([`crate::ties::sign_branch`]).

use ndarray::{Array2, Zip};

use crate::op::{BackwardCtx, Op};
use crate::ops::elementwise::chain;
use crate::registry::{Domain, Kink, OpSpec, ShapeRule};
use crate::shape::{broadcast_view, sum_to_shape};
use crate::ties::{self, Branch};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct Prelu;

impl<F: Float> Op<F> for Prelu {
    fn name(&self) -> &'static str {
        "prelu"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let (x, a) = (inputs[0], inputs[1]);
        if a == Shape::new(1, x.cols) || a == Shape::new(1, 1) {
            Ok(x)
        } else {
            Err(Error::shape(
                "prelu",
                format!(
                    "x is {x}, slope is {a}; the slope must be 1×{} (one per column) \
                     or 1×1 (shared)",
                    x.cols
                ),
            ))
        }
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let x = inputs[0];
        Zip::from(x)
            .and(broadcast_view(inputs[1], Shape::of(x)))
            .map_collect(|&x, &a| if x > F::zero() { x } else { a * x })
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, wrt: usize) -> Array2<F> {
        let x = ctx.inputs[0];
        let full = Zip::from(ctx.upstream)
            .and(x)
            .and(broadcast_view(ctx.inputs[1], Shape::of(x)))
            .map_collect(|&g, &x, &a| {
                let (dx, da) = ties::prelu_slopes(x, a);
                chain(g, if wrt == 0 { dx } else { da })
            });
        // The slope was stretched over rows (and columns when shared).
        sum_to_shape(full, Shape::of(ctx.inputs[wrt]))
    }
    fn decisions(&self, inputs: &[&Array2<F>], _output: &Array2<F>) -> Option<Vec<Branch>> {
        Some(inputs[0].iter().map(|&x| ties::sign_branch(x)).collect())
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The parametric rectifier: `x` where positive, `slope · x` elsewhere,
    /// with `slope` a learnable 1×n row (one per column) or 1×1 (shared).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, 3.0], [-4.0, -1.0]]);
    /// let a = tape.leaf(array![[0.5, 0.25]]);           // one slope per column
    /// let y = x.prelu(a);
    /// assert_eq!(y.value(), array![[-1.0, 3.0], [-2.0, -0.25]]);
    /// let g = y.backward_with(array![[1.0, 1.0], [2.0, 4.0]]);
    /// assert_eq!(g[x], array![[0.5, 1.0], [1.0, 1.0]]);
    /// assert_eq!(g[a], array![[-10.0, -4.0]]);           // Σ upstream · x over x ≤ 0
    /// ```
    ///
    /// # Panics
    /// If `slope` is neither 1×n nor 1×1 (see [`Var::try_prelu`]).
    #[track_caller]
    pub fn prelu(self, slope: Var<'t, F>) -> Var<'t, F> {
        self.record_or_panic(Prelu, &[self, slope])
    }

    /// [`Var::prelu`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_prelu(self, slope: Var<'t, F>) -> Result<Var<'t, F>> {
        self.record(Prelu, &[self, slope])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "prelu",
    domains: &[Domain::Real, Domain::Real],
    shapes: ShapeRule::RowParam,
    kink: Kink::At(&[0.0]),
    apply: |x| x[0].prelu(x[1]),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::ties::Branch;
    use ndarray::array;

    #[test]
    fn per_column_slope_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 0.5, -1.0], [4.0, -3.0, -0.5]]);
        let a = tape.leaf(array![[0.25, 0.5, -1.0]]);
        let y = x.prelu(a);
        assert_eq!(y.value(), array![[-0.5, 0.5, 1.0], [4.0, -1.5, 0.5]]);
        let g = y.backward_with(array![[1.0, 2.0, 3.0], [-1.0, 4.0, 0.5]]);
        assert_eq!(g[x], array![[0.25, 2.0, -3.0], [-1.0, 2.0, -0.5]]);
        // column 0: 1·−2 (row 1 is positive); column 1: 4·−3; column 2: 3·−1 + 0.5·−0.5
        assert_eq!(g[a], array![[-2.0, -12.0, -3.25]]);
    }

    #[test]
    fn shared_slope_sums_over_everything() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 1.0], [-1.0, -4.0]]);
        let a = tape.leaf(array![[0.5]]);
        let y = x.prelu(a);
        assert_eq!(y.value(), array![[-1.0, 1.0], [-0.5, -2.0]]);
        let g = y.backward_with(array![[1.0, 2.0], [3.0, -1.0]]);
        assert_eq!(g[x], array![[0.5, 2.0], [1.5, -0.5]]);
        assert_eq!(g[a], array![[-2.0 - 3.0 + 4.0]]);
    }

    #[test]
    fn kink_gives_slope_to_x_and_nothing_to_a() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, -0.0]]);
        let a = tape.leaf(array![[0.3, 0.7]]);
        let y = x.prelu(a);
        assert_eq!(y.value(), array![[0.0, 0.0]]);
        let g = y.backward_with(array![[2.0, 10.0]]);
        assert_eq!(g[x], array![[0.6, 7.0]]);
        assert_eq!(g[a], array![[0.0, 0.0]]);
    }

    #[test]
    fn decision_log_records_each_side() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[-1.0, 0.0], [1.0, -3.0]]);
        let y = x.prelu(tape.leaf(array![[0.1]]));
        let logs = tape.decision_logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].node, y.id());
        assert_eq!(logs[0].op, "prelu");
        assert_eq!(
            logs[0].branches,
            vec![
                Branch::NEGATIVE,
                Branch::KINK,
                Branch::POSITIVE,
                Branch::NEGATIVE
            ]
        );
    }

    #[test]
    fn bad_slope_shape_names_both_shapes() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(ndarray::Array2::zeros((2, 3)));
        for bad in [(2, 3), (1, 2), (3, 1)] {
            let a = tape.leaf(ndarray::Array2::zeros(bad));
            let e = x.try_prelu(a).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "prelu: x is 2×3, slope is {}×{}; the slope must be 1×3 \
                     (one per column) or 1×1 (shared)",
                    bad.0, bad.1
                )
            );
        }
    }

    #[test]
    #[should_panic(expected = "prelu: x is 2×3, slope is 2×3")]
    fn plain_form_panics_with_the_same_message() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let _ = x.prelu(x);
    }
}
