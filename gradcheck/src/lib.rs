//! Kink-aware gradient checking for [`autograd`] models, following the
//! CS231n notes on gradient checks.
//!
//! * **Numeric side**: centered differences `(f(x+h) − f(x−h)) / 2h`, step
//!   `h = 1e-6` by default ([`numeric`] explains the choice), optional step
//!   sweep to tell a wrong gradient from a bad step.
//! * **Comparison**: relative error per entry, normwise error per tensor,
//!   CS231n bands ([`Band`]), all thresholds in [`Tolerances`].
//! * **Scalarization**: a model may output any shape; it is reduced to
//!   `L = Σ G ⊙ f(x)` with fixed seeded random `G` (never a plain sum, which
//!   would hide bugs that ignore the upstream gradient's pattern).
//! * **Modes** ([`Mode`]): every entry, a seeded sample of `k` entries of
//!   every input, or random directions; plus a uniform-shift probe that
//!   keeps ties tied.
//! * **Kinks**: decision logs at `x−h`, `x`, `x+h` are compared; a changed
//!   branch gives [`Verdict::KinkCrossed`] naming node, op and element, or
//!   [`Verdict::Subgradient`] when the analytic value lies between the
//!   one-sided slopes.
//! * **Stochastic models** get an RNG re-seeded identically before every
//!   evaluation, so dropout masks are checked rather than disabled.
//! * **Lint**: inputs that receive no gradient, or an all-zero one.
//! * **Advice helpers**: data loss vs regularization, burn-in, tiny values
//!   ([`advice`]).
//!
//! # Checking a model
//!
//! ```
//! use gradcheck::GradCheck;
//! use gradcheck::rand::RngExt;
//! use ndarray::{array, Array2};
//!
//! let x = array![[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]];
//! let w1 = array![[0.2, -0.4], [0.7, 0.1], [-0.3, 0.9]];
//! let b1 = array![[0.05, -0.05]];
//! let report = GradCheck::new().seed(7).check(&[("W1", w1), ("b1", b1)], |tape, p, rng| {
//!     let h = (tape.constant(x.clone()).matmul(p[0]) + p[1]).relu();
//!     // inverted dropout with p = 0.5: the mask is identical in every evaluation
//!     let mask: Array2<f64> = Array2::from_shape_simple_fn((2, 2), || {
//!         if rng.random_bool(0.5) { 2.0 } else { 0.0 }
//!     });
//!     h * tape.constant(mask)
//! });
//! report.assert_ok();
//! ```
//!
//! # Property-testing your own model
#![cfg_attr(
    feature = "proptest",
    doc = r#"
With the default `proptest` feature, [`strategies`] generates inputs; a
property test of your model takes a few lines:

```
use gradcheck::{GradCheck, strategies};
use proptest::prelude::*;

proptest!(ProptestConfig::with_cases(16), |(
    w in strategies::matrix_in((3, 2), autograd::registry::Domain::Real),
    x in strategies::matrix_in((4, 3), autograd::registry::Domain::Real),
)| {
    let report = GradCheck::new().check(&[("W", w)], |tape, p, _| {
        tape.constant(x.clone()).matmul(p[0]).relu()
    });
    prop_assert!(report.passed(), "{}", report);
});
```
"#
)]
//!
//! # Reading a report
//!
//! [`Report`] prints as an aligned table: a summary per tensor (normwise
//! error, worst band) and one row per probe with analytic and numeric
//! values, relative error, band, verdict and kink details.
//! [`Report::assert_ok`] panics listing the worst rows; nothing stops at the
//! first mismatch.

#![forbid(unsafe_code)]

pub mod advice;
pub mod branches;
mod check;
mod eval;
pub mod lint;
pub mod numeric;
mod probe;
mod raw_values;
mod report;
mod second_order;
#[cfg(feature = "proptest")]
pub mod strategies;
mod tolerances;

pub use advice::SplitReport;
pub use check::{GradCheck, Mode};
pub use eval::{Model, Rng};
pub use report::{
    CheckKind, KinkInfo, Lint, NothingChecked, Probe, Report, Row, TensorSummary, Verdict,
};
pub use tolerances::{Band, Tolerances, normwise_error, relative_error};

/// The `rand` crate this checker's [`Rng`] comes from (use its `RngExt`
/// trait inside models without a direct dependency).
pub use rand;
