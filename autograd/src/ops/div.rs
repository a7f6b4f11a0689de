//! `div`: elementwise `a / b` with broadcasting.
//!
//! * Forward: `y[i,j] = a[i,j] / b[i,j]` (a length-1 axis stretches).
//! * Local derivatives: `∂y/∂a = 1/b`, `∂y/∂b = −a/b² = −y/b` (reusing the
//!   output saves a multiply); each summed over the axes its input was
//!   stretched along.
//! * Smooth where `b ≠ 0` (the registry's divisor domain is
//!   [`Domain::NonZero`]); dividing by zero gives ±∞ or NaN as IEEE says.

use crate::higher_order::{broadcast_graph, masked_denominator};
use crate::ops::elementwise::{Binary, BinaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Var};

pub(crate) struct Div;

impl<F: Float> BinaryFn<F> for Div {
    const NAME: &'static str = "div";
    fn value(&self, a: F, b: F) -> F {
        a / b
    }
    fn d_lhs(&self, _a: F, b: F, _y: F) -> F {
        F::one() / b
    }
    fn d_rhs(&self, _a: F, b: F, y: F) -> F {
        -y / b
    }
    /// `g / b` for `a` and `−g ⊙ y / b` for `b`, with `y = a/b` the output
    /// node so both stay differentiable in `a` and `b`. Unlike the
    /// first-order kernel these are plain products, so a zero `g` over a
    /// zero divisor gives NaN here rather than 0.
    fn grad_graph<'t>(
        &self,
        g: Var<'t, F>,
        a: Var<'t, F>,
        b: Var<'t, F>,
        _y: Var<'t, F>,
        wrt: usize,
    ) -> Option<Var<'t, F>> {
        // −g·a/b² rather than −g·y/b: y is ±∞ where b = 0, and a zero
        // upstream there must still give 0.
        let b = masked_denominator(g, broadcast_graph(b, g.shape()));
        Some(if wrt == 0 {
            g / b
        } else {
            -(g * a / b.square())
        })
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// Elementwise `self / rhs` with 2-D broadcasting; also the `/` operator.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let a = tape.leaf(array![[6.0, 1.0]]);
    /// let b = tape.leaf(array![[2.0]]);                 // 1×1, broadcast everywhere
    /// let y = a.div(b);
    /// assert_eq!(y.value(), array![[3.0, 0.5]]);
    /// let g = y.backward_with(array![[1.0, 2.0]]);
    /// assert_eq!(g[a], array![[0.5, 1.0]]);             // upstream / b
    /// assert_eq!(g[b], array![[-2.0]]);                 // Σ upstream · (−a/b²) = −1.5 − 0.5
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_div`]).
    #[track_caller]
    #[allow(clippy::should_implement_trait)] // the trait is implemented too, by delegation
    pub fn div(self, rhs: Var<'t, F>) -> Var<'t, F> {
        self.record_or_panic(Binary(Div), &[self, rhs])
    }

    /// [`Var::div`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_div(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        self.record(Binary(Div), &[self, rhs])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "div",
    domains: &[Domain::Real, Domain::NonZero],
    shapes: ShapeRule::Broadcast,
    kink: Kink::None,
    apply: |x| x[0].div(x[1]),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, -3.0], [4.0, 0.0]]);
        let b = tape.leaf(array![[2.0, 4.0], [-0.5, 8.0]]);
        let y = a.div(b);
        assert_eq!(y.value(), array![[0.5, -0.75], [-8.0, 0.0]]);
        let g = y.backward_with(array![[1.0, -2.0], [0.5, 3.0]]);
        // upstream / b
        assert_eq!(g[a], array![[0.5, -0.5], [-1.0, 0.375]]);
        // upstream · (−a/b²): 1·(−1/4), −2·(3/16), 0.5·(−4/0.25), 3·0
        assert_eq!(g[b], array![[-0.25, -0.375], [-8.0, 0.0]]);
    }

    #[test]
    fn broadcast_row_divisor() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let w = tape.leaf(array![[2.0, -4.0]]);
        let y = x.div(w);
        assert_eq!(y.value(), array![[0.5, -0.5], [1.5, -1.0]]);
        let g = y.backward_with(array![[1.0, 2.0], [3.0, -1.0]]);
        assert_eq!(g[x], array![[0.5, -0.5], [1.5, 0.25]]);
        // column 0: −(1·1 + 3·3)/4 = −2.5; column 1: −(2·2 + −1·4)/16 = 0
        assert_eq!(g[w], array![[-2.5, 0.0]]);
    }

    #[test]
    fn zero_upstream_hides_the_infinite_slope_at_a_zero_divisor() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, 2.0]]);
        let b = tape.leaf(array![[0.0, 1.0]]);
        let g = a.div(b).backward_with(array![[0.0, 1.0]]);
        assert_eq!(g[a], array![[0.0, 1.0]]);
        assert_eq!(g[b], array![[0.0, -2.0]]);
    }

    #[test]
    fn bad_shapes_are_errors() {
        let tape = Tape::<f32>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((2, 2)));
        assert_eq!(
            a.try_div(b).unwrap_err().to_string(),
            "div: lhs is 2×3, rhs is 2×2; they do not broadcast"
        );
    }

    #[test]
    fn second_order_mixed_partials() {
        // s = Σ w ⊙ a/b: ∇ₐs = w/b, ∇_b s = −w a/b². For the direction
        // (vₐ, v_b): ∂⟨∇s, v⟩/∂a = −w v_b/b², ∂/∂b = −w vₐ/b² + 2w a v_b/b³.
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, -3.0]]);
        let b = tape.leaf(array![[2.0, 0.5]]);
        let w = tape.constant(array![[1.0, 2.0]]);
        let g = (a.div(b) * w).sum().grad_graph(&[a, b]).unwrap();
        assert_eq!(g[0].value(), array![[0.5, 4.0]]);
        assert_eq!(g[1].value(), array![[-0.25, 24.0]]);
        let (va, vb) = (
            tape.constant(array![[1.0, -1.0]]),
            tape.constant(array![[2.0, 1.0]]),
        );
        let hv = ((g[0] * va).sum() + (g[1] * vb).sum()).backward();
        assert_eq!(hv[a], array![[-0.5, -8.0]]);
        // column 0: −¼ + 2·1·2/8 = ¼; column 1: 2/¼ + 2·2·(−3)/⅛ = 8 − 96
        assert_eq!(hv[b], array![[0.25, -88.0]]);
    }
}
