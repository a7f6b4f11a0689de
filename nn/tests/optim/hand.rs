//! Each optimizer's first three steps on a two-coordinate parameter,
//! against values computed by hand (written out below), in f64 and f32.
//!
//! The problem: `x₀ = [1, −2]` and the gradient sequence
//! `g₁ = [0.3, −0.6]`, `g₂ = [0.4, 0.8]`, `g₃ = [1.2, −0.75]` — different
//! per coordinate and per step, with a sign change, and chosen so that
//! Adagrad's `√cache` is exact: `[0.3, 0.6]`, `[0.5, 1]`, `[1.3, 1.25]`.
//! ε = 0.01 where there is one, large enough that putting it inside the
//! square root instead of outside would fail these tests.

use autograd::{Float, Param, Tape};
use ndarray::{Array2, array};
use nn::optim::*;

use crate::{close, step_with};

fn gradients<F: Float>() -> [Array2<F>; 3] {
    [
        array![[0.3, -0.6]],
        array![[0.4, 0.8]],
        array![[1.2, -0.75]],
    ]
    .map(|g: Array2<f64>| g.mapv(F::of))
}

/// Runs three steps of `opt` and checks each against `expected[k]`.
fn three_steps<F: Float>(mut opt: impl Optimizer<F>, expected: [[f64; 2]; 3], tol: f64) {
    let mut x = Param::new("x", array![[1.0, -2.0]].mapv(F::of));
    let mut tape = Tape::new();
    for (g, want) in gradients::<F>().into_iter().zip(expected) {
        step_with(&mut opt, &mut tape, &mut [&mut x], &[Some(g)]);
        close(x.value(), &want, tol);
    }
}

/// Both precisions: f64 to 1e-12, f32 to 1e-6.
fn both<O64: Optimizer<f64>, O32: Optimizer<f32>>(
    make64: impl Fn() -> O64,
    make32: impl Fn() -> O32,
    expected: [[f64; 2]; 3],
) {
    three_steps(make64(), expected, 1e-12);
    three_steps(make32(), expected, 1e-6);
}

#[test]
fn sgd_three_steps() {
    // x ← x − 0.1·g
    // x₁ = [1 − 0.03, −2 + 0.06]      = [0.97, −1.94]
    // x₂ = [0.97 − 0.04, −1.94 − 0.08] = [0.93, −2.02]
    // x₃ = [0.93 − 0.12, −2.02 + 0.075] = [0.81, −1.945]
    let cfg = SgdConfig { lr: 0.1 };
    both(
        || Sgd::new(cfg).unwrap(),
        || Sgd::new(cfg).unwrap(),
        [[0.97, -1.94], [0.93, -2.02], [0.81, -1.945]],
    );
}

#[test]
fn momentum_three_steps() {
    // v ← 0.9·v − 0.1·g;  x ← x + v
    // v₁ = [−0.03, 0.06]                                  x₁ = [0.97, −1.94]
    // v₂ = [−0.027 − 0.04, 0.054 − 0.08] = [−0.067, −0.026] x₂ = [0.903, −1.966]
    // v₃ = [−0.0603 − 0.12, −0.0234 + 0.075] = [−0.1803, 0.0516]
    //                                                     x₃ = [0.7227, −1.9144]
    let cfg = MomentumConfig { lr: 0.1, mu: 0.9 };
    both(
        || Momentum::new(cfg).unwrap(),
        || Momentum::new(cfg).unwrap(),
        [[0.97, -1.94], [0.903, -1.966], [0.7227, -1.9144]],
    );
}

#[test]
fn nesterov_three_steps() {
    // Same velocities as momentum; x ← x − 0.9·v_prev + 1.9·v
    // x₁ = [1, −2] + 1.9·[−0.03, 0.06]                  = [0.943, −1.886]
    // x₂ = x₁ − 0.9·[−0.03, 0.06] + 1.9·[−0.067, −0.026]
    //    = [0.943 + 0.027 − 0.1273, −1.886 − 0.054 − 0.0494] = [0.8427, −1.9894]
    // x₃ = x₂ − 0.9·[−0.067, −0.026] + 1.9·[−0.1803, 0.0516]
    //    = [0.8427 + 0.0603 − 0.34257, −1.9894 + 0.0234 + 0.09804]
    //    = [0.56043, −1.86796]
    let cfg = NesterovConfig { lr: 0.1, mu: 0.9 };
    both(
        || Nesterov::new(cfg).unwrap(),
        || Nesterov::new(cfg).unwrap(),
        [[0.943, -1.886], [0.8427, -1.9894], [0.56043, -1.86796]],
    );
}

#[test]
fn adagrad_three_steps() {
    // cache ← cache + g²;  x ← x − 0.1·g/(√cache + 0.01)
    // √cache₁ = [0.3, 0.6]:  x₁ = [1 − 0.03/0.31, −2 + 0.06/0.61]
    // √cache₂ = [0.5, 1.0]:  x₂ = x₁ − [0.04/0.51, 0.08/1.01]
    // √cache₃ = [1.3, 1.25]: x₃ = x₂ − [0.12/1.31, −0.075/1.26]
    let x1 = [1.0 - 0.03 / 0.31, -2.0 + 0.06 / 0.61];
    let x2 = [x1[0] - 0.04 / 0.51, x1[1] - 0.08 / 1.01];
    let x3 = [x2[0] - 0.12 / 1.31, x2[1] + 0.075 / 1.26];
    let cfg = AdagradConfig { lr: 0.1, eps: 0.01 };
    both(
        || Adagrad::new(cfg).unwrap(),
        || Adagrad::new(cfg).unwrap(),
        [x1, x2, x3],
    );
}

#[test]
fn rmsprop_three_steps() {
    // ρ = 0.75: cache ← 0.75·cache + 0.25·g²;  x ← x − 0.1·g/(√cache + 0.01)
    // cache₁ = 0.25·[0.09, 0.36]                    = [0.0225, 0.09] (√: 0.15, 0.3)
    // cache₂ = 0.75·cache₁ + 0.25·[0.16, 0.64]      = [0.056875, 0.2275]
    // cache₃ = 0.75·cache₂ + 0.25·[1.44, 0.5625]    = [0.40265625, 0.31125]
    let x1 = [1.0 - 0.03 / (0.15 + 0.01), -2.0 + 0.06 / (0.3 + 0.01)];
    let x2 = [
        x1[0] - 0.04 / (0.056875f64.sqrt() + 0.01),
        x1[1] - 0.08 / (0.2275f64.sqrt() + 0.01),
    ];
    let x3 = [
        x2[0] - 0.12 / (0.40265625f64.sqrt() + 0.01),
        x2[1] + 0.075 / (0.31125f64.sqrt() + 0.01),
    ];
    let cfg = RmsPropConfig {
        lr: 0.1,
        decay: 0.75,
        eps: 0.01,
    };
    both(
        || RmsProp::new(cfg).unwrap(),
        || RmsProp::new(cfg).unwrap(),
        [x1, x2, x3],
    );
}

#[test]
fn adam_three_steps() {
    // β₁ = 0.9, β₂ = 0.999, ε = 0.01, lr = 0.1.
    // t=1: m = 0.1·g₁ = [0.03, −0.06], v = 0.001·g₁² = [0.00009, 0.00036];
    //      m̂ = m/0.1 = g₁, v̂ = v/0.001 = g₁²: x₁ = x₀ − 0.1·g₁/(|g₁| + 0.01)
    // t=2: m = 0.9·m + 0.1·g₂ = [0.067, 0.026],
    //      v = 0.999·v + 0.001·g₂² = [0.00024991, 0.00099964];
    //      m̂ = m/(1 − 0.81) = m/0.19, v̂ = v/(1 − 0.998001) = v/0.001999
    // t=3: m = 0.9·m + 0.1·g₃ = [0.1803, −0.0516],
    //      v = 0.999·v + 0.001·g₃² = [0.00168966009, 0.00156114036];
    //      m̂ = m/(1 − 0.729) = m/0.271, v̂ = v/(1 − 0.997002999) = v/0.002997001
    let step = |m: f64, v: f64, c1: f64, c2: f64| 0.1 * (m / c1) / ((v / c2).sqrt() + 0.01);
    let x1 = [1.0 - 0.03 / 0.31, -2.0 + 0.06 / 0.61];
    let x2 = [
        x1[0] - step(0.067, 0.00024991, 0.19, 0.001999),
        x1[1] - step(0.026, 0.00099964, 0.19, 0.001999),
    ];
    let x3 = [
        x2[0] - step(0.1803, 0.00168966009, 0.271, 0.002997001),
        x2[1] - step(-0.0516, 0.00156114036, 0.271, 0.002997001),
    ];
    let cfg = AdamConfig {
        lr: 0.1,
        beta1: 0.9,
        beta2: 0.999,
        eps: 0.01,
    };
    both(
        || Adam::new(cfg).unwrap(),
        || Adam::new(cfg).unwrap(),
        [x1, x2, x3],
    );
}

#[test]
fn decoupled_weight_decay_three_steps_with_adam() {
    // AdamW: x ← x·(1 − 0.1·0.5) − (the Adam step above) = 0.95·x − step.
    let step = |m: f64, v: f64, c1: f64, c2: f64| 0.1 * (m / c1) / ((v / c2).sqrt() + 0.01);
    let x1 = [0.95 - 0.03 / 0.31, -1.9 + 0.06 / 0.61];
    let x2 = [
        0.95 * x1[0] - step(0.067, 0.00024991, 0.19, 0.001999),
        0.95 * x1[1] - step(0.026, 0.00099964, 0.19, 0.001999),
    ];
    let x3 = [
        0.95 * x2[0] - step(0.1803, 0.00168966009, 0.271, 0.002997001),
        0.95 * x2[1] - step(-0.0516, 0.00156114036, 0.271, 0.002997001),
    ];
    let cfg = AdamConfig {
        lr: 0.1,
        eps: 0.01,
        ..AdamConfig::default()
    };
    let opts = Options {
        weight_decay: 0.5,
        clip_norm: None,
    };
    both(
        || Adam::new(cfg).unwrap().with_options(opts).unwrap(),
        || Adam::new(cfg).unwrap().with_options(opts).unwrap(),
        [x1, x2, x3],
    );
}

#[test]
fn clipping_scales_by_the_global_norm_three_steps() {
    // Clip at c = 0.5 over two parameters, SGD lr 0.1. Step k's gradients
    // are g_k (for x) and 2·g_k (for y): ‖g‖ = √5·‖g_k‖.
    // ‖g₁‖ = √5·√0.45 = 1.5   → s = 1/3
    // ‖g₂‖ = √5·√0.8 = 2      → s = 1/4
    // ‖g₃‖ = √5·√2.0025 ≈ 3.164 → s = 0.5/√10.0125
    let s3 = 0.5 / 10.0125f64.sqrt();
    let xs = [
        [1.0 - 0.1 * 0.3 / 3.0, -2.0 + 0.1 * 0.6 / 3.0],
        [1.0 - 0.01 - 0.1 * 0.4 / 4.0, -2.0 + 0.02 - 0.1 * 0.8 / 4.0],
    ];
    let x3 = [xs[1][0] - 0.1 * 1.2 * s3, xs[1][1] + 0.1 * 0.75 * s3];
    let mut opt = Sgd::new(SgdConfig { lr: 0.1 })
        .unwrap()
        .with_options(Options {
            weight_decay: 0.0,
            clip_norm: Some(0.5),
        })
        .unwrap();
    let mut x = Param::new("x", array![[1.0, -2.0]]);
    let mut y = Param::new("y", array![[0.0, 0.0]]);
    let mut tape = Tape::new();
    for (g, want) in gradients::<f64>().into_iter().zip([xs[0], xs[1], x3]) {
        let g2 = &g * 2.0;
        step_with(
            &mut opt,
            &mut tape,
            &mut [&mut x, &mut y],
            &[Some(g), Some(g2)],
        );
        close(x.value(), &want, 1e-12);
    }
    // y moved by exactly twice x's steps (same s for both parameters).
    close(
        y.value(),
        &[2.0 * (x3[0] - 1.0), 2.0 * (x3[1] + 2.0)],
        1e-12,
    );
}
