//! Second-order methods in miniature (CS231n "Parameter updates",
//! second-order methods): a Hessian–vector product on a small net checked
//! against finite differences, then Newton's method on a small convex
//! problem next to gradient descent.
//!
//! 1. A 2-layer tanh net on the spiral data. The tape records its backward
//!    pass (`grad_graph`), so `⟨∇L, v⟩` is a node whose gradient is `H v`.
//!    We compare it with `(∇L(θ + h v) − ∇L(θ − h v)) / 2h` from two
//!    ordinary first-order passes, and run `gradcheck`'s second-order
//!    check entry by entry.
//! 2. L2-regularized logistic regression (convex). Newton's update
//!    `θ ← θ − H⁻¹ ∇L` needs the Hessian: each column `H eₖ` is one
//!    Hessian–vector product. With 3 parameters that is cheap, and Newton
//!    reaches machine precision in a handful of steps, where gradient
//!    descent needs hundreds — the notes' reason to want second-order
//!    methods, and (with millions of parameters, where H cannot be formed)
//!    the reason they are rarely used for deep nets.
//!
//! Run: `cargo run --release --example second_order`

use autograd::{Tape, Var};
use examples::{gaussian, rng, spiral};
use gradcheck::GradCheck;
use ndarray::{Array1, Array2, Axis, array};

/// Softmax cross-entropy of a 2-layer tanh net, parameters in `p` =
/// `[W1, b1, W2, b2]`.
fn net_loss<'t>(x: Var<'t, f64>, labels: &[usize], p: &[Var<'t, f64>]) -> Var<'t, f64> {
    let hidden = (x.matmul(p[0]) + p[1]).tanh();
    let scores = hidden.matmul(p[2]) + p[3];
    -scores.log_softmax().pick(labels).mean()
}

/// `∇L(θ)` by an ordinary first-order pass.
fn gradient(x: &Array2<f64>, labels: &[usize], theta: &[Array2<f64>]) -> Vec<Array2<f64>> {
    let tape = Tape::new();
    let p: Vec<_> = theta.iter().map(|t| tape.leaf(t.clone())).collect();
    let g = net_loss(tape.constant(x.clone()), labels, &p).backward();
    p.iter().map(|&v| g[v].clone()).collect()
}

fn hessian_vector_product_on_a_net() {
    println!("== 1. Hessian-vector product on a 2-layer net ==");
    let (x, labels) = spiral(20, 3, 0);
    let mut r = rng(1);
    let theta = vec![
        gaussian(2, 8, 0.5, &mut r),
        gaussian(1, 8, 0.1, &mut r),
        gaussian(8, 3, 0.5, &mut r),
        gaussian(1, 3, 0.1, &mut r),
    ];
    let v: Vec<Array2<f64>> = theta
        .iter()
        .map(|t| gaussian(t.nrows(), t.ncols(), 1.0, &mut r))
        .collect();

    // H v from the tape: differentiate ⟨∇L, v⟩, a node built by grad_graph.
    let tape = Tape::new();
    let p: Vec<_> = theta.iter().map(|t| tape.leaf(t.clone())).collect();
    let loss = net_loss(tape.constant(x.clone()), &labels, &p);
    let grads = loss
        .grad_graph(&p)
        .expect("every op here is twice differentiable");
    let projection = grads
        .iter()
        .zip(&v)
        .map(|(&g, v)| (g * tape.constant(v.clone())).sum())
        .reduce(|a, b| a + b)
        .expect("four parameters");
    let hv_tape = projection.backward();
    println!(
        "tape: {} nodes after recording the backward pass (first-order loss alone: {})",
        tape.len(),
        {
            let t = Tape::new();
            let p: Vec<_> = theta.iter().map(|th| t.leaf(th.clone())).collect();
            net_loss(t.constant(x.clone()), &labels, &p);
            t.len()
        }
    );

    // H v from finite differences of the first-order gradient along v.
    let h = 1e-5;
    let shifted = |sign: f64| -> Vec<Array2<f64>> {
        theta
            .iter()
            .zip(&v)
            .map(|(t, v)| t + &(v * (sign * h)))
            .collect()
    };
    let (plus, minus) = (
        gradient(&x, &labels, &shifted(1.0)),
        gradient(&x, &labels, &shifted(-1.0)),
    );
    println!(
        "{:<4} {:>12} {:>12} {:>10}",
        "θ", "‖Hv‖∞", "‖Hv−fd‖∞", "normwise"
    );
    for (k, name) in ["W1", "b1", "W2", "b2"].iter().enumerate() {
        let fd = (&plus[k] - &minus[k]) / (2.0 * h);
        let tape_hv = &hv_tape[p[k]];
        let scale = fd.iter().fold(0.0_f64, |m, a| m.max(a.abs()));
        let diff = (tape_hv - &fd).iter().fold(0.0_f64, |m, a| m.max(a.abs()));
        println!(
            "{name:<4} {scale:>12.4e} {diff:>12.3e} {:>10.2e}",
            diff / scale.max(1.0)
        );
    }

    // The same, entry by entry, with gradcheck's second-order check.
    let named: Vec<(&str, Array2<f64>)> = ["W1", "b1", "W2", "b2"].into_iter().zip(theta).collect();
    let report = GradCheck::new()
        .step(1e-5)
        .sample(6)
        .check_second_order(&named, |tape, p, _| {
            net_loss(tape.constant(x.clone()), &labels, p)
        })
        .expect("twice differentiable");
    println!("\ngradcheck second-order check (6 sampled entries per parameter):");
    for t in report.tensors() {
        println!(
            "  {:<10} {} entries, normwise {:.2e}, band {}",
            t.name, t.checked, t.normwise, t.worst_band
        );
    }
    report.assert_ok();
}

/// Mean logistic loss with labels y ∈ {0, 1}, plus ½λ‖w‖² (bias not
/// regularized). `softplus(z) = log(1 + eᶻ)` is `log_sum_exp([0, z])`,
/// stable for any z.
fn logistic_loss<'t>(
    x: Var<'t, f64>,
    y: Var<'t, f64>,
    theta: Var<'t, f64>,
    lambda: f64,
) -> Var<'t, f64> {
    let (w, b) = (theta.slice_cols(0..2), theta.slice_cols(2..3));
    let z = x.matmul(w.t()) + b;
    let zeros = x.tape().constant(Array2::zeros(z.shape().dim()));
    let softplus = Var::concat_cols(&[zeros, z]).log_sum_exp_axis(1);
    (softplus - z * y).mean() + w.sum_squares() * (0.5 * lambda)
}

/// Loss, gradient (1×3) and Hessian (3×3, one HVP per column) at θ.
fn loss_grad_hessian(
    x: &Array2<f64>,
    y: &Array2<f64>,
    theta: &Array2<f64>,
    lambda: f64,
) -> (f64, Array2<f64>, Array2<f64>) {
    let tape = Tape::new();
    let t = tape.leaf(theta.clone());
    let loss = logistic_loss(
        tape.constant(x.clone()),
        tape.constant(y.clone()),
        t,
        lambda,
    );
    let g = loss.grad_graph(&[t]).expect("twice differentiable")[0];
    let mut hessian = Array2::zeros((3, 3));
    for k in 0..3 {
        let mut e = Array2::zeros((1, 3));
        e[[0, k]] = 1.0;
        let column = (g * tape.constant(e)).sum().backward();
        hessian.row_mut(k).assign(&column[t].row(0));
    }
    (loss.item(), g.value(), hessian)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting (3×3).
fn solve(mut a: Array2<f64>, mut b: Array1<f64>) -> Array1<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[[i, col]].abs().total_cmp(&a[[j, col]].abs()))
            .expect("rows");
        for k in 0..n {
            a.swap([col, k], [pivot, k]);
        }
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[[row, col]] / a[[col, col]];
            for k in col..n {
                a[[row, k]] -= f * a[[col, k]];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = Array1::zeros(n);
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[[row, k]] * x[k]).sum();
        x[row] = (b[row] - tail) / a[[row, row]];
    }
    x
}

fn newton_on_logistic_regression() {
    println!("\n== 2. Newton's method vs gradient descent: L2-regularized logistic regression ==");
    let mut r = rng(7);
    let n = 200;
    let mut x = gaussian(n, 2, 1.0, &mut r);
    let mut y = Array2::zeros((n, 1));
    for i in 0..n {
        // Two overlapping clouds: class 1 shifted by (1.5, −1).
        if i % 2 == 1 {
            x[[i, 0]] += 1.5;
            x[[i, 1]] -= 1.0;
            y[[i, 0]] = 1.0;
        }
    }
    let lambda = 1e-2;
    let norm = |g: &Array2<f64>| g.iter().fold(0.0_f64, |m, a| m.max(a.abs()));

    println!("{:>4}  {:>22}  {:>12}", "iter", "Newton loss", "‖∇L‖∞");
    let mut theta: Array2<f64> = array![[0.0, 0.0, 0.0]];
    let mut newton_iters = 0;
    for it in 0..20 {
        let (loss, g, h) = loss_grad_hessian(&x, &y, &theta, lambda);
        println!("{it:>4}  {loss:>22.16}  {:>12.3e}", norm(&g));
        if norm(&g) < 1e-12 {
            newton_iters = it;
            break;
        }
        let step = solve(h, g.index_axis(Axis(0), 0).to_owned());
        theta = theta - step.insert_axis(Axis(0));
    }
    let newton_theta = theta.clone();

    // Gradient descent with a fixed rate. A logistic loss's curvature is at
    // most ¼·λ_max(XᵀX/n) + λ, a little over 1 here, so a rate near 1 is
    // about the largest that still converges steadily.
    let rate = 1.0;
    let mut theta: Array2<f64> = array![[0.0, 0.0, 0.0]];
    let mut gd_iters = None;
    for it in 0..20_000 {
        let (_, g, _) = loss_grad_hessian(&x, &y, &theta, lambda);
        if norm(&g) < 1e-12 {
            gd_iters = Some(it);
            break;
        }
        theta = theta - g * rate;
    }
    let gap = norm(&(&theta - &newton_theta));
    match gd_iters {
        Some(it) => println!(
            "\nNewton: {newton_iters} iterations; gradient descent (rate {rate}): {it} iterations to the same ‖∇L‖∞ < 1e-12 (θ differ by {gap:.1e})"
        ),
        None => println!(
            "\nNewton: {newton_iters} iterations; gradient descent (rate {rate}) had not reached ‖∇L‖∞ < 1e-12 after 20000 (θ differ by {gap:.1e})"
        ),
    }
    println!("θ* = [w1, w2, b] = {:.6}", newton_theta.row(0));
}

fn main() {
    hessian_vector_product_on_a_net();
    newton_on_logistic_regression();
}
