//! `powf`: raises every entry to a constant real power `p`.
//!
//! * Forward: `y = x^p`.
//! * Local derivative: `dy/dx = p · x^(p−1)`.
//! * Smooth for `x > 0` (the registry's domain is [`Domain::Positive`]).
//!   Integer powers of negative numbers are fine (`x.powf(-1.0)` is `1/x`),
//!   but a fractional power of a negative number is NaN, and a negative
//!   power of zero is ∞, as IEEE says.

use crate::higher_order::masked_denominator;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Powf<F> {
    p: F,
}

impl<F: Float> UnaryFn<F> for Powf<F> {
    const NAME: &'static str = "powf";
    const SLOPE_FROM_INPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.powf(self.p)
    }
    fn slope(&self, x: F, _y: F) -> F {
        // Not `p · y / x`: that is 0/0 at x = 0 even for p > 1.
        self.p * x.powf(self.p - F::one())
    }
    /// `g ⊙ p·x^(p−1)`, with `x^(p−1)` as a `powf` node (so every order
    /// of derivative is available, each lowering the exponent by one).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        // For p < 1, x^(p−1) is ∞ at 0: mask it where the upstream is 0.
        let x = masked_denominator(g, x);
        Some(g * x.powf(self.p - F::one()).mul_scalar(self.p))
    }
    fn label(&self) -> String {
        format!("powf[p={}]", self.p)
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `self^p` elementwise for a constant exponent `p`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[4.0, 9.0]]);
    /// let y = x.powf(1.5);
    /// assert_eq!(y.value(), array![[8.0, 27.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0]]);
    /// assert_eq!(g[x], array![[3.0, 9.0]]);              // 1.5 · √x · upstream
    /// ```
    #[track_caller]
    pub fn powf(self, p: F) -> Var<'t, F> {
        self.record_or_panic(Unary(Powf { p }), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "powf(1.5)",
        domains: &[Domain::Positive],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].powf(1.5),
    },
    OpSpec {
        name: "powf(-0.5)",
        domains: &[Domain::Positive],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].powf(-0.5),
    },
];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[4.0, 0.25], [1.0, 16.0]]);
        let y = x.powf(-0.5);
        assert_eq!(y.value(), array![[0.5, 2.0], [1.0, 0.25]]);
        let g = y.backward_with(array![[1.0, -2.0], [0.5, 4.0]]);
        // −½ · x^(−3/2): 4 → −1/16, 0.25 → −4, 1 → −½, 16 → −1/128
        assert_eq!(g[x], array![[-0.0625, 8.0], [-0.25, -0.03125]]);
    }

    #[test]
    fn integer_powers_work_for_negative_inputs() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 3.0]]);
        let y = x.powf(-1.0);
        assert_eq!(y.value(), array![[-0.5, 1.0 / 3.0]]);
        let g = y.backward_with(array![[2.0, 9.0]]);
        assert_eq!(g[x], array![[-0.5, -1.0]]); // −upstream / x²
    }

    #[test]
    fn slope_at_zero_is_finite_for_p_above_one() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, 1.0]]);
        let g = x.powf(2.5).backward_with(array![[1.0, 2.0]]);
        assert_eq!(g[x], array![[0.0, 5.0]]);
    }

    #[test]
    fn label_shows_the_exponent() {
        let tape = Tape::new();
        let y = tape.leaf(array![[1.0_f64]]).powf(1.5);
        let nodes = tape.nodes.borrow();
        assert_eq!(nodes[y.id().index()].label(), "powf[p=1.5]");
    }

    #[test]
    fn second_derivative_of_a_fractional_power() {
        // s = Σ w ⊙ x^1.5 at x = 4, 1, ¼: f' = 1.5 √x = (3, 1.5, 0.75),
        // f'' = 0.75 / √x = (0.375, 0.75, 1.5); H v = w ⊙ f'' ⊙ v.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[4.0, 1.0, 0.25]], w, v, |x| x.powf(1.5));
        assert_close(&g, &array![[3.0, -3.0, 0.375]]);
        assert_close(&hv, &array![[1.125, -1.5, -3.0]]);
    }

    #[test]
    fn second_derivative_of_a_cube() {
        // s = Σ w ⊙ x³: f' = 3x², f'' = 6x (negative x is fine for an integer power).
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[1.0, -2.0, 0.5]], w, v, |x| x.powf(3.0));
        assert_close(&g, &array![[3.0, -24.0, 0.375]]);
        assert_close(&hv, &array![[18.0, 24.0, -6.0]]);
    }
}
