//! The step itself: no parameter copy through `train_step` (the buffer
//! address is unchanged), a parameter without a gradient is untouched and
//! its state does not advance, decoupled weight decay versus the L2
//! penalty, and layouts.

use autograd::{Param, Tape};
use ndarray::{Array2, ShapeBuilder, array};
use nn::layers::Affine;
use nn::optim::*;
use nn::{Module, losses};
use rand::SeedableRng;

use crate::{close, step_with};

fn all() -> Vec<Box<dyn Optimizer<f32>>> {
    vec![
        Box::new(Sgd::new(SgdConfig::default()).unwrap()),
        Box::new(Momentum::new(MomentumConfig::default()).unwrap()),
        Box::new(Nesterov::new(NesterovConfig::default()).unwrap()),
        Box::new(Adagrad::new(AdagradConfig::default()).unwrap()),
        Box::new(RmsProp::new(RmsPropConfig::default()).unwrap()),
        Box::new(Adam::new(AdamConfig::default()).unwrap()),
    ]
}

fn addresses(net: &Affine<f32>) -> Vec<*const f32> {
    net.params().iter().map(|p| p.value().as_ptr()).collect()
}

#[test]
fn train_step_updates_every_parameter_in_place() {
    let x = array![[1.0f32, 2.0], [-1.0, 0.5]];
    let y = array![[1.0f32], [0.0]];
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    for mut opt in all() {
        let mut net = Affine::from_values("fc", array![[0.1f32], [0.2]], array![[0.0]]).unwrap();
        let before_values: Vec<_> = net.params().iter().map(|p| p.value().clone()).collect();
        let before = addresses(&net);
        let mut tape = Tape::new();
        for _ in 0..5 {
            train_step(
                &mut tape,
                &mut net,
                opt.as_mut(),
                Some(&mut rng),
                |net, ctx| {
                    let out = net.forward(ctx, ctx.tape().constant(x.clone()));
                    losses::l2_regression(out, &y)
                },
            );
        }
        let name = opt.name();
        assert_eq!(addresses(&net), before, "{name}: a parameter was copied");
        for (p, old) in net.params().iter().zip(&before_values) {
            assert_ne!(p.value(), old, "{name}: {} did not move", p.name());
        }
    }
}

#[test]
fn updating_while_the_tape_shares_the_parameter_copies_it() {
    // The other side of the test above: the address check does catch a copy.
    let mut w = Param::new("w", array![[1.0f32, 2.0]]);
    let before = w.value().as_ptr();
    let tape = Tape::new();
    let wv = tape.param(&w);
    let loss = (wv * wv).sum();
    let mut grads = ParamGrads::new(loss.backward());
    grads.insert(&w, wv.key());
    let mut sgd = Sgd::new(SgdConfig { lr: 0.1 }).unwrap();
    sgd.step(&mut [&mut w], &grads); // the tape is alive: copy-on-write
    assert_ne!(w.value().as_ptr(), before);
    assert_eq!(
        wv.value(),
        array![[1.0, 2.0]],
        "the tape kept the old value"
    );
}

#[test]
fn a_parameter_without_gradient_is_untouched_and_its_state_waits() {
    let mut a = Param::new("a", array![[1.0f64, -1.0]]);
    let mut b = Param::new("b", array![[0.5f64, 2.0]]);
    let mut adam = Adam::new(AdamConfig {
        lr: 0.1,
        ..Default::default()
    })
    .unwrap();
    let mut tape = Tape::new();
    let g = || Some(array![[0.3, -0.2]]);
    for _ in 0..3 {
        step_with(&mut adam, &mut tape, &mut [&mut a, &mut b], &[g(), None]);
    }
    assert_eq!(b.value(), &array![[0.5, 2.0]], "no gradient: untouched");
    let state = adam.export(&[&a, &b]);
    assert_eq!(state.scalar("0:a/t"), Some(3.0));
    assert_eq!(state.scalar("1:b/t"), None, "no state made for b");
    // b's first gradient is its step 1: bias correction gives lr·sign(g).
    step_with(&mut adam, &mut tape, &mut [&mut a, &mut b], &[g(), g()]);
    let state = adam.export(&[&a, &b]);
    assert_eq!(
        (state.scalar("0:a/t"), state.scalar("1:b/t")),
        (Some(4.0), Some(1.0))
    );
    close(b.value(), &[0.5 - 0.1, 2.0 + 0.1], 1e-6);
}

#[test]
fn a_parameter_the_forward_pass_never_used_is_untouched() {
    // Through `ParamGrads::collect`: the Ctx has no leaf for `unused`.
    struct Two {
        used: Param<f64>,
        unused: Param<f64>,
    }
    impl Module<f64> for Two {
        fn try_forward<'t>(
            &self,
            ctx: &mut nn::Ctx<'t, '_, f64>,
            x: autograd::Var<'t, f64>,
        ) -> autograd::Result<autograd::Var<'t, f64>> {
            Ok(x * ctx.param(&self.used))
        }
        fn params(&self) -> Vec<&Param<f64>> {
            vec![&self.used, &self.unused]
        }
        fn params_mut(&mut self) -> Vec<&mut Param<f64>> {
            vec![&mut self.used, &mut self.unused]
        }
        fn describe(&self) -> String {
            "two".into()
        }
    }
    let mut m = Two {
        used: Param::new("used", array![[1.0]]),
        unused: Param::new("unused", array![[7.0]]),
    };
    let mut momentum = Momentum::new(MomentumConfig::default()).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut tape = Tape::new();
    for _ in 0..3 {
        train_step(
            &mut tape,
            &mut m,
            &mut momentum,
            Some(&mut rng),
            |m, ctx| m.forward(ctx, ctx.tape().constant(array![[2.0]])).sum(),
        );
    }
    assert_eq!(m.unused.value(), &array![[7.0]]);
    assert_ne!(m.used.value(), &array![[1.0]]);
    assert_eq!(
        momentum.export(&m.params()).arrays.len(),
        1,
        "only `used` has a velocity"
    );
}

#[test]
fn decoupled_decay_matches_the_l2_penalty_for_sgd_but_not_for_adam() {
    let (lambda, lr) = (0.2, 0.1);
    let x0 = array![[1.0f64, -2.0, 0.5]];
    let g = array![[0.3, 0.1, -0.4]];
    let decay = Options {
        weight_decay: lambda,
        clip_norm: None,
    };
    // Decoupled: one step with gradient g and decay λ.
    // L2 penalty: one step with gradient g + λ·x and no decay.
    let run = |opt: &mut dyn Optimizer<f64>, grad: Array2<f64>| {
        let mut x = Param::new("x", x0.clone());
        let mut tape = Tape::new();
        step_with(opt, &mut tape, &mut [&mut x], &[Some(grad)]);
        x.value().clone()
    };
    let penalized = &g + &(&x0 * lambda);
    let sgd = |o: Options| Sgd::new(SgdConfig { lr }).unwrap().with_options(o).unwrap();
    let decoupled = run(&mut sgd(decay), g.clone());
    let l2 = run(&mut sgd(Options::default()), penalized.clone());
    close(&decoupled, &l2.iter().copied().collect::<Vec<_>>(), 1e-12);

    let adam = |o: Options| {
        Adam::new(AdamConfig {
            lr,
            ..Default::default()
        })
        .unwrap()
        .with_options(o)
        .unwrap()
    };
    let decoupled = run(&mut adam(decay), g.clone());
    let l2 = run(&mut adam(Options::default()), penalized);
    // Adam's first step is lr·sign(gradient): with the penalty the sign of
    // g + λx decides (coordinate 1: 0.1 − 0.4 < 0); decoupled it is
    // x(1 − lr·λ) − lr·sign(g).
    close(&decoupled, &[0.98 - 0.1, -1.96 - 0.1, 0.49 + 0.1], 1e-6);
    close(&l2, &[1.0 - 0.1, -2.0 + 0.1, 0.5 + 0.1], 1e-6);
}

#[test]
fn a_column_major_parameter_is_updated_like_a_row_major_one() {
    let values = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
    let mut row = Param::new("row", values.clone());
    let column_major =
        Array2::from_shape_vec((2, 3).f(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]).unwrap();
    assert_eq!(column_major, values);
    let mut col = Param::new("col", column_major);
    assert!(!col.value().is_standard_layout());
    let g = array![[0.5, -1.0, 0.25], [2.0, 0.0, -0.5]];
    let mut tape = Tape::new();
    let mut a = Adam::new(AdamConfig::default()).unwrap();
    let mut b = Adam::new(AdamConfig::default()).unwrap();
    for _ in 0..2 {
        step_with(&mut a, &mut tape, &mut [&mut row], &[Some(g.clone())]);
        step_with(&mut b, &mut tape, &mut [&mut col], &[Some(g.clone())]);
    }
    assert_eq!(row.value(), col.value());
}

#[test]
#[should_panic(expected = "the gradient given for parameter \"w\" is 1×3, the parameter is 1×2")]
fn a_gradient_of_the_wrong_shape_is_refused() {
    let mut w = Param::new("w", array![[1.0f64, 2.0]]);
    let other = Param::new("other", array![[1.0, 2.0, 3.0]]);
    let mut tape = Tape::new();
    let grads = {
        let ov = tape.param(&other);
        let mut g = ParamGrads::new(ov.sum().backward());
        g.insert(&w, ov.key()); // the wrong key for w
        g
    };
    tape.reset();
    Sgd::new(SgdConfig::default())
        .unwrap()
        .step(&mut [&mut w], &grads);
}

#[test]
fn clipping_that_does_not_bite_is_exactly_the_unclipped_step() {
    // ‖g‖ ≤ c gives s = 1 exactly: same bits as no clipping at all.
    let g = || Some(array![[0.3f32, -0.7, 1.1]]);
    let mut plain = Adam::new(AdamConfig::default()).unwrap();
    let mut loose = Adam::new(AdamConfig::default())
        .unwrap()
        .with_options(Options {
            weight_decay: 0.0,
            clip_norm: Some(100.0),
        })
        .unwrap();
    let mut a = Param::new("a", array![[1.0f32, 2.0, 3.0]]);
    let mut b = Param::new("a", array![[1.0f32, 2.0, 3.0]]);
    let mut tape = Tape::new();
    for _ in 0..3 {
        step_with(&mut plain, &mut tape, &mut [&mut a], &[g()]);
        step_with(&mut loose, &mut tape, &mut [&mut b], &[g()]);
    }
    assert_eq!(a.value(), b.value());
}

#[test]
fn max_norm_does_not_write_a_parameter_already_inside_the_ball() {
    // Not even copy-on-write: a tape still shares the buffer, yet the
    // address is unchanged.
    let mut w = Param::new("W", array![[0.3f64, -0.4], [0.4, 0.3]]);
    let before = w.value().as_ptr();
    let tape = Tape::new();
    let _leaf = tape.param(&w);
    MaxNorm::new(1.0).unwrap().apply(&mut [&mut w]);
    assert_eq!(w.value().as_ptr(), before);
    MaxNorm::new(0.25).unwrap().apply(&mut [&mut w]);
    assert_ne!(
        w.value().as_ptr(),
        before,
        "outside: written (a copy, as the tape shares it)"
    );
}

/// `train_step` runs backward with `Tape::backward_and_reset` (activations
/// freed during the sweep); the parameters it reaches are bit for bit those
/// of the plain loop — `backward`, collect, reset, step — with dropout and
/// two hidden layers.
#[test]
fn train_step_matches_backward_then_reset_bit_for_bit() {
    use nn::init::Init;
    use nn::layers::Activation;
    use nn::{Ctx, Mlp};
    let net = || {
        let mut init_rng = rand::rngs::StdRng::seed_from_u64(3);
        Mlp::<f64>::builder(&[4, 6, 5, 3])
            .activation(Activation::ReLU)
            .init(Init::He)
            .dropout(0.7)
            .build(&mut init_rng)
            .unwrap()
    };
    let x = Array2::from_shape_fn((5, 4), |(i, j)| ((i * 7 + j * 3) % 11) as f64 / 5.0 - 1.0);
    let y = Array2::from_shape_fn((5, 3), |(i, j)| ((i + 2 * j) % 3) as f64 - 0.5);
    let config = AdamConfig::default();
    let (mut a, mut b) = (net(), net());
    let (mut opt_a, mut opt_b) = (Adam::new(config).unwrap(), Adam::new(config).unwrap());
    let mut rng_a = rand::rngs::StdRng::seed_from_u64(9);
    let mut rng_b = rand::rngs::StdRng::seed_from_u64(9);
    let (mut tape_a, mut tape_b) = (Tape::new(), Tape::new());
    for _ in 0..3 {
        let loss_a = train_step(
            &mut tape_a,
            &mut a,
            &mut opt_a,
            Some(&mut rng_a),
            |net, ctx| {
                let out = net.forward(ctx, ctx.tape().constant(x.clone()));
                losses::l2_regression(out, &y)
            },
        );
        tape_b.reset();
        let (loss_b, grads) = {
            let mut ctx = Ctx::train(&tape_b).with_rng(&mut rng_b);
            let out = b.forward(&mut ctx, tape_b.constant(x.clone()));
            let loss = losses::l2_regression(out, &y);
            let grads = ParamGrads::collect(&ctx, &b.params(), loss.backward());
            (loss.item(), grads)
        };
        tape_b.reset();
        opt_b.step(&mut b.params_mut(), &grads);
        assert_eq!(loss_a.to_bits(), loss_b.to_bits());
    }
    for (pa, pb) in a.params().iter().zip(b.params()) {
        let bits = |p: &Param<f64>| p.value().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(pa), bits(pb), "{}", pa.name());
    }
}
