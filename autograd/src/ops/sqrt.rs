//! `sqrt`: the elementwise square root.
//!
//! * Forward: `y = √x`.
//! * Local derivative: `dy/dx = 1/(2√x) = 1/(2y)`, read from the output.
//! * Smooth for `x > 0` (the registry's domain is [`Domain::Positive`]). At
//!   `x = 0` the slope is +∞, but a zero upstream gradient still gives an
//!   exact 0 (see [`crate::ops::elementwise`]); negative inputs give NaN.

use crate::higher_order::masked_denominator;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Sqrt;

impl<F: Float> UnaryFn<F> for Sqrt {
    const NAME: &'static str = "sqrt";
    const SLOPE_FROM_OUTPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.sqrt()
    }
    fn slope(&self, _x: F, y: F) -> F {
        F::one() / (y + y)
    }
    /// `½ g / y`, through the output node (sqrt'' = −¼ x^(−3/2)).
    fn grad_graph<'t>(&self, g: Var<'t, F>, _x: Var<'t, F>, y: Var<'t, F>) -> Option<Var<'t, F>> {
        // At y = 0 a zero upstream must still give 0, not 0/0.
        Some((g / masked_denominator(g, y)).mul_scalar(F::of(0.5)))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `√x` elementwise.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[4.0, 9.0]]);
    /// let y = x.sqrt();
    /// assert_eq!(y.value(), array![[2.0, 3.0]]);
    /// let g = y.backward_with(array![[4.0, 3.0]]);
    /// assert_eq!(g[x], array![[1.0, 0.5]]);             // upstream / (2√x)
    /// ```
    #[track_caller]
    pub fn sqrt(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Sqrt), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "sqrt",
    domains: &[Domain::Positive],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].sqrt(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 0.25], [16.0, 6.25]]);
        let y = x.sqrt();
        assert_eq!(y.value(), array![[1.0, 0.5], [4.0, 2.5]]);
        let g = y.backward_with(array![[2.0, -1.0], [8.0, 0.5]]);
        assert_eq!(g[x], array![[1.0, -1.0], [1.0, 0.1]]);
    }

    #[test]
    fn zero_upstream_hides_the_infinite_slope_at_zero() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 1.0]]);
        let g = x.sqrt().backward_with(array![[0.0, 1.0]]);
        assert_eq!(g[x], array![[0.0, 0.5]]);
    }

    #[test]
    fn second_derivative_is_minus_quarter_x_to_minus_three_halves() {
        // s = Σ w ⊙ √x at x = 4, ¼, 1: ∇s = w/(2√x) = w ⊙ (¼, 1, ½);
        // H v = −w ⊙ v / (4 x^{3/2}) = w ⊙ v ⊙ (−1/32, −2, −¼).
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[4.0, 0.25, 1.0]], w, v, |x| x.sqrt());
        assert_close(&g, &array![[0.25, -2.0, 0.25]]);
        assert_close(&hv, &array![[-0.09375, 4.0, 0.5]]);
    }
}
