//! The optimizer comparison behind `examples/optimizers.rs` (issue 10):
//! the same 2-64-3 ReLU net (f64, He init from one seed) on the same
//! spiral data, trained by SGD, momentum, Nesterov, Adagrad, RMSprop,
//! Adam and full-batch L-BFGS.
//!
//! Every method is full batch, so the curves differ by the update rule
//! alone, not by mini-batch sampling noise, and L-BFGS (a full-batch
//! method) is on the same footing. The x axis is *gradient evaluations*:
//! one per step for the first-order methods; for L-BFGS, the line
//! search's evaluations too (L-BFGS is stepped one iteration per call to
//! record each accepted iterate, and each call evaluates its start point
//! once more — a cost the curve and the table include).

use std::io;
use std::path::{Path, PathBuf};

use autograd::Tape;
use ndarray::Array2;
use nn::init::Init;
use nn::layers::Activation;
use nn::optim::{
    Adagrad, AdagradConfig, Adam, AdamConfig, Lbfgs, LbfgsOptions, Momentum, MomentumConfig,
    Nesterov, NesterovConfig, Optimizer, RmsProp, RmsPropConfig, Sgd, SgdConfig, StopReason,
    train_step,
};
use nn::{Ctx, Mlp, Module, losses};

use crate::report::charts::{Axes, Series, Style, line_chart};

/// The network's layer sizes.
pub const SIZES: [usize; 3] = [2, 64, 3];

/// One optimizer's run.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizerRun {
    /// The optimizer (`"SGD"`, `"L-BFGS"`).
    pub name: String,
    /// Its hyperparameters, in one line.
    pub settings: String,
    /// `(gradient evaluations so far, loss)` after every step, starting
    /// with `(0, initial loss)`.
    pub curve: Vec<(usize, f64)>,
    /// Parameter updates made (accepted iterations for L-BFGS).
    pub steps: usize,
    /// Gradient evaluations spent.
    pub evaluations: usize,
    /// The full-batch loss at the final parameters.
    pub final_loss: f64,
    /// Training accuracy at the final parameters.
    pub accuracy: f64,
    /// Why it stopped, when before its step budget (L-BFGS only).
    pub stopped_early: Option<String>,
}

/// The comparison: every run and the chart written.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// One run per optimizer, first-order ones first, L-BFGS last.
    pub runs: Vec<OptimizerRun>,
    /// The loss at the shared initialization.
    pub initial_loss: f64,
    /// The SVG of the loss curves.
    pub chart: PathBuf,
}

fn network(seed: u64) -> Mlp<f64> {
    Mlp::new(&SIZES, Activation::ReLU, Init::He, &mut crate::rng(seed))
}

/// The full-batch loss and training accuracy of `net`.
fn evaluate(net: &Mlp<f64>, x: &Array2<f64>, y: &[usize]) -> (f64, f64) {
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let scores = net.forward(&mut ctx, tape.constant(x.clone()));
    let loss = losses::softmax_cross_entropy(scores, y).item();
    (loss, crate::accuracy(scores.value().view(), y))
}

/// Trains a fresh network (init `seed`) with `opt` for `steps` full-batch
/// steps.
fn first_order(
    name: &str,
    settings: String,
    mut opt: impl Optimizer<f64>,
    steps: usize,
    seed: u64,
    x: &Array2<f64>,
    y: &[usize],
) -> OptimizerRun {
    let mut net = network(seed);
    let mut tape = Tape::new();
    let mut curve = vec![(0, evaluate(&net, x, y).0)];
    for step in 1..=steps {
        train_step(&mut tape, &mut net, &mut opt, None, |net, ctx| {
            let scores = net.forward(ctx, ctx.tape().constant(x.clone()));
            losses::softmax_cross_entropy(scores, y)
        });
        // `train_step` returns the loss *before* its update; record the
        // loss after it, so every curve point is the parameters' loss.
        curve.push((step, evaluate(&net, x, y).0));
    }
    let (final_loss, accuracy) = evaluate(&net, x, y);
    OptimizerRun {
        name: name.into(),
        settings,
        curve,
        steps,
        evaluations: steps,
        final_loss,
        accuracy,
        stopped_early: None,
    }
}

/// Full-batch L-BFGS for at most `iterations` accepted steps.
fn lbfgs(iterations: usize, seed: u64, x: &Array2<f64>, y: &[usize]) -> io::Result<OptimizerRun> {
    let mut net = network(seed);
    let mut solver = Lbfgs::new(LbfgsOptions {
        max_iterations: 1,
        ..LbfgsOptions::default()
    })
    .map_err(io::Error::other)?;
    let mut curve = vec![(0, evaluate(&net, x, y).0)];
    let (mut steps, mut evaluations, mut stopped_early) = (0, 0, None);
    while steps < iterations {
        let report = solver
            .minimize_module(&mut net, |net| {
                let tape = Tape::new();
                let mut ctx = Ctx::train(&tape);
                let scores = net.forward(&mut ctx, tape.constant(x.clone()));
                let loss = losses::try_softmax_cross_entropy(scores, y)?;
                let grads = loss.backward();
                let g = net
                    .params()
                    .iter()
                    .map(|p| {
                        ctx.grad(&grads, p)
                            .cloned()
                            .unwrap_or_else(|| Array2::zeros(p.value().dim()))
                    })
                    .collect();
                Ok((loss.item(), g))
            })
            .map_err(io::Error::other)?;
        steps += report.iterations;
        evaluations += report.evaluations;
        if report.iterations > 0 {
            curve.push((evaluations, report.loss));
        }
        if report.stop != StopReason::IterationLimit {
            stopped_early = Some(format!("{:?}", report.stop));
            break;
        }
    }
    let (final_loss, accuracy) = evaluate(&net, x, y);
    Ok(OptimizerRun {
        name: "L-BFGS".into(),
        settings: "history 10, Wolfe".into(),
        curve,
        steps,
        evaluations,
        final_loss,
        accuracy,
        stopped_early,
    })
}

/// Runs all seven optimizers on the spiral (`per_class` points per arm,
/// data seed 0, init seed 1): the first-order ones for `steps` steps,
/// L-BFGS for at most `lbfgs_iterations`; writes `optimizers.svg` (loss
/// against gradient evaluations, log scale) into `out_dir`.
///
/// # Errors
/// Creating `out_dir` or writing the chart; an optimizer configuration
/// or L-BFGS error (as [`io::Error::other`]).
pub fn run(
    per_class: usize,
    steps: usize,
    lbfgs_iterations: usize,
    out_dir: &Path,
) -> io::Result<Comparison> {
    let (x, y) = crate::spiral(per_class, 3, 0);
    let seed = 1;
    let initial_loss = evaluate(&network(seed), &x, &y).0;
    let cfg = io::Error::other;
    let runs = vec![
        first_order(
            "SGD",
            "lr 0.5".into(),
            Sgd::new(SgdConfig { lr: 0.5 }).map_err(cfg)?,
            steps,
            seed,
            &x,
            &y,
        ),
        first_order(
            "Momentum",
            "lr 0.1, μ 0.9".into(),
            Momentum::new(MomentumConfig { lr: 0.1, mu: 0.9 }).map_err(cfg)?,
            steps,
            seed,
            &x,
            &y,
        ),
        first_order(
            "Nesterov",
            "lr 0.1, μ 0.9".into(),
            Nesterov::new(NesterovConfig { lr: 0.1, mu: 0.9 }).map_err(cfg)?,
            steps,
            seed,
            &x,
            &y,
        ),
        first_order(
            "Adagrad",
            "lr 0.1".into(),
            Adagrad::new(AdagradConfig {
                lr: 0.1,
                ..Default::default()
            })
            .map_err(cfg)?,
            steps,
            seed,
            &x,
            &y,
        ),
        first_order(
            "RMSprop",
            "lr 0.005, ρ 0.99".into(),
            RmsProp::new(RmsPropConfig {
                lr: 0.005,
                ..Default::default()
            })
            .map_err(cfg)?,
            steps,
            seed,
            &x,
            &y,
        ),
        first_order(
            "Adam",
            "lr 0.01, β 0.9/0.999".into(),
            Adam::new(AdamConfig {
                lr: 0.01,
                ..Default::default()
            })
            .map_err(cfg)?,
            steps,
            seed,
            &x,
            &y,
        ),
        lbfgs(lbfgs_iterations, seed, &x, &y)?,
    ];
    std::fs::create_dir_all(out_dir)?;
    let chart = out_dir.join("optimizers.svg");
    std::fs::write(&chart, loss_curves(&runs)?)?;
    Ok(Comparison {
        runs,
        initial_loss,
        chart,
    })
}

/// The loss curves as an SVG line chart (log y).
///
/// # Errors
/// A plotters drawing error.
pub fn loss_curves(runs: &[OptimizerRun]) -> io::Result<String> {
    let series: Vec<Series> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let points = r.curve.iter().map(|&(e, l)| (e as f64, l)).collect();
            // Nesterov and momentum nearly coincide here; dashing one
            // keeps both visible.
            let style = if r.name == "Nesterov" {
                Style::Dashed
            } else {
                Style::Line
            };
            Series::new(&r.name, points, i, style)
        })
        .collect();
    let axes = Axes {
        title: "Spiral, 2-64-3 ReLU net, full batch: loss per optimizer",
        x_label: "gradient evaluations (one per step for first-order methods)",
        y_label: "training loss (log scale)",
        log_y: true,
        y_range: None,
    };
    line_chart(&axes, &series)
}

/// The table the example prints: one row per optimizer.
pub fn table(comparison: &Comparison) -> String {
    let mut out = format!(
        "{:<9} {:<24} {:>6} {:>6} {:>11} {:>9}\n",
        "optimizer", "settings", "steps", "evals", "final loss", "accuracy"
    );
    for r in &comparison.runs {
        out.push_str(&format!(
            "{:<9} {:<24} {:>6} {:>6} {:>11.4e} {:>8.1}%\n",
            r.name,
            r.settings,
            r.steps,
            r.evaluations,
            r.final_loss,
            100.0 * r.accuracy
        ));
    }
    for r in &comparison.runs {
        if let Some(why) = &r.stopped_early {
            out.push_str(&format!("{} stopped early: {why}\n", r.name));
        }
    }
    out
}
