//! Initializers: the statistics of large draws match each scheme's formula,
//! sparse connectivity is exact, bad arguments are errors, and the
//! all-zeros pitfall really never breaks symmetry.

use autograd::{Error, Tape};
use ndarray::{Array2, array};
use nn::init::{BiasInit, Init};
use nn::layers::{Activation, Affine};
use nn::{Ctx, Module, Sequential};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Enough entries that the sample variance is within ~0.5% (one standard
/// error) of the true one.
const FAN_IN: usize = 400;
const FAN_OUT: usize = 250;

fn mean_var(w: &Array2<f64>) -> (f64, f64) {
    let n = w.len() as f64;
    let mean = w.sum() / n;
    let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Mean within 5 standard errors of 0, variance within 3% of `var`.
fn assert_stats(w: &Array2<f64>, var: f64) {
    let (m, v) = mean_var(w);
    let n = w.len() as f64;
    assert!(m.abs() < 5.0 * (var / n).sqrt(), "mean {m} (var {var})");
    assert!((v / var - 1.0).abs() < 0.03, "variance {v}, expected {var}");
}

#[test]
fn gaussian_schemes_have_the_documented_variance() {
    let mut rng = StdRng::seed_from_u64(42);
    let n = FAN_IN as f64;
    let cases = [
        (Init::SmallRandom, 1e-4),
        (Init::Calibrated, 1.0 / n),
        (Init::He, 2.0 / n),
    ];
    for (init, var) in cases {
        let w: Array2<f64> = init.weights(FAN_IN, FAN_OUT, &mut rng).unwrap();
        assert_eq!(w.dim(), (FAN_IN, FAN_OUT));
        assert_stats(&w, var);
    }
}

#[test]
fn f32_draws_have_the_same_statistics() {
    let mut rng = StdRng::seed_from_u64(7);
    let w: Array2<f32> = Init::He.weights(FAN_IN, FAN_OUT, &mut rng).unwrap();
    assert_stats(&w.mapv(f64::from), 2.0 / FAN_IN as f64);
}

#[test]
fn he_is_the_default() {
    assert_eq!(Init::default(), Init::He);
}

#[test]
fn zeros_are_zeros() {
    let mut rng = StdRng::seed_from_u64(0);
    let w: Array2<f64> = Init::Zeros.weights(3, 5, &mut rng).unwrap();
    assert_eq!(w, Array2::<f64>::zeros((3, 5)));
}

#[test]
fn sparse_connects_exactly_c_inputs_per_unit() {
    let mut rng = StdRng::seed_from_u64(3);
    let c = 10;
    let w: Array2<f64> = Init::Sparse { connections: c }
        .weights(FAN_IN, FAN_OUT, &mut rng)
        .unwrap();
    for col in w.columns() {
        assert_eq!(col.iter().filter(|&&v| v != 0.0).count(), c);
    }
    // The non-zero weights are the small Gaussian 0.01·N(0,1) …
    let nonzero: Vec<f64> = w.iter().copied().filter(|&v| v != 0.0).collect();
    assert_stats(
        &Array2::from_shape_vec((nonzero.len(), 1), nonzero).unwrap(),
        1e-4,
    );
    // … and the connections spread over the inputs: each input is chosen
    // by ~c/FAN_IN of the units, so a row holds 250·10/400 ≈ 6 on average.
    let per_row: Vec<usize> = w
        .rows()
        .into_iter()
        .map(|r| r.iter().filter(|&&v| v != 0.0).count())
        .collect();
    let mean = per_row.iter().sum::<usize>() as f64 / FAN_IN as f64;
    assert!((mean - 6.25).abs() < 1e-12); // exact: 2500 connections / 400 rows
    assert!(
        *per_row.iter().max().unwrap() < 25,
        "one input hogs the connections"
    );
}

#[test]
fn sparse_with_every_input_is_dense() {
    let mut rng = StdRng::seed_from_u64(5);
    let w: Array2<f64> = Init::Sparse { connections: 4 }
        .weights(4, 3, &mut rng)
        .unwrap();
    assert!(w.iter().all(|&v| v != 0.0));
}

#[test]
fn invalid_arguments_are_errors() {
    let mut rng = StdRng::seed_from_u64(0);
    for (init, fan_in, fan_out) in [
        (Init::Sparse { connections: 5 }, 4, 3),
        (Init::Sparse { connections: 0 }, 4, 3),
        (Init::He, 0, 3),
        (Init::Zeros, 3, 0),
    ] {
        let r = init.weights::<f64, _>(fan_in, fan_out, &mut rng);
        assert!(
            matches!(r, Err(Error::Argument { .. })),
            "{init:?} {fan_in}×{fan_out}: {r:?}"
        );
    }
    let e = Init::Sparse { connections: 5 }
        .weights::<f64, _>(4, 3, &mut rng)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Init::Sparse: connections must be in 1..=4 (the fan-in), got 5"
    );
}

#[test]
fn same_seed_same_weights() {
    let draw = |seed| -> Array2<f64> {
        Init::He
            .weights(5, 4, &mut StdRng::seed_from_u64(seed))
            .unwrap()
    };
    assert_eq!(draw(11), draw(11));
    assert_ne!(draw(11), draw(12));
    // Works through a `dyn Rng` too (the type `Ctx` stores).
    let mut rng = StdRng::seed_from_u64(11);
    let dyn_rng: &mut dyn rand::Rng = &mut rng;
    assert_eq!(Init::He.weights::<f64, _>(5, 4, dyn_rng).unwrap(), draw(11));
}

#[test]
fn bias_init_is_a_constant_row() {
    assert_eq!(BiasInit::default().values::<f64>(2), array![[0.0, 0.0]]);
    assert_eq!(BiasInit::RELU_NUDGE.values::<f64>(2), array![[0.01, 0.01]]);
    assert_eq!(BiasInit(0.5).values::<f32>(1), array![[0.5_f32]]);
}

/// The notes' pitfall: with all-zero weights every hidden unit computes the
/// same thing and receives the same update, so after any number of SGD
/// steps the hidden units are still identical copies of each other. (The
/// small bias keeps the gradients non-zero: with zero biases too, the zero
/// second layer would block every gradient to the first.)
#[test]
fn zeros_never_break_symmetry() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut net = Sequential::<f64>::new()
        .push(Affine::new(
            "fc1",
            3,
            4,
            Init::Zeros,
            BiasInit::RELU_NUDGE,
            &mut rng,
        ))
        .push(Activation::Tanh)
        .push(Affine::new(
            "fc2",
            4,
            2,
            Init::Zeros,
            BiasInit::ZERO,
            &mut rng,
        ));
    let x = array![[1.0, -2.0, 0.5], [0.3, 0.8, -1.0], [2.0, 0.1, 0.4]];
    let g = array![[1.0, -1.0], [0.5, 2.0], [-1.5, 0.3]];
    for _ in 0..20 {
        let tape = Tape::new();
        let mut ctx = Ctx::eval(&tape);
        let y = net.forward(&mut ctx, tape.constant(x.clone()));
        let grads = y.backward_with(g.clone());
        let updates: Vec<Option<Array2<f64>>> = net
            .params()
            .iter()
            .map(|p| ctx.grad(&grads, p).cloned())
            .collect();
        for (p, dp) in net.params_mut().into_iter().zip(updates) {
            p.update(|v| v.scaled_add(-0.1, &dp.unwrap()));
        }
    }
    let w1 = net.params()[0].value().clone();
    assert!(w1.iter().any(|&v| v != 0.0)); // W1 did learn …
    for col in w1.columns() {
        assert_eq!(col, w1.column(0)); // … but every hidden unit is the same unit
    }
}
