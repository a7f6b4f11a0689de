//! `add`: elementwise `a + b` with broadcasting.
//!
//! * Forward: `y[i,j] = a[i,j] + b[i,j]` (a length-1 axis stretches).
//! * Local derivatives: `∂y/∂a = 1`, `∂y/∂b = 1`, so each input receives the
//!   upstream gradient, summed over the axes it was stretched along.
//! * Smooth: no kinks.

use crate::ops::elementwise::{Binary, BinaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Var};

pub(crate) struct Add;

impl<F: Float> BinaryFn<F> for Add {
    const NAME: &'static str = "add";
    const CONSTANT_SLOPES: bool = true;
    fn value(&self, a: F, b: F) -> F {
        a + b
    }
    fn d_lhs(&self, _a: F, _b: F, _y: F) -> F {
        F::one()
    }
    fn d_rhs(&self, _a: F, _b: F, _y: F) -> F {
        F::one()
    }
    fn grad_graph<'t>(
        &self,
        g: Var<'t, F>,
        _a: Var<'t, F>,
        _b: Var<'t, F>,
        _y: Var<'t, F>,
        _wrt: usize,
    ) -> Option<Var<'t, F>> {
        Some(g)
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// Elementwise `self + rhs` with 2-D broadcasting; also the `+` operator.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
    /// let b = tape.leaf(array![[10.0, 20.0]]);          // 1×2 row, broadcast over rows
    /// let y = x.add(b);
    /// assert_eq!(y.value(), array![[11.0, 22.0], [13.0, 24.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(g[b], array![[4.0, 6.0]]);             // summed over the stretched rows
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_add`]).
    #[track_caller]
    #[allow(clippy::should_implement_trait)] // the trait is implemented too, by delegation
    pub fn add(self, rhs: Var<'t, F>) -> Var<'t, F> {
        self.record_or_panic(Binary(Add), &[self, rhs])
    }

    /// [`Var::add`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_add(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        self.record(Binary(Add), &[self, rhs])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "add",
    domains: &[Domain::Real, Domain::Real],
    shapes: ShapeRule::Broadcast,
    kink: Kink::None,
    apply: |x| x[0].add(x[1]),
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
        let y = a + b;
        assert_eq!(y.value(), array![[1.5, 1.0], [5.0, 4.0]]);
        let up = array![[1.0, -2.0], [0.5, 3.0]];
        let g = y.backward_with(up.clone());
        assert_eq!(g[a], up);
        assert_eq!(g[b], up);
    }

    #[test]
    fn broadcasting_sums_over_stretched_axes() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let col = tape.leaf(array![[10.0], [20.0]]);
        let s = tape.leaf(array![[100.0]]);
        let y = x + col + s;
        assert_eq!(
            y.value(),
            array![[111.0, 112.0, 113.0], [124.0, 125.0, 126.0]]
        );
        let up = array![[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]];
        let g = y.backward_with(up.clone());
        assert_eq!(g[x], up);
        assert_eq!(g[col], array![[6.0], [3.5]]);
        assert_eq!(g[s], array![[9.5]]);
    }

    #[test]
    fn fan_out_accumulates() {
        let tape = Tape::new();
        let x = tape.leaf(array![[3.0, -1.0]]);
        let g = (x + x).backward_with(array![[1.0, 5.0]]);
        assert_eq!(g[x], array![[2.0, 10.0]]);
    }

    #[test]
    fn bad_shapes_name_the_op_and_both_shapes() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((3, 2)));
        let e = a.try_add(b).unwrap_err();
        assert_eq!(
            e.to_string(),
            "add: lhs is 2×3, rhs is 3×2; they do not broadcast"
        );
    }

    #[test]
    #[should_panic(expected = "add: lhs is 2×3, rhs is 3×2")]
    fn operator_form_panics_with_the_same_message() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((3, 2)));
        let _ = a + b;
    }
}
