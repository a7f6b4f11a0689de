//! Helpers for the rest of the CS231n gradient-checking advice:
//!
//! * check the data loss and the regularization term **separately**, and
//!   say when regularization dominates the gradient (then a bug in the data
//!   loss's gradient hides under it) — [`GradCheck::check_split`];
//! * check after a **burn-in** of a few training steps, since at
//!   initialization many units sit in unusual regimes —
//!   [`GradCheck::check_after_burn_in`];
//! * warn when raw values are **tiny** (or huge), where finite differences
//!   lose their digits, and print them — done on every check.

use std::fmt;

use autograd::Param;
use ndarray::Array2;

use crate::check::GradCheck;
use crate::eval::{Bound, Model, output_shape};
use crate::report::{CheckKind, Report};

/// The two reports of [`GradCheck::check_split`] and what they say together.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitReport {
    /// The data loss alone.
    pub data: Report,
    /// The regularization term alone.
    pub regularization: Report,
    /// Per input, `‖∇reg‖_F / ‖∇data‖_F` (∞ when the data gradient is zero).
    pub dominance: Vec<(String, f64)>,
}

impl SplitReport {
    /// Inputs whose gradient the regularization term dominates (ratio > 1).
    pub fn dominated(&self) -> impl Iterator<Item = &(String, f64)> {
        self.dominance.iter().filter(|(_, r)| *r > 1.0)
    }

    /// Panics unless both reports pass.
    #[track_caller]
    pub fn assert_ok(&self) {
        self.data.assert_ok();
        self.regularization.assert_ok();
    }
}

impl fmt::Display for SplitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "== data loss ==\n{}", self.data)?;
        writeln!(f, "== regularization ==\n{}", self.regularization)?;
        for (name, ratio) in &self.dominance {
            let verdict = if *ratio > 1.0 {
                "  <- regularization dominates"
            } else {
                ""
            };
            writeln!(f, "‖∇reg‖/‖∇data‖ for {name}: {ratio:.3e}{verdict}")?;
        }
        Ok(())
    }
}

/// Frobenius norms of `∂(Σ f)/∂input` (plain upstream of ones).
#[track_caller]
fn grad_norms<M: Model + ?Sized>(
    gc: &GradCheck,
    model: &M,
    names: &[String],
    values: &[Array2<f64>],
) -> Vec<f64> {
    let seed = gc.seed;
    let bound = Bound {
        model,
        rng_seed: seed,
        weights: Array2::ones(output_shape(model, seed, values)),
    };
    bound
        .analytic(names, values)
        .grads
        .iter()
        .map(|g| {
            g.as_ref()
                .map_or(0.0, |g| g.iter().map(|x| x * x).sum::<f64>().sqrt())
        })
        .collect()
}

impl GradCheck {
    /// Checks the data loss and the regularization term separately, and
    /// measures how much each input's gradient comes from each.
    ///
    /// ```
    /// use gradcheck::GradCheck;
    /// use ndarray::array;
    /// let x = array![[1.0, -2.0]];
    /// let split = GradCheck::new().check_split(
    ///     &[("W", array![[0.3], [0.2]])],
    ///     |t, p, _| t.constant(x.clone()).matmul(p[0]).relu().sum(),
    ///     |t, p, _| (p[0] * p[0]).sum() * t.scalar(100.0), // a huge λ
    /// );
    /// split.assert_ok();
    /// assert_eq!(split.dominated().count(), 1); // W's gradient is mostly regularization
    /// ```
    ///
    /// # Panics
    /// As [`GradCheck::check`].
    #[track_caller]
    pub fn check_split<D: Model, R: Model>(
        &self,
        inputs: &[(&str, Array2<f64>)],
        data: D,
        reg: R,
    ) -> SplitReport {
        let names: Vec<String> = inputs.iter().map(|(n, _)| n.to_string()).collect();
        let values: Vec<Array2<f64>> = inputs.iter().map(|(_, v)| v.clone()).collect();
        let mut data_report = self.run(names.clone(), values.clone(), &data, CheckKind::FirstOrder);
        let mut reg_report = self.run(names.clone(), values.clone(), &reg, CheckKind::FirstOrder);
        let nd = grad_norms(self, &data, &names, &values);
        let nr = grad_norms(self, &reg, &names, &values);
        let dominance: Vec<(String, f64)> = names
            .iter()
            .zip(nd.iter().zip(&nr))
            .map(|(n, (&d, &r))| {
                let ratio = if d == 0.0 {
                    if r == 0.0 { 0.0 } else { f64::INFINITY }
                } else {
                    r / d
                };
                (n.clone(), ratio)
            })
            .collect();
        for (n, ratio) in &dominance {
            if *ratio > 1.0 {
                let w = format!(
                    "regularization dominates the gradient of `{n}` (‖∇reg‖/‖∇data‖ = {ratio:.3e}): \
                     a bug in the data loss's gradient would hide under it"
                );
                data_report.warnings.push(w.clone());
                reg_report.warnings.push(w);
            }
        }
        SplitReport {
            data: data_report,
            regularization: reg_report,
            dominance,
        }
    }

    /// Runs `step(i, params)` for `i in 0..steps` (your training step), then
    /// checks `model` at the trained parameters.
    ///
    /// ```
    /// use autograd::{Param, Tape};
    /// use gradcheck::GradCheck;
    /// use ndarray::array;
    /// let mut params = vec![Param::new("w", array![[2.0, -1.0]])];
    /// fn loss<'t>(w: autograd::Var<'t, f64>) -> autograd::Var<'t, f64> {
    ///     (w * w).sum() + w.sum()
    /// }
    /// let report = GradCheck::new().check_after_burn_in(
    ///     &mut params,
    ///     5,
    ///     |_, ps| {
    ///         let g = { let t = Tape::new(); let w = t.param(&ps[0]); loss(w).backward()[w].clone() };
    ///         ps[0].update(|v| v.scaled_add(-0.1, &g));
    ///     },
    ///     |_, p, _| loss(p[0]),
    /// );
    /// report.assert_ok();
    /// assert!(params[0].value()[[0, 0]] < 2.0); // the burn-in trained
    /// ```
    ///
    /// # Panics
    /// As [`GradCheck::check`] (panics in `step` are its own).
    #[track_caller]
    pub fn check_after_burn_in<S, M>(
        &self,
        params: &mut [Param<f64>],
        steps: usize,
        mut step: S,
        model: M,
    ) -> Report
    where
        S: FnMut(usize, &mut [Param<f64>]),
        M: Model,
    {
        for i in 0..steps {
            step(i, params);
        }
        let refs: Vec<&Param<f64>> = params.iter().collect();
        self.check_params(&refs, model)
    }
}
