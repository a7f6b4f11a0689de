//! Hyperparameter validation: one test per rule, each checking the typed
//! error names the optimizer, the field and the value.

use nn::optim::schedule::{Direction, Exponential, InverseTime, Plateau, StepDecay};
use nn::optim::*;

#[track_caller]
fn refused<T: std::fmt::Debug>(
    result: Result<T, ConfigError>,
    optimizer: &str,
    field: &str,
    value: f64,
) {
    let e = result.expect_err("should be refused");
    assert_eq!((e.optimizer, e.field), (optimizer, field), "{e}");
    assert!(
        e.value == value || (e.value.is_nan() && value.is_nan()),
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("{optimizer}: {field} = ")),
        "{text}"
    );
}

#[test]
fn negative_learning_rate_is_refused() {
    refused(Sgd::<f32>::new(SgdConfig { lr: -0.1 }), "sgd", "lr", -0.1);
    refused(
        Adam::<f64>::new(AdamConfig {
            lr: -1e-3,
            ..Default::default()
        }),
        "adam",
        "lr",
        -1e-3,
    );
}

#[test]
fn non_finite_learning_rate_is_refused() {
    refused(
        Sgd::<f32>::new(SgdConfig { lr: f64::NAN }),
        "sgd",
        "lr",
        f64::NAN,
    );
    refused(
        Momentum::<f32>::new(MomentumConfig {
            lr: f64::INFINITY,
            mu: 0.9,
        }),
        "momentum",
        "lr",
        f64::INFINITY,
    );
}

#[test]
fn set_learning_rate_is_validated_too() {
    let mut sgd = Sgd::<f64>::new(SgdConfig::default()).unwrap();
    refused(sgd.set_learning_rate(-1.0), "sgd", "lr", -1.0);
    assert_eq!(
        sgd.learning_rate(),
        0.01,
        "a refused rate leaves the old one"
    );
}

#[test]
fn momentum_outside_unit_interval_is_refused() {
    let cfg = |mu| MomentumConfig { lr: 0.1, mu };
    refused(Momentum::<f32>::new(cfg(1.0)), "momentum", "mu", 1.0);
    refused(Momentum::<f32>::new(cfg(-0.1)), "momentum", "mu", -0.1);
    refused(
        Nesterov::<f32>::new(NesterovConfig { lr: 0.1, mu: 1.5 }),
        "nesterov",
        "mu",
        1.5,
    );
}

#[test]
fn rmsprop_decay_outside_unit_interval_is_refused() {
    let cfg = |decay| RmsPropConfig {
        decay,
        ..Default::default()
    };
    refused(RmsProp::<f32>::new(cfg(1.0)), "rmsprop", "decay", 1.0);
    refused(RmsProp::<f32>::new(cfg(-0.5)), "rmsprop", "decay", -0.5);
    refused(
        RmsProp::<f32>::new(cfg(f64::NAN)),
        "rmsprop",
        "decay",
        f64::NAN,
    );
}

#[test]
fn adam_betas_outside_unit_interval_are_refused() {
    let b1 = |beta1| AdamConfig {
        beta1,
        ..Default::default()
    };
    let b2 = |beta2| AdamConfig {
        beta2,
        ..Default::default()
    };
    refused(Adam::<f32>::new(b1(1.0)), "adam", "beta1", 1.0);
    refused(Adam::<f32>::new(b1(-0.1)), "adam", "beta1", -0.1);
    refused(Adam::<f32>::new(b2(1.0)), "adam", "beta2", 1.0);
    refused(Adam::<f32>::new(b2(2.0)), "adam", "beta2", 2.0);
}

#[test]
fn eps_not_positive_is_refused() {
    let ada = |eps| AdagradConfig { lr: 0.1, eps };
    refused(Adagrad::<f32>::new(ada(0.0)), "adagrad", "eps", 0.0);
    refused(Adagrad::<f32>::new(ada(-1e-8)), "adagrad", "eps", -1e-8);
    refused(
        RmsProp::<f32>::new(RmsPropConfig {
            eps: 0.0,
            ..Default::default()
        }),
        "rmsprop",
        "eps",
        0.0,
    );
    refused(
        Adam::<f32>::new(AdamConfig {
            eps: -1.0,
            ..Default::default()
        }),
        "adam",
        "eps",
        -1.0,
    );
}

#[test]
fn negative_weight_decay_is_refused() {
    let opts = Options {
        weight_decay: -0.01,
        clip_norm: None,
    };
    refused(
        Adam::<f32>::new(AdamConfig::default())
            .unwrap()
            .with_options(opts),
        "adam",
        "weight_decay",
        -0.01,
    );
}

#[test]
fn non_positive_clip_norm_is_refused() {
    let opts = Options {
        weight_decay: 0.0,
        clip_norm: Some(0.0),
    };
    refused(
        Sgd::<f32>::new(SgdConfig::default())
            .unwrap()
            .with_options(opts),
        "sgd",
        "clip_norm",
        0.0,
    );
}

#[test]
fn schedule_parameters_are_validated() {
    refused(StepDecay::new(0.1, 0.0, 5), "step_decay", "factor", 0.0);
    refused(StepDecay::new(0.1, 1.5, 5), "step_decay", "factor", 1.5);
    refused(StepDecay::new(0.1, 0.5, 0), "step_decay", "every", 0.0);
    refused(StepDecay::new(-0.1, 0.5, 1), "step_decay", "lr0", -0.1);
    refused(Exponential::new(0.1, -1.0), "exponential", "k", -1.0);
    refused(
        InverseTime::new(f64::NAN, 1.0),
        "inverse_time",
        "lr0",
        f64::NAN,
    );
    refused(
        Plateau::new(0.1, 0.5, 2, -1.0, Direction::Max),
        "plateau",
        "floor",
        -1.0,
    );
}

#[test]
fn max_norm_radius_and_polyak_decay_are_validated() {
    refused(MaxNorm::new(0.0), "max_norm", "c", 0.0);
    refused(MaxNorm::new(f64::INFINITY), "max_norm", "c", f64::INFINITY);
    refused(Polyak::<f32>::new(1.0), "polyak", "decay", 1.0);
}
