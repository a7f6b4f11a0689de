//! `abs`: the elementwise absolute value.
//!
//! * Forward: `y = |x|`.
//! * Local derivative: `sign(x)`: `1` for `x > 0`, `−1` for `x < 0`.
//! * Kink at `x = 0`: abs'(0) = 0 ([`crate::ties::abs_slope`]); the
//!   decision log records negative / kink / positive per element
//!   ([`crate::ties::sign_branch`]).

use crate::higher_order::times_mask;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Float, Var};

pub(crate) struct Abs;

impl<F: Float> UnaryFn<F> for Abs {
    const NAME: &'static str = "abs";
    const SLOPE_FROM_INPUT: bool = true;
    const BRANCHING: bool = true;
    fn value(&self, x: F) -> F {
        x.abs()
    }
    fn slope(&self, x: F, _y: F) -> F {
        ties::abs_slope(x)
    }
    fn branch(&self, x: F) -> Branch {
        ties::sign_branch(x)
    }
    /// `g ⊙ sign(x)` with the sign as a constant mask from
    /// [`ties::abs_slope`]: abs'' = 0 away from the kink.
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        let mask = x.with_value(|v| v.mapv(ties::abs_slope));
        Some(times_mask(g, mask))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `|x|` elementwise, with abs'(0) = 0.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, 0.0, 3.0]]);
    /// let y = x.abs();
    /// assert_eq!(y.value(), array![[2.0, 0.0, 3.0]]);
    /// assert_eq!(y.backward_with(array![[5.0, 5.0, 5.0]])[x], array![[-5.0, 0.0, 5.0]]);
    /// ```
    #[track_caller]
    pub fn abs(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Abs), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "abs",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::At(&[0.0]),
    apply: |x| x[0].abs(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use crate::ties::Branch;
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 0.5], [3.0, -0.1]]);
        let y = x.abs();
        assert_eq!(y.value(), array![[2.0, 0.5], [3.0, 0.1]]);
        let g = y.backward_with(array![[1.0, 2.0], [-3.0, 4.0]]);
        assert_eq!(g[x], array![[-1.0, 2.0], [-3.0, -4.0]]);
    }

    #[test]
    fn derivative_at_zero_is_zero() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, -0.0]]);
        let y = x.abs();
        assert_eq!(y.value(), array![[0.0, 0.0]]);
        assert_eq!(y.backward_with(array![[7.0, 7.0]])[x], array![[0.0, 0.0]]);
    }

    #[test]
    fn decision_log_records_each_side() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[-1.0, 0.0, 1.0]]);
        let y = x.abs();
        let logs = tape.decision_logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].node, y.id());
        assert_eq!(logs[0].op, "abs");
        assert_eq!(
            logs[0].branches,
            vec![Branch::NEGATIVE, Branch::KINK, Branch::POSITIVE]
        );
    }

    #[test]
    fn second_derivative_is_zero_but_flows_through_the_upstream() {
        // s = Σ w ⊙ |x|²: ∇s = 2w|x| sign x, H v = 2 w ⊙ sign²(x) ⊙ v,
        // with sign(0) = 0 from the tie rule.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[-1.5, 2.0, 0.0]], w, v, |x| x.abs().square());
        assert_close(&g, &array![[-3.0, -8.0, 0.0]]);
        assert_close(&hv, &array![[6.0, -4.0, 0.0]]);
    }

    #[test]
    fn plain_abs_has_a_zero_hessian() {
        let (w, v) = (array![[1.0, -2.0]], array![[3.0, 1.0]]);
        let (g, hv) = grad_and_hvp(array![[-1.0, 2.0]], w, v, |x| x.abs());
        assert_close(&g, &array![[-1.0, -2.0]]);
        assert_close(&hv, &array![[0.0, 0.0]]);
    }
}
