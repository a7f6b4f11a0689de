//! The notes' checks "before learning", each returning a [`SanityResult`]
//! whose `detail` holds the numbers (print it with [`line()`]):
//!
//! * [`chance_loss`]: with small weights and λ = 0 the data loss is the
//!   chance value — ln C for softmax ([`softmax_chance`]), C − 1 for the
//!   SVM ([`svm_chance`]) — within a stated tolerance;
//! * [`reg_increases_loss`]: a larger λ gives a larger total loss;
//! * [`overfits_tiny`]: with λ = 0 the model reaches 100% training
//!   accuracy on a small subset within a bounded number of full-batch steps;
//! * [`gradient_check`]: a sample of entries of every parameter against
//!   centred differences (via [`crate::check`]), after a short burn-in.
//!
//! The gradient check runs in `f64` (finite differences need the digits):
//! for an `f32` model, build the same architecture as `Mlp<f64>` (same
//! sizes, same seed) and check that — the code path (layers, loss,
//! regularizer) is the one the `f32` model runs.

use autograd::{Float, Tape};
use gradcheck::GradCheck;
use ndarray::Array2;

use super::evaluate::evaluate;
use super::metrics::SanityResult;
use super::trainer::DataLoss;
use crate::optim::{Optimizer, train_step};
use crate::{Ctx, Mode, Module, Regularizer};

/// ln C: the softmax loss of uniform scores over `classes`.
pub fn softmax_chance(classes: usize) -> f64 {
    (classes as f64).ln()
}

/// C − 1: the SVM loss (margin 1) of all-equal scores.
pub fn svm_chance(classes: usize) -> f64 {
    classes as f64 - 1.0
}

/// `"PASS loss at chance: …"` / `"FAIL …"`.
pub fn line(r: &SanityResult) -> String {
    format!(
        "{} {}: {}",
        if r.passed { "PASS" } else { "FAIL" },
        r.name,
        r.detail
    )
}

fn result(name: &str, passed: bool, detail: String) -> SanityResult {
    SanityResult {
        name: name.into(),
        passed,
        detail,
    }
}

/// The data loss of `model` on `(x, labels)` (evaluation mode, no
/// regularization) is within `tol` of `expected`.
pub fn chance_loss<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    x: &Array2<F>,
    labels: &[usize],
    loss: impl DataLoss<F>,
    expected: f64,
    tol: f64,
) -> SanityResult {
    let name = "loss at chance";
    match evaluate(model, x, labels, &loss) {
        Ok((l, _)) => result(
            name,
            (l - expected).abs() <= tol,
            format!("{l:.4} vs expected {expected:.4} (tolerance {tol})"),
        ),
        Err(e) => result(name, false, e.to_string()),
    }
}

/// The total loss (data + `regularizer(λ)`) rises strictly along the
/// increasing `lambdas`.
pub fn reg_increases_loss<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    x: &Array2<F>,
    labels: &[usize],
    loss: impl DataLoss<F>,
    regularizer: impl Fn(f64) -> Regularizer,
    lambdas: &[f64],
) -> SanityResult {
    let name = "regularization raises the loss";
    let mut totals = Vec::with_capacity(lambdas.len());
    for &lambda in lambdas {
        let tape = Tape::new();
        let mut ctx = Ctx::eval(&tape);
        let scores = match model.try_forward(&mut ctx, tape.constant(x.clone())) {
            Ok(s) => s,
            Err(e) => return result(name, false, e.to_string()),
        };
        let total = loss(scores, labels) + regularizer(lambda).loss(&mut ctx, &model.params());
        totals.push(total.item().as_f64());
    }
    let passed = totals.windows(2).all(|w| w[1] > w[0]);
    let pairs: Vec<String> = lambdas
        .iter()
        .zip(&totals)
        .map(|(l, t)| format!("λ={l:e}: {t:.4}"))
        .collect();
    result(name, passed, pairs.join(", "))
}

/// Full-batch training on `(x, labels)` (a small subset, λ = 0) reaches
/// 100% training accuracy within `max_steps`. Changes `model`: pass a copy.
#[allow(clippy::too_many_arguments)]
pub fn overfits_tiny<F: Float, M: Module<F> + ?Sized, O: Optimizer<F> + ?Sized>(
    model: &mut M,
    optimizer: &mut O,
    x: &Array2<F>,
    labels: &[usize],
    loss: impl DataLoss<F>,
    max_steps: usize,
    seed: u64,
) -> SanityResult {
    let name = "overfit a tiny subset";
    let mut rng = crate::checkpoint::epoch_rng(seed, 0);
    let mut tape = Tape::new();
    let mut last = f64::NAN;
    for step in 0..=max_steps {
        match evaluate(model, x, labels, &loss) {
            Ok((_, 1.0)) => {
                return result(
                    name,
                    true,
                    format!(
                        "100% of {} examples after {step} steps (limit {max_steps})",
                        labels.len()
                    ),
                );
            }
            Ok(_) => {}
            Err(e) => return result(name, false, e.to_string()),
        }
        if step == max_steps {
            break;
        }
        last = train_step(
            &mut tape,
            model,
            optimizer,
            Some(&mut rng),
            |m, ctx| match m.try_forward(ctx, ctx.tape().constant(x.clone())) {
                Ok(s) => loss(s, labels),
                Err(_) => ctx.tape().scalar(F::of(f64::NAN)),
            },
        )
        .as_f64();
    }
    let acc = evaluate(model, x, labels, &loss).map_or(f64::NAN, |r| r.1);
    result(
        name,
        false,
        format!(
            "{:.1}% of {} examples after {max_steps} steps (loss {last:.4})",
            100.0 * acc,
            labels.len()
        ),
    )
}

/// Checks up to `per_param` entries of every parameter of the `f64`
/// `model` (data loss + `regularizer`, training mode: dropout masks held
/// fixed by the checker) against centred differences.
pub fn gradient_check<M: Module<f64> + ?Sized>(
    model: &M,
    x: &Array2<f64>,
    labels: &[usize],
    loss: impl DataLoss<f64>,
    regularizer: &Regularizer,
    per_param: usize,
) -> SanityResult {
    let name = "gradient check";
    let checker = GradCheck::new().sample(per_param);
    let params: Vec<_> = model.params().into_iter().cloned().collect();
    let report = crate::check::try_check_with_head(
        &checker,
        &model_as_dyn(model),
        x,
        Mode::Train,
        |ctx, y| loss(y, labels) + regularizer.loss(ctx, &params.iter().collect::<Vec<_>>()),
    );
    match report {
        Ok(r) => {
            let worst = r.worst_normwise();
            let failures = r.failures().count();
            result(
                name,
                r.passed(),
                format!(
                    "{} parameters, ≤{per_param} entries each: {failures} failures, worst normwise error {worst:.2e}",
                    params.len()
                ),
            )
        }
        Err(e) => result(name, false, e.to_string()),
    }
}

/// `&M` as the `&dyn Module<f64>` the checker takes.
struct AsDyn<'m, M: ?Sized>(&'m M);
impl<M: Module<f64> + ?Sized> Module<f64> for AsDyn<'_, M> {
    fn try_forward<'t>(
        &self,
        ctx: &mut Ctx<'t, '_, f64>,
        x: autograd::Var<'t, f64>,
    ) -> autograd::Result<autograd::Var<'t, f64>> {
        self.0.try_forward(ctx, x)
    }
    fn params(&self) -> Vec<&autograd::Param<f64>> {
        self.0.params()
    }
    fn params_mut(&mut self) -> Vec<&mut autograd::Param<f64>> {
        Vec::new() // never called by the checker
    }
    fn describe(&self) -> String {
        self.0.describe()
    }
}
fn model_as_dyn<M: Module<f64> + ?Sized>(m: &M) -> AsDyn<'_, M> {
    AsDyn(m)
}
