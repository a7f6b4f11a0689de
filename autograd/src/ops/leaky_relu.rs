//! `leaky_relu`: the rectifier with a small negative-side slope `α`.
//!
//! * Forward: `y = x` for `x > 0`, `y = α·x` otherwise.
//! * Local derivative: `1` for `x > 0`, `α` for `x < 0`.
//! * Kink at `x = 0`: leaky_relu'(0) = α ([`crate::ties::leaky_relu_slope`]);
//!   the decision log records negative / kink / positive per element
//!   ([`crate::ties::sign_branch`]).

use crate::higher_order::times_mask;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Error, Float, Result, Var};

pub(crate) struct LeakyRelu<F> {
    alpha: F,
}

impl<F: Float> UnaryFn<F> for LeakyRelu<F> {
    const NAME: &'static str = "leaky_relu";
    const SLOPE_FROM_INPUT: bool = true;
    const BRANCHING: bool = true;
    fn value(&self, x: F) -> F {
        if x > F::zero() { x } else { self.alpha * x }
    }
    fn slope(&self, x: F, _y: F) -> F {
        ties::leaky_relu_slope(x, self.alpha)
    }
    fn branch(&self, x: F) -> Branch {
        ties::sign_branch(x)
    }
    fn label(&self) -> String {
        format!("leaky_relu[α={}]", self.alpha)
    }
    /// `g ⊙ slope` with the slope (1 or α) as a constant mask from
    /// [`ties::leaky_relu_slope`]: leaky_relu'' = 0 away from the kink.
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        let mask = x.with_value(|v| v.mapv(|x| ties::leaky_relu_slope(x, self.alpha)));
        Some(times_mask(g, mask))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `x` where positive, `alpha · x` elsewhere; the slope at 0 is `alpha`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, 0.0, 3.0]]);
    /// let y = x.leaky_relu(0.25);
    /// assert_eq!(y.value(), array![[-0.5, 0.0, 3.0]]);
    /// let g = y.backward_with(array![[4.0, 4.0, 4.0]]);
    /// assert_eq!(g[x], array![[1.0, 1.0, 4.0]]);
    /// ```
    ///
    /// # Panics
    /// If `alpha` is not finite or lies outside `[0, 1]` (see
    /// [`Var::try_leaky_relu`]).
    #[track_caller]
    pub fn leaky_relu(self, alpha: F) -> Var<'t, F> {
        match self.try_leaky_relu(alpha) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::leaky_relu`], returning an argument error unless
    /// `0 ≤ alpha ≤ 1`.
    ///
    /// The range is narrower than PyTorch's (which takes any float): a NaN
    /// α would make every negative input NaN, a negative α makes the
    /// function non-monotone (α = −1 is silently `abs`), and α > 1 makes the
    /// "leak" steeper than the identity side. None of these is a leaky
    /// rectifier; a learned or unusual slope is what [`Var::prelu`] is for.
    ///
    /// ```
    /// use autograd::{Error, Tape};
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, 3.0]]);
    /// assert!(x.try_leaky_relu(0.0).is_ok() && x.try_leaky_relu(1.0).is_ok());
    /// let Err(e) = x.try_leaky_relu(-1.0) else { panic!() };
    /// assert!(matches!(e, Error::Argument { op: "leaky_relu", .. }));
    /// assert_eq!(e.to_string(), "leaky_relu: alpha must be finite and in [0, 1], got -1");
    /// assert!(x.try_leaky_relu(f64::NAN).is_err());
    /// ```
    #[track_caller]
    pub fn try_leaky_relu(self, alpha: F) -> Result<Var<'t, F>> {
        if !(alpha >= F::zero() && alpha <= F::one()) {
            return Err(Error::argument(
                "leaky_relu",
                format!("alpha must be finite and in [0, 1], got {alpha}"),
            ));
        }
        self.record(Unary(LeakyRelu { alpha }), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "leaky_relu(0.1)",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::At(&[0.0]),
    apply: |x| x[0].leaky_relu(0.1),
}];

#[cfg(test)]
mod tests {
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use crate::ties::Branch;
    use crate::{Error, Tape};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 0.5], [3.0, -4.0]]);
        let y = x.leaky_relu(0.125);
        assert_eq!(y.value(), array![[-0.25, 0.5], [3.0, -0.5]]);
        let g = y.backward_with(array![[8.0, 2.0], [-3.0, 16.0]]);
        assert_eq!(g[x], array![[1.0, 2.0], [-3.0, 2.0]]);
    }

    #[test]
    fn alpha_outside_zero_to_one_is_an_argument_error() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 3.0]]);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, -1e-9, 1.5] {
            let e = x.try_leaky_relu(bad).expect_err("refused");
            assert!(
                matches!(
                    e,
                    Error::Argument {
                        op: "leaky_relu",
                        ..
                    }
                ),
                "{e}"
            );
        }
        assert_eq!(tape.len(), 1, "nothing recorded for a refused alpha");
        assert_eq!(x.leaky_relu(0.0).value(), array![[0.0, 3.0]]);
        assert_eq!(x.leaky_relu(1.0).value(), array![[-2.0, 3.0]]);
    }

    #[test]
    fn derivative_at_zero_is_alpha() {
        let tape = Tape::new();
        let x = tape.leaf(array![[0.0, -0.0]]);
        let y = x.leaky_relu(0.5);
        assert_eq!(y.value(), array![[0.0, 0.0]]);
        assert_eq!(y.backward_with(array![[6.0, -2.0]])[x], array![[3.0, -1.0]]);
    }

    #[test]
    fn decision_log_and_label() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[-1.0, 0.0, 1.0]]);
        let y = x.leaky_relu(0.1);
        let logs = tape.decision_logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].node, y.id());
        assert_eq!(logs[0].op, "leaky_relu");
        assert_eq!(
            logs[0].branches,
            vec![Branch::NEGATIVE, Branch::KINK, Branch::POSITIVE]
        );
        let nodes = tape.nodes.borrow();
        assert_eq!(nodes[y.id().index()].label(), "leaky_relu[α=0.1]");
    }

    #[test]
    fn differentiable_through_the_upstream() {
        // α = ¼, s = Σ w ⊙ f(x)² at x = −2, 3, 0: f = (−½, 3, 0), f' = (¼, 1, ¼)
        // (α at the kink); ∇s = 2w f f', H v = 2 w ⊙ f'² ⊙ v.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[-2.0, 3.0, 0.0]], w, v, |x| {
            x.leaky_relu(0.25).square()
        });
        assert_close(&g, &array![[-0.25, -12.0, 0.0]]);
        assert_close(&hv, &array![[0.375, -4.0, -0.25]]);
    }
}
