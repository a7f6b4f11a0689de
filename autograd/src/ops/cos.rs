//! `cos`: the elementwise cosine.
//!
//! * Forward: `y = cos x` (NaN for ±∞ and NaN).
//! * Local derivative: `dy/dx = −sin x`.
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Cos;

impl<F: Float> UnaryFn<F> for Cos {
    const NAME: &'static str = "cos";
    const SLOPE_FROM_INPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.cos()
    }
    fn slope(&self, x: F, _y: F) -> F {
        -x.sin()
    }
    /// `−(g ⊙ sin x)` with `sin x` a node (cos'' = −cos).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(-(g * x.sin()))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `cos x` elementwise.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, std::f64::consts::FRAC_PI_2]]);
    /// let y = x.cos();
    /// assert_eq!(y.value()[[0, 0]], 1.0);
    /// assert_eq!(y.backward_with(array![[2.0, 3.0]])[x], array![[0.0, -3.0]]); // −upstream · sin x
    /// ```
    #[track_caller]
    pub fn cos(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Cos), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "cos",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].cos(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_3};

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, FRAC_PI_3], [FRAC_PI_2, -FRAC_PI_3]]);
        let y = x.cos();
        assert_close(&y.value(), &array![[1.0, 0.5], [FRAC_PI_2.cos(), 0.5]]);
        let g = y.backward_with(array![[2.0, -4.0], [8.0, 1.0]]);
        let s = 3.0_f64.sqrt() / 2.0; // sin(π/3)
        assert_close(&g[x], &array![[0.0, 4.0 * s], [-8.0, s]]);
    }

    #[test]
    fn nan_and_infinity_give_nan() {
        let tape = Tape::new();
        let y = tape
            .leaf(array![[f64::NAN, f64::NEG_INFINITY]])
            .cos()
            .value();
        assert!(y.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn second_derivative_is_minus_cos() {
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[0.0, FRAC_PI_3, FRAC_PI_2]], w, v, |x| x.cos());
        let s = 3.0_f64.sqrt() / 2.0;
        assert_close(&g, &array![[0.0, 2.0 * s, -0.5]]);
        assert_close(&hv, &array![[-3.0, 1.0, 2.0 * FRAC_PI_2.cos()]]);
    }
}
