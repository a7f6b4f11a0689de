//! `tanh`: the elementwise hyperbolic tangent.
//!
//! * Forward: `y = tanh x` by [`crate::vmath`]'s branch-free kernel
//!   (vectorized; saturates to ±1, never NaN for finite or infinite input,
//!   `tanh(−0) = −0`).
//! * Local derivative: `dy/dx = 1 − tanh²x = 1 − y²`, read from the output.
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Tanh;

impl<F: Float> UnaryFn<F> for Tanh {
    const NAME: &'static str = "tanh";
    const COSTLY_VALUE: bool = true;
    const SLOPE_FROM_OUTPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.vtanh()
    }
    fn slope(&self, _x: F, y: F) -> F {
        F::one() - y * y
    }
    /// `g ⊙ (1 − y²)` through the output node, so tanh'' = −2y(1 − y²)
    /// follows by differentiating `y` again.
    fn grad_graph<'t>(&self, g: Var<'t, F>, _x: Var<'t, F>, y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g * (-(y * y) + F::one()))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `tanh x` elementwise.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, 100.0]]);
    /// let y = x.tanh();
    /// assert_eq!(y.value(), array![[0.0, 1.0]]);
    /// let g = y.backward_with(array![[3.0, 3.0]]);
    /// assert_eq!(g[x], array![[3.0, 0.0]]);             // upstream · (1 − y²)
    /// ```
    #[track_caller]
    pub fn tanh(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Tanh), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "tanh",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].tanh(),
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
        // tanh(ln 2) = (2 − ½)/(2 + ½) = 3/5, and tanh is odd.
        let ln2 = std::f64::consts::LN_2;
        let x = tape.leaf(array![[ln2, -ln2], [0.0, 1.0]]);
        let y = x.tanh();
        let tanh1 = 0.7615941559557649;
        let want = [0.6, -0.6, 0.0, tanh1];
        for (&got, &want) in y.value().iter().zip(&want) {
            assert_relative_eq!(got, want, max_relative = 1e-14);
        }
        let g = y.backward_with(array![[2.0, -1.0], [0.5, 4.0]]);
        // 1 − (3/5)² = 16/25
        let want = [2.0 * 0.64, -0.64, 0.5, 4.0 * (1.0 - tanh1 * tanh1)];
        for (&got, &want) in g[x].iter().zip(&want) {
            assert_relative_eq!(got, want, max_relative = 1e-14);
        }
    }

    #[test]
    fn saturates_without_nan() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1e6, -1e6, f64::INFINITY]]);
        let y = x.tanh();
        assert_eq!(y.value(), array![[1.0, -1.0, 1.0]]);
        let g = y.backward_with(array![[1.0, 1.0, 1.0]]);
        assert_eq!(g[x], array![[0.0, 0.0, 0.0]]);
    }

    #[test]
    fn second_derivative_is_minus_two_tanh_sech_squared() {
        // s = Σ w ⊙ tanh x at x = ±ln 2, 0 (tanh = ±0.6, 0): f' = 1 − t² = (0.64, 0.64, 1),
        // f'' = −2t(1 − t²) = (−0.768, 0.768, 0); H v = w ⊙ f'' ⊙ v.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[LN_2, -LN_2, 0.0]], w, v, |x| x.tanh());
        assert_close(&g, &array![[0.64, -1.28, 0.5]]);
        assert_close(&hv, &array![[-2.304, -1.536, 0.0]]);
    }
}
