//! A walk through gradient checking as the CS231n notes describe it, on a
//! two-layer net (affine → ReLU → affine, softmax cross-entropy + L2).
//!
//! Run with `cargo run --release --example gradcheck_walkthrough`.
//!
//! What it shows is asserted as it runs (and `examples/tests/walkthrough.rs`
//! runs it under `cargo test`): every entry passes in section 1; the huge
//! λ of section 2 dominates the weights' gradients but not the biases'; in
//! section 3 the kink rows name relu's branches in words (`negative`, `on
//! the kink`, `positive`) and pass as subgradients; section 4 passes.

use autograd::{Param, Tape, Var};
use gradcheck::rand::{RngExt, SeedableRng};
use gradcheck::{GradCheck, Report, Rng};
use ndarray::Array2;

/// Layer sizes and data for one net.
struct Net {
    x: Array2<f64>,
    labels: Vec<usize>,
    params: Vec<Param<f64>>,
}

fn randn(rng: &mut Rng, shape: (usize, usize), scale: f64) -> Array2<f64> {
    Array2::from_shape_simple_fn(shape, || scale * rng.random_range(-1.0..1.0))
}

impl Net {
    fn new(n: usize, d: usize, h: usize, c: usize, seed: u64) -> Self {
        let mut rng = Rng::seed_from_u64(seed);
        let x = randn(&mut rng, (n, d), 1.0);
        let labels = (0..n).map(|_| rng.random_range(0..c)).collect();
        let params = vec![
            Param::new("W1", randn(&mut rng, (d, h), (2.0 / d as f64).sqrt())),
            Param::new("b1", randn(&mut rng, (1, h), 0.1)),
            Param::new("W2", randn(&mut rng, (h, c), (2.0 / h as f64).sqrt())),
            Param::new("b2", randn(&mut rng, (1, c), 0.1)),
        ];
        Net { x, labels, params }
    }

    fn refs(&self) -> Vec<&Param<f64>> {
        self.params.iter().collect()
    }

    /// The hidden layer's pre-activation `x·W1 + b1`, then the scores.
    fn scores<'t>(&self, t: &'t Tape<f64>, p: &[Var<'t, f64>]) -> Var<'t, f64> {
        let hidden = (t.constant(self.x.clone()).matmul(p[0]) + p[1]).relu();
        hidden.matmul(p[2]) + p[3]
    }

    /// Softmax cross-entropy `−(1/N) Σᵢ log softmax(sᵢ)[yᵢ]`.
    fn data_loss<'t>(&self, t: &'t Tape<f64>, p: &[Var<'t, f64>]) -> Var<'t, f64> {
        -self.scores(t, p).log_softmax().pick(&self.labels).mean()
    }

    /// L2 regularization `½λ(‖W1‖² + ‖W2‖²)`.
    fn reg<'t>(t: &'t Tape<f64>, p: &[Var<'t, f64>], lambda: f64) -> Var<'t, f64> {
        ((p[0] * p[0]).sum() + (p[2] * p[2]).sum()) * t.scalar(0.5 * lambda)
    }
}

fn rows_where(report: &Report, keep: impl Fn(&gradcheck::Row) -> bool) -> Report {
    Report {
        rows: report.rows.iter().filter(|r| keep(r)).cloned().collect(),
        ..report.clone()
    }
}

/// Runs the walkthrough (public so the test can run it).
pub fn main() {
    println!("== 1. every entry of a small two-layer net ==");
    let net = Net::new(4, 3, 5, 2, 1);
    let report = GradCheck::new()
        .seed(7)
        .check_params(&net.refs(), |t, p, _| {
            net.data_loss(t, p) + Net::reg(t, p, 1e-3)
        });
    for t in report.tensors() {
        println!(
            "  {:<10} {:>3} probes  normwise {:.2e}  worst band: {}",
            t.name, t.checked, t.normwise, t.worst_band
        );
    }
    println!(
        "  kink rows: {} (random data rarely sits on a kink)",
        report.kinks().count()
    );
    report.assert_ok();

    println!("\n== 2. data loss and regularization, separately ==");
    let inputs: Vec<(&str, Array2<f64>)> = net
        .params
        .iter()
        .map(|p| (p.name(), p.value().clone()))
        .collect();
    let split = GradCheck::new().check_split(
        &inputs,
        |t, p, _| net.data_loss(t, p),
        |t, p, _| Net::reg(t, p, 10.0), // λ deliberately far too large
    );
    for (name, ratio) in &split.dominance {
        println!("  ‖∇reg‖/‖∇data‖ for {name:<3} = {ratio:.3}");
    }
    for w in &split.data.warnings {
        println!("  warning: {w}");
    }
    split.assert_ok();
    let dominated: Vec<&str> = split.dominated().map(|(n, _)| n.as_str()).collect();
    assert_eq!(dominated, ["W1", "W2"], "{split}");

    println!("\n== 3. a ReLU input sitting exactly on its kink ==");
    let mut kinked = Net::new(4, 3, 5, 2, 1);
    // choose b1[0,0] so that sample 0's pre-activation of hidden unit 0 is exactly 0
    let pre = kinked.x.dot(kinked.params[0].value())[[0, 0]];
    kinked.params[1].update(|b| b[[0, 0]] = -pre);
    let report = GradCheck::new()
        .seed(7)
        .check_params(&kinked.refs(), |t, p, _| kinked.data_loss(t, p));
    let kinks = rows_where(&report, |r| r.kink.is_some());
    print!("{kinks}");
    report.assert_ok();
    assert!(!kinks.rows.is_empty(), "no row crossed the kink:\n{report}");
    assert!(
        kinks
            .rows
            .iter()
            .all(|r| r.verdict == gradcheck::Verdict::Subgradient),
        "{kinks}"
    );
    let text = kinks.to_string();
    assert!(
        text.contains("on the kink at x") && !text.contains("branch 0"),
        "{text}"
    );

    println!("\n== 4. sparse modes on a larger net (30×50 → 100 → 10) ==");
    let big = Net::new(30, 50, 100, 10, 2);
    let start = std::time::Instant::now();
    let sampled = GradCheck::new()
        .sample(8)
        .seed(3)
        .check_params(&big.refs(), |t, p, _| {
            big.data_loss(t, p) + Net::reg(t, p, 1e-3)
        });
    for t in sampled.tensors() {
        println!(
            "  {:<10} {:>3} of its entries  normwise {:.2e}  worst band: {}",
            t.name, t.checked, t.normwise, t.worst_band
        );
    }
    sampled.assert_ok();
    let dirs = GradCheck::new()
        .directions(8)
        .seed(3)
        .check_params(&big.refs(), |t, p, _| big.data_loss(t, p));
    print!("{}", rows_where(&dirs, |_| true));
    dirs.assert_ok();
    println!(
        "  ({} + {} probes in {:.2?})",
        sampled.rows.len(),
        dirs.rows.len(),
        start.elapsed()
    );
}
