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

use crate::higher_order::{sum_to_shape_graph, times_mask};
use crate::op::{BackwardCtx, GraphCtx, Op};
use crate::ops::elementwise::chain;
use crate::shape::{broadcast_view, sum_to_shape};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
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
    /// With constant masks `pos` (identity side) and `neg = 1 − pos` (sloped
    /// side, kink included): `∂L/∂x = g ⊙ (pos + neg ⊙ a)` and
    /// `∂L/∂a = Σ g ⊙ x ⊙ neg`. Each stays differentiable in the other
    /// input (∂²y/∂x∂a = neg), while ∂²y/∂x² = ∂²y/∂a² = 0 off the kink.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, wrt: usize) -> Option<Var<'t, F>> {
        let (g, x, a) = (ctx.upstream, ctx.inputs[0], ctx.inputs[1]);
        // The x-slope with a = 0 is exactly the indicator of the identity
        // side, so the masks follow the kink rule in `ties`.
        let pos = x.with_value(|v| v.mapv(|x| ties::prelu_slopes(x, F::zero()).0));
        let neg = pos.mapv(|p| F::one() - p);
        Some(if wrt == 0 {
            times_mask(g, pos) + times_mask(g, neg) * a
        } else {
            sum_to_shape_graph(times_mask(g, neg) * x, a.shape())
        })
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

    #[test]
    fn second_order_mixed_partials_with_a_kink() {
        // s = Σ w ⊙ prelu(x, a) (x[1,0] = 0 sits on the kink, sloped side):
        // ∇ₓs = w ⊙ (pos + neg ⊙ a), ∇ₐs = Σ_rows w ⊙ x ⊙ neg. For the
        // direction (vₓ, vₐ): ∂⟨∇s, v⟩/∂x = w ⊙ neg ⊙ vₐ and
        // ∂⟨∇s, v⟩/∂a = Σ_rows w ⊙ neg ⊙ vₓ.
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 3.0], [0.0, -1.0]]);
        let a = tape.leaf(array![[0.5, 0.25]]);
        let w = tape.constant(array![[1.0, 2.0], [3.0, -1.0]]);
        let g = (x.prelu(a) * w).sum().grad_graph(&[x, a]).unwrap();
        assert_eq!(g[0].value(), array![[0.5, 2.0], [1.5, -0.25]]);
        assert_eq!(g[1].value(), array![[-2.0, 1.0]]);
        let vx = tape.constant(array![[1.0, 1.0], [2.0, -2.0]]);
        let va = tape.constant(array![[4.0, -1.0]]);
        let hv = ((g[0] * vx).sum() + (g[1] * va).sum()).backward();
        assert_eq!(hv[x], array![[4.0, 0.0], [12.0, 1.0]]);
        assert_eq!(hv[a], array![[7.0, 2.0]]);
    }

    #[test]
    fn second_order_with_a_shared_slope() {
        // s = Σ prelu(x, a)² with one shared a: on the sloped side y = a·x, so
        // ∂s/∂a = Σ 2a x² and ∂²s/∂a² = 2 Σ x² over x ≤ 0 = 2·(4 + 1) = 10.
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 3.0, -1.0]]);
        let a = tape.leaf(array![[0.5]]);
        let ga = x.prelu(a).square().sum().grad_graph(&[a]).unwrap()[0];
        assert_eq!(ga.value(), array![[5.0]]);
        let hv = ga.backward();
        assert_eq!(hv[a], array![[10.0]]);
        // ∂²s/∂a∂x = 4a x on the sloped side, 0 on the identity side.
        assert_eq!(hv[x], array![[-4.0, 0.0, -2.0]]);
    }
}
