//! The CS231n case study, "Putting it together: minimal neural network":
//! a softmax linear classifier and then a 2-layer ReLU network trained on
//! the 3-arm spiral, full batch, with L2 regularization — every gradient
//! from the autograd tape.
//!
//! The notes report about 49% training accuracy for the linear model (a
//! spiral is not linearly separable) and about 98% for the 2-layer net.
//!
//! Run: `cargo run --release --example spiral`

use autograd::{Param, Tape, Var};
use examples::{accuracy, gaussian, rng, spiral};
use ndarray::Array2;

const STEP: f64 = 1.0;
const REG: f64 = 1e-3;

/// Softmax cross-entropy averaged over the batch, plus ½λ Σ‖W‖².
fn loss<'t>(scores: Var<'t, f64>, labels: &[usize], weights: &[Var<'t, f64>]) -> Var<'t, f64> {
    let data_loss = -scores.log_softmax().pick(labels).mean();
    let reg_loss = weights
        .iter()
        .map(|w| w.sum_squares())
        .reduce(|a, b| a + b)
        .expect("weights");
    data_loss + reg_loss * (0.5 * REG)
}

/// Full-batch gradient descent on `params`, where `scores` builds the
/// model's class scores from the data and the parameters' tape leaves.
/// Returns the final class scores.
fn train(
    params: &mut [Param<f64>],
    weights: &[usize],
    x: &Array2<f64>,
    labels: &[usize],
    iterations: usize,
    scores: impl for<'t> Fn(Var<'t, f64>, &[Var<'t, f64>]) -> Var<'t, f64>,
) -> Array2<f64> {
    let mut tape = Tape::new();
    for it in 0..=iterations {
        tape.reset();
        let (value, grads, ids) = {
            let leaves: Vec<_> = params.iter().map(|p| tape.param(p)).collect();
            let s = scores(tape.constant(x.clone()), &leaves);
            let w: Vec<_> = weights.iter().map(|&i| leaves[i]).collect();
            let l = loss(s, labels, &w);
            let ids: Vec<_> = leaves.iter().map(|v| v.key()).collect();
            (l.item(), l.backward(), ids)
        };
        if it % (iterations / 10).max(1) == 0 {
            println!("  iteration {it:5}: loss {value:.4}");
        }
        if it == iterations {
            break;
        }
        tape.reset(); // release the shared parameters so updates happen in place
        for (p, id) in params.iter_mut().zip(ids) {
            let g = grads.get_by_key(id).expect("every parameter is used");
            p.update(|v| v.scaled_add(-STEP, g));
        }
    }
    let tape = Tape::new();
    let leaves: Vec<_> = params.iter().map(|p| tape.param(p)).collect();
    scores(tape.constant(x.clone()), &leaves).value()
}

fn main() {
    let (x, y) = spiral(100, 3, 0);
    let mut rng = rng(1);
    println!("Spiral: {} points in 2-D, 3 classes", x.nrows());

    println!("\nSoftmax linear classifier (W: 2×3, b: 1×3)");
    let mut linear = vec![
        Param::new("W", gaussian(2, 3, 0.01, &mut rng)),
        Param::new("b", Array2::zeros((1, 3))),
    ];
    let scores = train(&mut linear, &[0], &x, &y, 200, |x, p| x.matmul(p[0]) + p[1]);
    let linear_acc = accuracy(scores.view(), &y);
    println!(
        "  training accuracy: {:.2}%  (notes: ~49%)",
        100.0 * linear_acc
    );

    println!("\n2-layer net (2 → 100 ReLU → 3)");
    let mut net = vec![
        Param::new("W1", gaussian(2, 100, 0.01, &mut rng)),
        Param::new("b1", Array2::zeros((1, 100))),
        Param::new("W2", gaussian(100, 3, 0.01, &mut rng)),
        Param::new("b2", Array2::zeros((1, 3))),
    ];
    let scores = train(&mut net, &[0, 2], &x, &y, 10_000, |x, p| {
        (x.matmul(p[0]) + p[1]).relu().matmul(p[2]) + p[3]
    });
    let net_acc = accuracy(scores.view(), &y);
    println!(
        "  training accuracy: {:.2}%  (notes: ~98%)",
        100.0 * net_acc
    );
}
