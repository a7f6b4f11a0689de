//! Every panicking public function of `nn` reports its caller's line
//! (ARCHITECTURE invariant 7), asserted with `assert_panics_here!`.
//!
//! How the list was made: `grep -rn 'panic!\|assert!\|expect(\|unwrap('
//! nn/src` (every hit is now a `panic!("{e}")` arm of a `match` in a
//! `#[track_caller]` function: the constructors, `Module::forward`, the
//! losses, `predict`/`accuracy`, the gradient-check helpers), plus
//! `grep -rn -A2 '#\[track_caller\]' nn/src` for the public functions that
//! may panic in a function they call (`Ctx::grad` through
//! `Gradients::get`; `Neuron::logit`/`probability`). Each gets a case
//! below; every layer's `forward` is exercised, through the trait, on a
//! `Box<dyn Module>`, inside a `Sequential` and an `Mlp`. Not listed:
//! `Regularizer::loss`, `Penalty::of` and `Ctx::param`, which cannot panic
//! (their inputs are validated `Penalty` values and `Param`s), and the
//! `try_` forms, which return errors.

#[path = "../../autograd/tests/support/caller.rs"]
mod caller;

use autograd::Tape;
use gradcheck::GradCheck;
use ndarray::{Array2, array};
use nn::init::{BiasInit, Init};
use nn::layers::{Activation, Affine, BatchNorm, Dropout, Maxout, Neuron, NeuronOutput, PReLU};
use nn::regularize::Penalty;
use nn::{Ctx, Mlp, Mode, Module, Sequential, losses};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn rng() -> StdRng {
    StdRng::seed_from_u64(0)
}

fn affine_2_to_3() -> Affine<f64> {
    Affine::new("fc", 2, 3, Init::He, BiasInit::ZERO, &mut rng())
}

#[test]
fn constructors() {
    let mut r = rng();
    assert_panics_here!(
        Affine::<f64>::new("fc", 0, 2, Init::He, BiasInit::ZERO, &mut r),
        "sizes must be positive"
    );
    let sparse = Init::Sparse { connections: 9 };
    assert_panics_here!(
        Affine::<f64>::new("fc", 2, 2, sparse, BiasInit::ZERO, &mut r),
        "connections"
    );
    assert_panics_here!(
        Neuron::<f64>::new(
            "n",
            0,
            Init::He,
            BiasInit::ZERO,
            NeuronOutput::Logit,
            &mut r
        ),
        "sizes must be positive"
    );
    assert_panics_here!(
        Maxout::<f64>::new("mx", 3, 4, 0, Init::He, BiasInit::ZERO, &mut r),
        "k must be at least 1"
    );
    assert_panics_here!(
        Mlp::<f64>::new(&[2], Activation::ReLU, Init::He, &mut r),
        "need at least an input and an output size"
    );
    assert_panics_here!(
        Mlp::<f64>::new(
            &[2, 3, 1],
            Activation::LeakyReLU(f64::NAN),
            Init::He,
            &mut r
        ),
        "α must be finite"
    );
    assert_panics_here!(Dropout::new(1.5), "p_keep must be in (0, 1]");
    assert_panics_here!(BatchNorm::<f64>::new("bn", 0), "n must be positive");
    assert_panics_here!(PReLU::<f64>::per_column("act", 0), "width must be positive");
    assert_panics_here!(Activation::leaky_relu(f64::INFINITY), "α must be finite");
    assert_panics_here!(Penalty::l2(-1.0), "l2 strength");
    assert_panics_here!(Penalty::l1(f64::NAN), "l1 strength");
    assert_panics_here!(Penalty::elastic_net(0.1, f64::INFINITY), "l2 strength");
}

#[test]
fn every_layer_forward_on_a_bad_input() {
    let tape = Tape::<f64>::new();
    let wide = tape.constant(Array2::ones((2, 5)));
    let mut ctx = Ctx::eval(&tape);
    assert_panics_here!(
        affine_2_to_3().forward(&mut ctx, wide),
        "Affine: layer `fc` takes 2 columns, x is 2×5"
    );
    let maxout = Maxout::<f64>::new("mx", 2, 3, 2, Init::He, BiasInit::ZERO, &mut rng());
    assert_panics_here!(maxout.forward(&mut ctx, wide), "layer `mx` takes 2 columns");
    let neuron = Neuron::<f64>::new(
        "n",
        2,
        Init::He,
        BiasInit::ZERO,
        NeuronOutput::Probability,
        &mut rng(),
    );
    assert_panics_here!(neuron.forward(&mut ctx, wide), "layer `n` takes 2 columns");
    assert_panics_here!(neuron.logit(&mut ctx, wide), "layer `n` takes 2 columns");
    assert_panics_here!(
        neuron.probability(&mut ctx, wide),
        "layer `n` takes 2 columns"
    );
    let prelu = PReLU::<f64>::per_column("act", 3);
    assert_panics_here!(prelu.forward(&mut ctx, wide), "prelu");
    let bn = BatchNorm::<f64>::new("bn", 3);
    assert_panics_here!(
        bn.forward(&mut ctx, wide),
        "BatchNorm: layer `bn` takes 3 columns"
    );
    assert_panics_here!(
        Activation::LeakyReLU(f64::NAN).forward(&mut ctx, wide),
        "α must be finite"
    );
    assert_panics_here!(
        Activation::LeakyReLU(f64::NAN).apply(wide),
        "α must be finite"
    );
}

#[test]
fn training_mode_refusals() {
    let tape = Tape::<f64>::new();
    let bn = BatchNorm::<f64>::new("bn", 2);
    let one_row = tape.constant(array![[1.0, 2.0]]);
    assert_panics_here!(
        bn.forward(&mut Ctx::train(&tape), one_row),
        "training needs a batch of at least 2 rows"
    );
    let nan = tape.constant(array![[1.0, 2.0], [f64::NAN, 0.0]]);
    assert_panics_here!(
        bn.forward(&mut Ctx::train(&tape), nan),
        "layer `bn`: the training batch has NaN at row 1, column 0"
    );
    let x = tape.constant(Array2::ones((2, 2)));
    assert_panics_here!(
        Dropout::new(0.5).forward(&mut Ctx::train(&tape), x),
        "dropout(p_keep=0.5) needs a random-number generator in training mode"
    );
}

#[test]
fn forward_through_dyn_sequential_and_mlp() {
    let tape = Tape::<f64>::new();
    let wide = tape.constant(Array2::ones((2, 5)));
    let boxed: Box<dyn Module<f64>> = Box::new(affine_2_to_3());
    assert_panics_here!(
        boxed.forward(&mut Ctx::eval(&tape), wide),
        "takes 2 columns"
    );
    let seq = Sequential::new()
        .push(affine_2_to_3())
        .push(Activation::ReLU);
    assert_panics_here!(seq.forward(&mut Ctx::eval(&tape), wide), "takes 2 columns");
    let mlp = Mlp::<f64>::builder(&[2, 4, 3])
        .dropout(0.5)
        .build(&mut rng())
        .unwrap();
    assert_panics_here!(
        mlp.forward(&mut Ctx::eval(&tape), wide),
        "layer `fc1` takes 2"
    );
    let x = tape.constant(Array2::ones((2, 2)));
    assert_panics_here!(
        mlp.forward(&mut Ctx::train(&tape), x),
        "needs a random-number generator"
    );
}

#[test]
fn losses() {
    let tape = Tape::<f64>::new();
    let s = tape.leaf(Array2::zeros((2, 3)));
    assert_panics_here!(losses::svm(s, &[0, 3]), "svm: label 3 in row 1");
    assert_panics_here!(losses::squared_hinge(s, &[0]), "squared_hinge");
    assert_panics_here!(
        losses::softmax_cross_entropy(s, &[5, 0]),
        "softmax_cross_entropy"
    );
    assert_panics_here!(
        losses::binary_logistic(s, &Array2::from_elem((2, 3), 2.0)),
        "binary_logistic: label 2"
    );
    assert_panics_here!(
        losses::binary_hinge(s, &Array2::zeros((2, 3))),
        "binary_hinge"
    );
    let mut targets = Array2::zeros((2, 3));
    targets[[1, 2]] = f64::NAN;
    assert_panics_here!(
        losses::l2_regression(s, &targets),
        "l2_regression: target NaN at row 1, column 2"
    );
    assert_panics_here!(
        losses::l1_regression(s, &targets),
        "l1_regression: target NaN at row 1, column 2"
    );
}

#[test]
fn ctx_grad_with_gradients_of_another_tape() {
    let fc = affine_2_to_3();
    let tape = Tape::<f64>::new();
    let mut ctx = Ctx::eval(&tape);
    fc.forward(&mut ctx, tape.constant(Array2::ones((1, 2))));
    let other = Tape::<f64>::new();
    let grads = other.leaf(array![[1.0]]).backward();
    assert_panics_here!(ctx.grad(&grads, fc.weight()), "different tape");
}

#[test]
fn predict_accuracy_and_checks() {
    let fc = affine_2_to_3();
    let wide = Array2::<f64>::ones((2, 5));
    assert_panics_here!(nn::predict(&fc, &wide), "takes 2 columns");
    let x = Array2::<f64>::ones((2, 2));
    assert_panics_here!(nn::accuracy(&fc, &x, &[0]), "1 labels for 2 rows");
    assert_panics_here!(nn::accuracy(&fc, &x, &[0, 3]), "label 3 in row 1");
    let checker = GradCheck::new();
    assert_panics_here!(
        nn::check::check_module(&checker, &fc, &wide, Mode::Eval),
        "takes 2 columns"
    );
    assert_panics_here!(
        nn::check::check_with_head(&checker, &fc, &wide, Mode::Train, |_, y| y.sum()),
        "takes 2 columns"
    );
}
