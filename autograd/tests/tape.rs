//! Tape-level guarantees, through the public API only: repeatable backward,
//! no growth across training steps, no work for gradients nobody needs,
//! fan-out, stale-handle detection and copy-on-write parameters.

use std::cell::Cell;
use std::rc::Rc;

use autograd::{BackwardCtx, Error, Op, Param, Result, Shape, Tape};
use ndarray::{Array2, array};

/// y = 2x, counting how often its backward runs.
struct Double(Rc<Cell<usize>>);

impl Op<f64> for Double {
    fn name(&self) -> &'static str {
        "double"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
        inputs[0] * 2.0
    }
    fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
        self.0.set(self.0.get() + 1);
        ctx.upstream * 2.0
    }
}

#[test]
fn backward_twice_is_bitwise_equal() {
    let tape = Tape::new();
    let x = tape.leaf(array![[0.1, -0.7, 1.3], [2.2, 0.01, -3.0]]);
    let w = tape.leaf(array![[0.3, -1.1], [0.9, 0.4], [-0.2, 0.8]]);
    let loss = (x.matmul(w).relu() * x.matmul(w)).sum_squares();
    let (a, b) = (loss.backward(), loss.backward());
    assert_eq!(a[x].as_slice(), b[x].as_slice());
    assert_eq!(a[w].as_slice(), b[w].as_slice());
    for (p, q) in a[w].iter().zip(b[w].iter()) {
        assert_eq!(f64::to_bits(*p), f64::to_bits(*q));
    }
}

#[test]
fn no_backward_work_for_subgraphs_without_trainable_leaves() {
    let calls = Rc::new(Cell::new(0));
    let tape = Tape::new();
    let data = tape.constant(array![[1.0, 2.0]]);
    let w = tape.leaf(array![[3.0, 4.0]]);
    let data2 = tape.try_apply(Double(calls.clone()), &[data]).unwrap(); // constant-only
    let y = tape.try_apply(Double(calls.clone()), &[w]).unwrap(); // reaches w
    let g = (data2 * y).sum().backward();
    assert_eq!(
        calls.get(),
        1,
        "backward must run only for the node that reaches `w`"
    );
    assert!(!data2.requires_grad());
    assert!(g.get(data2).is_none() && g.get(data).is_none());
    assert_eq!(g[w], array![[4.0, 8.0]]);
}

#[test]
fn unused_leaf_gets_no_gradient() {
    let tape = Tape::new();
    let a = tape.leaf(array![[1.0]]);
    let unused = tape.leaf(array![[1.0]]);
    let g = (a * a).sum().backward();
    assert_eq!(g[a], array![[2.0]]);
    assert!(g.get(unused).is_none());
}

#[test]
fn fan_out_accumulates() {
    let tape = Tape::new();
    let x = tape.leaf(array![[1.5, -2.0]]);
    let y = x + x * x; // dy/dx = 1 + 2x
    let g = y.backward_with(array![[1.0, 3.0]]);
    assert_eq!(g[x], array![[4.0, -9.0]]);
}

#[test]
fn reset_reuses_the_tape_without_growing() {
    let mut tape = Tape::new();
    let mut w = Param::new("w", array![[0.5, -0.5], [0.25, 1.0]]);
    let mut lengths = Vec::new();
    for _ in 0..50 {
        tape.reset();
        let g = {
            let wv = tape.param(&w);
            let x = tape.constant(array![[1.0, 2.0]]);
            let loss = x.matmul(wv).relu().sum();
            lengths.push(tape.len());
            loss.backward().get(wv).cloned().unwrap()
        };
        tape.reset();
        w.update(|v| v.scaled_add(-0.01, &g));
    }
    assert!(lengths.iter().all(|&n| n == lengths[0]), "{lengths:?}");
    assert!(tape.is_empty());
}

#[test]
fn gradients_outlive_a_reset_but_reject_new_handles() {
    let mut tape = Tape::new();
    let grads = {
        let x = tape.leaf(array![[2.0]]);
        (x * x).sum().backward()
    };
    tape.reset();
    let y = tape.leaf(array![[1.0]]);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| grads.get(y).is_some()));
    let message = *caught.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("different tape"), "{message}");
}

#[test]
fn handles_from_another_tape_are_an_error() {
    let (t1, t2) = (Tape::<f64>::new(), Tape::<f64>::new());
    let a = t1.leaf(array![[1.0]]);
    let b = t2.leaf(array![[1.0]]);
    assert_eq!(
        a.try_add(b).unwrap_err(),
        Error::ForeignNode { context: "add" }
    );
}

#[test]
fn backward_needs_a_scalar_and_vjp_needs_matching_shape() {
    let tape = Tape::new();
    let x = tape.leaf(array![[1.0, 2.0]]);
    let e = x.try_backward().unwrap_err();
    assert!(
        e.to_string()
            .starts_with("backward: the loss must be 1×1 but is 1×2"),
        "{e}"
    );
    let e = x.try_backward_with(array![[1.0]]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "backward_with: node %0 is 1×2, upstream gradient is 1×1"
    );
}

#[test]
fn params_are_shared_not_copied_and_updates_are_copy_on_write() {
    let mut w = Param::new("w", array![[1.0, 2.0]]);
    let tape = Tape::new();
    let wv = tape.param(&w);
    let loss = (wv * wv).sum();
    // Updating while the tape still shares the value must not change what
    // the tape differentiates.
    w.update(|v| v.fill(100.0));
    assert_eq!(loss.backward()[wv], array![[2.0, 4.0]]);
    assert_eq!(*w.value(), array![[100.0, 100.0]]);
}

#[test]
fn detach_stops_gradients() {
    let tape = Tape::new();
    let x = tape.leaf(array![[3.0]]);
    let y = (x * x.detach()).sum();
    assert_eq!(y.backward()[x], array![[3.0]]);
}

#[test]
#[should_panic(expected = "matmul: lhs is 2×3, rhs is 4×5")]
fn operator_forms_panic_with_the_op_and_shapes() {
    let tape = Tape::<f32>::new();
    let a = tape.leaf(Array2::zeros((2, 3)));
    let b = tape.leaf(Array2::zeros((4, 5)));
    let _ = a.matmul(b);
}

#[test]
fn panics_point_at_the_callers_line() {
    let tape = Tape::<f32>::new();
    let a = tape.leaf(Array2::zeros((2, 3)));
    let b = tape.leaf(Array2::zeros((4, 5)));
    // The panic hook sees the location; tests run in parallel, so collect
    // every location seen while the hook is installed.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(l) = info.location() {
            sink.lock().unwrap().push((l.file().to_string(), l.line()));
        }
    }));
    let line = line!();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| a.matmul(b)));
    std::panic::set_hook(previous);
    assert!(result.is_err());
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter().any(|(file, at)| file.ends_with("tape.rs")
            && file.contains("tests")
            && *at == line + 1),
        "{seen:?}"
    );
}

#[test]
fn training_steps_reuse_cached_buffers_at_a_steady_state() {
    let mut tape = Tape::<f32>::new();
    let w = Param::new("w", Array2::from_elem((64, 32), 0.01f32));
    let x = Array2::from_elem((16, 64), 1.0f32);
    let mut cached = Vec::new();
    for _ in 0..4 {
        tape.reset();
        let grads = {
            let wv = tape.param(&w);
            let loss = tape.constant(x.clone()).matmul(wv).tanh().sum_squares();
            loss.backward()
        };
        drop(grads);
        tape.reset();
        cached.push(autograd::cached_bytes::<f32>());
    }
    assert!(cached[0] > 0, "freed buffers are cached");
    assert_eq!(
        cached[1], cached[3],
        "a step takes back what the last one gave: {cached:?}"
    );
}

/// A small chain like the W1 benchmark's (`h ⊙ w`, `h + b`, `tanh h`), plus
/// an op without `forward_into` (`Double`), a broadcast and a reduction:
/// its values and the leaves' gradients.
fn small_chain(tape: &Tape<f64>, rows: usize) -> (Vec<Array2<f64>>, Array2<f64>, Array2<f64>) {
    let fill = |k: f64| Array2::from_shape_fn((rows, 3), |(i, j)| (i as f64 - j as f64 * k) * 0.3);
    let x = tape.constant(fill(0.5));
    let (w, b) = (tape.leaf(fill(-1.5)), tape.leaf(array![[0.1, -0.2, 0.3]]));
    let mut h = x;
    let mut values = Vec::new();
    for i in 0..9 {
        h = match i % 4 {
            0 => h * w,
            1 => h + b,
            2 => tape.try_apply(Double(Rc::new(Cell::new(0))), &[h]).unwrap(),
            _ => h.tanh(),
        };
        values.push(h.value());
    }
    let g = h.sum().backward();
    (values, g[w].clone(), g[b].clone())
}

#[test]
fn re_recording_after_reset_gives_the_same_bits() {
    let want4 = small_chain(&Tape::new(), 4);
    let want2 = small_chain(&Tape::new(), 2);
    let mut tape = Tape::new();
    // The same graph again and again, then other shapes, then back: each
    // recording writes into the buffers the last one left (or not, when the
    // shapes differ) and must not see their stale values.
    for rows in [4, 4, 4, 2, 4, 2, 2, 4] {
        tape.reset();
        let got = small_chain(&tape, rows);
        assert_eq!(
            got,
            if rows == 4 {
                want4.clone()
            } else {
                want2.clone()
            }
        );
    }
}

#[test]
fn an_op_recorded_after_reset_writes_into_a_freed_small_buffer() {
    let mut tape = Tape::<f64>::new();
    let first = tape.constant(Array2::zeros((2, 3)));
    let freed = first.with_value(|v| v.as_ptr());
    tape.reset();
    let x = tape.constant(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    let y = x * x;
    assert_eq!(
        y.with_value(|v| v.as_ptr()),
        freed,
        "node 0's buffer is offered first"
    );
    assert_eq!(y.value(), array![[1.0, 4.0, 9.0], [16.0, 25.0, 36.0]]);
}

#[test]
fn release_cached_buffers_leaves_a_tapes_spares_alone() {
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(array![[1.0, 2.0]]);
    let kept = (x * x).with_value(|v| v.as_ptr());
    tape.reset();
    autograd::release_cached_buffers();
    let a = tape.constant(array![[3.0, 4.0]]);
    let b = a * a; // node 0's old buffer (x's)
    let c = b * a; // node 1's (x * x's): the spare survived the release
    assert_eq!(c.with_value(|v| v.as_ptr()), kept);
    assert_eq!(c.value(), array![[27.0, 64.0]]);
}
