//! W1 and W2 measured in pairs: the contestants of a workload (tape,
//! hand-written, and for W2 the step's GEMMs alone) run in alternation,
//! round after round, and each ratio is taken within one round.
//!
//! Why, beside criterion's `tape_overhead` and `mlp_step`: criterion
//! measures one function after another, each for a few seconds, and on a
//! shared machine whose speed drifts by 10–20 % over a minute a slow spell
//! can land on one side of a ratio only. Pairing puts it on both sides; the
//! order rotates every round so "runs right after X" favours no one.
//! Prints, per configuration, the median of the per-round ratios to the
//! floor and their interquartile range.
//!
//! Also one optimizer step per `nn::optim` optimizer against its
//! hand-written loop (the floor).
//!
//! `PAIRED_ROUNDS` sets the number of rounds (default 31); `PAIRED_ONLY`
//! = `optim`, `w1` or `w2` runs just that group.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use autograd::{Float, Tape};
use benches::chain;
use benches::data::SplitMix;
use benches::mlp::{self, GemmBuffers, Mlp};
use benches::optim::{self, Floor, Setup};
use nn::optim::{Sgd, SgdConfig};

/// The 25th, 50th and 75th percentiles of `values`.
fn quartiles(mut values: Vec<f64>) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.25), at(0.5), at(0.75)]
}

/// Runs each contestant `reps` times per measurement, all of them once per
/// round in rotated order, after one warm-up round; prints each one's
/// per-round time relative to the last contestant (the floor).
fn pair_up(
    title: &str,
    names: &[&str],
    contestants: &mut [&mut dyn FnMut()],
    reps: usize,
    rounds: usize,
) {
    let n = contestants.len();
    let mut measure = |k: usize| {
        let start = Instant::now();
        for _ in 0..reps {
            contestants[k]();
        }
        start.elapsed().as_secs_f64() / reps as f64
    };
    for k in 0..n {
        measure(k); // warm-up: caches, the buffer cache, page faults
    }
    let mut ratios = vec![Vec::with_capacity(rounds); n - 1];
    let mut floor = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut seconds = vec![0.0; n];
        for k in 0..n {
            let which = (round + k) % n;
            seconds[which] = measure(which);
        }
        for (k, r) in ratios.iter_mut().enumerate() {
            r.push(seconds[k] / seconds[n - 1]);
        }
        floor.push(seconds[n - 1]);
    }
    let mut line = format!("{title}:");
    for (name, r) in names.iter().zip(ratios) {
        let [q1, median, q3] = quartiles(r);
        line += &format!(
            " {name}/{} {median:.3} (IQR {q1:.3}–{q3:.3}),",
            names[n - 1]
        );
    }
    let [_, floor, _] = quartiles(floor);
    line += &match floor {
        s if s >= 1e-3 => format!(" {} {:.2} ms", names[n - 1], s * 1e3),
        s => format!(" {} {:.1} µs", names[n - 1], s * 1e6),
    };
    println!("{line}");
}

fn w1<F: Float>(rounds: usize) {
    const NODES: usize = 1000;
    let mut rng = SplitMix::new(42);
    let (x, w, b) = (
        rng.matrix::<F>(4, 4, 1.0),
        rng.matrix(4, 4, 1.0),
        rng.matrix(4, 4, 0.5),
    );
    let mut tape = Tape::new();
    let mut on_tape = || {
        black_box(chain::on_tape(&mut tape, &x, &w, &b, NODES));
    };
    let mut by_hand = || {
        black_box(chain::by_hand(&x, &w, &b, NODES));
    };
    pair_up(
        &format!("W1 chain of {NODES} 4x4 nodes/{}", F::NAME),
        &["tape", "hand"],
        &mut [&mut on_tape, &mut by_hand],
        40,
        rounds,
    );
}

fn w2<F: Float>(sizes: &[usize], batch: usize, rounds: usize) {
    let mut rng = SplitMix::new(7);
    let classes = *sizes.last().expect("sizes");
    let x = Arc::new(rng.matrix::<F>(batch, sizes[0], 1.0));
    let labels = rng.labels(batch, classes);
    let (lr, reg) = (F::of(1e-3), F::of(1e-4));
    let (mut tape_net, mut hand_net) = (Mlp::<F>::new(sizes, 1), Mlp::<F>::new(sizes, 1));
    let gemm_net = Mlp::<F>::new(sizes, 1);
    let mut tape = Tape::new();
    let mut buffers = GemmBuffers::new(&gemm_net, batch);
    let mut sgd = Sgd::new(SgdConfig { lr: lr.as_f64() }).expect("a valid rate");
    let mut tape_step = || {
        black_box(mlp::tape_step(
            &mut tape,
            &mut tape_net,
            &x,
            &labels,
            reg,
            &mut sgd,
        ));
    };
    let mut hand_step = || {
        let grads = mlp::hand_grads(&hand_net, &x, &labels, reg);
        mlp::sgd(&mut hand_net, &grads, lr);
        black_box(grads.loss);
    };
    let mut gemms = || mlp::gemms_only(&gemm_net, &x, black_box(&mut buffers));
    let name: Vec<String> = sizes.iter().map(usize::to_string).collect();
    pair_up(
        &format!("W2 {} batch {batch}/{}", name.join("-"), F::NAME),
        &["tape", "hand", "GEMMs"],
        &mut [&mut tape_step, &mut hand_step, &mut gemms],
        4,
        rounds,
    );
}

/// One optimizer step on a 3072×100 parameter against the hand-written
/// loop over the same kind of buffers (`benches::optim`): target ≤ 1.1×.
fn optimizers<F: Float>(rounds: usize) {
    for name in optim::NAMES {
        let mut setup = Setup::<F>::new(3072, 100);
        let mut opt = optim::optimizer::<F>(name);
        let g = setup.gradient().to_vec();
        let mut floor = Floor::new(name, setup.param.value().as_slice().expect("row-major"));
        let mut library = || setup.step(black_box(opt.as_mut()));
        let mut by_hand = || floor.step(black_box(&g));
        pair_up(
            &format!("optimizer step 3072x100/{} {name}", F::NAME),
            &["optimizer", "loop"],
            &mut [&mut library, &mut by_hand],
            100,
            rounds,
        );
    }
}

fn main() {
    let rounds = std::env::var("PAIRED_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(31);
    println!("{rounds} rounds per configuration, order rotated every round");
    // `PAIRED_ONLY=optim`, `=w1` or `=w2` runs one group (the others take minutes).
    let only = std::env::var("PAIRED_ONLY").unwrap_or_default();
    if only.is_empty() || only == "optim" {
        optimizers::<f32>(rounds);
    }
    if only == "optim" {
        return;
    }
    if only.is_empty() || only == "w1" {
        w1::<f32>(rounds);
        w1::<f64>(rounds);
    }
    if only == "w1" {
        return;
    }
    w2::<f32>(&[3072, 100, 10], 256, rounds);
    w2::<f64>(&[3072, 100, 10], 256, rounds);
    w2::<f32>(&[784, 512, 512, 10], 128, rounds);
    w2::<f64>(&[784, 512, 512, 10], 128, rounds);
}
