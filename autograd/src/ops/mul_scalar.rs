//! `mul_scalar`: multiplies every entry by a constant `c`.
//!
//! * Forward: `y = c · x`.
//! * Local derivative: `dy/dx = c` (the constant gets no gradient; to learn
//!   it, make it a 1×1 leaf and use [`Var::mul`] instead).
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct MulScalar<F> {
    c: F,
}

impl<F: Float> UnaryFn<F> for MulScalar<F> {
    const NAME: &'static str = "mul_scalar";
    const CONSTANT_SLOPE: bool = true;
    fn value(&self, x: F) -> F {
        x * self.c
    }
    fn slope(&self, _x: F, _y: F) -> F {
        self.c
    }
    /// `c · g`.
    fn grad_graph<'t>(&self, g: Var<'t, F>, _x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g.mul_scalar(self.c))
    }
    fn label(&self) -> String {
        format!("mul_scalar[c={}]", self.c)
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `c · self` elementwise for a constant `c`; also `x * c`, `c * x` and
    /// `x / c`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, -2.0]]);
    /// let y = x.mul_scalar(3.0);
    /// assert_eq!(y.value(), array![[3.0, -6.0]]);
    /// assert_eq!(y.backward_with(array![[1.0, 2.0]])[x], array![[3.0, 6.0]]);
    /// ```
    #[track_caller]
    pub fn mul_scalar(self, c: F) -> Var<'t, F> {
        self.record_or_panic(Unary(MulScalar { c }), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "mul_scalar(-2.5)",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].mul_scalar(-2.5),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [-3.0, 0.0]]);
        let y = x.mul_scalar(-2.5);
        assert_eq!(y.value(), array![[-2.5, -5.0], [7.5, 0.0]]);
        let g = y.backward_with(array![[1.0, -2.0], [0.5, 4.0]]);
        assert_eq!(g[x], array![[-2.5, 5.0], [-1.25, -10.0]]);
    }

    #[test]
    fn multiplying_by_zero_gives_zero_gradient() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0]]);
        let g = x.mul_scalar(0.0).backward_with(array![[1.0, 2.0]]);
        assert_eq!(g[x], array![[0.0, 0.0]]);
    }

    #[test]
    fn label_shows_the_constant() {
        let tape = Tape::new();
        let y = tape.leaf(array![[1.0_f32]]).mul_scalar(-2.5);
        let nodes = tape.nodes.borrow();
        assert_eq!(nodes[y.id().index()].label(), "mul_scalar[c=-2.5]");
    }

    #[test]
    fn differentiable_through_the_upstream() {
        // s = Σ w ⊙ (3x)²: ∇s = 18 w ⊙ x, H v = 18 w ⊙ v.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[1.0, -2.0, 0.0]], w, v, |x| (x * 3.0).square());
        assert_close(&g, &array![[18.0, 72.0, 0.0]]);
        assert_close(&hv, &array![[54.0, -36.0, -36.0]]);
    }
}
