//! `Tape::backward_and_reset` against `Var::backward`: bit for bit the same
//! leaves' gradients for every registered op (each subset of its inputs
//! needing a gradient, with fan-out into and out of the op, a value read by
//! two consumers, parameters shared with the tape, the matmul-first hold),
//! its errors, the tape left reset, and an op that reads a value it did not
//! declare caught rather than answered from a freed buffer.

use autograd::registry::all_ops;
use autograd::{BackwardCtx, Error, NodeKey, Op, Param, Reads, Result, Shape, Tape, Var};
use ndarray::{Array2, array};

#[path = "support/caller.rs"]
mod caller;
#[path = "support/cases.rs"]
mod cases;

use cases::{Rng, shape_sets};

/// How an input enters the graph.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Leaf,
    Param,
    Constant,
}

/// Records, on `tape`, a loss exercising the op: its output `y` weighted
/// by a non-uniform constant, plus `Σ y²` and `Σ tanh(y)` (two more
/// consumers reading `y`), plus `Σ x²` for every input (fan-out into the
/// op's inputs), plus an L2 term on each parameter recorded last (the
/// matmul-first hold). Returns the loss's key and each input's key.
fn record<'t>(
    tape: &'t Tape<f64>,
    spec: &autograd::registry::OpSpec,
    values: &[Array2<f64>],
    params: &[Param<f64>],
    kinds: &[Kind],
    weights: &Array2<f64>,
) -> (Var<'t, f64>, Vec<NodeKey>) {
    let mut params = params.iter();
    let inputs: Vec<Var<'t, f64>> = values
        .iter()
        .zip(kinds)
        .map(|(v, k)| match k {
            Kind::Leaf => tape.leaf(v.clone()),
            Kind::Param => tape.param(params.next().expect("one per Param input")),
            Kind::Constant => tape.constant(v.clone()),
        })
        .collect();
    let y = (spec.apply)(&inputs);
    let mut loss = (y * tape.constant(weights.clone())).sum() + y.sum_squares() + y.tanh().sum();
    for &x in &inputs {
        loss = loss + x.square().sum();
    }
    for (&x, k) in inputs.iter().zip(kinds) {
        if matches!(k, Kind::Param) {
            loss = loss + x.sum_squares().mul_scalar(0.5);
        }
    }
    (loss, inputs.iter().map(|v| v.key()).collect())
}

/// Bitwise equality, NaN included.
fn same_bits(a: &Array2<f64>, b: &Array2<f64>) -> bool {
    a.dim() == b.dim() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

#[test]
fn every_registered_op_gives_the_bits_of_backward() {
    let mut rng = Rng(14);
    let mut cases = 0;
    for spec in all_ops() {
        let arity = spec.domains.len();
        for shapes in shape_sets(spec.shapes) {
            let values = rng.inputs(&shapes, spec.domains);
            // Every mix of leaf / parameter / constant with at least one
            // input needing a gradient.
            for code in 0..3usize.pow(arity as u32) {
                let kinds: Vec<Kind> = (0..arity)
                    .map(|k| match code / 3usize.pow(k as u32) % 3 {
                        0 => Kind::Leaf,
                        1 => Kind::Param,
                        _ => Kind::Constant,
                    })
                    .collect();
                if kinds.iter().all(|k| matches!(k, Kind::Constant)) {
                    continue;
                }
                let params: Vec<Param<f64>> = values
                    .iter()
                    .zip(&kinds)
                    .filter(|(_, k)| matches!(k, Kind::Param))
                    .map(|(v, _)| Param::new("p", v.clone()))
                    .collect();
                let out_shape = {
                    let tape = Tape::new();
                    let xs: Vec<_> = values.iter().map(|v| tape.constant(v.clone())).collect();
                    (spec.apply)(&xs).shape()
                };
                let weights = rng.matrix(out_shape.dim(), autograd::registry::Domain::Real);

                let tape = Tape::new();
                let (loss, keys) = record(&tape, &spec, &values, &params, &kinds, &weights);
                let reference = loss.backward();

                let mut consumed = Tape::new();
                let (loss, new_keys) = record(&consumed, &spec, &values, &params, &kinds, &weights);
                let loss = loss.key();
                let grads = consumed.backward_and_reset(loss);
                assert!(consumed.is_empty(), "{}: tape not reset", spec.name);
                for (k, (old, new)) in keys.iter().zip(&new_keys).enumerate() {
                    let (a, b) = (reference.get_by_key(*old), grads.get_by_key(*new));
                    match (a, b) {
                        (Some(a), Some(b)) => assert!(
                            same_bits(a, b),
                            "{} {shapes:?} {kinds:?}: input {k} differs\n{a}\n{b}",
                            spec.name
                        ),
                        (None, None) => {}
                        _ => panic!("{} {kinds:?}: input {k}: {a:?} vs {b:?}", spec.name),
                    }
                }
                cases += 1;
            }
        }
    }
    assert!(cases > 200, "only {cases} cases");
}

/// A two-layer net with L2 recorded after the forward pass: the weights'
/// contributions are held for the matmul (the hold's values must outlive
/// the loop), and the first layer's input is shared data.
#[test]
fn mlp_with_l2_matches_backward() {
    let mut rng = Rng(3);
    let w1 = Param::new("w1", rng.matrix((5, 4), autograd::registry::Domain::Real));
    let w2 = Param::new("w2", rng.matrix((4, 3), autograd::registry::Domain::Real));
    let b1 = Param::new("b1", rng.matrix((1, 4), autograd::registry::Domain::Real));
    let x = std::sync::Arc::new(rng.matrix((6, 5), autograd::registry::Domain::Real));
    let ps = [w1, w2, b1];
    let record = |tape| net(tape, &ps, &x);
    let tape = Tape::new();
    let (loss, keys) = record(&tape);
    let reference = loss.backward();
    let mut tape2 = Tape::new();
    let (loss2, keys2) = record(&tape2);
    let loss2 = loss2.key();
    let grads = tape2.backward_and_reset(loss2);
    for (a, b) in keys.iter().zip(&keys2) {
        let (a, b) = (
            reference.get_by_key(*a).unwrap(),
            grads.get_by_key(*b).unwrap(),
        );
        assert!(same_bits(a, b), "{a}\n{b}");
    }
}

/// `relu(x·W1 + b1)·W2`, log-softmax cross-entropy, L2 on both weights.
fn net<'t>(
    tape: &'t Tape<f64>,
    [w1, w2, b1]: &[Param<f64>; 3],
    x: &std::sync::Arc<Array2<f64>>,
) -> (Var<'t, f64>, [NodeKey; 3]) {
    let (w1v, w2v, b1v) = (tape.param(w1), tape.param(w2), tape.param(b1));
    let h = (tape.constant_arc(x.clone()).matmul(w1v) + b1v).relu();
    let data = -h.matmul(w2v).log_softmax().pick(&[0, 2, 1, 1, 0, 2]).mean();
    let loss = data + (w1v.sum_squares() + w2v.sum_squares()).mul_scalar(1e-2);
    (loss, [w1v.key(), w2v.key(), b1v.key()])
}

#[test]
fn keys_from_before_the_reset_answer_and_later_ones_are_refused() {
    let mut tape = Tape::new();
    let (x, loss) = {
        let x = tape.leaf(array![[1.0, -3.0]]);
        (x.key(), (x * x).sum().key())
    };
    let grads = tape.backward_and_reset(loss);
    assert_eq!(grads.get_by_key(x), Some(&array![[2.0, -6.0]]));
    let later = tape.leaf(array![[1.0, -3.0]]).key();
    assert!(matches!(
        grads.try_get_by_key(later),
        Err(Error::ForeignNode { .. })
    ));
}

#[test]
fn errors_are_typed_and_leave_the_tape_reset() {
    let mut tape = Tape::new();
    let y = tape.leaf(array![[1.0, 2.0]]).exp().key();
    let Err(Error::NotScalar { shape }) = tape.try_backward_and_reset(y) else {
        panic!("a 1×2 root is not a loss")
    };
    assert_eq!(shape, Shape::new(1, 2));
    assert!(tape.is_empty());

    // A key from before this reset, and one from another tape.
    assert!(matches!(
        tape.try_backward_and_reset(y),
        Err(Error::ForeignNode { .. })
    ));
    let other = Tape::new();
    let foreign = other.leaf(array![[1.0]]).sum().key();
    assert!(matches!(
        tape.try_backward_and_reset(foreign),
        Err(Error::ForeignNode { .. })
    ));
    let loss = tape.leaf(array![[1.0, 2.0]]).exp().key();
    assert_panics_here!(tape.backward_and_reset(loss), "the loss must be 1×1");
}

/// Anomaly mode is supported: nothing is freed early, the gradients are
/// those of `backward`, and an anomaly is reported as `try_backward` does.
#[test]
fn anomaly_mode_reports_as_try_backward_and_resets() {
    let mut tape = Tape::new();
    tape.detect_anomalies(true);
    let (x, loss) = {
        let x = tape.leaf(array![[0.5, 2.0]]);
        (x.key(), x.square().sum().key())
    };
    let grads = tape.backward_and_reset(loss);
    assert_eq!(grads.get_by_key(x), Some(&array![[1.0, 4.0]]));
    assert!(tape.is_empty());

    tape.detect_anomalies(true);
    let (loss, expected) = {
        let x = tape.leaf(array![[0.0, 2.0]]);
        let y = x.sqrt();
        let loss = (y * tape.constant(array![[1.0, 1.0]])).sum();
        let Err(Error::Anomaly(a)) = loss.try_backward() else {
            panic!("sqrt'(0) = ∞ is an anomaly")
        };
        (loss.key(), *a)
    };
    let Err(Error::Anomaly(a)) = tape.try_backward_and_reset(loss) else {
        panic!("the same anomaly")
    };
    assert_eq!(
        (a.node, a.op, a.pass),
        (expected.node, expected.op, expected.pass)
    );
    assert!(tape.is_empty() && tape.anomaly().is_none());
}

/// y = x³ with a declared read set: `reads` is what it claims to need.
struct Cube {
    reads: Reads,
}

impl Op<f64> for Cube {
    fn name(&self) -> &'static str {
        "cube"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
        inputs[0].mapv(|x| x * x * x)
    }
    fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
        ctx.upstream * &ctx.inputs[0].mapv(|x| 3.0 * x * x)
    }
    fn backward_reads(&self, _wrt: usize) -> Reads {
        self.reads
    }
}

/// Runs `Σ cube(x) ⊙ w` through `backward_and_reset`.
fn cube_grad(reads: Reads) -> std::thread::Result<Result<Array2<f64>>> {
    std::panic::catch_unwind(move || {
        let mut tape = Tape::new();
        let (x, loss) = {
            let x = tape.leaf(array![[1.0, -2.0], [0.5, 3.0]]);
            let y = tape.try_apply(Cube { reads }, &[x]).unwrap();
            (
                x.key(),
                (y * tape.constant(array![[1.0, 2.0], [-1.0, 0.5]]))
                    .sum()
                    .key(),
            )
        };
        let grads = tape.try_backward_and_reset(loss)?;
        Ok(grads.get_by_key(x).unwrap().clone())
    })
}

/// An op claiming to read nothing while its backward reads its input is
/// caught: it is shown an empty 0×0 matrix in place of the value, so it
/// fails (here ndarray refuses to broadcast 2×2 against 0×0) instead of
/// giving a gradient from a freed buffer. With the default (everything)
/// or the exact declaration, the gradient is right.
#[test]
fn an_undeclared_read_fails_loudly() {
    let right = array![[3.0, 24.0], [-0.75, 13.5]];
    assert_eq!(cube_grad(Reads::ALL).unwrap().unwrap(), right);
    assert_eq!(cube_grad(Reads::input(0)).unwrap().unwrap(), right);
    match cube_grad(Reads::NOTHING) {
        Err(_) | Ok(Err(_)) => {} // a panic or a typed error, never a value
        Ok(Ok(g)) => panic!("a gradient from a value it did not declare: {g}"),
    }
    match cube_grad(Reads::OUTPUT) {
        Err(_) | Ok(Err(_)) => {}
        Ok(Ok(g)) => panic!("a gradient from a value it did not declare: {g}"),
    }
}

/// A panicking op still leaves the tape reset (no freed placeholder can be
/// read afterwards).
#[test]
fn a_panicking_op_leaves_the_tape_reset() {
    let mut tape = Tape::new();
    let loss = {
        let x = tape.leaf(array![[1.0, 2.0]]);
        let y = tape
            .try_apply(
                Cube {
                    reads: Reads::NOTHING,
                },
                &[x],
            )
            .unwrap();
        y.sum().key()
    };
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = tape.try_backward_and_reset(loss);
    }));
    assert!(unwound.is_err(), "the op reads an empty matrix and panics");
    assert!(tape.is_empty());
    let x = tape.leaf(array![[1.0, 2.0]]);
    assert_eq!(x.square().sum().backward()[x], array![[2.0, 4.0]]);
}
