//! `exp`: the elementwise exponential.
//!
//! * Forward: `y = eˣ` by [`crate::vmath`]'s branch-free kernel
//!   (vectorized; overflows to +∞ for large `x`, as IEEE says; it never
//!   produces NaN from a finite input).
//! * Local derivative: `dy/dx = eˣ = y`, read from the output rather than
//!   recomputed.
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Exp;

impl<F: Float> UnaryFn<F> for Exp {
    const NAME: &'static str = "exp";
    const COSTLY_VALUE: bool = true;
    const SLOPE_FROM_OUTPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.vexp()
    }
    fn slope(&self, _x: F, y: F) -> F {
        y
    }
    /// `g ⊙ y`: the slope read from the output node, so it stays
    /// differentiable (exp'' = exp).
    fn grad_graph<'t>(&self, g: Var<'t, F>, _x: Var<'t, F>, y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g * y)
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `eˣ` elementwise.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, 1.0]]);
    /// let y = x.exp();
    /// let e = y.value()[[0, 1]];
    /// assert_eq!(y.value()[[0, 0]], 1.0);
    /// assert!((e - std::f64::consts::E).abs() <= 4.5e-16); // within 1 ulp
    /// let g = y.backward_with(array![[2.0, 1.0]]);
    /// assert_eq!(g[x], array![[2.0, e]]); // upstream · eˣ
    /// ```
    #[track_caller]
    pub fn exp(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Exp), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "exp",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].exp(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use approx::assert_relative_eq;
    use ndarray::array;
    use std::f64::consts::LN_2;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 1.0], [-1.0, 2.0]]);
        let y = x.exp();
        let e = std::f64::consts::E;
        let want = [1.0, e, 1.0 / e, 7.38905609893065];
        for (&got, &want) in y.value().iter().zip(&want) {
            assert_relative_eq!(got, want, max_relative = 1e-14);
        }
        let g = y.backward_with(array![[3.0, -2.0], [0.5, 4.0]]);
        let want = [3.0, -2.0 * e, 0.5 / e, 4.0 * 7.38905609893065];
        for (&got, &want) in g[x].iter().zip(&want) {
            assert_relative_eq!(got, want, max_relative = 1e-14);
        }
    }

    #[test]
    fn overflow_is_infinite_not_nan() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1000.0, -1000.0]]);
        let y = x.exp();
        assert_eq!(y.value(), array![[f64::INFINITY, 0.0]]);
        // A zero upstream gradient stays exactly zero behind the infinite slope.
        assert_eq!(y.backward_with(array![[0.0, 1.0]])[x], array![[0.0, 0.0]]);
    }

    #[test]
    fn second_derivative_is_exp() {
        // s = Σ w ⊙ eˣ at x = 0, ±ln 2 (eˣ = 1, 2, ½): ∇s = w ⊙ eˣ, H v = w ⊙ eˣ ⊙ v.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[0.0, LN_2, -LN_2]], w, v, |x| x.exp());
        assert_close(&g, &array![[1.0, -4.0, 0.25]]);
        assert_close(&hv, &array![[3.0, -4.0, -1.0]]);
    }
}
