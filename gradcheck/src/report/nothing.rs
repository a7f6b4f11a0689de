//! [`NothingChecked`]: why a check refused to run, so that a check which
//! probed nothing never reports "passed".
//!
//! A report-level reason rather than a row [`Verdict`](crate::Verdict): a
//! vacuous check has no rows to carry a verdict. And a value inside the
//! [`Report`](crate::Report) rather than an `Err`, so that `check` keeps
//! returning a `Report` (every caller, `check_split` and the
//! `prop_assert!(report.passed(), "{report}")` idiom keep working) while
//! `passed()` is false, `assert_ok()` panics and the printed report says
//! "nothing was checked" and why.

use std::fmt;

/// Why a check probed nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum NothingChecked {
    /// The check was given no inputs.
    NoInputs,
    /// An input has no entries (a 0×n or n×0 matrix): its gradient cannot
    /// be checked, and a check that claims to cover every input would lie.
    EmptyInput {
        /// The input's name.
        name: String,
        /// Its shape.
        shape: (usize, usize),
    },
    /// [`GradCheck::sample`](crate::GradCheck::sample)`(0)`.
    EmptySample,
    /// [`GradCheck::directions`](crate::GradCheck::directions)`(0)`.
    NoDirections,
    /// The model's output has no entries, so `L = Σ G ⊙ f(x)` is an empty
    /// sum and every gradient is trivially zero.
    EmptyOutput {
        /// The output's shape.
        shape: (usize, usize),
    },
    /// The step is too small for the inputs' magnitude: `x ± h` cannot be
    /// represented accurately enough (see
    /// [`numeric::min_step`](crate::numeric::min_step)).
    StepTooSmall {
        /// The configured step.
        step: f64,
        /// The input holding the largest-magnitude entry.
        name: String,
        /// That entry.
        entry: (usize, usize),
        /// Its value.
        value: f64,
        /// The smallest step the check accepts for it.
        min: f64,
        /// The recommended step, `1e-6 · max(1, |x|)`.
        suggested: f64,
    },
    /// A report with no rows (built by hand or filtered).
    NoRows,
}

impl fmt::Display for NothingChecked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NothingChecked::NoInputs => write!(
                f,
                "no inputs were given; pass at least one (name, matrix) pair"
            ),
            NothingChecked::EmptyInput { name, shape } => write!(
                f,
                "input `{name}` is {}×{}: it has no entries, so its gradient cannot be checked",
                shape.0, shape.1
            ),
            NothingChecked::EmptySample => write!(
                f,
                "sample(0) asks for no entries; use sample(k) with k ≥ 1, or every()"
            ),
            NothingChecked::NoDirections => write!(
                f,
                "directions(0) asks for no directions; use directions(n) with n ≥ 1"
            ),
            NothingChecked::EmptyOutput { shape } => write!(
                f,
                "the model's output is {}×{}: L = Σ G ⊙ f(x) is an empty sum, so every \
                 gradient is trivially zero",
                shape.0, shape.1
            ),
            NothingChecked::StepTooSmall {
                step,
                name,
                entry,
                value,
                min,
                suggested,
            } => write!(
                f,
                "the step h = {step:e} is below what the inputs' precision resolves: \
                 {name}[{},{}] = {value:e} needs h ≥ {min:.1e}, or rounding alone exceeds the \
                 1e-4 fail threshold; use h ≈ 1e-6·max(1, |x|) = {suggested:.0e} (near the \
                 balance of truncation and rounding error, see gradcheck::numeric)",
                entry.0, entry.1
            ),
            NothingChecked::NoRows => write!(f, "the report has no rows"),
        }
    }
}
