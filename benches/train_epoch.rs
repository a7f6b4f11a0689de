//! One digits epoch with the `train` example's default net (64-256-10,
//! ReLU, dropout 0.9, Adam, L2 1e-4, batches of 64, standardized inputs,
//! the 1,258-example training split without augmentation), through
//! `nn::train::Trainer` — and the trainer's overhead over a bare loop.
//!
//! The bare loop is what a person writes by hand to train and keep the
//! best model: `train_step` over the same batches, then the validation set
//! in evaluation mode. The trainer adds the babysitting: the divergence
//! check (every gradient's norm), running training accuracy, ‖Δw‖/‖w‖ and
//! the layer statistics of the epoch's last step, the metrics records.
//! Measured in pairs (contestants alternating, median of the per-round
//! ratios, as `paired.rs` does): the trainer's defaults (the issue's
//! ≤ 1.05 target) and, for information, the trainer with the evaluated
//! extras (`TrainAccuracy::Evaluated` on 2048 rows, `LayerProbe::Rows(128)`).
//! `TRAIN_ROUNDS` sets the number of rounds (default 15); `TRAIN_COPIES=9`
//! trains on the training part repeated 9 times, the size of the `train`
//! example's augmented epoch.
//!
//! On a loaded machine wall-clock ratios drift; instructions do not.
//! `TRAIN_ONLY=bare|trainer|extras TRAIN_EPOCHS=k` runs just k fresh epochs
//! of one contestant and exits, for counting under
//! `valgrind --tool=callgrind` (the difference of two k is per epoch).

use std::hint::black_box;
use std::time::Instant;

use autograd::{Tape, Var};
use criterion::{BatchSize, Criterion, criterion_group};
use nn::data::{Batches, Dataset, Fractions, Split, digits};
use nn::optim::{Adam, AdamConfig, train_step};
use nn::preprocess::{Standardize, Transform};
use nn::train::{LayerProbe, TrainAccuracy, TrainConfig, Trainer};
use nn::{Mlp, Module, Penalty, Regularizer, losses};
use rand::SeedableRng;

/// The standardized digits split; `TRAIN_COPIES=9` repeats the training
/// part 9 times, the size of the `train` example's augmented set (each
/// image and its 8 one-pixel shifts: 11,322 rows, 177 steps an epoch).
fn data() -> (Dataset<f32>, Dataset<f32>) {
    let split = Split::stratified(&digits::load::<f32>(), Fractions::default(), 0).unwrap();
    let prep = Standardize::fit(split.train.features()).unwrap();
    let copies: usize = std::env::var("TRAIN_COPIES")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let f = |ds: &Dataset<f32>, copies: usize| {
        let x = prep.apply(ds.features()).unwrap();
        let views = vec![x.view(); copies];
        let labels = ds.labels().classes().unwrap().repeat(copies);
        Dataset::new(
            "digits",
            ndarray::concatenate(ndarray::Axis(0), &views).unwrap(),
            nn::data::Labels::Classes(labels),
            10,
            vec![64],
        )
        .unwrap()
    };
    (f(&split.train, copies), f(&split.val, 1))
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

/// One trainer epoch, with its defaults or with the evaluated extras.
fn trainer_epoch(
    m: &mut Mlp<f32>,
    opt: &mut Adam<f32>,
    train: &Dataset<f32>,
    val: &Dataset<f32>,
    extras: bool,
) {
    let mut cfg = TrainConfig {
        epochs: 1,
        restore_best: false,
        ..Default::default()
    };
    if extras {
        cfg.train_accuracy = TrainAccuracy::Evaluated { rows: 2048 };
        cfg.layer_probe = LayerProbe::Rows(128);
    }
    let reg = Regularizer::new(Penalty::l2(1e-4));
    let r = Trainer::new(cfg)
        .regularizer(reg)
        .fit(m, opt, train, val, softmax, |_| Ok(()));
    black_box(r.unwrap());
}

/// The same batches (same shuffle seed) through bare `train_step`s, then
/// the validation set in evaluation mode.
fn bare_epoch(
    m: &mut Mlp<f32>,
    opt: &mut Adam<f32>,
    train: &Dataset<f32>,
    val: &Dataset<f32>,
    tape: &mut Tape<f32>,
) {
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
    let labels = val.labels().classes().unwrap();
    black_box(nn::train::evaluate(m, val.features(), labels, &softmax).unwrap());
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Paired rounds: trainer (defaults) / bare, trainer with extras / bare.
fn paired() {
    let (train, val) = data();
    let rounds: usize = std::env::var("TRAIN_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    let mut tape = Tape::new();
    let (mut defaults, mut extras, mut bare_t) = (Vec::new(), Vec::new(), Vec::new());
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64()
    };
    for round in 0..=rounds {
        // Every contestant starts from the same fresh net: a net trained
        // for hundreds of epochs drifts into subnormal gradients, which
        // slows whichever side runs later. The order rotates each round.
        let mut t = [0.0; 3];
        for k in 0..3 {
            let who = (k + round) % 3;
            let (mut m, mut opt) = (net(), adam());
            t[who] = match who {
                0 => time(&mut || bare_epoch(&mut m, &mut opt, &train, &val, &mut tape)),
                1 => time(&mut || trainer_epoch(&mut m, &mut opt, &train, &val, false)),
                _ => time(&mut || trainer_epoch(&mut m, &mut opt, &train, &val, true)),
            };
        }
        if round > 0 {
            defaults.push(t[1] / t[0]);
            extras.push(t[2] / t[0]);
            bare_t.push(t[0]);
        }
    }
    let iqr = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        (v[v.len() / 4], v[3 * v.len() / 4])
    };
    let (d_lo, d_hi) = iqr(&defaults);
    println!(
        "train_epoch paired ({rounds} rounds, {} training rows): bare epoch {:.2} ms; trainer/bare: defaults {:.3} (IQR {d_lo:.3}-{d_hi:.3}, target <= 1.05), with evaluated extras {:.3}",
        train.len(),
        1e3 * median(bare_t),
        median(defaults),
        median(extras)
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
            trainer_epoch(&mut m, &mut o, &train, &val, false)
        };
        b.iter_batched(fresh, epoch, BatchSize::SmallInput)
    });
    g.bench_function("bare_train_step", |b| {
        let epoch = |(mut m, mut o): (Mlp<f32>, Adam<f32>)| {
            bare_epoch(&mut m, &mut o, &train, &val, &mut tape)
        };
        b.iter_batched(fresh, epoch, BatchSize::SmallInput)
    });
    g.finish();
}

criterion_group!(benches, bench);

/// `TRAIN_ONLY`: k fresh epochs of one contestant (see the module doc).
fn only(who: &str) {
    let (train, val) = data();
    let k: usize = std::env::var("TRAIN_EPOCHS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let mut tape = Tape::new();
    for _ in 0..k {
        let (mut m, mut opt) = (net(), adam());
        match who {
            "bare" => bare_epoch(&mut m, &mut opt, &train, &val, &mut tape),
            "trainer" => trainer_epoch(&mut m, &mut opt, &train, &val, false),
            "extras" => trainer_epoch(&mut m, &mut opt, &train, &val, true),
            other => panic!("TRAIN_ONLY must be bare, trainer or extras, not {other:?}"),
        }
    }
}

fn main() {
    if let Ok(who) = std::env::var("TRAIN_ONLY") {
        return only(&who);
    }
    paired();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
