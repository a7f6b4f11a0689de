//! Error measures and the thresholds that turn them into verdicts.
//!
//! Two measures are reported for every check:
//!
//! * the **relative error** `|a − n| / max(|a|, |n|)` of one entry, where
//!   `a` is the analytic (tape) gradient and `n` the numeric one; when both
//!   are exactly zero it is defined as 0 (a pass), not `0/0`;
//! * the **normwise error** `‖a − n‖∞ / max(1, ‖n‖∞)` of a whole tensor,
//!   which stays meaningful when individual entries are tiny.
//!
//! The relative error is sorted into the bands of the CS231n notes
//! ([`Band`]); every threshold lives in one [`Tolerances`] value.

use std::fmt;

/// `|a − n| / max(|a|, |n|)`, with both-zero defined as 0.
///
/// ```
/// use gradcheck::relative_error;
/// assert_eq!(relative_error(0.0, 0.0), 0.0);
/// assert_eq!(relative_error(1.0, 0.0), 1.0);
/// assert!((relative_error(1.0, 1.01) - 0.01 / 1.01).abs() < 1e-15);
/// ```
pub fn relative_error(analytic: f64, numeric: f64) -> f64 {
    let scale = analytic.abs().max(numeric.abs());
    if scale == 0.0 {
        0.0
    } else {
        (analytic - numeric).abs() / scale
    }
}

/// `‖a − n‖∞ / max(1, ‖n‖∞)` over paired entries.
///
/// A NaN or ∞ anywhere makes the result NaN or ∞: a non-finite gradient is
/// never summarised as a small error.
///
/// ```
/// use gradcheck::normwise_error;
/// assert_eq!(normwise_error(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
/// // tiny entries are judged against 1, not against themselves
/// assert_eq!(normwise_error(&[1e-12], &[2e-12]), 1e-12);
/// assert_eq!(normwise_error(&[10.0, 0.0], &[20.0, 0.0]), 0.5);
/// assert!(normwise_error(&[f64::NAN, 1.0], &[1.0, 1.0]).is_nan());
/// assert_eq!(normwise_error(&[f64::INFINITY], &[1.0]), f64::INFINITY);
/// ```
///
/// # Panics
/// If the slices differ in length (reported at the caller's line).
#[track_caller]
pub fn normwise_error(analytic: &[f64], numeric: &[f64]) -> f64 {
    if analytic.len() != numeric.len() {
        panic!(
            "normwise_error: lengths differ ({} analytic, {} numeric)",
            analytic.len(),
            numeric.len()
        );
    }
    let diff = analytic
        .iter()
        .zip(numeric)
        .map(|(a, n)| (a - n).abs())
        .fold(0.0, nan_max);
    let norm = numeric.iter().map(|n| n.abs()).fold(0.0, nan_max);
    diff / norm.max(1.0)
}

/// `max(a, b)` that propagates NaN (`f64::max` drops it, which would let a
/// NaN row vanish from a summary).
pub(crate) fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// How far apart analytic and numeric gradients are, in the CS231n bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// Relative error below [`Tolerances::good`] (1e-7): you should be happy.
    Good,
    /// Between `good` and [`Tolerances::uncomfortable`] (1e-7…1e-4): fine
    /// for objectives with kinks, too high without them.
    Acceptable,
    /// Between `uncomfortable` and [`Tolerances::wrong`] (1e-4…1e-2):
    /// usually a bug.
    Uncomfortable,
    /// Above `wrong` (1e-2): the gradient is probably wrong.
    Wrong,
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Band::Good => "good",
            Band::Acceptable => "acceptable",
            Band::Uncomfortable => "uncomfortable",
            Band::Wrong => "WRONG",
        })
    }
}

/// Every threshold the checker uses, with the CS231n defaults.
///
/// ```
/// use gradcheck::{Band, Tolerances};
/// let t = Tolerances::default();
/// assert_eq!(t.band(1e-9), Band::Good);
/// assert_eq!(t.band(1e-5), Band::Acceptable);
/// assert_eq!(t.band(1e-3), Band::Uncomfortable);
/// assert_eq!(t.band(0.5), Band::Wrong);
/// // a deep net accumulates error: accept up to 1e-2
/// let deep = Tolerances { fail_above: 1e-2, ..Tolerances::default() };
/// assert!(deep.fail_above > t.fail_above);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    /// Relative error below this is [`Band::Good`]. Default `1e-7`.
    pub good: f64,
    /// Relative error above this is [`Band::Uncomfortable`]. Default `1e-4`.
    pub uncomfortable: f64,
    /// Relative error above this is [`Band::Wrong`]. Default `1e-2`.
    pub wrong: f64,
    /// A row fails when its relative error exceeds this. Default `1e-4`
    /// (only [`Band::Good`] and [`Band::Acceptable`] pass); raise it for deep
    /// networks, whose errors compound.
    pub fail_above: f64,
    /// A row also passes when `|a − n| ≤ absolute · max(1, |L|)`: below that
    /// the finite difference is rounding noise (about `ε·|L|/h`), and the
    /// relative error of two near-zero numbers means nothing. Default `1e-8`.
    pub absolute: f64,
    /// Slack when testing whether an analytic value lies between the two
    /// one-sided slopes at a crossed kink, relative to `max(1, |slopes|)`
    /// (one-sided differences carry `O(h)` truncation error). Default `1e-5`.
    pub subgradient: f64,
    /// Raw values (loss, gradient norms) with magnitude below this are
    /// flagged as too small to compare reliably. Default `1e-10`.
    pub tiny: f64,
    /// Raw values with magnitude above this are flagged as too large.
    /// Default `1e10`.
    pub huge: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            good: 1e-7,
            uncomfortable: 1e-4,
            wrong: 1e-2,
            fail_above: 1e-4,
            absolute: 1e-8,
            subgradient: 1e-5,
            tiny: 1e-10,
            huge: 1e10,
        }
    }
}

impl Tolerances {
    /// The band a relative error falls in.
    pub fn band(&self, rel: f64) -> Band {
        if rel.is_nan() || rel > self.wrong {
            Band::Wrong
        } else if rel > self.uncomfortable {
            Band::Uncomfortable
        } else if rel > self.good {
            Band::Acceptable
        } else {
            Band::Good
        }
    }

    /// Whether an entry with these values passes, given the loss magnitude
    /// `loss_scale` (see [`Tolerances::absolute`]).
    ///
    /// ```
    /// use gradcheck::Tolerances;
    /// let t = Tolerances::default();
    /// assert!(t.passes(1.0, 1.0 + 1e-9, 1.0));
    /// assert!(!t.passes(1.0, 1.005, 1.0));
    /// assert!(t.passes(0.0, 3e-11, 1.0)); // rounding noise around a zero gradient
    /// ```
    pub fn passes(&self, analytic: f64, numeric: f64, loss_scale: f64) -> bool {
        let abs = (analytic - numeric).abs();
        relative_error(analytic, numeric) <= self.fail_above
            || abs <= self.absolute * loss_scale.abs().max(1.0)
    }
}
