//! Finite differences: the numeric side of the comparison.
//!
//! The centered difference `(f(x+h) − f(x−h)) / 2h` has truncation error
//! `h²·f‴/6` and rounding error about `ε·|f| / h` (ε ≈ 2.2e-16 for f64).
//! The two balance near `h ≈ ε^⅓ ≈ 6e-6` for unit-scale functions; the
//! default [`DEFAULT_STEP`] of `1e-6` sits just below that: truncation error
//! ~1e-13·f‴, rounding error ~1e-10·|L|, both far under the 1e-7 "good"
//! band, and a smaller step means fewer probes straddle a kink. A step sweep
//! ([`DEFAULT_SWEEP`]) re-measures a failing entry at several steps: if some
//! step agrees, the default step was bad for this function, not the gradient.

/// The default step `h = 1e-6` (see the module docs for why).
pub const DEFAULT_STEP: f64 = 1e-6;

/// Steps tried by a sweep, largest first.
pub const DEFAULT_SWEEP: &[f64] = &[1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8];

/// The smallest step accepted for inputs of magnitude up to `scale`:
/// `1e4 · ε · max(1, scale)` (≈ 2.2e-12 for unit-scale inputs).
///
/// `x + h` is rounded to the nearest float, so the step actually taken is
/// off by up to `ε·|x|/2`, a relative error of `ε·|x|/2h`; and `L(x±h)` is
/// rounded too, adding `ε·|L|/h` to the difference quotient (that is why
/// the scale is at least 1). Below this bound the step's own rounding
/// passes 5e-5 relative, half the default fail threshold of 1e-4, and
/// steps like 1e-300 (or 1e-6 at |x| = 1e12, where `x + h == x`) would
/// print a table of WRONG rows that says nothing about the gradient. The
/// checker refuses such a step and recommends `1e-6 · max(1, |x|)`:
/// [`DEFAULT_STEP`] scaled to the inputs, near the truncation/rounding
/// balance `ε^⅓·max(1, |x|)` described above.
///
/// ```
/// use gradcheck::numeric::min_step;
/// assert!(min_step(1.0) < 1e-11 && min_step(0.0) == min_step(1.0));
/// assert!(1e12 + 1e-6 == 1e12 && min_step(1e12) > 1e-6);
/// ```
pub fn min_step(scale: f64) -> f64 {
    1e4 * f64::EPSILON * scale.abs().max(1.0)
}

/// `(f(x+h) − f(x−h)) / 2h` from the two values.
///
/// ```
/// use gradcheck::numeric::centered;
/// let f = |x: f64| x * x * x;
/// let (x, h) = (2.0, 1e-6);
/// let d = centered(f(x + h), f(x - h), h);
/// assert!((d - 12.0).abs() < 1e-8);
/// ```
pub fn centered(f_plus: f64, f_minus: f64, h: f64) -> f64 {
    (f_plus - f_minus) / (2.0 * h)
}

/// The one-sided slopes `((f(x) − f(x−h)) / h, (f(x+h) − f(x)) / h)`.
///
/// At a kink they differ; any value between them is a valid subgradient.
///
/// ```
/// use gradcheck::numeric::one_sided;
/// let relu = |x: f64| x.max(0.0);
/// let h = 1e-6;
/// assert_eq!(one_sided(relu(-h), relu(0.0), relu(h), h), (0.0, 1.0));
/// ```
pub fn one_sided(f_minus: f64, f_0: f64, f_plus: f64, h: f64) -> (f64, f64) {
    ((f_0 - f_minus) / h, (f_plus - f_0) / h)
}

/// Whether `value` lies between `a` and `b` (either order), with slack
/// `tol · max(1, |a|, |b|)`.
///
/// ```
/// use gradcheck::numeric::between;
/// assert!(between(0.5, 1.0, 0.0, 1e-5));
/// assert!(between(1.0 + 1e-7, 0.0, 1.0, 1e-5));
/// assert!(!between(2.0, 0.0, 1.0, 1e-5));
/// ```
pub fn between(value: f64, a: f64, b: f64, tol: f64) -> bool {
    let slack = tol * 1f64.max(a.abs()).max(b.abs());
    value >= a.min(b) - slack && value <= a.max(b) + slack
}
