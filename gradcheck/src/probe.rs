//! Probing one direction: the centered difference, kink detection via the
//! decision logs, the subgradient test, and the optional step sweep.

use autograd::NodeId;
use autograd::decisions::{DecisionLog, crossings};
use autograd::ties::Branch;
use ndarray::Array2;

use crate::eval::{Bound, Eval, Model};
use crate::numeric::{between, centered, one_sided};
use crate::report::{KinkInfo, Probe, Row, Verdict};
use crate::tolerances::{Tolerances, relative_error};

/// A perturbation direction.
pub(crate) enum Dir {
    /// Input `input`, entry `[r, c]`.
    Entry { input: usize, r: usize, c: usize },
    /// A direction over all inputs (one matrix per input).
    Vector(Vec<Array2<f64>>),
}

impl Dir {
    /// `x + t·v`.
    fn apply(&self, base: &[Array2<f64>], t: f64) -> Vec<Array2<f64>> {
        let mut x = base.to_vec();
        match self {
            Dir::Entry { input, r, c } => x[*input][[*r, *c]] += t,
            Dir::Vector(v) => {
                for (xi, vi) in x.iter_mut().zip(v) {
                    xi.scaled_add(t, vi);
                }
            }
        }
        x
    }

    /// The probed entry's value at `base` (`None` for a direction).
    fn value(&self, base: &[Array2<f64>]) -> Option<f64> {
        match self {
            Dir::Entry { input, r, c } => Some(base[*input][[*r, *c]]),
            Dir::Vector(_) => None,
        }
    }

    /// `⟨∇L, v⟩` from per-input gradients (a missing gradient counts as 0).
    pub fn analytic(&self, grads: &[Option<Array2<f64>>]) -> f64 {
        match self {
            Dir::Entry { input, r, c } => grads[*input].as_ref().map_or(0.0, |g| g[[*r, *c]]),
            Dir::Vector(v) => v
                .iter()
                .zip(grads)
                .filter_map(|(v, g)| g.as_ref().map(|g| (v * g).sum()))
                .sum(),
        }
    }
}

/// Everything fixed while probing one model at one point.
pub(crate) struct Prober<'a, M: Model + ?Sized> {
    pub bound: &'a Bound<'a, M>,
    pub base: &'a [Array2<f64>],
    pub base_eval: &'a Eval,
    pub step: f64,
    pub sweep: Option<&'a [f64]>,
    pub tol: &'a Tolerances,
}

impl<M: Model + ?Sized> Prober<'_, M> {
    /// Probes `dir`, labelled `param`/`probe`, against `analytic`.
    #[track_caller]
    pub fn probe(&self, dir: &Dir, param: &str, probe: Probe, analytic: f64) -> Row {
        let h = self.step;
        let plus = self.bound.eval(&dir.apply(self.base, h));
        let minus = self.bound.eval(&dir.apply(self.base, -h));
        let numeric = centered(plus.loss, minus.loss, h);
        let rel = relative_error(analytic, numeric);
        let mut row = Row {
            param: param.to_string(),
            probe,
            analytic,
            numeric,
            rel_error: rel,
            band: self.tol.band(rel),
            verdict: Verdict::Pass,
            kink: None,
            note: None,
            value: dir.value(self.base),
        };
        let base_logs = &self.base_eval.logs;
        let mut crossed = crossings(&minus.logs, &plus.logs);
        crossed.extend(crossings(base_logs, &plus.logs));
        crossed.extend(crossings(&minus.logs, base_logs));
        if let Some(&first) = crossed.first() {
            let mut unique = crossed.clone();
            unique.sort_by_key(|c| (c.node, c.element));
            unique.dedup_by_key(|c| (c.node, c.element));
            let (left, right) = one_sided(minus.loss, self.base_eval.loss, plus.loss, h);
            let at = |logs: &[DecisionLog]| branch_at(logs, first.node, first.element);
            row.kink = Some(KinkInfo {
                crossing: first,
                count: unique.len(),
                left_slope: left,
                right_slope: right,
                sides: [at(&minus.logs), at(base_logs), at(&plus.logs)],
                value_at_x: value_at(base_logs, first.node, first.element),
            });
            row.verdict = if let Some(why) = non_finite(analytic, numeric, rel) {
                row.note = Some(why);
                Verdict::Fail
            } else if between(analytic, left, right, self.tol.subgradient) {
                Verdict::Subgradient
            } else {
                Verdict::KinkCrossed
            };
            return row;
        }
        if let Some(why) = non_finite(analytic, numeric, rel) {
            // No step sweep: a non-finite tape gradient stays non-finite.
            row.verdict = Verdict::Fail;
            row.note = Some(why);
            return row;
        }
        if self.tol.passes(analytic, numeric, self.base_eval.loss) {
            return row;
        }
        row.verdict = Verdict::Fail;
        if let Some(steps) = self.sweep {
            self.sweep(dir, &mut row, steps);
        }
        row
    }

    /// Re-measures a failing row at each step; if one agrees (and crosses no
    /// kink), the row passes with a note naming that step.
    #[track_caller]
    fn sweep(&self, dir: &Dir, row: &mut Row, steps: &[f64]) {
        let mut seen = Vec::new();
        for &h in steps {
            let plus = self.bound.eval(&dir.apply(self.base, h));
            let minus = self.bound.eval(&dir.apply(self.base, -h));
            if !crossings(&minus.logs, &plus.logs).is_empty() {
                seen.push(format!("h={h:e}: kink"));
                continue;
            }
            let n = centered(plus.loss, minus.loss, h);
            let rel = relative_error(row.analytic, n);
            seen.push(format!("h={h:e}: {rel:.1e}"));
            if self.tol.passes(row.analytic, n, self.base_eval.loss) {
                row.verdict = Verdict::Pass;
                row.note = Some(format!(
                    "bad step, not a bad gradient: h={h:e} agrees (rel.err {rel:.1e})"
                ));
                return;
            }
        }
        row.note = Some(format!("wrong at every step: {}", seen.join(", ")));
    }
}

/// The branch `logs` recorded for `node`'s `element`, if it logged that node.
fn branch_at(logs: &[DecisionLog], node: NodeId, element: (usize, usize)) -> Option<Branch> {
    let log = logs.iter().find(|l| l.node == node)?;
    log.branches
        .get(element.0 * log.shape.cols + element.1)
        .copied()
}

/// The value `logs` recorded `node`'s decision at `element` on.
fn value_at(logs: &[DecisionLog], node: NodeId, element: (usize, usize)) -> Option<f64> {
    let log = logs.iter().find(|l| l.node == node)?;
    log.at(element).map(|(_, v)| v)
}

/// Why a row with these values must fail outright, if any is NaN or ∞
/// (a kink or a step sweep never excuses a non-finite gradient).
fn non_finite(analytic: f64, numeric: f64, rel: f64) -> Option<String> {
    if !analytic.is_finite() {
        Some(format!("the tape's gradient is {analytic}"))
    } else if !numeric.is_finite() {
        Some(format!(
            "the finite difference is {numeric}: the loss is not finite at x±h"
        ))
    } else if !rel.is_finite() {
        Some(format!("the relative error is {rel}"))
    } else {
        None
    }
}
