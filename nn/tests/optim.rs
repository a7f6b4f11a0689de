//! Optimizer tests (issue 10): hand-computed first steps ([`hand`]),
//! convergence ([`converge`]), properties ([`props`]), hyperparameter
//! validation ([`validate`]), bit-for-bit resume ([`resume`]), the no-copy
//! step and missing gradients ([`step`]), schedules, max-norm and Polyak
//! averaging ([`extras`]). One test binary.

#[path = "optim/converge.rs"]
mod converge;
#[path = "optim/extras.rs"]
mod extras;
#[path = "optim/hand.rs"]
mod hand;
#[path = "optim/props.rs"]
mod props;
#[path = "optim/resume.rs"]
mod resume;
#[path = "optim/step.rs"]
mod step;
#[path = "optim/validate.rs"]
mod validate;

use autograd::{Float, Param, Tape};
use ndarray::Array2;
use nn::optim::{Optimizer, ParamGrads};

/// One optimizer step on `params` whose gradients are exactly `grads`
/// (recorded as `loss = Σ_k Σ w_k ⊙ g_k`, so ∂loss/∂w_k = g_k), with the
/// tape reset before the update. `None` leaves that parameter without a
/// gradient.
pub fn step_with<F: Float, O: Optimizer<F> + ?Sized>(
    opt: &mut O,
    tape: &mut Tape<F>,
    params: &mut [&mut Param<F>],
    grads: &[Option<Array2<F>>],
) {
    tape.reset();
    let pg = {
        let tape = &*tape;
        let mut terms = Vec::new();
        let mut keys = Vec::new();
        for (p, g) in params.iter().zip(grads) {
            let w = tape.param(p);
            if let Some(g) = g {
                terms.push((w * tape.constant(g.clone())).sum());
                keys.push(w.key());
            }
        }
        let loss = terms
            .into_iter()
            .reduce(|a, b| a + b)
            .expect("at least one gradient");
        let mut pg = ParamGrads::new(loss.backward());
        let mut k = keys.into_iter();
        for (p, g) in params.iter().zip(grads) {
            if g.is_some() {
                pg.insert(p, k.next().expect("one key per gradient"));
            }
        }
        pg
    };
    tape.reset();
    opt.step(params, &pg);
}

/// Asserts `actual ≈ expected` entrywise within `tol` (absolute, plus
/// relative for large values).
#[track_caller]
pub fn close<F: Float>(actual: &Array2<F>, expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len(), "sizes differ");
    for (a, e) in actual.iter().zip(expected) {
        let a = a.as_f64();
        assert!(
            (a - e).abs() <= tol * (1.0 + e.abs()),
            "got {a}, expected {e}\nactual: {actual}\nexpected: {expected:?}"
        );
    }
}
