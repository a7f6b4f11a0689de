//! Higher-order gradients through `grad_graph`: grad of grad, a
//! Hessian–vector product, and the error for ops without a graph backward.

use autograd::{BackwardCtx, Op, Result, Shape, Tape, Var};
use ndarray::{Array2, array};

#[test]
fn second_derivative_of_a_polynomial() {
    let tape = Tape::new();
    let x = tape.leaf(array![[2.0, -1.0]]);
    // f = Σ x³ + x²·c  (c broadcast); f' = 3x² + 2xc; f'' = 6x + 2c
    let c = tape.constant(array![[0.5]]);
    let f = (x * x * x + x * x * c).sum();
    let g = f.grad_graph(&[x]).unwrap()[0];
    assert_eq!(g.value(), array![[3.0 * 4.0 + 2.0 * 2.0 * 0.5, 3.0 - 1.0]]);
    // Hessian is diagonal here: H v = (6x + 2c) ⊙ v.
    let v = tape.constant(array![[1.0, 10.0]]);
    let hv = (g * v).sum().backward();
    assert_eq!(hv[x], array![[(12.0 + 1.0) * 1.0, (-6.0 + 1.0) * 10.0]]);
}

#[test]
fn gradient_penalty_is_differentiable() {
    // L = ‖∇ₓ Σ relu(x ⊙ w)‖² ; ∇ₓ = w ⊙ 1[x⊙w > 0]; ∂L/∂w = 2 w ⊙ mask
    let tape = Tape::new();
    let x = tape.leaf(array![[1.0, -2.0, 3.0]]);
    let w = tape.leaf(array![[0.5, 0.5, -1.0]]);
    let inner = (x * w).relu().sum();
    let gx = inner.grad_graph(&[x]).unwrap()[0];
    let penalty = gx.sum_squares();
    assert_eq!(penalty.item(), 0.25);
    assert_eq!(penalty.backward()[w], array![[1.0, 0.0, 0.0]]);
}

#[test]
fn unreached_inputs_get_zeros() {
    let tape = Tape::new();
    let x = tape.leaf(array![[1.0]]);
    let unused = tape.leaf(array![[1.0, 2.0]]);
    let grads = (x * x).sum().grad_graph(&[x, unused]).unwrap();
    assert_eq!(grads[1].value(), array![[0.0, 0.0]]);
}

struct FirstOrderOnly;
impl Op<f64> for FirstOrderOnly {
    fn name(&self) -> &'static str {
        "first_order_only"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
        inputs[0].clone()
    }
    fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
        ctx.upstream.clone()
    }
}

#[test]
fn ops_without_a_graph_backward_are_reported_and_the_tape_stays_usable() {
    let tape = Tape::new();
    let x = tape.leaf(array![[1.0]]);
    let y = tape.try_apply(FirstOrderOnly, &[x]).unwrap().sum();
    let e = y.grad_graph(&[x]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "first_order_only: this op does not support higher-order gradients (no backward_graph)"
    );
    assert_eq!(y.backward()[x], array![[1.0]]); // the op was put back
}

/// Invariant 5 on the recorded backward pass: behind a mask (a zero
/// upstream gradient), ops whose local derivative is infinite at 0 give an
/// exact 0, not 0·∞ = NaN — and so does the derivative of that gradient.
#[test]
fn masked_infinite_slopes_stay_zero_in_graph_mode() {
    type Build = for<'t> fn(Var<'t, f64>, Var<'t, f64>) -> Var<'t, f64>;
    let cases: [(&str, Build); 5] = [
        ("sqrt", |x, _| x.sqrt()),
        ("log", |x, _| x.log()),
        ("powf(0.5)", |x, _| x.powf(0.5)),
        ("div numerator", |x, z| x / z),
        ("div denominator", |x, z| z / x),
    ];
    for (name, f) in cases {
        let tape = Tape::new();
        // Entry 0 sits at 0 and is masked out; entry 1 is ordinary.
        let x = tape.leaf(array![[0.0, 4.0]]);
        let zero_at_0 = tape.constant(array![[0.0, 1.0]]);
        let loss = (f(x, tape.constant(array![[0.0, 2.0]])) * zero_at_0).sum();
        let g = loss.grad_graph(&[x]).unwrap()[0];
        let gv = g.value();
        assert_eq!(gv[[0, 0]], 0.0, "{name}: masked gradient {gv}");
        assert!(gv[[0, 1]].is_finite(), "{name}: {gv}");
        let hv = g.sum().backward();
        // x / z is linear in x: no path from the gradient back to x.
        let h = hv.get(x).cloned().unwrap_or_else(|| Array2::zeros((1, 2)));
        assert_eq!(h[[0, 0]], 0.0, "{name}: masked second derivative {h}");
        assert!(h[[0, 1]].is_finite(), "{name}: {h}");
    }
}
