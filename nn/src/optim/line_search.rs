//! A line search satisfying the strong Wolfe conditions (Nocedal & Wright,
//! *Numerical Optimization*, 2nd ed., Algorithm 3.5 with `zoom`, Algorithm
//! 3.6), for one-dimensional restrictions `φ(α) = f(x + α d)` of a
//! function along a descent direction `d`.
//!
//! A step `α > 0` is accepted when both hold:
//!
//! ```text
//! φ(α)   ≤ φ(0) + c₁ α φ'(0)      (sufficient decrease, "Armijo")
//! |φ'(α)| ≤ c₂ |φ'(0)|            (strong curvature)
//! ```
//!
//! with `0 < c₁ < c₂ < 1`. The search first grows the step (doubling) until
//! it brackets an interval that contains acceptable steps, then shrinks the
//! interval with safeguarded cubic interpolation: the minimizer of the
//! cubic through both end points' values and slopes (N&W eq. 3.59), kept
//! at least 10% of the interval's width away from either end (so the
//! interval shrinks by at least 10% per evaluation, even when the cubic
//! predicts a point at an end), or the midpoint when the cubic has no
//! finite minimizer.
//!
//! Every evaluation may carry a payload (L-BFGS passes the full gradient
//! and the trial point), returned with the accepted step so the caller
//! never evaluates the accepted point twice.

use autograd::Float;

/// The constants and budget of one line search.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WolfeSearch<F: Float> {
    /// Sufficient-decrease constant `c₁` (N&W: 1e-4).
    pub c1: F,
    /// Curvature constant `c₂` (N&W: 0.9 for quasi-Newton directions).
    pub c2: F,
    /// The most evaluations of `φ` one search may make.
    pub max_evaluations: usize,
    /// The largest step tried; the search fails with
    /// [`LineSearchFailure::StepTooLarge`] when `φ` still decreases there.
    pub max_step: F,
}

impl<F: Float> Default for WolfeSearch<F> {
    /// `c₁ = 1e-4`, `c₂ = 0.9`, 20 evaluations, steps up to 1e10.
    fn default() -> Self {
        WolfeSearch {
            c1: F::of(1e-4),
            c2: F::of(0.9),
            max_evaluations: 20,
            max_step: F::of(1e10),
        }
    }
}

/// One evaluation of `φ`: its value, its slope `φ'(α)` and the caller's
/// payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial<F, T> {
    /// The step length evaluated.
    pub step: F,
    /// `φ(step)`.
    pub value: F,
    /// `φ'(step)`.
    pub slope: F,
    /// Whatever the caller attached to this evaluation.
    pub payload: T,
}

/// Why a line search found no step satisfying both Wolfe conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineSearchFailure {
    /// `φ'(0) ≥ 0`: the direction does not descend.
    NotDescent,
    /// The evaluation budget ran out first.
    TooManyEvaluations,
    /// The bracketing interval shrank below the floating-point resolution
    /// of its larger end (typically: rounding noise in `φ` near a
    /// minimum). The test is relative, so a bracket whose lower end is
    /// α = 0 ends with `TooManyEvaluations` instead.
    IntervalTooSmall,
    /// `φ` was still decreasing at the largest allowed step (unbounded
    /// below along this direction?).
    StepTooLarge,
}

/// The outcome of [`WolfeSearch::search`]: the accepted trial and the
/// number of evaluations made, or why none was accepted.
#[derive(Clone, Debug, PartialEq)]
pub enum Searched<F, T> {
    /// A step satisfying both strong Wolfe conditions.
    Accepted {
        /// The accepted evaluation.
        trial: Trial<F, T>,
        /// Evaluations of `φ` this search made.
        evaluations: usize,
    },
    /// No acceptable step was found.
    Failed {
        /// Why.
        reason: LineSearchFailure,
        /// Evaluations of `φ` this search made.
        evaluations: usize,
    },
}

impl<F: Float> WolfeSearch<F> {
    /// Searches along `φ` from `φ(0) = value0` with slope `slope0`, first
    /// trying `first_step`. `phi(α)` returns `φ(α)`, `φ'(α)` and a payload;
    /// an error from it ends the search and is returned as is.
    ///
    /// ```
    /// use nn::optim::{Searched, WolfeSearch};
    /// // φ(α) = (α − 3)²: φ(0) = 9, φ'(0) = −6. The first step, α = 1,
    /// // already satisfies both conditions (φ'(1) = −4, |−4| ≤ 0.9·6).
    /// let phi = |a: f64| Ok::<_, ()>((((a - 3.0) * (a - 3.0)), 2.0 * (a - 3.0), ()));
    /// let Ok(Searched::Accepted { trial, .. }) = WolfeSearch::default().search(9.0, -6.0, 1.0, phi)
    /// else { panic!("no step") };
    /// assert!(trial.value <= 9.0 + 1e-4 * trial.step * -6.0);
    /// assert!(trial.slope.abs() <= 0.9 * 6.0);
    /// assert_eq!(trial.step, 1.0);
    /// ```
    pub fn search<T, E>(
        &self,
        value0: F,
        slope0: F,
        first_step: F,
        mut phi: impl FnMut(F) -> Result<(F, F, T), E>,
    ) -> Result<Searched<F, T>, E> {
        if slope0 >= F::zero() || slope0.is_nan() {
            return Ok(Searched::Failed {
                reason: LineSearchFailure::NotDescent,
                evaluations: 0,
            });
        }
        let mut eval = |step: F| -> Result<Trial<F, T>, E> {
            let (value, slope, payload) = phi(step)?;
            Ok(Trial {
                step,
                value,
                slope,
                payload,
            })
        };
        let armijo = |t: &Trial<F, T>| t.value <= value0 + self.c1 * t.step * slope0;
        let curvature = |t: &Trial<F, T>| t.slope.abs() <= -self.c2 * slope0;

        // Bracketing (Algorithm 3.5). `prev` is α_{i−1}; α_0 = 0.
        let mut prev = Trial {
            step: F::zero(),
            value: value0,
            slope: slope0,
            payload: None,
        };
        let mut step = first_step.min(self.max_step);
        let mut used = 0;
        let (mut lo, mut hi) = loop {
            if used == self.max_evaluations {
                return Ok(self.failed(LineSearchFailure::TooManyEvaluations, used));
            }
            let t = eval(step)?;
            used += 1;
            if !armijo(&t) || (used > 1 && t.value >= prev.value) {
                break (prev, some(t));
            }
            if curvature(&t) {
                return Ok(Searched::Accepted {
                    trial: t,
                    evaluations: used,
                });
            }
            if t.slope >= F::zero() {
                break (some(t), prev);
            }
            if step >= self.max_step {
                return Ok(self.failed(LineSearchFailure::StepTooLarge, used));
            }
            prev = some(t);
            step = (step + step).min(self.max_step);
        };

        // Zoom (Algorithm 3.6): `lo` satisfies sufficient decrease and has
        // the lowest value seen; `hi` is the other end of the bracket.
        loop {
            if used == self.max_evaluations {
                return Ok(self.failed(LineSearchFailure::TooManyEvaluations, used));
            }
            let width = (hi.step - lo.step).abs();
            if width <= F::epsilon() * lo.step.abs().max(hi.step.abs()) {
                return Ok(self.failed(LineSearchFailure::IntervalTooSmall, used));
            }
            let step = interpolate(&lo, &hi);
            let t = eval(step)?;
            used += 1;
            // N&W test φ(α_j) ≥ φ(α_lo); we use `>`: near a minimum φ is
            // flat to rounding, and a trial that ties `lo` is not worse, so
            // its slope decides (Moré–Thuente test 2 needs this).
            if !armijo(&t) || t.value > lo.value {
                hi = some(t);
            } else {
                if curvature(&t) {
                    return Ok(Searched::Accepted {
                        trial: t,
                        evaluations: used,
                    });
                }
                if t.slope * (hi.step - lo.step) >= F::zero() {
                    hi = lo;
                }
                lo = some(t);
            }
        }
    }

    fn failed<T>(&self, reason: LineSearchFailure, evaluations: usize) -> Searched<F, T> {
        Searched::Failed {
            reason,
            evaluations,
        }
    }
}

/// Wraps a trial's payload in `Some` (the α = 0 end has none).
fn some<F, T>(t: Trial<F, T>) -> Trial<F, Option<T>> {
    Trial {
        step: t.step,
        value: t.value,
        slope: t.slope,
        payload: Some(t.payload),
    }
}

/// The minimizer of the cubic interpolating `φ` and `φ'` at both ends
/// (N&W eq. 3.59), safeguarded: moved to 10% of the width from an end
/// when it lies closer to (or beyond) that end, and the midpoint when the
/// cubic has no finite minimizer.
fn interpolate<F: Float, T>(a: &Trial<F, T>, b: &Trial<F, T>) -> F {
    let (lo, hi) = (a.step.min(b.step), a.step.max(b.step));
    let margin = F::of(0.1) * (hi - lo);
    let d1 = a.slope + b.slope - F::of(3.0) * (a.value - b.value) / (a.step - b.step);
    let disc = d1 * d1 - a.slope * b.slope;
    let mid = F::of(0.5) * (lo + hi);
    if disc < F::zero() {
        return mid;
    }
    let d2 = (b.step - a.step).signum() * disc.sqrt();
    let step = b.step - (b.step - a.step) * (b.slope + d2 - d1) / (b.slope - a.slope + d2 + d2);
    if step.is_finite() {
        step.max(lo + margin).min(hi - margin)
    } else {
        mid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the search on `φ` (value and slope) and checks both strong
    /// Wolfe conditions numerically at the accepted step.
    fn accepted(phi: impl Fn(f64) -> (f64, f64), first: f64, c2: f64) -> (f64, usize) {
        let ls = WolfeSearch {
            c2,
            ..WolfeSearch::default()
        };
        let (v0, s0) = phi(0.0);
        let out = ls.search(v0, s0, first, |a| {
            Ok::<_, ()>({
                let (v, s) = phi(a);
                (v, s, ())
            })
        });
        let Ok(Searched::Accepted { trial, evaluations }) = out else {
            panic!("no step accepted: {out:?}");
        };
        let (v, s) = phi(trial.step);
        assert_eq!((v, s), (trial.value, trial.slope));
        assert!(trial.step > 0.0);
        assert!(
            v <= v0 + 1e-4 * trial.step * s0,
            "sufficient decrease: {trial:?}"
        );
        assert!(s.abs() <= c2 * s0.abs(), "curvature: {trial:?}");
        (trial.step, evaluations)
    }

    #[test]
    fn defaults_are_nocedal_wrights() {
        let d = WolfeSearch::<f64>::default();
        assert_eq!(
            (d.c1, d.c2, d.max_evaluations, d.max_step),
            (1e-4, 0.9, 20, 1e10)
        );
    }

    #[test]
    fn quadratic_first_step_accepted_when_it_is_the_minimizer() {
        // φ(α) = (α − 1)², the unit step is exact: one evaluation.
        let (a, n) = accepted(|a| ((a - 1.0).powi(2), 2.0 * (a - 1.0)), 1.0, 0.9);
        assert_eq!((a, n), (1.0, 1));
    }

    #[test]
    fn short_first_step_is_extended_by_doubling() {
        // φ(α) = (α − 100)²: from α = 1 the search must grow the step.
        let (a, n) = accepted(|a| ((a - 100.0).powi(2), 2.0 * (a - 100.0)), 1.0, 0.1);
        assert!((a - 100.0).abs() <= 10.0, "{a}");
        assert!(n > 5, "{n}");
    }

    #[test]
    fn long_first_step_is_zoomed_back() {
        // φ(α) = (α − 0.01)²: α = 1 fails sufficient decrease.
        let (a, _) = accepted(|a| ((a - 0.01).powi(2), 2.0 * (a - 0.01)), 1.0, 0.9);
        assert!(a < 0.02, "{a}");
    }

    #[test]
    fn more_thuente_function_1() {
        // Moré & Thuente (1994) test 1: φ(α) = −α / (α² + β), β = 2, with
        // a tight curvature constant so zoom must work. (From α₀ = 10 the
        // first step already satisfies both, as in their Table 1.)
        let b = 2.0;
        let phi = |a: f64| (-a / (a * a + b), (a * a - b) / (a * a + b).powi(2));
        for first in [1e-3, 1e-1, 10.0, 1e3] {
            let (a, n) = accepted(phi, first, 0.1);
            assert_eq!(n == 1, first == 10.0, "{first}: {a} after {n}");
        }
    }

    #[test]
    fn more_thuente_function_2() {
        // Moré & Thuente test 2: φ(α) = (α + β)⁵ − 2(α + β)⁴, β = 0.004.
        // φ'(0) ≈ −5e-7, so c₂ = 0.1 asks for |φ'| ≤ 5e-8 where φ is flat
        // to rounding: zoom must clamp (not bisect) and let ties in φ be
        // decided by the slope.
        let b = 0.004;
        let phi = |a: f64| {
            let t = a + b;
            (
                t.powi(5) - 2.0 * t.powi(4),
                5.0 * t.powi(4) - 8.0 * t.powi(3),
            )
        };
        for first in [1e-3, 1e-1, 10.0, 1e3] {
            accepted(phi, first, 0.1);
        }
    }

    #[test]
    fn nonconvex_sine() {
        // φ(α) = −sin(α) + α²/20: several stationary points.
        let phi = |a: f64| (-a.sin() + a * a / 20.0, -a.cos() + a / 10.0);
        for first in [0.1, 1.0, 5.0, 30.0] {
            accepted(phi, first, 0.9);
            accepted(phi, first, 0.1);
        }
    }

    #[test]
    fn f32_search() {
        let phi = |a: f32| Ok::<_, ()>(((a - 2.0) * (a - 2.0), 2.0 * (a - 2.0), ()));
        let out = WolfeSearch::<f32>::default().search(4.0, -4.0, 0.5, phi);
        let Ok(Searched::Accepted { trial, .. }) = out else {
            panic!("{out:?}");
        };
        assert!(trial.value <= 4.0 - 4e-4 * trial.step);
        assert!(trial.slope.abs() <= 0.9 * 4.0);
    }

    #[test]
    fn ascent_direction_is_refused_without_evaluating() {
        let out = WolfeSearch::<f64>::default().search(
            0.0,
            1.0,
            1.0,
            |_| -> Result<(f64, f64, ()), ()> { panic!("evaluated") },
        );
        assert_eq!(
            out,
            Ok(Searched::Failed {
                reason: LineSearchFailure::NotDescent,
                evaluations: 0
            })
        );
    }

    #[test]
    fn unbounded_function_runs_out_of_evaluations() {
        let out =
            WolfeSearch::<f64>::default().search(0.0, -1.0, 1.0, |a| Ok::<_, ()>((-a, -1.0, ())));
        assert_eq!(
            out,
            Ok(Searched::Failed {
                reason: LineSearchFailure::TooManyEvaluations,
                evaluations: 20
            })
        );
    }

    #[test]
    fn unbounded_function_hits_the_step_cap() {
        let ls = WolfeSearch {
            max_step: 8.0,
            ..WolfeSearch::<f64>::default()
        };
        let out = ls.search(0.0, -1.0, 1.0, |a| Ok::<_, ()>((-a, -1.0, ())));
        // 1, 2, 4, 8: φ still decreasing at the cap.
        assert_eq!(
            out,
            Ok(Searched::Failed {
                reason: LineSearchFailure::StepTooLarge,
                evaluations: 4
            })
        );
    }

    #[test]
    fn noise_floor_shrinks_the_interval_to_nothing() {
        // φ decreases up to α = 1 and is flat beyond, but (like a slope
        // computed in rounding noise) claims −1 everywhere: no step past 1
        // is lower, so zoom narrows [1, 2] to the float resolution at 1.
        let ls = WolfeSearch {
            max_evaluations: 10_000,
            ..WolfeSearch::<f64>::default()
        };
        let phi = |a: f64| Ok::<_, ()>((-a.min(1.0), -1.0, ()));
        let out = ls.search(0.0, -1.0, 1.0, phi);
        assert!(
            matches!(
                out,
                Ok(Searched::Failed {
                    reason: LineSearchFailure::IntervalTooSmall,
                    ..
                })
            ),
            "{out:?}"
        );
    }

    #[test]
    fn error_from_phi_ends_the_search() {
        let out = WolfeSearch::<f64>::default().search(0.0, -1.0, 1.0, |a| {
            if a > 1.5 {
                Err("boom")
            } else {
                Ok((-a, -1.0, ()))
            }
        });
        assert_eq!(out, Err("boom"));
    }

    #[test]
    fn payload_of_the_accepted_step_is_returned() {
        let out = WolfeSearch::<f64>::default().search(1.0, -2.0, 1.0, |a| {
            Ok::<_, ()>(((a - 1.0).powi(2), 2.0 * (a - 1.0), a * 10.0))
        });
        let Ok(Searched::Accepted { trial, .. }) = out else {
            panic!("{out:?}");
        };
        assert_eq!(trial.payload, trial.step * 10.0);
    }

    #[test]
    fn cubic_interpolation_is_exact_on_a_cubic_and_safeguarded() {
        // φ(α) = α³ − 3α on [0, 2]: local minimizer α = 1.
        let t = |a: f64| Trial {
            step: a,
            value: a.powi(3) - 3.0 * a,
            slope: 3.0 * a * a - 3.0,
            payload: (),
        };
        assert!((interpolate(&t(0.0), &t(2.0)) - 1.0).abs() < 1e-12);
        assert!((interpolate(&t(2.0), &t(0.0)) - 1.0).abs() < 1e-12);
        // A minimizer within 10% of an end is moved to 10% from it.
        let q = |a: f64| Trial {
            step: a,
            value: (a - 1.999).powi(2),
            slope: 2.0 * (a - 1.999),
            payload: (),
        };
        assert_eq!(interpolate(&q(0.0), &q(2.0)), 1.8);
        assert_eq!(interpolate(&q(2.0), &q(0.0)), 1.8);
        // No real minimizer of the cubic (d₁² < φ'(a) φ'(b)) → midpoint.
        let a = Trial {
            step: 0.0,
            value: 0.0,
            slope: -10.0,
            payload: (),
        };
        let b = Trial {
            step: 1.0,
            value: -20.0 / 3.0,
            slope: -10.0,
            payload: (),
        };
        assert_eq!(interpolate(&a, &b), 0.5);
    }
}
