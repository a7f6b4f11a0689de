//! `abs`: the elementwise absolute value.
//!
//! * Forward: `y = |x|`.
//! * Local derivative: `sign(x)`: `1` for `x > 0`, `−1` for `x < 0`.
//! * Kink at `x = 0`: abs'(0) = 0 ([`crate::ties::abs_slope`]); the
//!   decision log records negative / kink / positive per element
//!   ([`crate::ties::sign_branch`]).

use crate::ops::elementwise::{Unary, UnaryFn};
use crate::registry::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Float, Var};

pub(crate) struct Abs;

impl<F: Float> UnaryFn<F> for Abs {
    const NAME: &'static str = "abs";
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
}
