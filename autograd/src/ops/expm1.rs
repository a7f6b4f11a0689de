//! `expm1`: `eˣ − 1`, accurate for small `x`.
//!
//! * Forward: `y = eˣ − 1`, computed by `F::exp_m1` (for `x = 1e-10`,
//!   `eˣ − 1` in f64 loses six digits; `exp_m1` loses none). Overflows to
//!   +∞ for large `x`; tends to −1 for very negative `x`.
//! * Local derivative: `dy/dx = eˣ = y + 1`, read from the output.
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Expm1;

impl<F: Float> UnaryFn<F> for Expm1 {
    const NAME: &'static str = "expm1";
    const SLOPE_FROM_OUTPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.exp_m1()
    }
    fn slope(&self, _x: F, y: F) -> F {
        y + F::one()
    }
    /// `g ⊙ (y + 1)` with `y` the output node (expm1'' = eˣ).
    fn grad_graph<'t>(&self, g: Var<'t, F>, _x: Var<'t, F>, y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g * (y + F::one()))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `eˣ − 1` elementwise, accurate near 0.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0_f64, 1e-10]]);
    /// let y = x.expm1();
    /// assert_eq!(y.value()[[0, 0]], 0.0);
    /// assert!((y.value()[[0, 1]] - (1e-10 + 0.5e-20)).abs() < 1e-26); // x + x²/2 + …
    /// assert_eq!(y.backward_with(array![[3.0, 1.0]])[x][[0, 0]], 3.0); // upstream · eˣ
    /// ```
    #[track_caller]
    pub fn expm1(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Expm1), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "expm1",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].expm1(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;
    use std::f64::consts::{E, LN_2};

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 1.0], [LN_2, -LN_2]]);
        let y = x.expm1();
        assert_close(&y.value(), &array![[0.0, E - 1.0], [1.0, -0.5]]);
        let g = y.backward_with(array![[2.0, -1.0], [3.0, 4.0]]);
        assert_close(&g[x], &array![[2.0, -E], [6.0, 2.0]]);
    }

    #[test]
    fn extremes_and_nan() {
        let tape = Tape::new();
        let y = tape
            .leaf(array![[1000.0, -1000.0, f64::NAN]])
            .expm1()
            .value();
        assert_eq!(y[[0, 0]], f64::INFINITY);
        assert_eq!(y[[0, 1]], -1.0);
        assert!(y[[0, 2]].is_nan());
    }

    #[test]
    fn second_derivative_is_exp() {
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[0.0, LN_2, -LN_2]], w, v, |x| x.expm1());
        assert_close(&g, &array![[1.0, -4.0, 0.25]]);
        assert_close(&hv, &array![[3.0, -4.0, -1.0]]);
    }

    #[test]
    fn accurate_where_the_naive_formula_is_not() {
        // eˣ − 1 = x + x²/2 + … ; for x = 1e-10 the naive form rounds eˣ.
        let x = 1e-10_f64;
        let exact = x + x * x / 2.0;
        let naive = ((x.exp() - 1.0) - exact).abs() / exact;
        assert!(naive > 1e-8, "naive error {naive:e}");
        let tape = Tape::new();
        let y = tape.leaf(array![[x]]).expm1().item();
        assert!((y - exact).abs() / exact < 1e-15);
    }
}
