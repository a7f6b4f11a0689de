//! Layer state and the things that must not change it (issue 9): a
//! gradient check leaves a model bit for bit as it found it; a refused
//! batch-norm training batch leaves the running statistics unpoisoned;
//! evaluation works through a shared reference and changes nothing; a
//! training context needs an RNG only when a layer draws from one; a
//! NaN/∞ leaky slope is refused where the layer is made.

use std::rc::Rc;

use autograd::{Error, Tape};
use gradcheck::GradCheck;
use ndarray::{Array2, array};
use nn::layers::{Activation, BatchNorm, Dropout};
use nn::{Ctx, Mlp, Mode, Module, losses};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Every parameter and every buffer, as raw bits: equality is bit for bit
/// (a NaN would compare equal to itself, and −0 differ from +0).
fn fingerprint(model: &dyn Module<f64>) -> Vec<Vec<u64>> {
    let bits = |a: &Array2<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    let params = model.params().into_iter().map(|p| bits(p.value()));
    params.chain(model.buffers().iter().map(bits)).collect()
}

/// A tanh network with batch norm and dropout, trained a few steps so its
/// running statistics are far from their initial 0 and 1.
fn trained_net() -> (Mlp<f64>, Array2<f64>, Vec<usize>) {
    let mut net = Mlp::<f64>::builder(&[3, 5, 4, 2])
        .activation(Activation::Tanh)
        .batch_norm(true)
        .dropout(0.7)
        .build(&mut StdRng::seed_from_u64(3))
        .unwrap();
    let x = array![
        [0.5, -1.0, 2.0],
        [1.5, 0.2, -0.7],
        [-0.3, 0.8, 1.1],
        [2.0, -0.4, 0.3],
        [0.1, 1.7, -1.2]
    ];
    let labels = vec![0, 1, 1, 0, 1];
    for step in 0..3 {
        let tape = Tape::new();
        let mut ctx = Ctx::train(&tape).with_seed(step);
        let y = net.forward(&mut ctx, tape.constant(x.clone() + 1.0));
        let loss = losses::softmax_cross_entropy(y, &labels);
        let grads = loss.backward();
        let steps: Vec<_> = net
            .params()
            .iter()
            .map(|p| ctx.grad(&grads, p).unwrap().clone())
            .collect();
        for (p, g) in net.params_mut().into_iter().zip(steps) {
            p.update(|w| w.scaled_add(-0.1, &g));
        }
    }
    (net, x, labels)
}

#[test]
fn a_gradient_check_leaves_the_model_bit_for_bit() {
    let (net, x, labels) = trained_net();
    let buffers = net.buffers();
    assert_eq!(buffers.len(), 4); // bn1 and bn2: mean and variance each
    assert!(buffers[0].iter().all(|&m| m.abs() > 0.05), "{buffers:?}");
    let before = fingerprint(&net);

    // Before issue 9 the running mean moved (0 → 1.38 in one check): every
    // evaluation the checker made was a training-mode forward.
    let checker = GradCheck::new().seed(11);
    for mode in [Mode::Train, Mode::Eval] {
        let report = nn::check::check_module(&checker, &net, &x, mode);
        report.assert_ok();
        assert_eq!(
            fingerprint(&net),
            before,
            "{mode:?}: check_module changed the model"
        );
        let report = nn::check::check_with_head(&checker, &net, &x, mode, |_, y| {
            losses::softmax_cross_entropy(y, &labels)
        });
        report.assert_ok();
        assert_eq!(
            fingerprint(&net),
            before,
            "{mode:?}: check_with_head changed the model"
        );
    }
    // A training pass that is not a check still moves the statistics (the
    // fingerprint would notice).
    let tape = Tape::new();
    net.forward(&mut Ctx::train(&tape).with_seed(0), tape.constant(x));
    assert_ne!(fingerprint(&net), before);
}

#[test]
fn a_non_finite_training_batch_is_refused_before_the_running_stats_move() {
    let (net, x, _) = trained_net();
    let before = net.buffers();
    for (bad, shown) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        // Straight into a batch-norm layer...
        let bn = BatchNorm::<f64>::new("bn7", 3);
        let mut batch = x.clone();
        batch[[3, 2]] = bad;
        let tape = Tape::new();
        let e = bn
            .try_forward(&mut Ctx::train(&tape), tape.constant(batch.clone()))
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Argument {
                    op: "BatchNorm",
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(
            e.to_string().starts_with(&format!(
                "BatchNorm: layer `bn7`: the training batch has {shown} at row 3, column 2;"
            )),
            "{e}"
        );
        assert_eq!(bn.running_mean(), Array2::<f64>::zeros((1, 3)));
        assert_eq!(bn.running_var(), Array2::<f64>::ones((1, 3)));

        // ...and through a network, where the affine layer before it turns
        // one bad input into a bad row: the error names `bn1`.
        let e = net
            .try_forward(&mut Ctx::train(&tape).with_seed(1), tape.constant(batch))
            .unwrap_err();
        assert!(e.to_string().contains("layer `bn1`"), "{e}");
        let after = net.buffers();
        for (a, b) in before.iter().zip(&after) {
            assert!(a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
}

#[test]
fn batch_statistics_that_overflow_leave_the_running_stats_alone() {
    let bn = BatchNorm::<f64>::new("bn", 1);
    let tape = Tape::new();
    let e = bn
        .try_forward(
            &mut Ctx::train(&tape),
            tape.constant(array![[1e300], [-1e300]]),
        )
        .unwrap_err();
    assert!(e.to_string().contains("overflowed"), "{e}");
    assert_eq!(bn.running_var(), array![[1.0]]);
}

/// Evaluation needs only `&`: a shared model, used twice, changes nothing.
fn evaluate(model: &dyn Module<f64>, x: &Array2<f64>) -> Array2<f64> {
    let tape = Tape::new();
    model
        .forward(&mut Ctx::eval(&tape), tape.constant(x.clone()))
        .value()
}

#[test]
fn evaluation_through_a_shared_reference_changes_nothing() {
    let (net, x, labels) = trained_net();
    let shared = Rc::new(net);
    let alias = Rc::clone(&shared);
    let before = fingerprint(&*shared);
    let a = evaluate(&*shared, &x);
    let b = evaluate(&*alias, &x);
    assert_eq!(a, b);
    assert_eq!(nn::predict(&*shared, &x), a);
    let acc = nn::accuracy(&*alias, &x, &labels);
    let argmax_hits = a
        .rows()
        .into_iter()
        .zip(&labels)
        .filter(|(row, l)| row[**l] > row[1 - **l])
        .count();
    assert_eq!(acc, argmax_hits as f64 / 5.0);
    assert_eq!(fingerprint(&*shared), before);
}

#[test]
fn training_needs_an_rng_only_for_dropout() {
    let x = array![[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]];
    // No dropout: `Ctx::train(&tape)` is enough.
    let plain = Mlp::<f64>::builder(&[2, 4, 2])
        .batch_norm(true)
        .build(&mut StdRng::seed_from_u64(0))
        .unwrap();
    let tape = Tape::new();
    assert!(
        plain
            .try_forward(&mut Ctx::train(&tape), tape.constant(x.clone()))
            .is_ok()
    );

    // Dropout without one: a typed error naming the layer and the remedy.
    let dropped = Mlp::<f64>::builder(&[2, 4, 2])
        .dropout(0.5)
        .build(&mut StdRng::seed_from_u64(0))
        .unwrap();
    let e = dropped
        .try_forward(&mut Ctx::train(&tape), tape.constant(x.clone()))
        .unwrap_err();
    assert!(matches!(e, Error::Argument { op: "Dropout", .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "Dropout: dropout(p_keep=0.5) needs a random-number generator in training mode: \
         use Ctx::train(&tape).with_seed(..) or .with_rng(..)"
    );
    // Evaluation, and p_keep = 1, need none.
    assert!(
        dropped
            .try_forward(&mut Ctx::eval(&tape), tape.constant(x.clone()))
            .is_ok()
    );
    let keep_all = Dropout::new(1.0);
    assert!(
        Module::<f64>::try_forward(&keep_all, &mut Ctx::train(&tape), tape.constant(x.clone()))
            .is_ok()
    );

    // A seed, or a lent generator with that seed, gives the same masks.
    let tape = Tape::new();
    let xv = tape.constant(x);
    let seeded = dropped
        .forward(&mut Ctx::train(&tape).with_seed(42), xv)
        .value();
    let again = dropped
        .forward(&mut Ctx::train(&tape).with_seed(42), xv)
        .value();
    assert_eq!(again, seeded);
    let mut rng = StdRng::seed_from_u64(42);
    let lent = dropped
        .forward(&mut Ctx::train(&tape).with_rng(&mut rng), xv)
        .value();
    assert_eq!(lent, seeded);
    let other = dropped
        .forward(&mut Ctx::train(&tape).with_seed(43), xv)
        .value();
    assert_ne!(other, seeded);
}

#[test]
fn a_non_finite_leaky_slope_is_refused_where_the_layer_is_made() {
    for alpha in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = Activation::try_leaky_relu(alpha).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Argument {
                    op: "Activation",
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            format!("Activation: leaky_relu's α must be finite, got {alpha}")
        );
        let e = Mlp::<f64>::builder(&[2, 3, 1])
            .activation(Activation::LeakyReLU(alpha))
            .build(&mut StdRng::seed_from_u64(0))
            .err()
            .expect("the builder refuses it");
        assert!(
            matches!(
                e,
                Error::Argument {
                    op: "Activation",
                    ..
                }
            ),
            "{e:?}"
        );
        // Written as the variant directly, the layer refuses it at forward.
        let tape = Tape::<f64>::new();
        let x = tape.constant(array![[-1.0, 2.0]]);
        assert!(
            Activation::LeakyReLU(alpha)
                .try_forward(&mut Ctx::eval(&tape), x)
                .is_err()
        );
    }
    assert_eq!(
        Activation::try_leaky_relu(0.01).unwrap(),
        Activation::LeakyReLU(0.01)
    );
}
