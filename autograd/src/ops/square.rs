//! `square`: the elementwise square.
//!
//! * Forward: `y = x²` (one multiply; cheaper and exacter than `powf(2)`).
//! * Local derivative: `dy/dx = 2x`.
//! * Smooth: no kinks.

use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Square;

impl<F: Float> UnaryFn<F> for Square {
    const NAME: &'static str = "square";
    const SLOPE_FROM_INPUT: bool = true;
    fn value(&self, x: F) -> F {
        x * x
    }
    fn slope(&self, x: F, _y: F) -> F {
        x + x
    }
    /// `g ⊙ 2x` (square'' = 2).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        Some(g * (x + x))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `x²` elementwise.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[3.0, -2.0]]);
    /// let y = x.square();
    /// assert_eq!(y.value(), array![[9.0, 4.0]]);
    /// assert_eq!(y.backward_with(array![[1.0, 2.0]])[x], array![[6.0, -8.0]]);
    /// ```
    #[track_caller]
    pub fn square(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Square), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "square",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].square(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.5, -2.0], [0.0, 3.0]]);
        let y = x.square();
        assert_eq!(y.value(), array![[2.25, 4.0], [0.0, 9.0]]);
        let g = y.backward_with(array![[2.0, -1.0], [5.0, 0.5]]);
        assert_eq!(g[x], array![[6.0, 4.0], [0.0, 3.0]]);
    }

    #[test]
    fn second_derivative_is_two() {
        // s = Σ w ⊙ x²: ∇s = 2 w ⊙ x, H v = 2 w ⊙ v.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[1.5, -2.0, 0.0]], w, v, |x| x.square());
        assert_close(&g, &array![[3.0, 8.0, 0.0]]);
        assert_close(&hv, &array![[6.0, -4.0, -4.0]]);
    }
}
