//! [`LbfgsOptions`]: L-BFGS's hyperparameters, and the typed
//! [`LbfgsConfigError`] that [`Lbfgs::new`](super::Lbfgs::new) returns for
//! a bad one.

use std::fmt;

use autograd::Float;

/// L-BFGS's hyperparameters. Build with struct-update syntax over the
/// defaults; [`Lbfgs::new`](super::Lbfgs::new) validates them.
///
/// ```
/// use nn::optim::{Lbfgs, LbfgsOptions};
/// let lbfgs = Lbfgs::<f64>::new(LbfgsOptions { history: 5, ..LbfgsOptions::default() }).unwrap();
/// assert_eq!(lbfgs.options().history, 5);
/// assert_eq!(lbfgs.options().c2, 0.9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LbfgsOptions<F: Float> {
    /// `m`, how many curvature pairs `(s, y)` the inverse-Hessian
    /// approximation remembers. At least 1; default 10.
    pub history: usize,
    /// Stop ([`StopReason::GradientTolerance`](super::StopReason)) once
    /// `‖∇f‖∞ ≤ gradient_tolerance` (the largest absolute gradient entry).
    /// Finite and ≥ 0; default 1e-7.
    pub gradient_tolerance: F,
    /// The most iterations (accepted steps) one `minimize` call makes.
    /// At least 1; default 100.
    pub max_iterations: usize,
    /// Stop ([`StopReason::NoProgress`](super::StopReason)) after a step
    /// with `|f_k − f_{k+1}| ≤ loss_tolerance · max(1, |f_k|, |f_{k+1}|)`.
    /// Finite and ≥ 0 (0: only a step that leaves `f` unchanged); default
    /// 1e-9. Below |f| = 1 the test is absolute, so with the defaults a
    /// problem whose minimum is 0 usually stops with `NoProgress` near
    /// f ≈ 1e-9, before the gradient tolerance; set this to 0 to let the
    /// gradient decide.
    pub loss_tolerance: F,
    /// Stop ([`StopReason::NoProgress`](super::StopReason)) after a step
    /// with `‖x_{k+1} − x_k‖∞ ≤ step_tolerance · max(1, ‖x_{k+1}‖∞)`.
    /// Finite and ≥ 0; default 1e-9.
    pub step_tolerance: F,
    /// The line search's sufficient-decrease constant `c₁`; `0 < c₁ < 1`,
    /// default 1e-4 (Nocedal & Wright).
    pub c1: F,
    /// The line search's curvature constant `c₂`; `c₁ < c₂ < 1`, default
    /// 0.9 (Nocedal & Wright, for quasi-Newton methods).
    pub c2: F,
    /// The most evaluations one line search may make. At least 1; default
    /// 20.
    pub max_line_search_evaluations: usize,
    /// A pair is skipped (not stored) when `sᵀy ≤ ε ‖s‖₂ ‖y‖₂`: its
    /// curvature is not safely positive, and storing it could make the
    /// approximate inverse Hessian indefinite. Finite and ≥ 0; default
    /// the machine epsilon of `F`. (The strong Wolfe conditions guarantee
    /// `sᵀy > 0` in exact arithmetic; this guards against rounding.)
    pub curvature_epsilon: F,
}

impl<F: Float> Default for LbfgsOptions<F> {
    fn default() -> Self {
        LbfgsOptions {
            history: 10,
            gradient_tolerance: F::of(1e-7),
            max_iterations: 100,
            loss_tolerance: F::of(1e-9),
            step_tolerance: F::of(1e-9),
            c1: F::of(1e-4),
            c2: F::of(0.9),
            max_line_search_evaluations: 20,
            curvature_epsilon: F::epsilon(),
        }
    }
}

/// A hyperparameter that breaks one of [`LbfgsOptions`]' rules: which
/// optimizer, which field, its value and the rule.
///
/// ```
/// use nn::optim::{Lbfgs, LbfgsOptions};
/// let err = Lbfgs::<f64>::new(LbfgsOptions { history: 0, ..LbfgsOptions::default() }).unwrap_err();
/// assert_eq!((err.optimizer, err.field, err.value), ("lbfgs", "history", 0.0));
/// assert_eq!(err.to_string(), "lbfgs: history = 0 is invalid: must be at least 1");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LbfgsConfigError {
    /// Always `"lbfgs"`.
    pub optimizer: &'static str,
    /// The offending field of [`LbfgsOptions`].
    pub field: &'static str,
    /// Its value (counts and `f32` values are exact as `f64`).
    pub value: f64,
    /// The rule it breaks.
    pub rule: &'static str,
}

impl fmt::Display for LbfgsConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} = {} is invalid: {}",
            self.optimizer, self.field, self.value, self.rule
        )
    }
}

impl std::error::Error for LbfgsConfigError {}

impl<F: Float> LbfgsOptions<F> {
    /// Checks every rule, in field order; the first broken one is the
    /// error.
    pub(super) fn validate(&self) -> Result<(), LbfgsConfigError> {
        let bad = |field, value: f64, rule| {
            Err(LbfgsConfigError {
                optimizer: "lbfgs",
                field,
                value,
                rule,
            })
        };
        let tolerance = |v: F| v.is_finite() && v >= F::zero();
        const TOL: &str = "must be finite and at least 0";
        if self.history == 0 {
            return bad("history", 0.0, "must be at least 1");
        }
        if !tolerance(self.gradient_tolerance) {
            return bad("gradient_tolerance", self.gradient_tolerance.as_f64(), TOL);
        }
        if self.max_iterations == 0 {
            return bad("max_iterations", 0.0, "must be at least 1");
        }
        if !tolerance(self.loss_tolerance) {
            return bad("loss_tolerance", self.loss_tolerance.as_f64(), TOL);
        }
        if !tolerance(self.step_tolerance) {
            return bad("step_tolerance", self.step_tolerance.as_f64(), TOL);
        }
        if !(self.c1 > F::zero() && self.c1 < F::one()) {
            return bad("c1", self.c1.as_f64(), "must lie in (0, 1)");
        }
        if !(self.c2 > self.c1 && self.c2 < F::one()) {
            return bad("c2", self.c2.as_f64(), "must lie in (c1, 1)");
        }
        if self.max_line_search_evaluations == 0 {
            return bad("max_line_search_evaluations", 0.0, "must be at least 1");
        }
        if !tolerance(self.curvature_epsilon) {
            return bad("curvature_epsilon", self.curvature_epsilon.as_f64(), TOL);
        }
        Ok(())
    }
}
