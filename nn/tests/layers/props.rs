//! Every layer through the gradient checker ([`nn::check::check_module`],
//! f64, every entry of every parameter and of the input) on random shapes
//! and values, 64 cases per layer: every row passes (a `KinkCrossed`
//! verdict is not a failure), the normwise error of every tensor is at most
//! 1e-7, and every parameter receives a gradient (no lints).
//!
//! Values are drawn away from the activations' kink at 0; maxout's ties
//! have probability zero, and a probe that still crosses one is reported as
//! a kink, not a failure. Run with `--nocapture` to see each layer's worst
//! normwise error.

use std::cell::Cell;

use autograd::registry::{Domain, Kink};
use gradcheck::strategies::{Placement, dim, matrix_for, matrix_in};
use gradcheck::{GradCheck, Lint, Report};
use ndarray::Array2;
use nn::init::Init;
use nn::layers::neuron::NeuronOutput;
use nn::layers::{Activation, Affine, BatchNorm, Dropout, Maxout, Neuron, PReLU};
use nn::{Mlp, Mode, Module};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use rand::SeedableRng;

const CASES: u32 = 64;
const MAX_SIDE: usize = 4;
const NORMWISE: f64 = 1e-7;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        // A path that exists (SourceParallel finds no lib.rs above tests/).
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/layers.txt"
        )))),
        ..Config::default()
    })
}

/// Runs `prop` over `strategy`, which returns each case's report; asserts
/// the shared conditions and prints the worst normwise error seen.
fn check_layer<S: Strategy>(name: &str, strategy: S, prop: impl Fn(S::Value) -> Report) {
    let worst = Cell::new(0.0_f64);
    runner()
        .run(&strategy, |value| {
            let report = prop(value);
            report.assert_ok();
            let nw = report.worst_normwise();
            worst.set(worst.get().max(nw));
            prop_assert!(nw <= NORMWISE, "{name}: normwise {nw:e}\n{report}");
            prop_assert!(report.lints.is_empty(), "{name}: {:?}", report.lints);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    eprintln!("{name}: worst normwise error {:.2e}", worst.get());
}

fn check(module: &dyn Module<f64>, x: &Array2<f64>, mode: Mode) -> Report {
    nn::check::check_module(&GradCheck::new(), module, x, mode)
}

/// An m×n matrix at least 0.05 from 0 everywhere, with `x[0,0]` of the
/// given sign (so ReLU passes some gradient and PReLU's slope gets some).
fn away_from_zero(m: usize, n: usize, first_positive: bool) -> impl Strategy<Value = Array2<f64>> {
    matrix_for(
        (m, n),
        Domain::Real,
        Kink::At(&[0.0]),
        Placement::AwayFromKinks,
    )
    .prop_map(move |mut x| {
        x[[0, 0]] = if first_positive {
            x[[0, 0]].abs()
        } else {
            -x[[0, 0]].abs()
        };
        x
    })
}

fn sizes3() -> impl Strategy<Value = (usize, usize, usize)> {
    (dim(MAX_SIDE), dim(MAX_SIDE), dim(MAX_SIDE))
}

#[test]
fn affine_gradients() {
    let cases = sizes3().prop_flat_map(|(m, i, o)| {
        (
            matrix_in((i, o), Domain::Real),
            matrix_in((1, o), Domain::Real),
            matrix_in((m, i), Domain::Real),
        )
    });
    check_layer("affine", cases, |(w, b, x)| {
        check(&Affine::from_values("fc", w, b).unwrap(), &x, Mode::Train)
    });
}

#[test]
fn activation_gradients() {
    let acts = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::ReLU,
        Activation::LeakyReLU(0.01),
    ];
    let cases = (0..acts.len(), dim(MAX_SIDE), dim(MAX_SIDE))
        .prop_flat_map(|(a, m, n)| (Just(a), away_from_zero(m, n, true)));
    check_layer("activation", cases, |(a, x)| {
        let act = acts[a];
        check(&act, &x, Mode::Train)
    });
}

#[test]
fn prelu_gradients() {
    let cases = (any::<bool>(), dim(MAX_SIDE), dim(MAX_SIDE)).prop_flat_map(|(shared, m, n)| {
        let width = if shared { 1 } else { n };
        (
            matrix_in((1, width), Domain::Real),
            away_from_zero(m, n, false),
        )
    });
    check_layer("prelu", cases, |(a, x)| {
        check(&PReLU::from_slope("act", a).unwrap(), &x, Mode::Train)
    });
}

#[test]
fn maxout_gradients() {
    let cases = (sizes3(), 1..=3_usize).prop_flat_map(|((m, i, n), k)| {
        (
            Just(k),
            matrix_in((i, k * n), Domain::Real),
            matrix_in((1, k * n), Domain::Real),
            matrix_in((m, i), Domain::Real),
        )
    });
    check_layer("maxout", cases, |(k, w, b, x)| {
        let fc = Affine::from_values("mx", w, b).unwrap();
        check(&Maxout::from_affine(fc, k).unwrap(), &x, Mode::Train)
    });
}

#[test]
fn neuron_gradients() {
    let cases = (any::<bool>(), dim(MAX_SIDE), dim(MAX_SIDE)).prop_flat_map(|(p, m, i)| {
        (
            Just(p),
            matrix_in((i, 1), Domain::Real),
            -1.0..1.0_f64,
            matrix_in((m, i), Domain::Real),
        )
    });
    check_layer("neuron", cases, |(p, w, b, x)| {
        let out = if p {
            NeuronOutput::Probability
        } else {
            NeuronOutput::Logit
        };
        check(
            &Neuron::from_values("n", w, b, out).unwrap(),
            &x,
            Mode::Train,
        )
    });
}

/// γ, β and a batch of at least 2 rows whose columns are not nearly
/// constant: with a batch spread σ ≪ 0.1 the normalization's curvature
/// (∝ 1/σ³) makes the centered difference itself inaccurate.
fn batch_norm_cases() -> impl Strategy<Value = (Array2<f64>, Array2<f64>, Array2<f64>)> {
    (2..=MAX_SIDE + 1, dim(MAX_SIDE))
        .prop_flat_map(|(m, n)| {
            (
                matrix_in((1, n), Domain::Real),
                matrix_in((1, n), Domain::Real),
                matrix_in((m, n), Domain::Real),
            )
        })
        .prop_filter("a nearly constant column", |(_, _, x)| {
            x.std_axis(ndarray::Axis(0), 0.0).iter().all(|&s| s > 0.1)
        })
}

fn batch_norm(gamma: Array2<f64>, beta: Array2<f64>) -> BatchNorm<f64> {
    let mut bn = BatchNorm::new("bn", gamma.ncols());
    let mut ps = bn.params_mut();
    ps[0].set(gamma);
    ps[1].set(beta);
    bn
}

#[test]
fn batch_norm_training_gradients() {
    check_layer("batch_norm (train)", batch_norm_cases(), |(g, b, x)| {
        check(&batch_norm(g, b), &x, Mode::Train)
    });
}

#[test]
fn batch_norm_eval_gradients() {
    // Any batch size, even 1: evaluation uses the running statistics.
    let cases = (dim(MAX_SIDE), dim(MAX_SIDE)).prop_flat_map(|(m, n)| {
        (
            [
                matrix_in((1, n), Domain::Real),
                matrix_in((1, n), Domain::Real),
            ],
            matrix_in((1, n), Domain::Real),
            matrix_in((1, n), Domain::Positive),
            matrix_in((m, n), Domain::Real),
        )
    });
    check_layer("batch_norm (eval)", cases, |([g, b], mean, var, x)| {
        let mut bn = batch_norm(g, b);
        bn.set_running_stats(mean, var).unwrap();
        check(&bn, &x, Mode::Eval)
    });
}

#[test]
fn dropout_gradients_with_a_fixed_seed() {
    let cases = (0.3..=1.0_f64, any::<u64>(), dim(MAX_SIDE), dim(MAX_SIDE))
        .prop_flat_map(|(p, seed, m, n)| (Just(p), Just(seed), matrix_in((m, n), Domain::Real)));
    let worst = Cell::new(0.0_f64);
    runner()
        .run(&cases, |(p, seed, x)| {
            let checker = GradCheck::new().seed(seed);
            let report = nn::check::check_module(&checker, &Dropout::new(p), &x, Mode::Train);
            report.assert_ok();
            worst.set(worst.get().max(report.worst_normwise()));
            prop_assert!(report.worst_normwise() <= NORMWISE, "{report}");
            // The checker re-seeds the model's RNG with `seed` before every
            // evaluation, so the mask is exactly this one. When every unit
            // is dropped, x rightly gets an all-zero gradient.
            let mask: Array2<f64> =
                Dropout::new(p).mask(x.dim(), &mut gradcheck::Rng::seed_from_u64(seed));
            let expected = if p < 1.0 && mask.iter().all(|&v| v == 0.0) {
                vec![Lint::AllZero("x".into())]
            } else {
                vec![]
            };
            prop_assert_eq!(&report.lints, &expected);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("dropout: {e}"));
    eprintln!("dropout: worst normwise error {:.2e}", worst.get());
}

/// A whole network (several layers deep, random sizes): the composition is
/// checked too, not just each layer.
#[test]
fn mlp_gradients() {
    let cases = (
        proptest::collection::vec(dim(MAX_SIDE), 2..=4),
        dim(MAX_SIDE),
        any::<u64>(),
    )
        .prop_flat_map(|(sizes, m, seed)| {
            let x = matrix_in((m, sizes[0]), Domain::Real);
            (Just(sizes), Just(seed), x)
        });
    check_layer("mlp (tanh)", cases, |(sizes, seed, x)| {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let net = Mlp::<f64>::new(&sizes, Activation::Tanh, Init::Calibrated, &mut rng);
        check(&net, &x, Mode::Train)
    });
}

/// On the kinks: inputs exactly at 0 (or within the step of it) for the
/// rectifiers, and maxout pieces drawn from a three-value pool so they tie.
/// Rows whose probe crosses a kink come back `KinkCrossed` or
/// `Subgradient`, which are not failures; every other row must pass. (No
/// lint check: an all-zero input rightly gives ReLU an all-zero gradient.)
#[test]
fn kinks_are_reported_not_failed() {
    let on_zero = |m, n| matrix_for((m, n), Domain::Real, Kink::At(&[0.0]), Placement::OnKinks);
    let cases = (0..4_usize, dim(MAX_SIDE), dim(MAX_SIDE), 1..=3_usize).prop_flat_map(
        move |(layer, m, n, k)| {
            let ties = matrix_for((m, k * n), Domain::Real, Kink::Ties, Placement::OnKinks);
            (
                Just(layer),
                Just(k),
                on_zero(m, n),
                ties,
                matrix_in((1, n), Domain::Real),
            )
        },
    );
    let kinks = Cell::new(0_usize);
    runner()
        .run(&cases, |(layer, k, x, tied, slope)| {
            let report = match layer {
                0 => check(&Activation::ReLU, &x, Mode::Train),
                1 => check(&Activation::LeakyReLU(0.1), &x, Mode::Train),
                2 => check(&PReLU::from_slope("act", slope).unwrap(), &x, Mode::Train),
                _ => {
                    // W = I, b = 0: the pieces are the tied input columns
                    let w = Array2::eye(tied.ncols());
                    let fc = Affine::from_values("mx", w, Array2::zeros((1, tied.ncols())));
                    let layer = Maxout::from_affine(fc.unwrap(), k).unwrap();
                    check(&layer, &tied, Mode::Train)
                }
            };
            report.assert_ok();
            kinks.set(kinks.get() + report.kinks().count());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("kinks: {e}"));
    eprintln!("kinks: {} rows crossed a kink, none failed", kinks.get());
    assert!(
        kinks.get() > 0,
        "the kink-biased inputs never reached a kink"
    );
}
