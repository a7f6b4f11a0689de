//! No allocation after the first step: every optimizer's `step` (with and
//! without clipping and weight decay) allocates its state on a parameter's
//! first update and nothing afterwards, and neither does a Polyak update.
//!
//! A test binary of its own because it installs a counting global
//! allocator, and a single test so no other test thread allocates while
//! the count runs (the harness's own thread can: see `fewest_allocations`).

use std::alloc::System;

use autograd::{Float, Param, Tape};
use ndarray::Array2;
use nn::optim::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn params<F: Float>() -> Vec<Param<F>> {
    let fill = |r: usize, c: usize| {
        Array2::from_shape_fn((r, c), |(i, j)| {
            F::of(((i * 7 + j * 3) % 11) as f64 * 0.1 - 0.5)
        })
    };
    vec![
        Param::new("W1", fill(64, 32)),
        Param::new("b1", fill(1, 32)),
        Param::new("W2", fill(32, 10)),
    ]
}

/// Gradients for `ps` (loss Σ w² per parameter), with the tape reset.
fn grads<F: Float>(tape: &mut Tape<F>, ps: &[Param<F>]) -> ParamGrads<F> {
    tape.reset();
    let g = {
        let vars: Vec<_> = ps.iter().map(|p| tape.param(p)).collect();
        let loss = vars
            .iter()
            .map(|v| v.sum_squares())
            .reduce(|a, b| a + b)
            .unwrap();
        let mut g = ParamGrads::new(loss.backward());
        for (p, v) in ps.iter().zip(&vars) {
            g.insert(p, v.key());
        }
        g
    };
    tape.reset();
    g
}

fn optimizers<F: Float>(options: Options) -> Vec<Box<dyn Optimizer<F>>> {
    vec![
        Box::new(
            Sgd::new(SgdConfig::default())
                .unwrap()
                .with_options(options)
                .unwrap(),
        ),
        Box::new(
            Momentum::new(MomentumConfig::default())
                .unwrap()
                .with_options(options)
                .unwrap(),
        ),
        Box::new(
            Nesterov::new(NesterovConfig::default())
                .unwrap()
                .with_options(options)
                .unwrap(),
        ),
        Box::new(
            Adagrad::new(AdagradConfig::default())
                .unwrap()
                .with_options(options)
                .unwrap(),
        ),
        Box::new(
            RmsProp::new(RmsPropConfig::default())
                .unwrap()
                .with_options(options)
                .unwrap(),
        ),
        Box::new(
            Adam::new(AdamConfig::default())
                .unwrap()
                .with_options(options)
                .unwrap(),
        ),
    ]
}

/// (allocations, reallocations) during `f`, the fewest over three runs.
///
/// The counter is process-wide, and the test harness's own thread
/// occasionally allocates while a test runs; code that allocates
/// allocates on every run, so the minimum still catches it.
fn fewest_allocations(mut f: impl FnMut()) -> (usize, usize) {
    (0..3)
        .map(|_| {
            let region = Region::new(GLOBAL);
            f();
            let stats = region.change();
            (stats.allocations, stats.reallocations)
        })
        .min()
        .expect("three runs")
}

fn check<F: Float>() {
    let plain = Options::default();
    let all_on = Options {
        weight_decay: 0.01,
        clip_norm: Some(0.5),
    };
    for options in [plain, all_on] {
        for mut opt in optimizers::<F>(options) {
            let mut ps = params::<F>();
            let mut tape = Tape::new();
            let g = grads(&mut tape, &ps);
            let mut refs: Vec<&mut Param<F>> = ps.iter_mut().collect();
            opt.step(&mut refs, &g); // first step: state made here
            let stats = fewest_allocations(|| {
                for _ in 2..=10 {
                    opt.step(&mut refs, &g);
                }
            });
            assert_eq!(
                stats,
                (0, 0),
                "{} ({options:?}, {}) allocated in steps 2..=10",
                opt.name(),
                F::NAME
            );
        }
    }
    let ps = params::<F>();
    let refs: Vec<&Param<F>> = ps.iter().collect();
    let mut ema = Polyak::new(0.99).unwrap();
    ema.update(&refs);
    let stats = fewest_allocations(|| {
        for _ in 0..5 {
            ema.update(&refs);
        }
    });
    assert_eq!(stats, (0, 0), "polyak update allocated");
}

#[test]
fn no_allocation_after_the_first_step() {
    check::<f32>();
    check::<f64>();
}
