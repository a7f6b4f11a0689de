//! One digits epoch with the `train` example's default net (64-256-10,
//! ReLU, dropout 0.9, Adam, L2 1e-4, batches of 64, standardized inputs,
//! the 1,258-example training split without augmentation), through
//! `nn::train::Trainer` — and the trainer's overhead: its epoch against a
//! bare `train_step` loop over the same batches.
//!
//! The trainer's epoch does more than the loop: the divergence check
//! (every gradient's norm), evaluation of the whole training and
//! validation sets, and the probe batch's layer statistics. Two ratios
//! are printed, measured in pairs (contestants alternating, median of the
//! per-round ratios, as `paired.rs` does): the whole epoch, and the epoch
//! with the per-epoch evaluation switched off (`probe_rows: 0` and the
//! timing of the steps only), the issue's ≤ 1.05 target.
//! `TRAIN_ROUNDS` sets the number of rounds (default 15).

use std::hint::black_box;
use std::time::Instant;

use autograd::{Tape, Var};
use criterion::{BatchSize, Criterion, criterion_group};
use nn::data::{Batches, Dataset, Fractions, Split, digits};
use nn::optim::{Adam, AdamConfig, train_step};
use nn::preprocess::{Standardize, Transform};
use nn::train::{TrainConfig, Trainer};
use nn::{Mlp, Module, Penalty, Regularizer, losses};
use rand::SeedableRng;

fn data() -> (Dataset<f32>, Dataset<f32>) {
    let split = Split::stratified(&digits::load::<f32>(), Fractions::default(), 0).unwrap();
    let prep = Standardize::fit(split.train.features()).unwrap();
    let f = |ds: &Dataset<f32>| {
        Dataset::new(
            "digits",
            prep.apply(ds.features()).unwrap(),
            ds.labels().clone(),
            10,
            vec![64],
        )
        .unwrap()
    };
    (f(&split.train), f(&split.val))
}

fn net() -> Mlp<f32> {
    Mlp::<f32>::builder(&[64, 256, 10])
        .dropout(0.9)
        .build(&mut rand::rngs::StdRng::seed_from_u64(1))
        .unwrap()
}

fn softmax<'t>(s: Var<'t, f32>, y: &[usize]) -> Var<'t, f32> {
    losses::softmax_cross_entropy(s, y)
}

fn adam() -> Adam<f32> {
    Adam::new(AdamConfig {
        lr: 1e-3,
        ..Default::default()
    })
    .unwrap()
}

/// One trainer epoch; `probe_rows` 0 skips the layer statistics.
fn trainer_epoch(
    m: &mut Mlp<f32>,
    opt: &mut Adam<f32>,
    train: &Dataset<f32>,
    val: &Dataset<f32>,
    probe_rows: usize,
) {
    let cfg = TrainConfig {
        epochs: 1,
        probe_rows,
        restore_best: false,
        ..Default::default()
    };
    let reg = Regularizer::new(Penalty::l2(1e-4));
    let r = Trainer::new(cfg)
        .regularizer(reg)
        .fit(m, opt, train, val, softmax, |_| Ok(()));
    black_box(r.unwrap());
}

/// The same batches (same shuffle seed) through bare `train_step`s.
fn bare_epoch(m: &mut Mlp<f32>, opt: &mut Adam<f32>, train: &Dataset<f32>, tape: &mut Tape<f32>) {
    use rand::RngExt;
    let mut rng = nn::checkpoint::epoch_rng(0, 0);
    let mut batches = Batches::new(train, 64, rng.random()).unwrap();
    let reg = Regularizer::new(Penalty::l2(1e-4));
    while let Some(b) = batches.next_batch() {
        let loss = train_step(tape, m, opt, Some(&mut rng), |m, ctx| {
            let s = m.forward(ctx, ctx.tape().constant(b.x.clone()));
            softmax(s, b.labels) + reg.loss(ctx, &m.params())
        });
        black_box(loss);
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Paired rounds: (trainer full / bare, trainer without probe and with the
/// evaluation's share removed / bare).
fn paired() {
    let (train, val) = data();
    let rounds: usize = std::env::var("TRAIN_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    let mut tape = Tape::new();
    let (mut full, mut steps_only, mut bare_t) = (Vec::new(), Vec::new(), Vec::new());
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64()
    };
    for round in 0..=rounds {
        // Every contestant starts from the same fresh net: a net trained
        // for hundreds of epochs drifts into subnormal gradients, which
        // slows whichever side runs later.
        let (mut m, mut opt) = (net(), adam());
        let t_full = time(&mut || trainer_epoch(&mut m, &mut opt, &train, &val, 128));
        let (mut m, mut opt) = (net(), adam());
        let t_bare = time(&mut || bare_epoch(&mut m, &mut opt, &train, &mut tape));
        // The evaluation the trainer adds (both sets, eval mode), timed alone.
        let t_eval = time(&mut || {
            black_box(
                nn::train::evaluate(
                    &m,
                    train.features(),
                    train.labels().classes().unwrap(),
                    &softmax,
                )
                .unwrap(),
            );
            black_box(
                nn::train::evaluate(
                    &m,
                    val.features(),
                    val.labels().classes().unwrap(),
                    &softmax,
                )
                .unwrap(),
            );
        });
        let (mut m, mut opt) = (net(), adam());
        let t_noprobe = time(&mut || trainer_epoch(&mut m, &mut opt, &train, &val, 0));
        if round > 0 {
            full.push(t_full / t_bare);
            steps_only.push((t_noprobe - t_eval) / t_bare);
            bare_t.push(t_bare);
        }
    }
    println!(
        "train_epoch paired ({rounds} rounds): bare epoch {:.2} ms; trainer/bare: whole epoch {:.3}, steps only {:.3} (target <= 1.05)",
        1e3 * median(bare_t),
        median(full),
        median(steps_only)
    );
}

fn bench(c: &mut Criterion) {
    let (train, val) = data();
    let mut tape = Tape::new();
    let fresh = || (net(), adam());
    let mut g = c.benchmark_group("digits_epoch");
    g.sample_size(20);
    g.bench_function("trainer", |b| {
        let epoch = |(mut m, mut o): (Mlp<f32>, Adam<f32>)| {
            trainer_epoch(&mut m, &mut o, &train, &val, 128)
        };
        b.iter_batched(fresh, epoch, BatchSize::SmallInput)
    });
    g.bench_function("bare_train_step", |b| {
        let epoch =
            |(mut m, mut o): (Mlp<f32>, Adam<f32>)| bare_epoch(&mut m, &mut o, &train, &mut tape);
        b.iter_batched(fresh, epoch, BatchSize::SmallInput)
    });
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    paired();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
