//! `relu`: the rectified linear unit `max(0, x)`.
//!
//! * Forward: `y = max(0, x)`.
//! * Local derivative: `1` for `x > 0`, `0` for `x < 0`.
//! * Kink at `x = 0`: relu'(0) = 0 ([`crate::ties::relu_slope`]); the
//!   decision log records negative / kink / positive per element.

use crate::higher_order::times_mask;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Float, Var};

pub(crate) struct Relu;

impl<F: Float> UnaryFn<F> for Relu {
    const NAME: &'static str = "relu";
    const SLOPE_FROM_INPUT: bool = true;
    const BRANCHING: bool = true;
    fn value(&self, x: F) -> F {
        // `<=` rather than `>`, so that a NaN falls through as itself.
        if x <= F::zero() { F::zero() } else { x }
    }
    fn slope(&self, x: F, _y: F) -> F {
        ties::relu_slope(x)
    }
    fn branch(&self, x: F) -> Branch {
        ties::sign_branch(x)
    }
    /// The slope is piecewise constant, so as a node it is a constant mask
    /// (relu'' = 0 away from the kink).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        let mask = x.with_value(|v| v.mapv(ties::relu_slope));
        Some(times_mask(g, mask))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `max(0, x)` elementwise, with relu'(0) = 0.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-1.0, 0.0, 2.0]]);
    /// let y = x.relu();
    /// assert_eq!(y.value(), array![[0.0, 0.0, 2.0]]);
    /// assert_eq!(y.backward_with(array![[5.0, 5.0, 5.0]])[x], array![[0.0, 0.0, 5.0]]);
    /// ```
    #[track_caller]
    pub fn relu(self) -> Var<'t, F> {
        self.record_or_panic(Unary(Relu), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "relu",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::At(&[0.0]),
    apply: |x| x[0].relu(),
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
        let y = x.relu();
        assert_eq!(y.value(), array![[0.0, 0.5], [3.0, 0.0]]);
        let g = y.backward_with(array![[1.0, 2.0], [-3.0, 4.0]]);
        assert_eq!(g[x], array![[0.0, 2.0], [-3.0, 0.0]]);
    }

    #[test]
    fn derivative_at_zero_is_zero() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, -0.0]]);
        let g = x.relu().backward_with(array![[7.0, 7.0]]);
        assert_eq!(g[x], array![[0.0, 0.0]]);
    }

    #[test]
    fn nan_in_nan_out_and_a_zero_upstream_still_gives_zero() {
        let tape = Tape::new();
        let x = tape.leaf(array![[f64::NAN, f64::NAN, 2.0]]);
        let y = x.relu();
        assert!(y.value()[[0, 0]].is_nan(), "relu(NaN) is NaN, not 0");
        let g = y.backward_with(array![[3.0, 0.0, 5.0]]);
        assert!(g[x][[0, 0]].is_nan(), "relu'(NaN) is NaN, not 0");
        assert_eq!((g[x][[0, 1]], g[x][[0, 2]]), (0.0, 5.0));
        // Recorded: the NaN slope behind a zero upstream is 0 too.
        let w = tape.constant(array![[0.0, 1.0, 1.0]]);
        let gx = (x.relu() * w).sum().grad_graph(&[x]).unwrap()[0].value();
        assert!(
            gx[[0, 0]] == 0.0 && gx[[0, 1]].is_nan() && gx[[0, 2]] == 1.0,
            "{gx}"
        );
    }

    #[test]
    fn decision_log_records_each_side() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[-1.0, 0.0, 1.0]]);
        let y = x.relu();
        let logs = tape.decision_logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].node, y.id());
        assert_eq!(logs[0].op, "relu");
        assert_eq!(
            logs[0].branches,
            vec![Branch::NEGATIVE, Branch::KINK, Branch::POSITIVE]
        );
    }

    #[test]
    fn no_decision_log_when_off() {
        let tape = Tape::new();
        let _ = tape.leaf(array![[-1.0, 1.0]]).relu();
        assert!(tape.decision_logs().is_empty());
    }
}
