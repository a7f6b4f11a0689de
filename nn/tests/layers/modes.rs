//! The mode-dependent layers (batch norm, dropout) by hand in both modes,
//! the mode switch through a whole network, and the MLP builder's sizes.

use autograd::Tape;
use ndarray::{Array2, array};
use nn::init::{BiasInit, Init};
use nn::layers::{Activation, Affine, BatchNorm, Dropout};
use nn::{Ctx, Mlp, Module, Sequential};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::close;

const EPS: f64 = 1e-5;

/// γ = [2, ½], β = [1, −1].
fn batch_norm() -> BatchNorm<f64> {
    let mut bn = BatchNorm::new("bn", 2);
    let mut ps = bn.params_mut();
    ps[0].set(array![[2.0, 0.5]]);
    ps[1].set(array![[1.0, -1.0]]);
    bn
}

#[test]
fn batch_norm_training_forward_backward_and_running_stats() {
    let bn = batch_norm();
    let x = array![[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]];
    let gy = array![[1.0, -1.0], [2.0, 0.5], [-0.5, 3.0]];
    let tape = Tape::new();
    let mut rng = StdRng::seed_from_u64(0);
    let mut ctx = Ctx::train(&tape).with_rng(&mut rng);
    let xv = tape.leaf(x.clone());
    let y = bn.forward(&mut ctx, xv);

    // By hand: μ = [3, 3]; biased σ² = [(4+0+4)/3, (1+9+4)/3] = [8/3, 14/3].
    let (m, mu, var) = (3.0, [3.0, 3.0], [8.0 / 3.0, 14.0 / 3.0]);
    let std = var.map(|v: f64| (v + EPS).sqrt());
    let (gamma, beta) = ([2.0, 0.5], [1.0, -1.0]);
    let x_hat = Array2::from_shape_fn((3, 2), |(i, j)| (x[[i, j]] - mu[j]) / std[j]);
    let expected = Array2::from_shape_fn((3, 2), |(i, j)| gamma[j] * x_hat[[i, j]] + beta[j]);
    close(&y.value(), &expected);

    let g = y.backward_with(gy.clone());
    // ∂γ = Σ G⊙x̂, ∂β = Σ G, and the textbook batch-norm input gradient
    // ∂x = γ/(m·std) · (m·G − ΣG − x̂·Σ(G⊙x̂)), per column.
    let sum_g = [0, 1].map(|j| (0..3).map(|i| gy[[i, j]]).sum::<f64>());
    let sum_gx = [0, 1].map(|j| (0..3).map(|i| gy[[i, j]] * x_hat[[i, j]]).sum::<f64>());
    close(ctx.grad(&g, bn.gamma()).unwrap(), &array![sum_gx]);
    close(ctx.grad(&g, bn.beta()).unwrap(), &array![sum_g]);
    let dx = Array2::from_shape_fn((3, 2), |(i, j)| {
        gamma[j] / (m * std[j]) * (m * gy[[i, j]] - sum_g[j] - x_hat[[i, j]] * sum_gx[j])
    });
    close(&g[xv], &dx);

    // Running statistics, momentum 0.1, unbiased variance σ²·m/(m−1):
    // mean 0.9·0 + 0.1·3; var 0.9·1 + 0.1·[4, 7].
    close(&bn.running_mean(), &array![[0.3, 0.3]]);
    close(&bn.running_var(), &array![[1.3, 1.6]]);
}

#[test]
fn batch_norm_eval_uses_the_running_statistics() {
    let mut bn = batch_norm();
    bn.set_running_stats(array![[2.0, 1.0]], array![[4.0, 0.25]])
        .unwrap();
    let x = array![[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]];
    let gy = array![[1.0, -1.0], [2.0, 0.5], [-0.5, 3.0]];
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let xv = tape.leaf(x.clone());
    let y = bn.forward(&mut ctx, xv);

    let (mean, std) = ([2.0, 1.0], [(4.0 + EPS).sqrt(), (0.25 + EPS).sqrt()]);
    let (gamma, beta) = ([2.0, 0.5], [1.0, -1.0]);
    let x_hat = Array2::from_shape_fn((3, 2), |(i, j)| (x[[i, j]] - mean[j]) / std[j]);
    let expected = Array2::from_shape_fn((3, 2), |(i, j)| gamma[j] * x_hat[[i, j]] + beta[j]);
    close(&y.value(), &expected);

    // The statistics are constants: each row is an independent affine map.
    let g = y.backward_with(gy.clone());
    close(
        &g[xv],
        &Array2::from_shape_fn((3, 2), |(i, j)| gy[[i, j]] * gamma[j] / std[j]),
    );
    let dgamma = [0, 1].map(|j| (0..3).map(|i| gy[[i, j]] * x_hat[[i, j]]).sum::<f64>());
    close(ctx.grad(&g, bn.gamma()).unwrap(), &array![dgamma]);
    close(ctx.grad(&g, bn.beta()).unwrap(), &array![[2.5, 2.5]]);
    // … and evaluation does not move them
    close(&bn.running_mean(), &array![[2.0, 1.0]]);
    close(&bn.running_var(), &array![[4.0, 0.25]]);
}

#[test]
#[should_panic(expected = "training needs a batch of at least 2 rows")]
fn batch_norm_refuses_a_single_row_in_training() {
    let bn = BatchNorm::<f64>::new("bn", 2);
    let tape = Tape::new();
    let mut rng = StdRng::seed_from_u64(0);
    bn.forward(
        &mut Ctx::train(&tape).with_rng(&mut rng),
        tape.constant(array![[1.0, 2.0]]),
    );
}

/// Dropout's training output on an all-ones `x` is its scaled mask.
fn dropout_mask(p: f64, seed: u64, dim: (usize, usize)) -> Array2<f64> {
    let tape = Tape::new();
    let mut rng = StdRng::seed_from_u64(seed);
    let x = tape.constant(Array2::ones(dim));
    Dropout::new(p)
        .forward(&mut Ctx::train(&tape).with_rng(&mut rng), x)
        .value()
}

#[test]
fn dropout_training_scales_kept_units_by_one_over_p() {
    let drop = Dropout::new(0.8);
    let tape = Tape::new();
    let mut rng = StdRng::seed_from_u64(21);
    let mut ctx = Ctx::train(&tape).with_rng(&mut rng);
    let xv = array![[1.0, -2.0, 3.0], [4.0, 0.5, -1.0]];
    let x = tape.leaf(xv.clone());
    let y = drop.forward(&mut ctx, x);
    let gy = array![[1.0, 2.0, 3.0], [-1.0, -2.0, 0.5]];
    let g = y.backward_with(gy.clone());
    // Each entry is either dropped (0, no gradient) or kept and scaled by
    // 1/0.8 = 1.25 in value and gradient alike.
    let y = y.value();
    for ((idx, &yv), &dx) in y.indexed_iter().zip(g[x].iter()) {
        let kept = yv != 0.0;
        let want = if kept { 1.25 } else { 0.0 };
        assert_eq!(yv, want * xv[idx], "{idx:?}");
        assert_eq!(dx, want * gy[idx], "{idx:?}");
    }

    // Over many units the kept fraction is about p and the mean about 1.
    let big = dropout_mask(0.5, 4, (40, 50));
    let kept = big.iter().filter(|&&v| v != 0.0).count() as f64 / 2000.0;
    assert!((kept - 0.5).abs() < 0.05, "kept {kept}");
    assert!(big.iter().all(|&v| v == 0.0 || v == 2.0));
    assert!((big.mean().unwrap() - 1.0).abs() < 0.1);
}

#[test]
fn dropout_eval_is_the_identity() {
    let tape = Tape::new();
    let x = tape.leaf(array![[1.0, -2.0], [3.0, 0.0]]);
    let y = Dropout::new(0.3).forward(&mut Ctx::eval(&tape), x);
    assert_eq!(y.value(), array![[1.0, -2.0], [3.0, 0.0]]);
    let gy = array![[1.0, 2.0], [3.0, 4.0]];
    assert_eq!(y.backward_with(gy.clone())[x], gy);
}

#[test]
fn dropout_same_seed_same_mask() {
    assert_eq!(dropout_mask(0.5, 7, (6, 9)), dropout_mask(0.5, 7, (6, 9)));
    assert_ne!(dropout_mask(0.5, 7, (6, 9)), dropout_mask(0.5, 8, (6, 9)));
    // p = 1 keeps everything, even in training
    assert_eq!(dropout_mask(1.0, 7, (2, 3)), Array2::<f64>::ones((2, 3)));
}

#[test]
fn dropout_validates_p() {
    for p in [0.0, -0.5, 1.0001, f64::NAN, f64::INFINITY] {
        assert!(Dropout::try_new(p).is_err(), "{p}");
    }
}

/// One network, both modes: evaluation is deterministic and leaves the
/// running statistics alone; training draws masks and moves them.
#[test]
fn the_mode_switch_reaches_every_layer() {
    let mut rng = StdRng::seed_from_u64(2);
    let mut net = Sequential::<f64>::new()
        .push(Affine::new("fc1", 3, 6, Init::He, BiasInit::ZERO, &mut rng))
        .push(BatchNorm::new("bn1", 6))
        .push(Activation::ReLU)
        .push(Dropout::new(0.5));
    let x = array![
        [1.0, -2.0, 0.5],
        [0.3, 0.8, -1.0],
        [2.0, 0.1, 0.4],
        [-1.0, 1.0, 1.0]
    ];

    let eval = |net: &mut Sequential<f64>| {
        let tape = Tape::new();
        net.forward(&mut Ctx::eval(&tape), tape.constant(x.clone()))
            .value()
    };
    let before = eval(&mut net);
    assert_eq!(eval(&mut net), before); // deterministic, no state change

    let train = |net: &mut Sequential<f64>, seed| {
        let tape = Tape::new();
        let mut rng = StdRng::seed_from_u64(seed);
        net.forward(
            &mut Ctx::train(&tape).with_rng(&mut rng),
            tape.constant(x.clone()),
        )
        .value()
    };
    let first = train(&mut net, 5);
    assert_ne!(first, before); // batch statistics and a dropout mask
    // Training output depends on the RNG (dropout) and nothing else: batch
    // norm normalizes with this batch's statistics, not the running ones.
    assert_eq!(train(&mut net, 5), first);
    assert_ne!(train(&mut net, 6), first);
    // Training moved the running statistics, so evaluation changes too.
    assert_ne!(eval(&mut net), before);
}

#[test]
fn mlp_parameter_counts_match_the_notes() {
    let mut rng = StdRng::seed_from_u64(0);
    let net = Mlp::<f64>::new(&[3, 4, 2], Activation::ReLU, Init::He, &mut rng);
    assert_eq!(net.param_count(), 26); // 4 + 2 neurons, 3·4 + 4·2 weights, 6 biases
    let net = Mlp::<f64>::new(&[3, 4, 4, 1], Activation::Tanh, Init::He, &mut rng);
    assert_eq!(net.param_count(), 41); // 9 neurons, 12 + 16 + 4 weights, 9 biases
    let layers: Vec<String> = net.layers().iter().map(|l| l.describe()).collect();
    assert_eq!(
        layers,
        [
            "affine 3→4 (fc1)",
            "tanh",
            "affine 4→4 (fc2)",
            "tanh",
            "affine 4→1 (fc3)"
        ]
    );
    assert_eq!(net.sizes(), &[3, 4, 4, 1]);
    assert!(net.summary().ends_with("41 params"));
}

#[test]
fn mlp_builder_options_and_errors() {
    let mut rng = StdRng::seed_from_u64(0);
    let net = Mlp::<f64>::builder(&[3, 4, 2])
        .batch_norm(true)
        .dropout(0.5)
        .build(&mut rng)
        .unwrap();
    let layers: Vec<String> = net.layers().iter().map(|l| l.describe()).collect();
    assert_eq!(
        layers,
        [
            "affine 3→4 (fc1)",
            "batchnorm 4 (bn1)",
            "relu",
            "dropout p_keep=0.5",
            "affine 4→2 (fc2)"
        ]
    );
    assert_eq!(net.param_count(), 26 + 8); // + γ and β of 4 units

    for sizes in [&[3][..], &[], &[3, 0, 2]] {
        assert!(
            Mlp::<f64>::builder(sizes).build(&mut rng).is_err(),
            "{sizes:?}"
        );
    }
    assert!(
        Mlp::<f64>::builder(&[3, 2])
            .dropout(0.0)
            .build(&mut rng)
            .is_err()
    );
    let sparse = Init::Sparse { connections: 4 };
    assert!(
        Mlp::<f64>::builder(&[3, 5, 2])
            .init(sparse)
            .build(&mut rng)
            .is_err()
    );
}

/// Everything is generic over the float type: an f32 network with batch
/// norm and dropout trains (every parameter gets a finite gradient and a
/// few SGD steps lower the loss) and evaluates.
#[test]
fn an_f32_network_trains_and_evaluates() {
    let mut rng = StdRng::seed_from_u64(8);
    let mut net = Mlp::<f32>::builder(&[2, 8, 1])
        .batch_norm(true)
        .dropout(0.9)
        .build(&mut rng)
        .unwrap();
    let x: Array2<f32> = array![[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.5, 0.2]];
    let target: Array2<f32> = array![[1.0], [1.0], [0.0], [0.0], [0.7]];
    let mut losses = Vec::new();
    for _ in 0..30 {
        let tape = Tape::new();
        let mut ctx = Ctx::train(&tape).with_rng(&mut rng);
        let y = net.forward(&mut ctx, tape.constant(x.clone()));
        let loss = (y - tape.constant(target.clone())).square().mean();
        losses.push(loss.item());
        let grads = loss.backward();
        let steps: Vec<Array2<f32>> = net
            .params()
            .iter()
            .map(|p| {
                ctx.grad(&grads, p)
                    .expect("every parameter is reached")
                    .clone()
            })
            .collect();
        for (p, dp) in net.params_mut().into_iter().zip(steps) {
            assert!(dp.iter().all(|v| v.is_finite()));
            p.update(|v| v.scaled_add(-0.1, &dp));
        }
    }
    let (first, last) = (losses[0], losses[losses.len() - 1]);
    assert!(last < first, "loss {first} → {last}");
    let tape = Tape::new();
    let y = net.forward(&mut Ctx::eval(&tape), tape.constant(x));
    assert_eq!(y.shape().dim(), (5, 1));
    assert!(y.value().iter().all(|v| v.is_finite()));
}
