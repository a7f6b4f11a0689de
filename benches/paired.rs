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
//! W1's tape runs twice: with `Var::backward`, which keeps every node's
//! gradient ("tape"), and with `Var::backward_leaves`, which keeps only
//! the leaves' — all W1 returns ("tape leaves").
//!
//! Also one optimizer step per `nn::optim` optimizer against its
//! hand-written loop (the floor).
//!
//! W2's tape step runs twice: on the engine's GEMM rule ("tape") and with
//! every product forced onto matrixmultiply ("tape mm"), the whole-step
//! comparison behind the engine's default backend.
//!
//! W2's GEMM bound is given four ways: every product on matrixmultiply, on
//! faer, on the engine's rule (`autograd::gemm::choose`), and on the faster
//! backend per product as measured at the start of the run ("best", the
//! floor the ratios are taken to).
//!
//! `PAIRED_ROUNDS` sets the number of rounds (default 31); `PAIRED_ONLY`
//! = `optim`, `w1` or `w2` runs just that group; `threads` runs only the W2
//! step at 2 threads against 1, and `consume` the W2 step with
//! `Tape::backward_and_reset` against `backward` then `reset` (neither is
//! part of the default run).

use std::hint::black_box;

use autograd::gemm::{Backend, force_backend};
use autograd::{Float, Tape};
use benches::chain;
use benches::data::SplitMix;
use benches::mlp::{self, GemmBuffers, Mlp, Pick};
use benches::optim::{self, Floor, Setup};
use benches::pairing::pair_up;
use nn::optim::{Sgd, SgdConfig};

fn w1<F: Float>(rounds: usize) {
    const NODES: usize = 1000;
    let mut rng = SplitMix::new(42);
    let (x, w, b) = (
        rng.matrix::<F>(4, 4, 1.0),
        rng.matrix(4, 4, 1.0),
        rng.matrix(4, 4, 0.5),
    );
    let mut tape = Tape::new();
    let mut leaves_tape = Tape::new();
    let mut on_tape = || {
        black_box(chain::on_tape(&mut tape, &x, &w, &b, NODES));
    };
    let mut leaves = || {
        black_box(chain::on_tape_leaves(&mut leaves_tape, &x, &w, &b, NODES));
    };
    let mut by_hand = || {
        black_box(chain::by_hand(&x, &w, &b, NODES));
    };
    pair_up(
        &format!("W1 chain of {NODES} 4x4 nodes/{}", F::NAME),
        &["tape", "tape leaves", "hand"],
        &mut [&mut on_tape, &mut leaves, &mut by_hand],
        40,
        rounds,
    );
}

fn w2<F: Float>(sizes: &[usize], batch: usize, rounds: usize) {
    let (x, labels) = mlp::batch::<F>(sizes, batch);
    let (lr, reg) = (F::of(1e-3), F::of(1e-4));
    let (mut tape_net, mut hand_net) = (Mlp::<F>::new(sizes, 1), Mlp::<F>::new(sizes, 1));
    let mut tape_mm_net = Mlp::<F>::new(sizes, 1);
    let gemm_net = Mlp::<F>::new(sizes, 1);
    let mut tape = Tape::new();
    let mut tape_mm = Tape::new();
    let mut buffers = GemmBuffers::new(&gemm_net, batch);
    let best = mlp::fastest_backends(&gemm_net, &x, &mut buffers, 15);
    let mut sgd = Sgd::new(SgdConfig { lr: lr.as_f64() }).expect("a valid rate");
    let mut sgd_mm = Sgd::new(SgdConfig { lr: lr.as_f64() }).expect("a valid rate");
    // The whole step with every product on matrixmultiply: what decides the
    // engine's default backend (module doc of `autograd::gemm`).
    let mut tape_mm_step = || {
        force_backend(Some(Backend::MatrixMultiply));
        black_box(mlp::tape_step(
            &mut tape_mm,
            &mut tape_mm_net,
            &x,
            &labels,
            reg,
            &mut sgd_mm,
        ));
        force_backend(None);
    };
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
    let mut gemms = |pick| mlp::gemms_only(&gemm_net, &x, black_box(&mut buffers), pick);
    let gemms = std::cell::RefCell::new(&mut gemms);
    let mut mm = || gemms.borrow_mut()(Pick::All(Backend::MatrixMultiply));
    let mut faer = || gemms.borrow_mut()(Pick::All(Backend::Faer));
    let mut engine = || gemms.borrow_mut()(Pick::Engine);
    let mut best_per_shape = || gemms.borrow_mut()(Pick::PerCall(&best));
    let name: Vec<String> = sizes.iter().map(usize::to_string).collect();
    let picked: Vec<&str> = best
        .iter()
        .map(|b| match b {
            Backend::Faer => "faer",
            Backend::MatrixMultiply => "mm",
        })
        .collect();
    let ratios = pair_up(
        &format!(
            "W2 {} batch {batch}/{} (best: {})",
            name.join("-"),
            F::NAME,
            picked.join(",")
        ),
        &[
            "tape",
            "tape mm",
            "hand",
            "GEMMs mm",
            "GEMMs faer",
            "GEMMs engine",
            "GEMMs best",
        ],
        &mut [
            &mut tape_step,
            &mut tape_mm_step,
            &mut hand_step,
            &mut mm,
            &mut faer,
            &mut engine,
            &mut best_per_shape,
        ],
        4,
        rounds,
    );
    // "best" is picked from a short timing at the start, so on a noisy
    // machine one of the other GEMM-only contestants can beat it; the
    // tape against the fastest of the four is the strictest floor.
    let fastest = ratios[3..6]
        .iter()
        .map(|[_, median, _]| *median)
        .fold(1.0, f64::min);
    println!(
        "  tape / fastest GEMM-only contestant: {:.3}",
        ratios[0][1] / fastest
    );
}

/// The tape's W2 step at 1 thread against 2 (`autograd::set_threads`): the
/// printed ratio is the speed-up.
fn w2_threads<F: Float>(sizes: &[usize], batch: usize, rounds: usize) {
    let (x, labels) = mlp::batch::<F>(sizes, batch);
    let reg = F::of(1e-4);
    let mut sgd = Sgd::new(SgdConfig { lr: 1e-3 }).expect("a valid rate");
    let (mut one_net, mut two_net) = (Mlp::<F>::new(sizes, 1), Mlp::<F>::new(sizes, 1));
    let mut tape = Tape::new();
    let mut step = |net: &mut Mlp<F>, threads| {
        autograd::set_threads(threads).expect("at least one thread");
        black_box(mlp::tape_step(&mut tape, net, &x, &labels, reg, &mut sgd));
    };
    let step = std::cell::RefCell::new(&mut step);
    let mut two = || step.borrow_mut()(&mut two_net, 2);
    let mut one = || step.borrow_mut()(&mut one_net, 1);
    let name: Vec<String> = sizes.iter().map(usize::to_string).collect();
    pair_up(
        &format!("W2 threads {} batch {batch}/{}", name.join("-"), F::NAME),
        &["1 thread", "2 threads"],
        &mut [&mut one, &mut two],
        4,
        rounds,
    );
    autograd::set_threads(1).expect("one thread");
}

/// The W2 step with `backward_and_reset` (`mlp::tape_step_consuming`)
/// against `backward` then `reset` (`mlp::tape_step`): the printed ratio
/// is consuming / plain.
fn w2_consume<F: Float>(sizes: &[usize], batch: usize, rounds: usize) {
    let (x, labels) = mlp::batch::<F>(sizes, batch);
    let reg = F::of(1e-4);
    let mut sgd = Sgd::new(SgdConfig { lr: 1e-3 }).expect("a valid rate");
    let (mut a, mut b) = (Mlp::<F>::new(sizes, 1), Mlp::<F>::new(sizes, 1));
    let mut tape = Tape::new();
    let mut step = |net: &mut Mlp<F>, consume: bool| {
        let f = if consume {
            mlp::tape_step_consuming
        } else {
            mlp::tape_step
        };
        black_box(f(&mut tape, net, &x, &labels, reg, &mut sgd));
    };
    let step = std::cell::RefCell::new(&mut step);
    let mut consuming = || step.borrow_mut()(&mut a, true);
    let mut plain = || step.borrow_mut()(&mut b, false);
    let name: Vec<String> = sizes.iter().map(usize::to_string).collect();
    pair_up(
        &format!("W2 consume {} batch {batch}/{}", name.join("-"), F::NAME),
        &["backward_and_reset", "backward"],
        &mut [&mut consuming, &mut plain],
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
    if only == "consume" {
        w2_consume::<f32>(&[3072, 100, 10], 256, rounds);
        w2_consume::<f64>(&[3072, 100, 10], 256, rounds);
        w2_consume::<f32>(&[784, 512, 512, 10], 128, rounds);
        w2_consume::<f64>(&[784, 512, 512, 10], 128, rounds);
        return;
    }
    if only == "threads" {
        w2_threads::<f32>(&[3072, 100, 10], 256, rounds);
        w2_threads::<f64>(&[3072, 100, 10], 256, rounds);
        w2_threads::<f32>(&[784, 512, 512, 10], 128, rounds);
        w2_threads::<f64>(&[784, 512, 512, 10], 128, rounds);
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
