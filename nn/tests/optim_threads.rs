//! The optimizers' update on two engine threads (`autograd::set_threads`):
//! each rule is elementwise, so splitting a long parameter in two halves
//! must give exactly the bits of one thread, step after step. Its own test
//! binary: the thread count is process-wide.

use autograd::threads::{PAR_MIN_LEN, par_cut};
use autograd::{Param, Tape, set_threads};
use ndarray::Array2;
use nn::optim::{
    Adagrad, AdagradConfig, Adam, AdamConfig, Momentum, MomentumConfig, Nesterov, NesterovConfig,
    Optimizer, ParamGrads, RmsProp, RmsPropConfig, Sgd, SgdConfig,
};

/// Deterministic values in [−1, 1).
fn values(rows: usize, cols: usize, seed: u64) -> Array2<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    Array2::from_shape_fn((rows, cols), |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    })
}

fn optimizers() -> Vec<(&'static str, Box<dyn Optimizer<f32>>)> {
    vec![
        ("sgd", Box::new(Sgd::new(SgdConfig { lr: 0.1 }).unwrap())),
        (
            "momentum",
            Box::new(Momentum::new(MomentumConfig::default()).unwrap()),
        ),
        (
            "nesterov",
            Box::new(Nesterov::new(NesterovConfig::default()).unwrap()),
        ),
        (
            "adagrad",
            Box::new(Adagrad::new(AdagradConfig::default()).unwrap()),
        ),
        (
            "rmsprop",
            Box::new(RmsProp::new(RmsPropConfig::default()).unwrap()),
        ),
        ("adam", Box::new(Adam::new(AdamConfig::default()).unwrap())),
    ]
}

/// Three steps of `opt` on a 300×300 parameter with gradients that
/// change every step; the parameter afterwards.
fn three_steps(opt: &mut dyn Optimizer<f32>, threads: usize) -> Array2<f32> {
    set_threads(threads).unwrap();
    let mut w = Param::new("w", values(300, 300, 1));
    let mut tape = Tape::new();
    for step in 0..3 {
        tape.reset();
        let grads = {
            let wv = tape.param(&w);
            let g = tape.constant(values(300, 300, 10 + step));
            let mut grads = ParamGrads::new((wv * g).sum().backward());
            grads.insert(&w, wv.key());
            grads
        };
        tape.reset();
        opt.step(&mut [&mut w], &grads);
    }
    set_threads(1).unwrap();
    w.value().clone()
}

#[test]
fn two_threads_update_every_rule_bit_for_bit_as_one() {
    set_threads(2).unwrap();
    // The parameter really is split (else this test would pass vacuously).
    assert!(par_cut(300 * 300).is_some() && 300 * 300 >= PAR_MIN_LEN);
    for ((name, mut one), (_, mut two)) in optimizers().into_iter().zip(optimizers()) {
        let serial = three_steps(one.as_mut(), 1);
        let parallel = three_steps(two.as_mut(), 2);
        assert!(serial != values(300, 300, 1), "{name} moved the weights");
        assert_eq!(serial, parallel, "{name}");
    }
}
