//! Anomaly mode attributes every injected NaN/±∞ to the node that produced
//! it — forward or backward — never to a later op where the symptom shows.

use autograd::anomaly::Pass;
use autograd::{BackwardCtx, Error, Op, Result, Shape, Tape};
use ndarray::{Array2, array};

/// Identity, except that it injects `bad` at element (0, 0) of its forward
/// output or of its backward gradient.
struct Inject {
    bad: f64,
    in_backward: bool,
}

impl Op<f64> for Inject {
    fn name(&self) -> &'static str {
        "inject"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
        let mut y = inputs[0].clone();
        if !self.in_backward {
            y[[0, 0]] = self.bad;
        }
        y
    }
    fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
        let mut g = ctx.upstream.clone();
        if self.in_backward {
            g[[0, 0]] = self.bad;
        }
        g
    }
}

/// A chain of `len` ops with the injector at `at`; returns the anomaly
/// seen by `try_backward` and the injector's node id.
fn run(len: usize, at: usize, bad: f64, in_backward: bool) -> (autograd::anomaly::Anomaly, usize) {
    let tape = Tape::new();
    tape.detect_anomalies(true);
    let w = tape.leaf(array![[0.5, -1.0], [2.0, 0.25]]);
    let mut h = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
    let mut injected = None;
    for i in 0..len {
        if i == at {
            h = tape.try_apply(Inject { bad, in_backward }, &[h]).unwrap();
            injected = Some(h.id().index());
        }
        h = match i % 3 {
            0 => h * w,
            1 => h.matmul(w),
            _ => h + w,
        };
    }
    let loss = h.sum();
    match loss.try_backward() {
        Err(Error::Anomaly(a)) => (*a, injected.unwrap()),
        other => panic!("expected an anomaly, got {other:?}"),
    }
}

#[test]
fn every_injected_value_is_attributed_to_its_producer() {
    let mut cases = 0;
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for in_backward in [false, true] {
            for at in 0..9 {
                let (a, node) = run(9, at, bad, in_backward);
                assert_eq!(a.node.index(), node, "at {at}, backward {in_backward}: {a}");
                assert_eq!(a.op, "inject");
                assert_eq!(
                    a.pass,
                    if in_backward {
                        Pass::Backward
                    } else {
                        Pass::Forward
                    }
                );
                assert_eq!(a.element, (0, 0));
                assert!(a.value.is_nan() == bad.is_nan() && (a.value.is_nan() || a.value == bad));
                assert!(a.location.file().ends_with("anomaly.rs"), "{}", a.location);
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 54);
}

#[test]
fn non_finite_inputs_are_attributed_to_the_leaf() {
    let tape = Tape::new();
    tape.detect_anomalies(true);
    let x = tape.leaf(array![[1.0, f64::NAN]]);
    let loss = (x * x).sum();
    let Err(Error::Anomaly(a)) = loss.try_backward() else {
        panic!("expected an anomaly")
    };
    assert_eq!((a.pass, a.node, a.element), (Pass::Input, x.id(), (0, 1)));
    assert!(
        a.to_string()
            .contains("input %0 = leaf() produced NaN at [0,1]"),
        "{a}"
    );
}

#[test]
fn overflow_in_backward_is_attributed_to_the_op_that_made_it() {
    let tape = Tape::new();
    tape.detect_anomalies(true);
    let a = tape.leaf(array![[1e300]]);
    let b = tape.leaf(array![[1e-300]]);
    let y = a * b; // forward 1.0 is fine; ∂/∂b = g·a overflows for large g
    let Err(Error::Anomaly(an)) = y.try_backward_with(array![[1e10]]) else {
        panic!("expected an anomaly")
    };
    assert_eq!(
        (an.pass, an.node, an.wrt),
        (Pass::Backward, y.id(), Some(1))
    );
    assert_eq!(an.value, f64::INFINITY);
    let text = an.to_string();
    assert!(text.starts_with("anomaly: backward: %2 = mul(1×1, 1×1) produced inf at [0,0] in its backward gradient for input 1; created at "), "{text}");
}

#[test]
fn off_by_default_and_reset_clears() {
    let mut tape = Tape::new();
    {
        let x = tape.leaf(array![[f64::NAN]]);
        assert!(x.sum().try_backward().is_ok());
        assert!(tape.anomaly().is_none());
    }
    tape.detect_anomalies(true);
    {
        let _ = tape.leaf(array![[f64::INFINITY]]);
        assert!(tape.anomaly().is_some());
    }
    tape.reset();
    assert!(tape.anomaly().is_none());
}

/// Anomaly mode switched on after a NaN was made: the first op checked
/// that receives it is not blamed as its maker; the report says the value
/// predates anomaly mode and which input held it.
#[test]
fn a_nan_made_before_anomaly_mode_is_reported_as_predating_it() {
    use autograd::anomaly::Predating;
    let tape = Tape::new();
    let x = tape.leaf(array![[-1.0, 4.0]]);
    let bad = x.log(); // NaN at [0,0], unchecked
    tape.detect_anomalies(true);
    let w = tape.leaf(array![[2.0, 3.0]]);
    let y = w * bad; // the first checked op to see it
    let Err(Error::Anomaly(a)) = y.sum().try_backward() else {
        panic!("expected an anomaly")
    };
    assert_eq!(
        (a.pass, a.node, a.op.as_str()),
        (Pass::Forward, y.id(), "mul")
    );
    assert!(matches!(a.predating, Some(Predating::Input { index: 1, value }) if value.is_nan()));
    let text = a.to_string();
    assert!(
        text.contains(
            "the first non-finite value predates anomaly mode: input 1 of mul was already NaN"
        ),
        "{text}"
    );
}

/// The same in the backward pass: sqrt(−1) computed before the mode was on
/// makes its own backward non-finite; the report says its output already was.
#[test]
fn a_backward_anomaly_from_a_value_made_before_anomaly_mode() {
    use autograd::anomaly::Predating;
    let tape = Tape::new();
    let x = tape.leaf(array![[-1.0]]);
    let r = x.sqrt(); // NaN, unchecked
    tape.detect_anomalies(true);
    let Err(Error::Anomaly(a)) = r.try_backward() else {
        panic!("expected an anomaly")
    };
    assert_eq!((a.pass, a.op.as_str()), (Pass::Backward, "sqrt"));
    assert!(
        matches!(
            a.predating,
            Some(Predating::Output { value }) if value.is_nan()
        ),
        "{:?}",
        a.predating
    );
    assert!(
        a.to_string()
            .contains("predates anomaly mode: the output of sqrt was already NaN"),
        "{a}"
    );
}

/// With the mode on from the start, the maker is blamed and nothing
/// predates.
#[test]
fn with_anomaly_mode_on_from_the_start_nothing_predates() {
    let tape = Tape::new();
    tape.detect_anomalies(true);
    let x = tape.leaf(array![[-1.0, 4.0]]);
    let bad = x.log();
    let y = tape.leaf(array![[2.0, 3.0]]) * bad;
    let Err(Error::Anomaly(a)) = y.sum().try_backward() else {
        panic!("expected an anomaly")
    };
    assert_eq!(
        (a.node, a.op.as_str(), a.predating),
        (bad.id(), "log", None)
    );
    assert!(!a.to_string().contains("predates"));
}
