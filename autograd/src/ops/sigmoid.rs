//! `sigmoid`: the elementwise logistic function.
//!
//! * Forward: `y = 1/(1 + e⁻ˣ)`, by [`crate::vmath`]'s branch-free kernel
//!   (vectorized): `1/(1 + e)` for `x ≥ 0` and the equal `e/(1 + e)` for
//!   `x < 0`, with `e = e^(−|x|)`, so the exponential is always of a
//!   non-positive number: it can underflow to 0 but never overflow, and a
//!   large `|x|` gives 0 or 1, never NaN.
//! * Local derivative: `dy/dx = y(1 − y)`, read from the output.
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Sigmoid;

impl<F: Float> UnaryFn<F> for Sigmoid {
    const NAME: &'static str = "sigmoid";
    const COSTLY_VALUE: bool = true;
    const SLOPE_FROM_OUTPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.vsigmoid()
    }
    fn slope(&self, _x: F, y: F) -> F {
        y * (F::one() - y)
    }
    /// `g ⊙ (y − y²)` through the output node, so σ'' = σ'(1 − 2σ) follows
    /// by differentiating `y` again.
    fn grad_graph<'t>(&self, g: Var<'t, F>, _x: Var<'t, F>, y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g * (y - y * y))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The logistic function `1/(1 + e⁻ˣ)` elementwise, stable for any `x`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0, -1000.0, 1000.0]]);
    /// let y = x.sigmoid();
    /// assert_eq!(y.value(), array![[0.5, 0.0, 1.0]]);
    /// let g = y.backward_with(array![[4.0, 1.0, 1.0]]);
    /// assert_eq!(g[x], array![[1.0, 0.0, 0.0]]);        // upstream · y(1 − y)
    /// ```
    #[track_caller]
    pub fn sigmoid(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Sigmoid), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "sigmoid",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].sigmoid(),
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
        // σ(ln 3) = 1/(1 + ⅓) = ¾ and σ(−x) = 1 − σ(x), so σ(−ln 3) = ¼.
        let ln3 = 3.0_f64.ln();
        let x = tape.leaf(array![[ln3, -ln3], [0.0, 2.0]]);
        let y = x.sigmoid();
        let s2 = 0.8807970779778823;
        let want = [0.75, 0.25, 0.5, s2];
        for (&got, &want) in y.value().iter().zip(&want) {
            assert_relative_eq!(got, want, max_relative = 1e-14);
        }
        let g = y.backward_with(array![[16.0, -16.0], [2.0, 3.0]]);
        // ¾·¼ = 3/16 on both sides of zero
        let want = [3.0, -3.0, 0.5, 3.0 * s2 * (1.0 - s2)];
        for (&got, &want) in g[x].iter().zip(&want) {
            assert_relative_eq!(got, want, max_relative = 1e-14);
        }
    }

    #[test]
    fn extreme_inputs_give_no_nan() {
        let tape = Tape::<f32>::new();
        let x = tape.leaf(array![[-1e30, 1e30, f32::NEG_INFINITY, f32::INFINITY]]);
        let y = x.sigmoid();
        assert_eq!(y.value(), array![[0.0, 1.0, 0.0, 1.0]]);
        let g = y.backward_with(array![[1.0, 1.0, 1.0, 1.0]]);
        assert_eq!(g[x], array![[0.0, 0.0, 0.0, 0.0]]);
    }

    #[test]
    fn second_derivative_is_sigma_prime_times_one_minus_two_sigma() {
        // s = Σ w ⊙ σ(x) at x = ±ln 3, 0 (σ = ¾, ¼, ½): f' = σ(1 − σ) = (3/16, 3/16, ¼),
        // f'' = f'(1 − 2σ) = (−3/32, 3/32, 0); H v = w ⊙ f'' ⊙ v.
        let ln3 = 3.0_f64.ln();
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[ln3, -ln3, 0.0]], w, v, |x| x.sigmoid());
        assert_close(&g, &array![[0.1875, -0.375, 0.125]]);
        assert_close(&hv, &array![[-0.28125, -0.1875, 0.0]]);
    }
}
