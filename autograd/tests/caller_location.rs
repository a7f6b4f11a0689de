//! ARCHITECTURE invariant 7: every panicking public function of `autograd`
//! reports the *caller's* line, never a line inside the library.
//!
//! How the list was enumerated: every `pub fn` (and every operator and
//! `Index` impl) in `autograd/src/**` was read (`grep -rn 'pub fn\|impl.*for'`),
//! and each panic path reachable from it gets a case: an argument or shape
//! error that the panicking form of a `try_` function turns into a panic,
//! an `assert!` on a handle, a missing gradient, a misshapen custom op.
//! Covered:
//!
//! * `Var`: `item`, `backward`, `backward_with` (not 1×1, shape, anomaly,
//!   a custom op's misshapen gradient), `sum_axis`, `mean_axis`, `max_axis`,
//!   `log_sum_exp_axis`, `mean`, `max`, `log_sum_exp`, `reshape`,
//!   `slice_cols`, `concat_cols`, `pick`, `maxout`, `leaky_relu`, `add`,
//!   `sub`, `mul`, `div`, `maximum`, `matmul`, `prelu` (shapes, and handles
//!   from another tape);
//! * the operators `+ - * /` between `Var`s (each its own
//!   `#[track_caller]` frame);
//! * `Gradients::get`, `Gradients::take`, `gradients[var]`;
//! * `Param::set`, `Param::update`;
//! * `shape::sum_to_shape`, `shape::broadcast_view`.
//!
//! Left out, having no panic path: the `try_` forms (they return `Result`),
//! `grad_graph` (`Result`), `Tape::try_apply` (`Result`), the unary ops
//! whose every input shape is valid (`relu`, `exp`, `tanh`, `sqrt`, `powf`,
//! `softmax`, `transpose`, `sum`, `sum_squares`, …, and `Var ⊕ scalar`,
//! `-x`), the tape's constructors and the accessors. One panic remains that
//! no caller location can fix: recording on a tape from inside
//! `Var::with_value`'s closure is a `RefCell` borrow conflict (documented
//! there).

#[path = "support/caller.rs"]
mod caller;

use autograd::{BackwardCtx, Op, Param, Result, Shape, Tape, Var};
use ndarray::{Array2, array};

fn m(rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(i, j)| (i * cols + j) as f64 * 0.25 - 0.5)
}

#[test]
fn var_item_backward_and_backward_with() {
    let tape = Tape::new();
    let x = tape.leaf(m(2, 3));
    assert_panics_here!(x.item(), "not 1×1");
    assert_panics_here!(x.backward(), "must be 1×1");
    assert_panics_here!(x.backward_with(m(3, 2)), "backward_with");
}

#[test]
fn backward_in_anomaly_mode() {
    let tape = Tape::new();
    tape.detect_anomalies(true);
    let x = tape.leaf(array![[-1.0]]);
    let y = x.log();
    assert_panics_here!(y.backward(), "anomaly");
    assert_panics_here!(y.backward_with(array![[1.0]]), "anomaly");
    let z = tape.leaf(array![[1.0]]);
    assert_panics_here!(
        z.backward_with(array![[f64::NAN]]),
        "upstream gradient holds NaN"
    );
}

#[test]
fn reductions_with_a_bad_axis_or_an_empty_input() {
    let tape = Tape::new();
    let x = tape.leaf(m(2, 3));
    assert_panics_here!(x.sum_axis(2), "axis must be 0 or 1");
    assert_panics_here!(x.mean_axis(2), "axis must be 0 or 1");
    assert_panics_here!(x.max_axis(2), "axis must be 0 or 1");
    assert_panics_here!(x.log_sum_exp_axis(2), "axis must be 0 or 1");
    let e = tape.leaf(m(2, 0));
    assert_panics_here!(e.mean(), "empty");
    assert_panics_here!(e.max(), "empty");
    assert_panics_here!(e.log_sum_exp(), "empty");
    assert_panics_here!(e.mean_axis(1), "empty");
    assert_panics_here!(e.max_axis(0), "empty");
    assert_panics_here!(e.log_sum_exp_axis(0), "empty");
}

#[test]
fn shape_changing_ops() {
    let tape = Tape::new();
    let x = tape.leaf(m(2, 3));
    assert_panics_here!(x.reshape(5, 1), "reshape");
    assert_panics_here!(x.slice_cols(1..4), "out of range");
    #[allow(clippy::reversed_empty_ranges)]
    let backwards = 2..1;
    assert_panics_here!(x.slice_cols(backwards), "starts after it ends");
    assert_panics_here!(Var::<f64>::concat_cols(&[]), "at least one part");
    let y = tape.leaf(m(3, 1));
    assert_panics_here!(Var::concat_cols(&[x, y]), "same number of rows");
    assert_panics_here!(x.pick(&[0]), "1 labels for 2 rows");
    assert_panics_here!(x.pick(&[0, 3]), "out of range");
    assert_panics_here!(x.maxout(2), "maxout");
    assert_panics_here!(x.maxout(0), "at least 1 piece");
}

#[test]
fn binary_ops_as_methods() {
    let tape = Tape::new();
    let (a, b) = (tape.leaf(m(2, 3)), tape.leaf(m(3, 2)));
    assert_panics_here!(a.add(b), "add: lhs is 2×3, rhs is 3×2");
    assert_panics_here!(a.sub(b), "sub: lhs is 2×3, rhs is 3×2");
    assert_panics_here!(a.mul(b), "mul: lhs is 2×3, rhs is 3×2");
    assert_panics_here!(a.div(b), "div: lhs is 2×3, rhs is 3×2");
    assert_panics_here!(a.maximum(b), "maximum: lhs is 2×3, rhs is 3×2");
    assert_panics_here!(a.matmul(a), "matmul: lhs is 2×3, rhs is 2×3");
    assert_panics_here!(a.prelu(a), "prelu: x is 2×3, slope is 2×3");
}

#[test]
fn binary_operators() {
    let tape = Tape::new();
    let (a, b) = (tape.leaf(m(2, 3)), tape.leaf(m(3, 2)));
    assert_panics_here!(a + b, "add: lhs is 2×3");
    assert_panics_here!(a - b, "sub: lhs is 2×3");
    assert_panics_here!(a * b, "mul: lhs is 2×3");
    assert_panics_here!(a / b, "div: lhs is 2×3");
}

#[test]
fn handles_from_another_tape() {
    let (t1, t2) = (Tape::new(), Tape::new());
    let (a, b) = (t1.leaf(m(1, 1)), t2.leaf(m(1, 1)));
    assert_panics_here!(a + b, "different tape");
    assert_panics_here!(a.matmul(b), "different tape");
    assert_panics_here!(Var::concat_cols(&[a, b]), "different tape");
    let g = a.backward();
    assert_panics_here!(g.get(b), "different tape");
    assert_panics_here!(&g[b], "different tape");
    let mut g = g;
    assert_panics_here!(g.take(b), "different tape");
}

#[test]
fn gradients_index_without_a_gradient() {
    let tape = Tape::new();
    let (x, c) = (tape.leaf(m(1, 1)), tape.constant(m(1, 1)));
    let g = (x * c).backward();
    assert_panics_here!(&g[c], "no gradient for node");
}

#[test]
fn leaky_relu_with_a_bad_slope() {
    let tape = Tape::new();
    let x = tape.leaf(m(1, 3));
    assert_panics_here!(x.leaky_relu(f64::NAN), "alpha must be finite and in [0, 1]");
    assert_panics_here!(x.leaky_relu(-1.0), "alpha must be finite and in [0, 1]");
}

#[test]
fn param_set_and_update_that_change_the_shape() {
    let mut w = Param::new("w", m(2, 3));
    assert_panics_here!(
        w.set(m(3, 2)),
        "Param::set: \"w\" is 2×3, the new value is 3×2"
    );
    assert_eq!(w.shape(), Shape::new(2, 3));
    assert_panics_here!(w.update(|v| *v = m(1, 1)), "Param::update");
}

#[test]
fn shape_helpers() {
    use autograd::shape::{broadcast_view, sum_to_shape};
    assert_panics_here!(
        sum_to_shape(m(3, 4), Shape::new(2, 4)),
        "sum_to_shape: a 2×4 operand does not broadcast to the 3×4 gradient"
    );
    let a = m(2, 3);
    assert_panics_here!(
        broadcast_view(&a, Shape::new(4, 3)),
        "broadcast_view: a 2×3 matrix does not broadcast to 4×3"
    );
}

/// y = x whose backward returns a 7×7 gradient whatever the input.
struct Misshapen;

impl Op<f64> for Misshapen {
    fn name(&self) -> &'static str {
        "misshapen"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
        inputs[0].clone()
    }
    fn backward(&self, _ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
        Array2::ones((7, 7))
    }
}

#[test]
fn backward_through_a_custom_op_of_the_wrong_shape() {
    let tape = Tape::new();
    let x = tape.leaf(m(2, 2));
    let y = tape.try_apply(Misshapen, &[x]).unwrap();
    assert_panics_here!(y.sum().backward(), "misshapen: backward for input 0");
    assert_panics_here!(y.backward_with(m(2, 2)), "misshapen: backward for input 0");
}
