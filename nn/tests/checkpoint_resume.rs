//! Resuming continues bit for bit (issue 12): with the same seed, a run
//! interrupted after epoch k, saved, and resumed into a freshly built model
//! (other initial weights) ends with the same parameters, batch-norm
//! buffers and optimizer state as an uninterrupted run, bit for bit.
//!
//! There is no trainer or first-order optimizer yet, so the loop is
//! written here: each epoch shuffles and draws dropout masks from
//! `epoch_rng(seed, epoch)`, and SGD with momentum keeps its velocities and
//! step count in a `State` — the optimizer-state path a real one will use.

use std::path::Path;

use autograd::{Float, Tape};
use ndarray::{Array2, Axis};
use nn::checkpoint::{TrainingCheckpoint, epoch_rng};
use nn::layers::Activation;
use nn::optim::State;
use nn::{Ctx, Mlp, Module, losses};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

const SEED: u64 = 2024;
const EPOCHS: u64 = 6;
const BATCH: usize = 8;

fn build<F: Float>(init_seed: u64) -> Mlp<F> {
    Mlp::<F>::builder(&[4, 12, 8, 3])
        .activation(Activation::Tanh)
        .batch_norm(true)
        .dropout(0.8)
        .build(&mut StdRng::seed_from_u64(init_seed))
        .unwrap()
}

fn data<F: Float>() -> (Array2<F>, Vec<usize>) {
    let x = Array2::from_shape_fn((40, 4), |(i, j)| {
        F::of(((i * 7 + j * 3) as f64 * 0.61).sin())
    });
    let labels = (0..40).map(|i| (i * 5 / 3) % 3).collect();
    (x, labels)
}

/// SGD with momentum 0.9: `v ← 0.9·v − lr·g`, `w ← w + v`. Its state:
/// arrays `"{i}:{name}/v"`, scalars `"t"` (steps) and `"lr"`.
fn sgd_state<F: Float>(model: &Mlp<F>) -> State<F> {
    let mut s = State::new("sgd_momentum");
    for (i, p) in model.params().iter().enumerate() {
        s.arrays.insert(
            format!("{i}:{}/v", p.name()),
            Array2::zeros(p.value().dim()),
        );
    }
    s.scalars.insert("t".into(), 0.0);
    s.scalars.insert("lr".into(), 0.05);
    s
}

/// Runs epochs `from..to`, updating `model` and `state`.
fn run<F: Float>(model: &mut Mlp<F>, state: &mut State<F>, from: u64, to: u64) {
    let (x, labels) = data::<F>();
    let lr = F::of(state.scalar("lr").unwrap());
    for epoch in from..to {
        let mut rng = epoch_rng(SEED, epoch);
        let mut order: Vec<usize> = (0..x.nrows()).collect();
        order.shuffle(&mut rng);
        for batch in order.chunks(BATCH) {
            let xb = x.select(Axis(0), batch);
            let yb: Vec<usize> = batch.iter().map(|&i| labels[i]).collect();
            let tape = Tape::new();
            let mut ctx = Ctx::train(&tape).with_rng(&mut rng);
            let loss =
                losses::softmax_cross_entropy(model.forward(&mut ctx, tape.constant(xb)), &yb);
            let grads = loss.backward();
            let g: Vec<_> = model
                .params()
                .iter()
                .map(|p| ctx.grad(&grads, p).unwrap().clone())
                .collect();
            let names: Vec<String> = model
                .params()
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{i}:{}/v", p.name()))
                .collect();
            for ((p, g), name) in model.params_mut().into_iter().zip(g).zip(names) {
                let v = state.arrays.get_mut(&name).unwrap();
                v.zip_mut_with(&g, |v, &g| *v = F::of(0.9) * *v - lr * g);
                p.update(|w| *w += &*v);
            }
            *state.scalars.get_mut("t").unwrap() += 1.0;
        }
    }
}

/// Parameters, buffers and optimizer arrays, as raw bits.
fn bits<F: Float>(model: &Mlp<F>, state: &State<F>) -> Vec<Vec<u64>> {
    let b = |a: &Array2<F>| a.iter().map(|v| v.as_f64().to_bits()).collect::<Vec<_>>();
    let params = model.params().into_iter().map(|p| b(p.value()));
    let buffers = model.buffers().into_iter().map(|a| b(&a));
    params
        .chain(buffers)
        .chain(state.arrays.values().map(b))
        .collect()
}

/// Straight run vs. interrupted after epoch `k` and resumed from a file.
fn resume_matches<F: Float>(k: u64, path: &Path) {
    let mut straight = build::<F>(0);
    let mut straight_state = sgd_state(&straight);
    run(&mut straight, &mut straight_state, 0, EPOCHS);

    {
        let mut first = build::<F>(0);
        let mut state = sgd_state(&first);
        run(&mut first, &mut state, 0, k);
        let mut ckpt = TrainingCheckpoint::new(SEED, serde_json::json!({ "epochs": EPOCHS }));
        ckpt.epoch = k;
        ckpt.step = state.scalar("t").unwrap() as u64;
        ckpt.states.insert("optim".into(), state);
        ckpt.save(&first, path).unwrap();
    } // the interrupted process is gone

    let mut resumed = build::<F>(99); // other initial weights: all come from the file
    let ckpt = TrainingCheckpoint::<F>::load(&mut resumed, path).unwrap();
    assert_eq!(ckpt.seed, SEED);
    assert_eq!(ckpt.step, k * 5);
    let mut state = ckpt.states["optim"].clone();
    run(&mut resumed, &mut state, ckpt.epoch, EPOCHS);
    assert_eq!(
        bits(&resumed, &state),
        bits(&straight, &straight_state),
        "k = {k}"
    );
    assert_eq!(state.scalar("t"), straight_state.scalar("t"));

    // The comparison can fail: resuming with the optimizer state dropped,
    // or without the running statistics, ends elsewhere.
    let mut no_optim = build::<F>(99);
    let ckpt = TrainingCheckpoint::<F>::load(&mut no_optim, path).unwrap();
    let mut fresh_state = sgd_state(&no_optim);
    run(&mut no_optim, &mut fresh_state, ckpt.epoch, EPOCHS);
    assert_ne!(
        bits(&no_optim, &fresh_state)[..1],
        bits(&straight, &straight_state)[..1]
    );
    let mut no_buffers = build::<F>(99);
    TrainingCheckpoint::<F>::load(&mut no_buffers, path).unwrap();
    no_buffers.set_buffers(&build::<F>(99).buffers()).unwrap();
    let mut state = ckpt.states["optim"].clone();
    run(&mut no_buffers, &mut state, ckpt.epoch, EPOCHS);
    let n_params = straight.params().len();
    let buffers = |m: &Mlp<F>, s: &State<F>| bits(m, s)[n_params..n_params + 4].to_vec();
    assert_ne!(
        buffers(&no_buffers, &state),
        buffers(&straight, &straight_state)
    );
}

#[test]
fn an_interrupted_and_resumed_run_ends_bit_for_bit_where_a_straight_one_does() {
    let dir = std::env::temp_dir().join(format!("nn-ckpt-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for k in [1, 3, 5] {
        resume_matches::<f64>(k, &dir.join("f64.safetensors"));
    }
    resume_matches::<f32>(2, &dir.join("f32.safetensors"));
    std::fs::remove_dir_all(&dir).unwrap();
}
