//! `sin`: the elementwise sine.
//!
//! * Forward: `y = sin x` (NaN for ±∞ and NaN).
//! * Local derivative: `dy/dx = cos x`.
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Sin;

impl<F: Float> UnaryFn<F> for Sin {
    const NAME: &'static str = "sin";
    const SLOPE_FROM_INPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.sin()
    }
    fn slope(&self, x: F, _y: F) -> F {
        x.cos()
    }
    /// `g ⊙ cos x` with `cos x` a node (sin'' = −sin).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g * x.cos())
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `sin x` elementwise.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, std::f64::consts::PI]]);
    /// let y = x.sin();
    /// assert_eq!(y.value()[[0, 0]], 0.0);
    /// assert_eq!(y.backward_with(array![[2.0, 3.0]])[x], array![[2.0, -3.0]]); // upstream · cos x
    /// ```
    #[track_caller]
    pub fn sin(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Sin), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "sin",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].sin(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_6};

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, FRAC_PI_6], [FRAC_PI_2, -FRAC_PI_6]]);
        let y = x.sin();
        assert_close(&y.value(), &array![[0.0, 0.5], [1.0, -0.5]]);
        let g = y.backward_with(array![[2.0, -4.0], [8.0, 1.0]]);
        let c = 3.0_f64.sqrt() / 2.0; // cos(π/6)
        assert_close(&g[x], &array![[2.0, -4.0 * c], [8.0 * FRAC_PI_2.cos(), c]]);
    }

    #[test]
    fn nan_and_infinity_give_nan() {
        let tape = Tape::new();
        let y = tape.leaf(array![[f64::NAN, f64::INFINITY]]).sin().value();
        assert!(y.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn second_derivative_is_minus_sin() {
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[0.0, FRAC_PI_6, FRAC_PI_2]], w, v, |x| x.sin());
        let c = 3.0_f64.sqrt() / 2.0;
        assert_close(&g, &array![[1.0, -2.0 * c, 0.5 * FRAC_PI_2.cos()]]);
        assert_close(&hv, &array![[0.0, 1.0, 2.0]]);
    }
}
