//! L-BFGS (Nocedal & Wright, *Numerical Optimization*, §7.2): a
//! quasi-Newton method for full-batch problems, the notes' second-order
//! section made practical.
//!
//! Each iteration turns the gradient into a direction `d = −H g` with the
//! limited-memory inverse-Hessian approximation `H` built from the last
//! `m` steps `s = x_{k+1} − x_k` and gradient changes `y = g_{k+1} − g_k`
//! (the two-loop recursion, Algorithm 7.4, starting from `γ I` with
//! `γ = sᵀy / yᵀy` of the newest pair), then picks the step length with a
//! [strong-Wolfe line search](super::WolfeSearch). The first step, with no
//! pairs yet, is steepest descent tried at length `min(1, 1/‖g‖₂)` (so the
//! first trial moves `x` by at most 1); later steps try the unit step
//! first, which near the minimum is the quasi-Newton step.
//!
//! The objective is a closure evaluating the loss and its gradient at the
//! current variables; one call gives both, so function and gradient
//! evaluations are counted together. Three entry points share one loop:
//!
//! * [`Lbfgs::minimize_vec`]: variables in a `&mut [F]`, the closure maps
//!   `&[F]` to `(loss, gradient)`.
//! * [`Lbfgs::minimize`]: free-standing [`Param`]s; the closure reads
//!   them (`&[&Param<F>]`) and returns one gradient per parameter.
//! * [`Lbfgs::minimize_module`]: any [`Module`]'s parameters; the closure
//!   gets the module itself, so it can run its forward pass on a tape and
//!   look the gradients up in the `Ctx`.
//!
//! The flattened variable vector is the parameters in list order
//! ([`Module::params_mut`]'s order for a module), each parameter's
//! entries in row-major order. Before each evaluation L-BFGS writes the
//! trial point into the parameters; when `minimize` returns (`Ok` or
//! `Err`) they hold the last accepted iterate.
//!
//! A NaN or infinite loss or gradient stops the run with
//! [`LbfgsError::NonFinite`], naming the iteration; it never reaches the
//! parameters.

mod checkpoint;
mod error;
mod history;
mod options;
mod params;

use std::cell::Cell;

use autograd::Float;

use self::history::{History, dot, norm_inf, norm2};

use super::{LineSearchFailure, Searched, WolfeSearch};

pub use self::error::LbfgsError;
pub use self::options::{LbfgsConfigError, LbfgsOptions};

/// Why [`Lbfgs`] stopped (without an error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// `‖∇f‖∞ ≤ gradient_tolerance`.
    GradientTolerance,
    /// The last step changed the loss or the variables by less than
    /// `loss_tolerance` or `step_tolerance` allow.
    NoProgress,
    /// `max_iterations` steps were taken.
    IterationLimit,
    /// The line search found no step satisfying the strong Wolfe
    /// conditions; the variables stay at the last accepted iterate.
    LineSearchFailed {
        /// The line search's reason.
        reason: LineSearchFailure,
    },
}

/// What one `minimize` call did.
#[derive(Clone, Debug, PartialEq)]
pub struct LbfgsReport<F> {
    /// Why it stopped.
    pub stop: StopReason,
    /// Accepted steps in this call.
    pub iterations: usize,
    /// Closure calls in this call; each gives the loss and the gradient,
    /// so this counts function and gradient evaluations alike.
    pub evaluations: usize,
    /// The loss at the final variables.
    pub loss: F,
    /// `‖∇f‖∞` at the final variables (the largest absolute entry).
    pub gradient_norm: F,
    /// Curvature pairs skipped in this call (`sᵀy ≤ ε ‖s‖₂ ‖y‖₂`).
    pub skipped_pairs: usize,
}

/// Limited-memory BFGS with a strong-Wolfe line search.
///
/// ```
/// use nn::optim::{Lbfgs, LbfgsOptions, StopReason};
/// // f(x) = (x₀ − 1)² + 10 (x₁ + 2)²
/// let mut x = [0.0_f64, 0.0];
/// let mut lbfgs = Lbfgs::new(LbfgsOptions {
///     gradient_tolerance: 1e-10,
///     loss_tolerance: 0.0, // only the gradient decides
///     ..LbfgsOptions::default()
/// })
/// .unwrap();
/// let report = lbfgs
///     .minimize_vec(&mut x, |x| {
///         let (a, b) = (x[0] - 1.0, x[1] + 2.0);
///         (a * a + 10.0 * b * b, vec![2.0 * a, 20.0 * b])
///     })
///     .unwrap();
/// assert_eq!(report.stop, StopReason::GradientTolerance);
/// assert!((x[0] - 1.0).abs() < 1e-10 && (x[1] + 2.0).abs() < 1e-10);
/// ```
#[derive(Clone, Debug)]
pub struct Lbfgs<F: Float> {
    options: LbfgsOptions<F>,
    history: History<F>,
    /// Accepted steps over all `minimize` calls (exported in the state).
    iterations: usize,
    /// Closure calls over all `minimize` calls.
    evaluations: usize,
    /// Pairs skipped over all `minimize` calls.
    skipped: usize,
    /// The loss at the last accepted iterate, if any.
    loss: Option<F>,
}

/// A closure evaluation as the loop sees it: at the given point and
/// iteration, the loss and the flat gradient.
type Evaluate<'a, F> = dyn FnMut(&[F], usize) -> Result<(F, Vec<F>), LbfgsError> + 'a;

impl<F: Float> Lbfgs<F> {
    /// An optimizer with no history, after checking every option (see
    /// [`LbfgsOptions`] for the rules).
    pub fn new(options: LbfgsOptions<F>) -> Result<Self, LbfgsConfigError> {
        options.validate()?;
        Ok(Lbfgs {
            history: History::new(options.history),
            options,
            iterations: 0,
            evaluations: 0,
            skipped: 0,
            loss: None,
        })
    }

    /// The options it was built with.
    pub fn options(&self) -> &LbfgsOptions<F> {
        &self.options
    }

    /// The number of curvature pairs currently stored (≤ `history`).
    pub fn stored_pairs(&self) -> usize {
        self.history.len()
    }

    /// Forgets the curvature pairs (the next step is steepest descent).
    pub fn reset(&mut self) {
        self.history.clear();
    }

    /// Minimizes `f` over the variables `x` (updated in place) until a
    /// [`StopReason`]. `f(x)` returns the loss and the gradient, of `x`'s
    /// length.
    pub fn minimize_vec(
        &mut self,
        x: &mut [F],
        mut f: impl FnMut(&[F]) -> (F, Vec<F>),
    ) -> Result<LbfgsReport<F>, LbfgsError> {
        let mut point = x.to_vec();
        let result = self.run(&mut point, &mut |x, _| Ok(f(x)));
        x.copy_from_slice(&point);
        result
    }

    /// The L-BFGS loop over a flat vector: on return `x` is the last
    /// accepted iterate. The closure calls count towards the exported
    /// total whether the run ends in a report or an error.
    fn run(
        &mut self,
        x: &mut Vec<F>,
        eval: &mut Evaluate<'_, F>,
    ) -> Result<LbfgsReport<F>, LbfgsError> {
        let evaluations = Cell::new(0);
        let result = self.iterate(x, eval, &evaluations);
        self.evaluations += evaluations.get();
        result
    }

    /// [`run`](Self::run)'s body; `evaluations` counts closure calls.
    fn iterate(
        &mut self,
        x: &mut Vec<F>,
        eval: &mut Evaluate<'_, F>,
        evaluations: &Cell<usize>,
    ) -> Result<LbfgsReport<F>, LbfgsError> {
        let n = x.len();
        if let Some(history) = self.history.dim().filter(|&d| d != n) {
            return Err(LbfgsError::Dimension {
                history,
                variables: n,
            });
        }
        let search = WolfeSearch {
            c1: self.options.c1,
            c2: self.options.c2,
            max_evaluations: self.options.max_line_search_evaluations,
            ..WolfeSearch::default()
        };
        let mut evaluate = |x: &[F], iteration: usize| {
            evaluations.set(evaluations.get() + 1);
            let (loss, grad) = eval(x, iteration)?;
            check(n, iteration, loss, &grad)?;
            Ok::<_, LbfgsError>((loss, grad))
        };
        let (mut loss, mut grad) = evaluate(&x[..], 0)?;
        let (mut iterations, mut skipped, mut stalled) = (0, 0, false);
        let stop = loop {
            let gnorm = norm_inf(&grad);
            if gnorm <= self.options.gradient_tolerance {
                break StopReason::GradientTolerance;
            }
            if stalled {
                break StopReason::NoProgress;
            }
            if iterations == self.options.max_iterations {
                break StopReason::IterationLimit;
            }
            let mut d = self.history.direction(&grad);
            let mut slope = dot(&grad, &d);
            if slope >= F::zero() || slope.is_nan() {
                // Rounding made H indefinite: start over from −g.
                self.history.clear();
                d = grad.iter().map(|&g| -g).collect();
                slope = dot(&grad, &d);
            }
            let first = if self.history.is_empty() {
                F::one().min(F::one() / norm2(&grad))
            } else {
                F::one()
            };
            let searched = search.search(loss, slope, first, |step| {
                let trial: Vec<F> = x.iter().zip(&d).map(|(&x, &d)| x + step * d).collect();
                let (value, g) = evaluate(&trial, iterations)?;
                Ok((value, dot(&g, &d), (trial, g)))
            });
            let trial = match searched? {
                Searched::Accepted { trial, .. } => trial,
                Searched::Failed { reason, .. } => {
                    break StopReason::LineSearchFailed { reason };
                }
            };
            let (next, next_grad) = trial.payload;
            let s: Vec<F> = next.iter().zip(x.iter()).map(|(&a, &b)| a - b).collect();
            let y: Vec<F> = next_grad.iter().zip(&grad).map(|(&a, &b)| a - b).collect();
            let o = &self.options;
            stalled = (loss - trial.value).abs()
                <= o.loss_tolerance * F::one().max(loss.abs()).max(trial.value.abs())
                || norm_inf(&s) <= o.step_tolerance * F::one().max(norm_inf(&next));
            if !self.history.push(s, y, o.curvature_epsilon) {
                skipped += 1;
                self.skipped += 1;
            }
            (*x, grad, loss) = (next, next_grad, trial.value);
            iterations += 1;
            self.iterations += 1;
            self.loss = Some(loss);
        };
        self.loss = Some(loss);
        Ok(LbfgsReport {
            stop,
            iterations,
            evaluations: evaluations.get(),
            loss,
            gradient_norm: norm_inf(&grad),
            skipped_pairs: skipped,
        })
    }
}

/// Refuses a gradient of the wrong length and any non-finite value.
fn check<F: Float>(n: usize, iteration: usize, loss: F, grad: &[F]) -> Result<(), LbfgsError> {
    if grad.len() != n {
        return Err(LbfgsError::GradientLength {
            expected: n,
            got: grad.len(),
        });
    }
    if !loss.is_finite() {
        return Err(LbfgsError::NonFinite {
            iteration,
            quantity: "loss",
            index: None,
            value: loss.as_f64(),
        });
    }
    match grad.iter().position(|g| !g.is_finite()) {
        Some(i) => Err(LbfgsError::NonFinite {
            iteration,
            quantity: "gradient",
            index: Some(i),
            value: grad[i].as_f64(),
        }),
        None => Ok(()),
    }
}
