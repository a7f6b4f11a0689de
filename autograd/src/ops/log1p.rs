//! `log1p`: `ln(1 + x)`, accurate for small `x`.
//!
//! * Forward: `y = ln(1 + x)`, computed by `F::ln_1p` (for `x = 1e-10`,
//!   `ln(1 + x)` in f64 loses six digits; `ln_1p` loses none). NaN for
//!   `x < −1`, −∞ at `x = −1`.
//! * Local derivative: `dy/dx = 1 / (1 + x)`.
//! * Smooth on `x > −1` (the registry draws from [`Domain::Positive`]).

use crate::higher_order::masked_denominator;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Log1p;

impl<F: Float> UnaryFn<F> for Log1p {
    const NAME: &'static str = "log1p";
    const SLOPE_FROM_INPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.ln_1p()
    }
    fn slope(&self, x: F, _y: F) -> F {
        F::one() / (F::one() + x)
    }
    /// `g / (1 + x)` with `1 + x` a node (log1p'' = −1/(1 + x)²).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g / masked_denominator(g, x + F::one()))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `ln(1 + x)` elementwise, accurate near 0.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, 1.0, 1e-10]]);
    /// let y = x.log1p();
    /// assert_eq!(y.value()[[0, 1]], 2.0_f64.ln());
    /// assert!((y.value()[[0, 2]] - (1e-10 - 0.5e-20)).abs() < 1e-26); // ln(1 + 1e-10) = x − x²/2 + …
    /// let g = y.backward_with(array![[2.0, 3.0, 1.0]]);
    /// assert_eq!(g[x].row(0).to_vec()[..2], [2.0, 1.5]); // upstream / (1 + x)
    /// ```
    #[track_caller]
    pub fn log1p(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Log1p), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "log1p",
    domains: &[Domain::Positive],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].log1p(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 1.0], [3.0, -0.5]]);
        let y = x.log1p();
        assert_close(
            &y.value(),
            &array![[0.0, 2.0_f64.ln()], [4.0_f64.ln(), 0.5_f64.ln()]],
        );
        let g = y.backward_with(array![[2.0, -4.0], [8.0, 1.0]]);
        assert_close(&g[x], &array![[2.0, -2.0], [2.0, 2.0]]);
    }

    #[test]
    fn edge_of_the_domain_and_nan() {
        let tape = Tape::new();
        let y = tape.leaf(array![[-1.0, -2.0, f64::NAN]]).log1p().value();
        assert_eq!(y[[0, 0]], f64::NEG_INFINITY);
        assert!(y[[0, 1]].is_nan() && y[[0, 2]].is_nan());
    }

    #[test]
    fn second_derivative() {
        // log1p''(x) = −1/(1 + x)²: at x = 0, 1, 3 that is −1, −¼, −1/16.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[0.0, 1.0, 3.0]], w, v, |x| x.log1p());
        assert_close(&g, &array![[1.0, -1.0, 0.125]]);
        assert_close(&hv, &array![[-3.0, 0.5, 0.125]]);
    }

    #[test]
    fn accurate_where_the_naive_formula_is_not() {
        // ln(1 + x) = x − x²/2 + … ; for x = 1e-10 the naive form rounds 1 + x.
        let x = 1e-10_f64;
        let exact = x - x * x / 2.0;
        let naive = ((1.0 + x).ln() - exact).abs() / exact;
        assert!(naive > 1e-8, "naive error {naive:e}");
        let tape = Tape::new();
        let y = tape.leaf(array![[x]]).log1p().item();
        assert!((y - exact).abs() / exact < 1e-15);
    }
}
