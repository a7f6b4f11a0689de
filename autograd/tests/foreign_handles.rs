//! Issue 9, defect 4: gradients and keys from another tape, or from another
//! recording of the same tape, are refused wherever they are used — by
//! `Gradients::get_by_key`/`take_by_key` and by `Tape::to_dot` — and the
//! panicking forms report the caller's line.

#[path = "support/caller.rs"]
mod caller;

use autograd::{Error, Param, Tape};
use ndarray::array;

#[test]
fn a_key_finds_its_gradient_after_reset() {
    let mut w = Param::new("w", array![[1.0, -2.0]]);
    let mut tape = Tape::new();
    let (key, mut grads) = {
        let wv = tape.param(&w);
        let loss = (wv * wv).sum();
        (wv.key(), loss.backward())
    };
    tape.reset();
    assert_eq!(grads.get_by_key(key), Some(&array![[2.0, -4.0]]));
    let before = w.value().as_ptr();
    let g = grads.take_by_key(key).expect("w is used");
    w.update(|v| v.scaled_add(-0.5, &g));
    assert_eq!(w.value(), &array![[0.0, 0.0]]);
    assert_eq!(
        w.value().as_ptr(),
        before,
        "the update copied the parameter"
    );
    assert_eq!(grads.get_by_key(key), None, "taken");
}

#[test]
fn a_key_from_another_tape_is_refused() {
    let a = Tape::new();
    let b = Tape::new();
    let xa = a.leaf(array![[1.0]]);
    let xb = b.leaf(array![[5.0]]);
    let grads = (xa * xa).sum().backward();
    assert_eq!(
        grads.try_get_by_key(xb.key()),
        Err(Error::ForeignNode {
            context: "Gradients::get_by_key"
        })
    );
    assert_panics_here!(grads.get_by_key(xb.key()), "different tape");
}

#[test]
fn a_key_from_another_recording_is_refused() {
    let mut tape = Tape::new();
    let grads = {
        let x = tape.leaf(array![[3.0]]);
        x.sum().backward()
    };
    tape.reset();
    let y = tape.leaf(array![[4.0]]);
    let mut grads = grads;
    assert!(grads.try_get_by_key(y.key()).is_err());
    assert_panics_here!(grads.take_by_key(y.key()), "before `reset`");
}

#[test]
fn to_dot_refuses_gradients_of_another_tape_at_the_callers_line() {
    let a = Tape::new();
    let b = Tape::new();
    let _ = a.leaf(array![[1.0]]).sum();
    let foreign = b.leaf(array![[2.0]]).sum().backward();
    assert_panics_here!(a.to_dot(Some(&foreign)), "Tape::to_dot");
    let options = autograd::DotOptions::default();
    assert_panics_here!(a.to_dot_with(Some(&foreign), &options), "Tape::to_dot");
}
