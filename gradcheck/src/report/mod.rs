//! The result of a check: one [`Row`] per probed entry or direction, a
//! summary per tensor, lint findings and warnings — printable as an aligned
//! table ([`display`]), and assertable in tests without stopping at the
//! first mismatch. A check that checked nothing says why
//! ([`NothingChecked`]) and does not pass.

use std::fmt;

use autograd::decisions::Crossing;
use autograd::ties::Branch;

use crate::tolerances::{Band, nan_max, normwise_error};

mod display;
mod nothing;

pub use nothing::NothingChecked;

/// What one row probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// One entry `[row, col]` of an input.
    Entry(usize, usize),
    /// A random unit direction `v` over all inputs (`⟨∇L, v⟩`), numbered.
    Direction(usize),
    /// The uniform shift `𝟙/√N` over all inputs: it keeps ties tied, so it
    /// sees tie-splitting bugs that no single-coordinate probe can.
    Shift,
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Probe::Entry(r, c) => format!("[{r},{c}]"),
            Probe::Direction(k) => format!("v#{k}"),
            Probe::Shift => "shift".to_string(),
        };
        f.pad(&s)
    }
}

/// What happened at a crossed kink.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KinkInfo {
    /// The first decision that differed between `x−h`, `x` and `x+h`
    /// (names the node, op and element).
    pub crossing: Crossing,
    /// How many decisions differed in all.
    pub count: usize,
    /// `(f(x) − f(x−h)) / h`.
    pub left_slope: f64,
    /// `(f(x+h) − f(x)) / h`.
    pub right_slope: f64,
    /// The branch the first crossing's element took at `x−h`, `x` and
    /// `x+h` (`None` where that evaluation did not log the node). Printed
    /// in words by [`crate::branches::describe_sides`].
    pub sides: [Option<Branch>; 3],
    /// The value the first crossing's decision was made on at `x` (the
    /// op's input, e.g. relu's pre-activation; a max's winning value), if
    /// the base evaluation logged it: how close to the kink it sat.
    pub value_at_x: Option<f64>,
}

/// The outcome of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Analytic and numeric agree within [`crate::Tolerances`].
    Pass,
    /// They disagree and no kink was crossed: a wrong gradient (or a bad
    /// step). Also any row whose analytic value, numeric value or error is
    /// NaN or ∞, kink or not: a non-finite gradient is never excused.
    Fail,
    /// A kink was crossed and the analytic value lies outside the one-sided
    /// slopes: neither pass nor fail (the finite difference is no evidence).
    KinkCrossed,
    /// A kink was crossed and the analytic value lies between the one-sided
    /// slopes: a valid subgradient, counted as a pass.
    Subgradient,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Verdict::Pass => "ok",
            Verdict::Fail => "FAIL",
            Verdict::KinkCrossed => "KinkCrossed",
            Verdict::Subgradient => "subgradient",
        })
    }
}

/// One checked entry (or direction).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The input's name (`"directions"` for direction probes).
    pub param: String,
    /// What was probed.
    pub probe: Probe,
    /// The tape's gradient (or `⟨∇L, v⟩`).
    pub analytic: f64,
    /// The centered difference.
    pub numeric: f64,
    /// `|a − n| / max(|a|, |n|)` (0 when both are 0).
    pub rel_error: f64,
    /// The relative error's band.
    pub band: Band,
    /// Pass, fail, or a kink verdict.
    pub verdict: Verdict,
    /// Set when a kink was crossed.
    pub kink: Option<KinkInfo>,
    /// Extra diagnosis (a step sweep's finding, …).
    pub note: Option<String>,
    /// The probed entry's value at the base point (`None` for direction
    /// probes), so a kink row shows where the input sat.
    pub value: Option<f64>,
}

/// Per-tensor summary.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorSummary {
    /// The input's name.
    pub name: String,
    /// Rows checked for it.
    pub checked: usize,
    /// `‖a − n‖∞ / max(1, ‖n‖∞)` over its rows with no kink crossed (and
    /// its failed rows, kink or not): NaN or ∞ when any of them is.
    pub normwise: f64,
    /// The worst band among those rows.
    pub worst_band: Band,
    /// Failed rows.
    pub failures: usize,
}

/// A parameter the "every parameter receives a gradient" lint flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lint {
    /// No path from the output reaches the input (`g.get(p) == None`).
    Unreached(String),
    /// The input's gradient is exactly zero everywhere.
    AllZero(String),
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lint::Unreached(n) => write!(
                f,
                "`{n}` receives no gradient: no path from the output reaches it"
            ),
            Lint::AllZero(n) => write!(f, "`{n}` has an exactly-zero gradient everywhere"),
        }
    }
}

/// Which check produced a report; it decides the report's title and what
/// its "analytic" and "numeric" columns mean.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CheckKind {
    /// [`crate::GradCheck::check`]: the tape's gradient `∇L` against
    /// centered differences of `L`.
    #[default]
    FirstOrder,
    /// [`crate::GradCheck::check_second_order`]: the tape's Hessian–vector
    /// product `∇⟨∇L, v⟩` against centered differences of the first-order
    /// gradient's projection `⟨∇L, v⟩`.
    SecondOrder,
}

/// Everything a check found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// One row per probe, in probing order.
    pub rows: Vec<Row>,
    /// Inputs whose gradient is missing or identically zero.
    pub lints: Vec<Lint>,
    /// Advice: tiny or huge raw values, regularization dominance, ….
    pub warnings: Vec<String>,
    /// The scalarized loss `L = Σ G ⊙ f(x)` at the base point.
    pub loss: f64,
    /// The finite-difference step used.
    pub step: f64,
    /// Set when the check refused to run (and so has no rows): why.
    pub unchecked: Option<NothingChecked>,
    /// First or second order.
    pub kind: CheckKind,
}

impl Report {
    /// Rows that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.verdict == Verdict::Fail)
    }

    /// True when something was checked and no row failed (kink verdicts
    /// and lints do not fail; a check that checked nothing does).
    ///
    /// ```
    /// use gradcheck::{GradCheck, Report};
    /// use ndarray::array;
    /// assert!(!Report::default().passed()); // no rows: nothing was checked
    /// let none = GradCheck::new().sample(0).check(&[("x", array![[1.0]])], |_, x, _| x[0]);
    /// assert!(!none.passed());
    /// assert!(none.to_string().contains("nothing was checked"));
    /// ```
    pub fn passed(&self) -> bool {
        self.nothing_checked().is_none() && self.failures().next().is_none()
    }

    /// Why nothing was checked, if so: the check's refusal
    /// ([`Report::unchecked`]), or [`NothingChecked::NoRows`] for a report
    /// without rows.
    pub fn nothing_checked(&self) -> Option<NothingChecked> {
        match &self.unchecked {
            Some(why) => Some(why.clone()),
            None if self.rows.is_empty() => Some(NothingChecked::NoRows),
            None => None,
        }
    }

    /// Rows that crossed a kink (verdict `KinkCrossed` or `Subgradient`).
    pub fn kinks(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.kink.is_some())
    }

    /// Per-tensor summaries, in first-appearance order.
    pub fn tensors(&self) -> Vec<TensorSummary> {
        let mut names: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !names.contains(&r.param.as_str()) {
                names.push(&r.param);
            }
        }
        names
            .into_iter()
            .map(|name| {
                let rows: Vec<&Row> = self.rows.iter().filter(|r| r.param == name).collect();
                // Kink rows are no evidence either way, except failed ones
                // (a non-finite value): those must show in the summary.
                let smooth: Vec<&&Row> = rows
                    .iter()
                    .filter(|r| r.kink.is_none() || r.verdict == Verdict::Fail)
                    .collect();
                let a: Vec<f64> = smooth.iter().map(|r| r.analytic).collect();
                let n: Vec<f64> = smooth.iter().map(|r| r.numeric).collect();
                TensorSummary {
                    name: name.to_string(),
                    checked: rows.len(),
                    normwise: normwise_error(&a, &n),
                    worst_band: smooth.iter().map(|r| r.band).max().unwrap_or(Band::Good),
                    failures: rows.iter().filter(|r| r.verdict == Verdict::Fail).count(),
                }
            })
            .collect()
    }

    /// The largest per-tensor normwise error (0 for an empty report; NaN
    /// when any tensor's is NaN).
    pub fn worst_normwise(&self) -> f64 {
        self.tensors().iter().map(|t| t.normwise).fold(0.0, nan_max)
    }

    /// The `n` worst rows: failures first, then by relative error.
    pub fn worst(&self, n: usize) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self.rows.iter().collect();
        let key = |r: &Row| (r.verdict == Verdict::Fail, r.kink.is_none());
        // NaN errors sort as the worst (`total_cmp` puts positive NaN
        // above ∞; `abs` clears a negative NaN's sign bit).
        rows.sort_by(|a, b| {
            key(b)
                .cmp(&key(a))
                .then(b.rel_error.abs().total_cmp(&a.rel_error.abs()))
        });
        rows.truncate(n);
        rows
    }

    /// Panics if any row failed, printing the summary and the worst rows,
    /// or if nothing was checked, saying why.
    ///
    /// ```
    /// use gradcheck::GradCheck;
    /// use ndarray::array;
    /// GradCheck::new()
    ///     .check(&[("x", array![[1.0, -2.0]])], |_, x, _| x[0] * x[0])
    ///     .assert_ok();
    /// ```
    #[track_caller]
    pub fn assert_ok(&self) {
        if let Some(why) = self.nothing_checked() {
            panic!("gradient check checked nothing: {why}\n{self}");
        }
        if !self.passed() {
            let worst: Vec<Row> = self.worst(10).into_iter().cloned().collect();
            let shown = Report {
                rows: worst,
                ..self.clone()
            };
            panic!(
                "gradient check failed: {} of {} rows\n{}",
                self.failures().count(),
                self.rows.len(),
                shown
            );
        }
    }
}
