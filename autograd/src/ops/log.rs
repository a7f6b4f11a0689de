//! `log`: the elementwise natural logarithm.
//!
//! * Forward: `y = ln x` by [`crate::vmath`]'s branch-free kernel (vectorized).
//! * Local derivative: `dy/dx = 1/x`.
//! * Smooth for `x > 0` (the registry's domain is [`Domain::Positive`]);
//!   `ln 0 = −∞` and the log of a negative number is NaN, as IEEE says.

use crate::higher_order::masked_denominator;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Log;

impl<F: Float> UnaryFn<F> for Log {
    const NAME: &'static str = "log";
    const COSTLY_VALUE: bool = true;
    const SLOPE_FROM_INPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.vln()
    }
    fn slope(&self, x: F, _y: F) -> F {
        F::one() / x
    }
    /// `g / x`, differentiable in both (log'' = −1/x²).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        // At x = 0 a zero upstream must still give 0, not 0/0.
        Some(g / masked_denominator(g, x))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The natural logarithm `ln x` elementwise.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 4.0]]);
    /// let y = x.log();
    /// assert_eq!(y.value()[[0, 0]], 0.0);
    /// let g = y.backward_with(array![[3.0, 2.0]]);
    /// assert_eq!(g[x], array![[3.0, 0.5]]);             // upstream / x
    /// ```
    #[track_caller]
    pub fn log(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Log), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "log",
    domains: &[Domain::Positive],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].log(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use approx::assert_relative_eq;
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let e = std::f64::consts::E;
        let x = tape.leaf(array![[1.0, e], [0.5, 8.0]]);
        let y = x.log();
        let want = [
            0.0,
            1.0,
            -std::f64::consts::LN_2,
            3.0 * std::f64::consts::LN_2,
        ];
        for (&got, &want) in y.value().iter().zip(&want) {
            assert_relative_eq!(got, want, max_relative = 1e-15);
        }
        let g = y.backward_with(array![[2.0, -1.0], [0.5, 4.0]]);
        let want = [2.0, -1.0 / e, 1.0, 0.5];
        for (&got, &want) in g[x].iter().zip(&want) {
            assert_relative_eq!(got, want, max_relative = 1e-15);
        }
    }

    #[test]
    fn zero_upstream_hides_the_infinite_slope_at_zero() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 2.0]]);
        let y = x.log();
        assert_eq!(y.value()[[0, 0]], f64::NEG_INFINITY);
        assert_eq!(y.backward_with(array![[0.0, 1.0]])[x], array![[0.0, 0.5]]);
    }

    #[test]
    fn second_derivative_is_minus_one_over_x_squared() {
        // s = Σ w ⊙ ln x: ∇s = w / x, H v = −w ⊙ v / x².
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[1.0, 2.0, 0.5]], w, v, |x| x.log());
        assert_close(&g, &array![[1.0, -1.0, 1.0]]);
        assert_close(&hv, &array![[-3.0, 0.5, 8.0]]);
    }
}
