//! W2 measured in pairs: the tape step, the hand-written step and the
//! step's GEMMs alone run in alternation, round after round, and each
//! ratio is taken within a round.
//!
//! Why, beside criterion's `mlp_step`: criterion measures one function
//! after another, each for a few seconds, and on a shared machine whose
//! speed drifts by 10–20 % over a minute a slow spell can land on one side
//! of a ratio only. Pairing puts it on both sides. The rotation of the
//! order within each round keeps any "runs right after X" effect from
//! favouring one contestant. Prints, per configuration, the median of the
//! per-round ratios and their interquartile range.
//!
//! `W2_ROUNDS` sets the number of rounds (default 31).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use autograd::{Float, Tape};
use benches::data::SplitMix;
use benches::mlp::{self, GemmBuffers, Mlp};

/// Steps timed together in one measurement (a few tens of milliseconds).
const STEPS_PER_MEASUREMENT: usize = 4;

/// The 25th, 50th and 75th percentiles of `values`.
fn quartiles(mut values: Vec<f64>) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.25), at(0.5), at(0.75)]
}

fn paired<F: Float>(sizes: &[usize], batch: usize, rounds: usize) {
    let mut rng = SplitMix::new(7);
    let classes = *sizes.last().expect("sizes");
    let x = Arc::new(rng.matrix::<F>(batch, sizes[0], 1.0));
    let labels = rng.labels(batch, classes);
    let (lr, reg) = (F::of(1e-3), F::of(1e-4));
    let mut tape_net = Mlp::<F>::new(sizes, 1);
    let mut hand_net = Mlp::<F>::new(sizes, 1);
    let gemm_net = Mlp::<F>::new(sizes, 1);
    let mut tape = Tape::new();
    let mut buffers = GemmBuffers::new(&gemm_net, batch);

    let mut run = |which: usize| {
        let start = Instant::now();
        for _ in 0..STEPS_PER_MEASUREMENT {
            match which {
                0 => {
                    black_box(mlp::tape_step(
                        &mut tape,
                        &mut tape_net,
                        &x,
                        &labels,
                        reg,
                        lr,
                    ));
                }
                1 => {
                    let grads = mlp::hand_grads(&hand_net, &x, &labels, reg);
                    mlp::sgd(&mut hand_net, &grads, lr);
                    black_box(grads.loss);
                }
                _ => mlp::gemms_only(&gemm_net, &x, black_box(&mut buffers)),
            }
        }
        start.elapsed().as_secs_f64() / STEPS_PER_MEASUREMENT as f64
    };
    for which in 0..3 {
        run(which); // warm-up: caches, buffer cache, page faults
    }
    let (mut tape_ratio, mut hand_ratio, mut gemm_ms) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut seconds = [0.0; 3];
        for k in 0..3 {
            let which = (round + k) % 3;
            seconds[which] = run(which);
        }
        tape_ratio.push(seconds[0] / seconds[2]);
        hand_ratio.push(seconds[1] / seconds[2]);
        gemm_ms.push(seconds[2] * 1e3);
    }
    let name: Vec<String> = sizes.iter().map(usize::to_string).collect();
    let [t25, t50, t75] = quartiles(tape_ratio);
    let [h25, h50, h75] = quartiles(hand_ratio);
    let [_, g50, _] = quartiles(gemm_ms);
    println!(
        "W2 {} batch {batch}/{}: tape/GEMMs {t50:.3} (IQR {t25:.3}–{t75:.3}), \
         hand/GEMMs {h50:.3} (IQR {h25:.3}–{h75:.3}), GEMMs {g50:.2} ms",
        name.join("-"),
        F::NAME,
    );
}

fn main() {
    let rounds = std::env::var("W2_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(31);
    println!("{rounds} rounds of {STEPS_PER_MEASUREMENT} steps each, order rotated per round");
    paired::<f32>(&[3072, 100, 10], 256, rounds);
    paired::<f64>(&[3072, 100, 10], 256, rounds);
    paired::<f32>(&[784, 512, 512, 10], 128, rounds);
    paired::<f64>(&[784, 512, 512, 10], 128, rounds);
}
