//! `leaky_relu`: the rectifier with a small negative-side slope `α`.
//!
//! * Forward: `y = x` for `x > 0`, `y = α·x` otherwise.
//! * Local derivative: `1` for `x > 0`, `α` for `x < 0`.
//! * Kink at `x = 0`: leaky_relu'(0) = α ([`crate::ties::leaky_relu_slope`]);
//!   the decision log records negative / kink / positive per element
//!   ([`crate::ties::sign_branch`]).

use crate::ops::elementwise::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Float, Var};

pub(crate) struct LeakyRelu<F> {
    alpha: F,
}

impl<F: Float> UnaryFn<F> for LeakyRelu<F> {
    const NAME: &'static str = "leaky_relu";
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
        Some(g * x.tape().constant(mask))
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
    #[track_caller]
    pub fn leaky_relu(self, alpha: F) -> Var<'t, F> {
        self.record_or_panic(Unary(LeakyRelu { alpha }), &[self])
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
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use crate::ties::Branch;
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
