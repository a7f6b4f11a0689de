//! `mul`: elementwise (Hadamard) product `a ⊙ b` with broadcasting.
//!
//! * Forward: `y[i,j] = a[i,j] · b[i,j]`.
//! * Local derivatives: `∂y/∂a = b`, `∂y/∂b = a`; each summed over the axes
//!   its input was stretched along.
//! * Smooth: no kinks.

use crate::ops::elementwise::{Binary, BinaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Var};

pub(crate) struct Mul;

impl<F: Float> BinaryFn<F> for Mul {
    const NAME: &'static str = "mul";
    const SLOPE_FROM_OTHER: bool = true;
    fn value(&self, a: F, b: F) -> F {
        a * b
    }
    fn d_lhs(&self, _a: F, b: F, _y: F) -> F {
        b
    }
    fn d_rhs(&self, a: F, _b: F, _y: F) -> F {
        a
    }
    fn grad_graph<'t>(
        &self,
        g: Var<'t, F>,
        a: Var<'t, F>,
        b: Var<'t, F>,
        _y: Var<'t, F>,
        wrt: usize,
    ) -> Option<Var<'t, F>> {
        Some(if wrt == 0 { g * b } else { g * a })
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// Elementwise `self ⊙ rhs` with 2-D broadcasting; also the `*` operator.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let a = tape.leaf(array![[1.0, 2.0]]);
    /// let b = tape.leaf(array![[3.0, 4.0]]);
    /// let g = (a * b).backward_with(array![[1.0, 10.0]]);
    /// assert_eq!(g[a], array![[3.0, 40.0]]); // upstream ⊙ b
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_mul`]).
    #[track_caller]
    #[allow(clippy::should_implement_trait)]
    pub fn mul(self, rhs: Var<'t, F>) -> Var<'t, F> {
        self.record_or_panic(Binary(Mul), &[self, rhs])
    }

    /// [`Var::mul`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_mul(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        self.record(Binary(Mul), &[self, rhs])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "mul",
    domains: &[Domain::Real, Domain::Real],
    shapes: ShapeRule::Broadcast,
    kink: Kink::None,
    apply: |x| x[0].mul(x[1]),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let b = tape.leaf(array![[0.5, -1.0], [2.0, 0.0]]);
        let y = a * b;
        assert_eq!(y.value(), array![[0.5, -2.0], [6.0, 0.0]]);
        let g = y.backward_with(array![[1.0, -2.0], [0.5, 3.0]]);
        assert_eq!(g[a], array![[0.5, 2.0], [1.0, 0.0]]);
        assert_eq!(g[b], array![[1.0, -4.0], [1.5, 12.0]]);
    }

    #[test]
    fn broadcast_row_vector() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let w = tape.leaf(array![[10.0, -1.0]]);
        let y = x * w;
        assert_eq!(y.value(), array![[10.0, -2.0], [30.0, -4.0]]);
        let g = y.backward_with(array![[1.0, 2.0], [3.0, -1.0]]);
        assert_eq!(g[x], array![[10.0, -2.0], [30.0, 1.0]]);
        assert_eq!(g[w], array![[1.0 * 1.0 + 3.0 * 3.0, 2.0 * 2.0 - 4.0]]);
    }

    #[test]
    fn bad_shapes_are_errors() {
        let tape = Tape::<f32>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((2, 2)));
        assert_eq!(
            a.try_mul(b).unwrap_err().to_string(),
            "mul: lhs is 2×3, rhs is 2×2; they do not broadcast"
        );
    }
}
