//! Forward values and gradients worked out by hand, each with a
//! non-uniform upstream gradient `G` (`backward_with(G)`), so a layer that
//! ignored the gradient's pattern would fail.

use autograd::Tape;
use ndarray::{Array2, array};
use nn::layers::neuron::NeuronOutput;
use nn::layers::{Activation, Affine, Maxout, Neuron, PReLU};
use nn::{Ctx, Module};

use crate::close;

#[test]
fn affine_forward_and_backward() {
    let fc = Affine::from_values(
        "fc",
        array![[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]],
        array![[0.1, 0.2, 0.3]],
    )
    .unwrap();
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let x = tape.leaf(array![[1.0, 2.0], [3.0, -1.0]]);
    let y = fc.forward(&mut ctx, x);
    // x·W = [[5, −1, −1.5], [1, −3, 2.5]], plus b on every row
    close(&y.value(), &array![[5.1, -0.8, -1.2], [1.1, -2.8, 2.8]]);

    let g = y.backward_with(array![[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]);
    // ∂W = xᵀ·G, ∂b = Σ_rows G, ∂x = G·Wᵀ
    close(
        ctx.grad(&g, fc.weight()).unwrap(),
        &array![[-2.0, 3.5, 9.0], [3.0, 3.5, 4.0]],
    );
    close(ctx.grad(&g, fc.bias()).unwrap(), &array![[0.0, 2.5, 5.0]]);
    close(&g[x], &array![[0.5, -1.0], [-0.5, -4.0]]);
}

/// `x = [−2, 0, 1.5]`, `G = [1, 2, −3]`: the middle entry sits on the kink.
fn activation_case(act: Activation) -> (Array2<f64>, Array2<f64>) {
    let tape = Tape::new();
    let x = tape.leaf(array![[-2.0, 0.0, 1.5]]);
    let layer = act;
    let y = layer.forward(&mut Ctx::eval(&tape), x);
    let g = y.backward_with(array![[1.0, 2.0, -3.0]]);
    (y.value(), g[x].clone())
}

#[test]
fn relu_forward_and_backward() {
    let (y, dx) = activation_case(Activation::ReLU);
    close(&y, &array![[0.0, 0.0, 1.5]]);
    close(&dx, &array![[0.0, 0.0, -3.0]]); // relu'(0) = 0
}

#[test]
fn leaky_relu_forward_and_backward() {
    let (y, dx) = activation_case(Activation::LeakyReLU(0.1));
    close(&y, &array![[-0.2, 0.0, 1.5]]);
    close(&dx, &array![[0.1, 0.2, -3.0]]); // leaky'(0) = α
}

#[test]
fn sigmoid_forward_and_backward() {
    let (y, dx) = activation_case(Activation::Sigmoid);
    // σ(−2) = 1/(1 + e²), σ(0) = ½, σ(1.5) = 1/(1 + e^−1.5); σ' = σ(1 − σ)
    let s = [0.11920292202211755, 0.5, 0.8175744761936437];
    close(&y, &array![s]);
    let ds = [0.1049935854035065, 0.25, 0.14914645207033286];
    close(&dx, &array![[ds[0], 2.0 * ds[1], -3.0 * ds[2]]]);
}

#[test]
fn tanh_forward_and_backward() {
    let (y, dx) = activation_case(Activation::Tanh);
    close(&y, &array![[-0.9640275800758169, 0.0, 0.9051482536448664]]);
    // tanh' = 1 − tanh²
    let dt = [0.07065082485316443, 1.0, 0.18070663892364858];
    close(&dx, &array![[dt[0], 2.0 * dt[1], -3.0 * dt[2]]]);
}

#[test]
fn prelu_per_column_forward_and_backward() {
    let act = PReLU::from_slope("act", array![[0.5, 0.25]]).unwrap();
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let x = tape.leaf(array![[-2.0, 3.0], [0.0, -1.0]]);
    let y = act.forward(&mut ctx, x);
    close(&y.value(), &array![[-1.0, 3.0], [0.0, -0.25]]);
    let g = y.backward_with(array![[1.0, 2.0], [3.0, 4.0]]);
    // x ≤ 0 takes the slope (the kink x = 0 included): ∂x = G·a
    close(&g[x], &array![[0.5, 2.0], [1.5, 1.0]]);
    // ∂a_j = Σ_i G·x over x ≤ 0: column 0 is 1·(−2) + 3·0, column 1 is 4·(−1)
    close(ctx.grad(&g, act.slope()).unwrap(), &array![[-2.0, -4.0]]);
}

#[test]
fn prelu_shared_starts_at_a_quarter() {
    let act = PReLU::shared("act");
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let x = tape.leaf(array![[-2.0, 3.0], [0.0, -1.0]]);
    let y = act.forward(&mut ctx, x);
    close(&y.value(), &array![[-0.5, 3.0], [0.0, -0.25]]);
    let g = y.backward_with(array![[1.0, 2.0], [3.0, 4.0]]);
    close(&g[x], &array![[0.25, 2.0], [0.75, 1.0]]);
    // one slope: summed over every entry, −2 + 0 − 4
    close(ctx.grad(&g, act.slope()).unwrap(), &array![[-6.0]]);
}

#[test]
fn maxout_forward_backward_and_tie() {
    // W = I, b = 0, so the pieces are x's column blocks [x₀ x₁ | x₂ x₃].
    let fc = Affine::from_values("mx", Array2::eye(4), Array2::zeros((1, 4))).unwrap();
    let layer = Maxout::from_affine(fc, 2).unwrap();
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    // row 0, column 1: both pieces are 5 — a tie
    let x = tape.leaf(array![[1.0, 5.0, 3.0, 5.0], [-1.0, 2.0, -4.0, 0.0]]);
    let y = layer.forward(&mut ctx, x);
    close(&y.value(), &array![[3.0, 5.0], [-1.0, 2.0]]);

    let g = y.backward_with(array![[2.0, 4.0], [1.0, -3.0]]);
    // winners get the gradient; the tie splits 4 evenly into 2 + 2
    let dz = array![[0.0, 2.0, 2.0, 2.0], [1.0, -3.0, 0.0, 0.0]];
    close(&g[x], &dz); // ∂x = dz·Wᵀ = dz
    close(
        ctx.grad(&g, layer.affine().bias()).unwrap(),
        &array![[1.0, -1.0, 2.0, 2.0]],
    );
    // ∂W = xᵀ·dz
    close(
        ctx.grad(&g, layer.affine().weight()).unwrap(),
        &array![
            [-1.0, 5.0, 2.0, 2.0],
            [2.0, 4.0, 10.0, 10.0],
            [-4.0, 18.0, 6.0, 6.0],
            [0.0, 10.0, 10.0, 10.0]
        ],
    );
}

#[test]
fn maxout_rejects_bad_piece_counts() {
    let fc = Affine::<f64>::from_values("mx", Array2::eye(3), Array2::zeros((1, 3))).unwrap();
    assert!(Maxout::from_affine(fc.clone(), 2).is_err()); // 3 columns, 2 pieces
    assert!(Maxout::from_affine(fc.clone(), 0).is_err());
    assert_eq!(Maxout::from_affine(fc, 3).unwrap().fan_out(), 1);
}

#[test]
fn neuron_logit_and_probability() {
    let n =
        Neuron::from_values("clf", array![[2.0], [-1.0]], 0.5, NeuronOutput::Probability).unwrap();
    let x = array![[1.0, 3.0], [1.0, 0.0]];
    let gs = array![[1.0], [2.0]];

    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let s = n.logit(&mut ctx, tape.constant(x.clone()));
    close(&s.value(), &array![[-0.5], [2.5]]); // x·w + b
    let g = s.backward_with(gs.clone());
    // the raw score is linear: ∂w = xᵀ·G, ∂b = ΣG
    close(
        ctx.grad(&g, n.affine().weight()).unwrap(),
        &array![[3.0], [3.0]],
    );
    close(ctx.grad(&g, n.affine().bias()).unwrap(), &array![[3.0]]);

    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let p = n.forward(&mut ctx, tape.constant(x.clone())); // Probability output
    let (p0, p1) = (1.0 / (1.0 + 0.5_f64.exp()), 1.0 / (1.0 + (-2.5_f64).exp()));
    close(&p.value(), &array![[p0], [p1]]);
    let g = p.backward_with(gs);
    // ∂s = G·p(1 − p), then through the affine map
    let (d0, d1) = (p0 * (1.0 - p0), 2.0 * p1 * (1.0 - p1));
    close(
        ctx.grad(&g, n.affine().weight()).unwrap(),
        &array![[d0 + d1], [3.0 * d0]],
    );
    close(ctx.grad(&g, n.affine().bias()).unwrap(), &array![[d0 + d1]]);
}

#[test]
fn neuron_as_a_binary_svm() {
    // hinge max(0, 1 − y·s) on the raw scores, labels y ∈ {−1, +1}
    let n = Neuron::from_values("svm", array![[1.0_f64], [1.0]], 0.0, NeuronOutput::Logit).unwrap();
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let s = n.forward(&mut ctx, tape.constant(array![[2.0, 1.0], [0.5, -1.0]]));
    let y = tape.constant(array![[1.0], [1.0]]);
    let loss = (1.0 - y * s).relu().sum();
    assert_eq!(loss.item(), 1.5); // the first margin is met, the second misses by 1.5
    let g = loss.backward();
    // only the violating example pushes: ∂w = −y·x of row 1
    close(
        ctx.grad(&g, n.affine().weight()).unwrap(),
        &array![[-0.5], [1.0]],
    );
}
