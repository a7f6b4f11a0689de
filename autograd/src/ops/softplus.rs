//! `softplus`: the smooth relu `ln(1 + eˣ)`.
//!
//! * Forward: `y = ln(1 + eˣ)`, computed as `max(x, 0) + ln(1 + e^(−|x|))`
//!   (`log1p`), which never overflows: `eˣ` alone is +∞ in f32 from
//!   `x ≈ 89` (f64: 710), and the naive formula then gives +∞ instead of
//!   `x`. NaN stays NaN.
//! * Local derivative: `dy/dx = σ(x) = 1 / (1 + e^(−x))`, evaluated by the
//!   sigmoid's stable, vectorized kernel ([`crate::vmath`]).
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Softplus;

impl<F: Float> UnaryFn<F> for Softplus {
    const NAME: &'static str = "softplus";
    const COSTLY_VALUE: bool = true;
    const COSTLY_SLOPE: bool = true;
    const SLOPE_FROM_INPUT: bool = true;
    fn value(&self, x: F) -> F {
        // `if`, not `F::max`, which would turn a NaN into 0 (the log1p
        // term would still be NaN, but the intent is plainer this way).
        let positive = if x > F::zero() { x } else { F::zero() };
        positive + (-x.abs()).vexp().ln_1p()
    }
    fn slope(&self, x: F, _y: F) -> F {
        x.vsigmoid()
    }
    /// `g ⊙ σ(x)` with σ a `sigmoid` node (softplus'' = σ(1 − σ)).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g * x.sigmoid())
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `ln(1 + eˣ)` elementwise, finite for every finite input.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, 1e4, -1e4]]);
    /// let y = x.softplus();
    /// assert_eq!(y.value(), array![[2.0_f64.ln(), 1e4, 0.0]]); // no overflow
    /// let g = y.backward_with(array![[2.0, 3.0, 5.0]]);
    /// assert_eq!(g[x], array![[1.0, 3.0, 0.0]]);              // upstream · σ(x)
    /// ```
    #[track_caller]
    pub fn softplus(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Softplus), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "softplus",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].softplus(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        // softplus(±ln 3) = ln 4 and ln(4/3); σ(±ln 3) = ¾ and ¼.
        let l3 = 3.0_f64.ln();
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, l3], [-l3, 2.0]]);
        let y = x.softplus();
        let want = [
            2.0_f64.ln(),
            4.0_f64.ln(),
            (4.0_f64 / 3.0).ln(),
            2.0_f64.exp().ln_1p(),
        ];
        for (&got, want) in y.value().iter().zip(want) {
            approx::assert_relative_eq!(got, want, max_relative = 1e-15);
        }
        let g = y.backward_with(array![[2.0, 4.0], [-8.0, 1.0]]);
        let s2 = 1.0 / (1.0 + (-2.0_f64).exp());
        assert_close(&g[x], &array![[1.0, 3.0], [-2.0, s2]]);
    }

    #[test]
    fn no_overflow_at_plus_minus_1e4() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(array![[1e4, -1e4]]);
        let y = x.softplus();
        assert_eq!(y.value(), array![[1e4, 0.0]]);
        assert_eq!(y.backward_with(array![[2.0, 3.0]])[x], array![[2.0, 0.0]]);

        // The naive ln(1 + eˣ) overflows in f32 from x ≈ 89 (f64: 710).
        assert_eq!(89.0_f32.exp().ln_1p(), f32::INFINITY);
        assert_eq!(710.0_f64.exp().ln_1p(), f64::INFINITY);
        let tape = Tape::<f32>::new();
        let x = tape.leaf(array![[1e4_f32, -1e4, 100.0, -100.0]]);
        let y = x.softplus();
        let v = y.value();
        assert_eq!(v.row(0).to_vec()[..3], [1e4_f32, 0.0, 100.0]);
        // softplus(−100) = e⁻¹⁰⁰ ≈ 3.7e-44, a subnormal f32, not 0 or NaN.
        assert!(v[[0, 3]] > 0.0 && v[[0, 3]] < 1e-43, "{v}");
        let g = y.backward_with(array![[2.0, 3.0, 1.0, 1.0]])[x].clone();
        assert!(g.iter().all(|v| v.is_finite()), "{g}");
        assert_eq!(g.row(0).to_vec()[..3], [2.0, 0.0, 1.0]);
    }

    #[test]
    fn nan_stays_nan() {
        let tape = Tape::new();
        assert!(tape.leaf(array![[f64::NAN]]).softplus().item().is_nan());
        let tape = Tape::new();
        assert!(tape.leaf(array![[f32::NAN]]).softplus().item().is_nan());
    }

    #[test]
    fn second_derivative_is_sigmoid_slope() {
        // softplus'' = σ(1 − σ): ¼ at 0, 3/16 at ±ln 3.
        let l3 = 3.0_f64.ln();
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[0.0, l3, -l3]], w, v, |x| x.softplus());
        assert_close(&g, &array![[0.5, -1.5, 0.125]]);
        assert_close(&hv, &array![[0.75, -0.375, -0.375]]);
    }
}
