//! `neg`: elementwise negation.
//!
//! * Forward: `y = −x`.
//! * Local derivative: `dy/dx = −1`.
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Neg;

impl<F: Float> UnaryFn<F> for Neg {
    const NAME: &'static str = "neg";
    const CONSTANT_SLOPE: bool = true;
    fn value(&self, x: F) -> F {
        -x
    }
    fn slope(&self, _x: F, _y: F) -> F {
        -F::one()
    }
    /// `−g`.
    fn grad_graph<'t>(&self, g: Var<'t, F>, _x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(-g)
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `−self` elementwise; also the unary `-` operator.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, -2.0]]);
    /// let y = x.neg();
    /// assert_eq!(y.value(), array![[-1.0, 2.0]]);
    /// assert_eq!(y.backward_with(array![[3.0, 4.0]])[x], array![[-3.0, -4.0]]);
    /// ```
    #[track_caller]
    #[allow(clippy::should_implement_trait)] // the trait is implemented too, by delegation
    pub fn neg(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Neg), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "neg",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].neg(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;
    use std::f64::consts::LN_2;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, -2.0], [0.0, 3.5]]);
        let y = x.neg();
        assert_eq!(y.value(), array![[-1.0, 2.0], [0.0, -3.5]]);
        let g = y.backward_with(array![[1.0, -2.0], [0.5, 3.0]]);
        assert_eq!(g[x], array![[-1.0, 2.0], [-0.5, -3.0]]);
    }

    #[test]
    fn double_negation_is_identity() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, -2.0]]);
        let y = x.neg().neg();
        assert_eq!(y.value(), array![[1.0, -2.0]]);
        assert_eq!(y.backward_with(array![[5.0, 7.0]])[x], array![[5.0, 7.0]]);
    }

    #[test]
    fn differentiable_through_the_upstream() {
        // Linear, so the Hessian comes from what is downstream: s = Σ w ⊙ e^(−x)
        // at x = 0, ∓ln 2 (e^(−x) = 1, 2, ½): ∇s = −w ⊙ e^(−x), H v = w ⊙ e^(−x) ⊙ v.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[0.0, -LN_2, LN_2]], w, v, |x| (-x).exp());
        assert_close(&g, &array![[-1.0, 4.0, -0.25]]);
        assert_close(&hv, &array![[3.0, -4.0, -1.0]]);
    }
}
