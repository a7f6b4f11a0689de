//! `reciprocal`: `1 / x` elementwise.
//!
//! * Forward: `y = 1/x` (±∞ at ±0, as IEEE says; NaN stays NaN).
//! * Local derivative: `dy/dx = −1/x² = −y²`, read from the output.
//! * Smooth for `x ≠ 0` (the registry's domain is [`Domain::NonZero`]).

use crate::higher_order::masked_denominator;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Reciprocal;

impl<F: Float> UnaryFn<F> for Reciprocal {
    const NAME: &'static str = "reciprocal";
    const SLOPE_FROM_OUTPUT: bool = true;
    fn value(&self, x: F) -> F {
        F::one() / x
    }
    fn slope(&self, _x: F, y: F) -> F {
        -(y * y)
    }
    /// `−g / x²` with `x²` a node (reciprocal'' = 2/x³); masked where the
    /// upstream is 0, so a zero upstream at x = 0 stays 0.
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(-(g / masked_denominator(g, x.square())))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `1 / x` elementwise.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[2.0, -0.5]]);
    /// let y = x.reciprocal();
    /// assert_eq!(y.value(), array![[0.5, -2.0]]);
    /// assert_eq!(y.backward_with(array![[4.0, 1.0]])[x], array![[-1.0, -4.0]]); // −upstream / x²
    /// ```
    #[track_caller]
    pub fn reciprocal(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Reciprocal), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "reciprocal",
    domains: &[Domain::NonZero],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].reciprocal(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [-4.0, 0.5]]);
        let y = x.reciprocal();
        assert_eq!(y.value(), array![[1.0, 0.5], [-0.25, 2.0]]);
        let g = y.backward_with(array![[3.0, -8.0], [16.0, 1.0]]);
        assert_eq!(g[x], array![[-3.0, 2.0], [-1.0, -4.0]]);
    }

    #[test]
    fn zero_nan_and_a_masked_zero() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, -0.0, f64::NAN]]);
        let y = x.reciprocal();
        let v = y.value();
        assert_eq!((v[[0, 0]], v[[0, 1]]), (f64::INFINITY, f64::NEG_INFINITY));
        assert!(v[[0, 2]].is_nan());
        // A zero upstream gradient stays zero behind the infinite slope.
        assert_eq!(y.backward_with(array![[0.0, 0.0, 1.0]])[x][[0, 0]], 0.0);
    }

    #[test]
    fn second_derivative() {
        // reciprocal'' = 2/x³: 2, ¼, −2 at x = 1, 2, −1.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[1.0, 2.0, -1.0]], w, v, |x| x.reciprocal());
        assert_close(&g, &array![[-1.0, 0.5, -0.5]]);
        assert_close(&hv, &array![[6.0, -0.5, 4.0]]);
    }

    #[test]
    fn recorded_backward_keeps_a_zero_upstream_zero_at_zero() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 2.0]]);
        let w = tape.constant(array![[0.0, 1.0]]);
        let g = (x.reciprocal() * w).sum().grad_graph(&[x]).unwrap()[0];
        assert_eq!(g.value(), array![[0.0, -0.25]]);
    }
}
