//! Printing a [`Report`] as an aligned table: a title with the overall
//! outcome, a summary per tensor, one row per probe, lints and warnings.
//!
//! Kink rows name the branches in words (`negative`, `on the kink`,
//! `argument 1`, `tie`, …, see [`crate::branches`]) and the probed entry's
//! value. A second-order report has its own title and column names, since
//! there "analytic" is the tape's Hessian–vector product.

use std::fmt;

use super::{CheckKind, Probe, Report, Row};
use crate::branches::describe_sides;
use autograd::ties::Branch;

fn sci(x: f64) -> String {
    format!("{x:.6e}")
}

/// A value as a learner would write it: `0`, `-0.25`, `1e-7`, `1e12`.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        format!("{x}")
    } else if (1e-3..1e4).contains(&x.abs()) {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        // Four significant digits: 1.000e-7, not 1.0000000005838672e-7.
        let s = format!("{x:.3e}");
        match s.split_once('e') {
            Some((m, e)) => {
                let m = if m.contains('.') {
                    m.trim_end_matches('0').trim_end_matches('.')
                } else {
                    m
                };
                format!("{m}e{e}")
            }
            None => s,
        }
    }
}

impl Report {
    fn title(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = if self.nothing_checked().is_some() {
            "nothing was checked".to_string()
        } else if self.passed() {
            "passed".to_string()
        } else {
            format!(
                "FAIL ({} of {} rows)",
                self.failures().count(),
                self.rows.len()
            )
        };
        match self.kind {
            _ if self.unchecked.is_some() => {
                writeln!(f, "gradient check: h = {:e} — {outcome}", self.step)?
            }
            CheckKind::FirstOrder => writeln!(
                f,
                "gradient check: L = {}, h = {:e} — {outcome}",
                sci(self.loss),
                self.step
            )?,
            CheckKind::SecondOrder => {
                writeln!(
                    f,
                    "second-order gradient check (Hessian–vector products): q = ⟨∇L, v⟩ = {}, \
                     h = {:e} — {outcome}",
                    sci(self.loss),
                    self.step
                )?;
                writeln!(
                    f,
                    "  tape Hv = the tape's ∇⟨∇L, v⟩ (backward recorded with grad_graph, then \
                     differentiated); FD of ⟨∇L,v⟩ = centered differences of ⟨∇L, v⟩ with ∇L \
                     from an ordinary first-order backward"
                )?;
            }
        }
        if let Some(why) = self.nothing_checked() {
            writeln!(f, "  nothing was checked: {why}")?;
        }
        Ok(())
    }

    fn kink_text(&self, r: &Row) -> Option<String> {
        let k = r.kink.as_ref()?;
        let c = &k.crossing;
        let (row, col) = c.element;
        let mut s = format!(
            "{} = {} at [{row},{col}]: {}",
            c.node,
            c.op,
            describe_sides(c.op, k.sides)
        );
        // In plain words: did the op's input sit on the kink, or near it,
        // and at what value?
        let bounds = c.op == "clamp";
        let text = match (k.sides[1], k.value_at_x.map(short)) {
            (Some(Branch::TIE), Some(v)) if bounds => {
                format!(" (its input is {v} at x: exactly on a bound)")
            }
            (Some(Branch::TIE), Some(v)) => format!(" (its candidates tie exactly at x, at {v})"),
            (Some(Branch::TIE), None) => " (its candidates tie exactly at x)".to_string(),
            (Some(Branch::KINK), Some(v)) => {
                format!(" (its input is {v} at x: exactly on the kink)")
            }
            (Some(Branch::KINK), None) => " (its input sits exactly on the kink at x)".to_string(),
            (_, Some(v)) => format!(" (its input is {v} at x, within h of the kink)"),
            (_, None) => " (its input is within h of the kink)".to_string(),
        };
        s.push_str(&text);
        if let (Some(v), Probe::Entry(pr, pc)) = (r.value, r.probe) {
            s.push_str(&format!(", probed {}[{pr},{pc}] = {}", r.param, short(v)));
        }
        if k.count > 1 {
            s.push_str(&format!(" (+{} more)", k.count - 1));
        }
        s.push_str(&format!(
            "; one-sided slopes [{}, {}]",
            sci(k.left_slope),
            sci(k.right_slope)
        ));
        Some(s)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.title(f)?;
        let tensors = self.tensors();
        let w = tensors
            .iter()
            .map(|t| t.name.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        if !tensors.is_empty() {
            writeln!(
                f,
                "  {:<w$}  {:>7}  {:>12}  {:<13}  failures",
                "tensor", "checked", "normwise", "worst band"
            )?;
        }
        for t in &tensors {
            writeln!(
                f,
                "  {:<w$}  {:>7}  {:>12}  {:<13}  {}",
                t.name,
                t.checked,
                format!("{:.3e}", t.normwise),
                t.worst_band,
                t.failures
            )?;
        }
        let pw = self
            .rows
            .iter()
            .map(|r| r.param.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        let iw = self
            .rows
            .iter()
            .map(|r| r.probe.to_string().chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        let (analytic, numeric) = match self.kind {
            CheckKind::FirstOrder => ("analytic", "numeric"),
            CheckKind::SecondOrder => ("tape Hv", "FD of ⟨∇L,v⟩"),
        };
        if !self.rows.is_empty() {
            writeln!(
                f,
                "  {:<pw$}  {:<iw$}  {:>14}  {:>14}  {:>10}  {:<13}  {:<11}  kink / note",
                "param", "index", analytic, numeric, "rel.err", "band", "verdict"
            )?;
        }
        for r in &self.rows {
            write!(
                f,
                "  {:<pw$}  {:<iw$}  {:>14}  {:>14}  {:>10}  {:<13}  {:<11}",
                r.param,
                r.probe,
                sci(r.analytic),
                sci(r.numeric),
                format!("{:.2e}", r.rel_error),
                if r.kink.is_some() {
                    "n/a (kink)".to_string()
                } else {
                    r.band.to_string()
                },
                r.verdict
            )?;
            if let Some(k) = self.kink_text(r) {
                write!(f, "  {k}")?;
            }
            if let Some(n) = &r.note {
                write!(f, "  {n}")?;
            }
            writeln!(f)?;
        }
        for l in &self.lints {
            writeln!(f, "  lint: {l}")?;
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}
