//! Each sanity check passes on a sane model and fails on a broken one.

#[path = "train/support.rs"]
mod support;

use autograd::{Param, Result, Var};
use nn::layers::Affine;
use nn::optim::{Adam, AdamConfig, Sgd, SgdConfig};
use nn::train::sanity;
use nn::{Ctx, Mlp, Module, Penalty, Regularizer};
use rand::SeedableRng;
use support::{digits_split, net, softmax, softmax64};

fn scaled(m: &mut Mlp<f32>, k: f32) {
    for p in m.params_mut() {
        p.update(|v| v.mapv_inplace(|w| w * k));
    }
}

#[test]
fn chance_loss_passes_with_small_weights_and_fails_with_large_ones() {
    let (train, _) = digits_split();
    let y = &train.labels().classes().unwrap()[..200];
    let x = train
        .features()
        .slice_axis(ndarray::Axis(0), ndarray::Slice::from(..200))
        .to_owned();
    let mut m = net(64, true, 0);
    scaled(&mut m, 1e-3);
    let r = sanity::chance_loss(&m, &x, y, softmax, sanity::softmax_chance(10), 0.01);
    assert!(r.passed, "{}", sanity::line(&r));
    assert!(r.detail.contains("2.30"), "{}", r.detail);
    scaled(&mut m, 1e4); // 10× He init
    let r = sanity::chance_loss(&m, &x, y, softmax, sanity::softmax_chance(10), 0.01);
    assert!(!r.passed, "{}", sanity::line(&r));
    assert_eq!(sanity::svm_chance(10), 9.0);
}

#[test]
fn regularization_check_passes_with_l2_and_fails_when_lambda_is_ignored() {
    let (train, _) = digits_split();
    let y = &train.labels().classes().unwrap()[..100];
    let x = train
        .features()
        .slice_axis(ndarray::Axis(0), ndarray::Slice::from(..100))
        .to_owned();
    let m = net(32, false, 0);
    let l = [0.0, 1e-2, 1.0];
    let r =
        sanity::reg_increases_loss(&m, &x, y, softmax, |l| Regularizer::new(Penalty::l2(l)), &l);
    assert!(r.passed, "{}", sanity::line(&r));
    let r = sanity::reg_increases_loss(&m, &x, y, softmax, |_| Regularizer::new(Penalty::NONE), &l);
    assert!(!r.passed, "{}", sanity::line(&r));
}

#[test]
fn overfit_check_passes_with_adam_and_fails_with_lr_0() {
    let (train, _) = digits_split();
    let y = &train.labels().classes().unwrap()[..20];
    let x = train
        .features()
        .slice_axis(ndarray::Axis(0), ndarray::Slice::from(..20))
        .to_owned();
    let mut m = net(32, true, 0);
    let mut adam = Adam::new(AdamConfig {
        lr: 1e-2,
        ..Default::default()
    })
    .unwrap();
    let r = sanity::overfits_tiny(&mut m, &mut adam, &x, y, softmax, 200, 0);
    assert!(r.passed, "{}", sanity::line(&r));
    let mut m = net(32, true, 0);
    let r = sanity::overfits_tiny(
        &mut m,
        &mut Sgd::new(SgdConfig { lr: 0.0 }).unwrap(),
        &x,
        y,
        softmax,
        50,
        0,
    );
    assert!(!r.passed, "{}", sanity::line(&r));
}

/// An affine layer whose output adds a detached copy of itself: the value
/// doubles, the gradient does not — a wrong backward pass.
struct Broken(Affine<f64>);
impl Module<f64> for Broken {
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, f64>, x: Var<'t, f64>) -> Result<Var<'t, f64>> {
        let y = self.0.try_forward(ctx, x)?;
        Ok(y + y.detach())
    }
    fn params(&self) -> Vec<&Param<f64>> {
        self.0.params()
    }
    fn params_mut(&mut self) -> Vec<&mut Param<f64>> {
        self.0.params_mut()
    }
    fn describe(&self) -> String {
        "broken".into()
    }
}

#[test]
fn gradient_check_passes_on_the_mlp_and_fails_on_a_wrong_backward() {
    let (train, _) = digits_split();
    let y = &train.labels().classes().unwrap()[..8];
    let x = train
        .features()
        .slice_axis(ndarray::Axis(0), ndarray::Slice::from(..8))
        .mapv(f64::from);
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let m = Mlp::<f64>::builder(&[64, 32, 10])
        .dropout(0.9)
        .build(&mut rng)
        .unwrap();
    let reg = Regularizer::new(Penalty::l2(1e-3));
    let r = sanity::gradient_check(&m, &x, y, softmax64, &reg, 4);
    assert!(r.passed, "{}", sanity::line(&r));
    let broken = Broken(Affine::new(
        "fc",
        64,
        10,
        nn::init::Init::He,
        nn::init::BiasInit::ZERO,
        &mut rng,
    ));
    let r = sanity::gradient_check(&broken, &x, y, softmax64, &reg, 4);
    assert!(!r.passed, "{}", sanity::line(&r));
}
