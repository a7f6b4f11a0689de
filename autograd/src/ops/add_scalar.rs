//! `add_scalar`: adds a constant `c` to every entry.
//!
//! * Forward: `y = x + c`.
//! * Local derivative: `dy/dx = 1` (the constant gets no gradient; to learn
//!   it, make it a 1×1 leaf and use [`Var::add`] instead).
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct AddScalar<F> {
    c: F,
}

impl<F: Float> UnaryFn<F> for AddScalar<F> {
    const NAME: &'static str = "add_scalar";
    const CONSTANT_SLOPE: bool = true;
    fn value(&self, x: F) -> F {
        x + self.c
    }
    fn slope(&self, _x: F, _y: F) -> F {
        F::one()
    }
    /// `g`: the slope is the constant 1.
    fn grad_graph<'t>(&self, g: Var<'t, F>, _x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g)
    }
    fn label(&self) -> String {
        format!("add_scalar[c={}]", self.c)
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `self + c` elementwise for a constant `c`; also `x + c`, `c + x` and
    /// `x - c`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, -2.0]]);
    /// let y = x.add_scalar(0.5);
    /// assert_eq!(y.value(), array![[1.5, -1.5]]);
    /// assert_eq!(y.backward_with(array![[3.0, 4.0]])[x], array![[3.0, 4.0]]);
    /// ```
    #[track_caller]
    pub fn add_scalar(self, c: F) -> Var<'t, F> {
        self.record_or_panic(Unary(AddScalar { c }), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "add_scalar(0.5)",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].add_scalar(0.5),
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
        let y = x.add_scalar(-1.5);
        assert_eq!(y.value(), array![[-0.5, 0.5], [-4.5, -1.5]]);
        let up = array![[1.0, -2.0], [0.5, 3.0]];
        assert_eq!(y.backward_with(up.clone())[x], up);
    }

    #[test]
    fn label_shows_the_constant() {
        let tape = Tape::new();
        let y = tape.leaf(array![[1.0_f64]]).add_scalar(0.5);
        let nodes = tape.nodes.borrow();
        assert_eq!(nodes[y.id().index()].label(), "add_scalar[c=0.5]");
    }

    #[test]
    fn differentiable_through_the_upstream() {
        // s = Σ w ⊙ (x + 1)²: ∇s = 2w ⊙ (x + 1), H v = 2 w ⊙ v.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[1.0, -2.0, 0.0]], w, v, |x| (x + 1.0).square());
        assert_close(&g, &array![[4.0, 4.0, 1.0]]);
        assert_close(&hv, &array![[6.0, -4.0, -4.0]]);
    }
}
