//! `sub`: elementwise `a − b` with broadcasting.
//!
//! * Forward: `y[i,j] = a[i,j] − b[i,j]` (a length-1 axis stretches).
//! * Local derivatives: `∂y/∂a = 1`, `∂y/∂b = −1`; each input's gradient is
//!   summed over the axes it was stretched along.
//! * Smooth: no kinks.

use crate::ops::elementwise::{Binary, BinaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Var};

pub(crate) struct Sub;

impl<F: Float> BinaryFn<F> for Sub {
    const NAME: &'static str = "sub";
    const CONSTANT_SLOPES: bool = true;
    fn value(&self, a: F, b: F) -> F {
        a - b
    }
    fn d_lhs(&self, _a: F, _b: F, _y: F) -> F {
        F::one()
    }
    fn d_rhs(&self, _a: F, _b: F, _y: F) -> F {
        -F::one()
    }
    /// `g` for `a`, `−g` for `b`.
    fn grad_graph<'t>(
        &self,
        g: Var<'t, F>,
        _a: Var<'t, F>,
        _b: Var<'t, F>,
        _y: Var<'t, F>,
        wrt: usize,
    ) -> Option<Var<'t, F>> {
        Some(if wrt == 0 { g } else { -g })
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// Elementwise `self − rhs` with 2-D broadcasting; also the `-` operator.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[5.0, 7.0], [9.0, 11.0]]);
    /// let b = tape.leaf(array![[1.0], [2.0]]);          // 2×1 column, broadcast over columns
    /// let y = x.sub(b);
    /// assert_eq!(y.value(), array![[4.0, 6.0], [7.0, 9.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(g[b], array![[-3.0], [-7.0]]);         // −upstream, summed over columns
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_sub`]).
    #[track_caller]
    #[allow(clippy::should_implement_trait)] // the trait is implemented too, by delegation
    pub fn sub(self, rhs: Var<'t, F>) -> Var<'t, F> {
        self.record_or_panic(Binary(Sub), &[self, rhs])
    }

    /// [`Var::sub`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_sub(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        self.record(Binary(Sub), &[self, rhs])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "sub",
    domains: &[Domain::Real, Domain::Real],
    shapes: ShapeRule::Broadcast,
    kink: Kink::None,
    apply: |x| x[0].sub(x[1]),
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
        let y = a.sub(b);
        assert_eq!(y.value(), array![[0.5, 3.0], [1.0, 4.0]]);
        let up = array![[1.0, -2.0], [0.5, 3.0]];
        let g = y.backward_with(up.clone());
        assert_eq!(g[a], up);
        assert_eq!(g[b], -up);
    }

    #[test]
    fn broadcasting_sums_over_stretched_axes() {
        let tape = Tape::new();
        let row = tape.leaf(array![[1.0, 2.0, 3.0]]);
        let col = tape.leaf(array![[10.0], [20.0]]);
        // 1×3 − 2×1 stretches both operands to 2×3.
        let y = row.sub(col);
        assert_eq!(y.value(), array![[-9.0, -8.0, -7.0], [-19.0, -18.0, -17.0]]);
        let g = y.backward_with(array![[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]]);
        assert_eq!(g[row], array![[0.0, 2.5, 7.0]]);
        assert_eq!(g[col], array![[-6.0], [-3.5]]);
    }

    #[test]
    fn self_minus_self_has_zero_gradient() {
        let tape = Tape::new();
        let x = tape.leaf(array![[3.0, -1.0]]);
        let g = x.sub(x).backward_with(array![[1.0, 5.0]]);
        assert_eq!(g[x], array![[0.0, 0.0]]);
    }

    #[test]
    fn bad_shapes_name_the_op_and_both_shapes() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((3, 2)));
        assert_eq!(
            a.try_sub(b).unwrap_err().to_string(),
            "sub: lhs is 2×3, rhs is 3×2; they do not broadcast"
        );
    }

    #[test]
    #[should_panic(expected = "sub: lhs is 2×3, rhs is 3×2")]
    fn plain_form_panics_with_the_same_message() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((3, 2)));
        let _ = a.sub(b);
    }

    #[test]
    fn second_order_flows_through_the_upstream() {
        // s = Σ w ⊙ (a − b)²: ∇ₐs = 2w(a − b) = −∇_b s. For the direction
        // (vₐ, v_b), ∂⟨∇s, v⟩/∂a = 2w(vₐ − v_b) and ∂/∂b is its negative.
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, 2.0]]);
        let b = tape.leaf(array![[3.0, -1.0]]);
        let w = tape.constant(array![[1.0, 0.5]]);
        let s = (a.sub(b).square() * w).sum();
        let g = s.grad_graph(&[a, b]).unwrap();
        assert_eq!(g[0].value(), array![[-4.0, 3.0]]);
        assert_eq!(g[1].value(), array![[4.0, -3.0]]);
        let (va, vb) = (
            tape.constant(array![[1.0, 3.0]]),
            tape.constant(array![[-2.0, 1.0]]),
        );
        let hv = ((g[0] * va).sum() + (g[1] * vb).sum()).backward();
        assert_eq!(hv[a], array![[6.0, 2.0]]);
        assert_eq!(hv[b], array![[-6.0, -2.0]]);
    }

    #[test]
    fn second_order_with_a_broadcast_operand() {
        // s = Σ (x − c)² with c a 1×1 stretched over 1×3: ∂s/∂c = −2Σ(x − c),
        // ∂²s/∂c² = 2·3 = 6, ∂²s/∂c∂x = −2 per entry.
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 4.0]]);
        let c = tape.leaf(array![[1.0]]);
        let gc = x.sub(c).square().sum().grad_graph(&[c]).unwrap()[0];
        assert_eq!(gc.value(), array![[-8.0]]);
        let hv = gc.backward();
        assert_eq!(hv[c], array![[6.0]]);
        assert_eq!(hv[x], array![[-2.0, -2.0, -2.0]]);
    }
}
