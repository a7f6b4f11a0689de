//! Peak resident memory of a step against the minimum a hand-written
//! version needs (issue 14, "Memory").
//!
//! Each case runs in a child process of its own (this binary re-run with
//! `case …` arguments), so each has its own high-water mark: the child
//! reads `VmRSS` from `/proc/self/status` before it builds anything and
//! `VmHWM` (the peak) after, and prints the difference. The parent prints
//! one row per case: that peak, and its ratio to the reference size
//! (the input for `square().sum()`, the theoretical minimum for W2).
//!
//! Cases:
//! * `square().sum()` forward + backward on an n×n f64 input, on the tape
//!   (`backward`; `backward_leaves`, which keeps only leaves' gradients;
//!   `backward_and_reset`, which also frees each value once the sweep no
//!   longer reads it) and by hand (`2x` into one new matrix). The minimum is the
//!   input plus its gradient: 2×.
//! * One W2 step (784-512-512-10 batch 128, 3072-100-10 batch 256; f32 and
//!   f64), three steps each so the buffer cache is warm, on the tape
//!   (`benches::mlp::tape_step` with SGD, and `tape_step_consuming`, the
//!   same step with `backward_and_reset`) and by hand
//!   (`hand_grads` + `sgd`). The minimum is parameters + gradients +
//!   input + the activations backward needs (each hidden layer's output
//!   and the scores).
//!
//! `PEAK_N` sets n (default 4000: 128 MB; 20000 is 3.2 GB, run it by hand
//! only); `PEAK_ONLY=square` or `=w2` runs one group. Not part of CI.

use std::process::Command;

use autograd::{Float, Tape};
use benches::mlp::{self, Mlp};
use ndarray::Array2;

/// A field of `/proc/self/status` in bytes (the kernel reports kB).
fn status_bytes(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    let kb: usize = line
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("a number of kB");
    kb * 1024
}

/// A deterministic n×n input without a second n×n temporary.
fn input(n: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, n), |(i, j)| {
        ((i * 31 + j * 17) % 101) as f64 * 0.01 - 0.5
    })
}

/// `x.square().sum()` forward + backward; returns a checksum so nothing is
/// optimized away.
fn square_sum(n: usize, how: &str) -> f64 {
    let x = input(n);
    match how {
        "hand" => {
            let loss: f64 = x.iter().map(|v| v * v).sum();
            let grad = x.mapv(|v| v + v);
            loss + grad[[n - 1, n - 1]]
        }
        "tape" | "tape_leaves" => {
            let tape = Tape::new();
            let xv = tape.leaf(x);
            let loss = xv.square().sum();
            let grads = if how == "tape" {
                loss.backward()
            } else {
                loss.backward_leaves()
            };
            loss.item() + grads[xv][[n - 1, n - 1]]
        }
        "tape_reset" => {
            let mut tape = Tape::new();
            let (xv, loss, value) = {
                let xv = tape.leaf(x);
                let loss = xv.square().sum();
                (xv.key(), loss.key(), loss.item())
            };
            let grads = tape.backward_and_reset(loss);
            value + grads.get_by_key(xv).expect("x is used")[[n - 1, n - 1]]
        }
        other => panic!("no square case {other:?}"),
    }
}

/// The least memory a W2 step can run in, in elements.
fn w2_minimum(sizes: &[usize], batch: usize) -> usize {
    let params: usize = sizes.windows(2).map(|p| p[0] * p[1] + p[1]).sum();
    // The input, each hidden activation, and the scores (overwritten by
    // their gradient, as `hand_grads` does).
    let activations: usize = sizes.iter().map(|&s| batch * s).sum();
    2 * params + activations
}

/// Three W2 steps; returns the last loss.
fn w2<F: Float>(sizes: &[usize], batch: usize, how: &str) -> f64 {
    let (x, labels) = mlp::batch::<F>(sizes, batch);
    let mut net = Mlp::<F>::new(sizes, 1);
    let (reg, lr) = (F::of(1e-4), F::of(0.01));
    let mut loss = F::zero();
    match how {
        "tape" => {
            let mut tape = Tape::new();
            let mut sgd = benches::optim::optimizer::<F>("sgd");
            for _ in 0..3 {
                loss = mlp::tape_step(&mut tape, &mut net, &x, &labels, reg, sgd.as_mut());
            }
        }
        "tape_reset" => {
            let mut tape = Tape::new();
            let mut sgd = benches::optim::optimizer::<F>("sgd");
            for _ in 0..3 {
                loss =
                    mlp::tape_step_consuming(&mut tape, &mut net, &x, &labels, reg, sgd.as_mut());
            }
        }
        "hand" => {
            for _ in 0..3 {
                let g = mlp::hand_grads(&net, &x, &labels, reg);
                mlp::sgd(&mut net, &g, lr);
                loss = g.loss;
            }
        }
        other => panic!("no W2 case {other:?}"),
    }
    loss.as_f64()
}

fn sizes_of(name: &str) -> (Vec<usize>, usize) {
    match name {
        "784-512-512-10" => (vec![784, 512, 512, 10], 128),
        "3072-100-10" => (vec![3072, 100, 10], 256),
        other => panic!("no W2 net {other:?}"),
    }
}

/// The child: runs one case and prints its peak minus its starting RSS.
fn child(args: &[String]) {
    let base = status_bytes("VmRSS:");
    let check = match args {
        [group, n, how] if group == "square" => square_sum(n.parse().expect("n"), how),
        [group, net, float, how] if group == "w2" => {
            let (sizes, batch) = sizes_of(net);
            match float.as_str() {
                "f32" => w2::<f32>(&sizes, batch, how),
                _ => w2::<f64>(&sizes, batch, how),
            }
        }
        _ => panic!("bad case {args:?}"),
    };
    let peak = status_bytes("VmHWM:");
    println!("{} {check}", peak.saturating_sub(base));
}

/// Runs one case in a child process; its peak in bytes.
fn run(args: &[&str]) -> usize {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .arg("case")
        .args(args)
        .output()
        .expect("child runs");
    assert!(
        out.status.success(),
        "case {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .expect("peak bytes")
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("case") {
        return child(&args[1..]);
    }
    let only = std::env::var("PEAK_ONLY").unwrap_or_default();
    if only.is_empty() || only == "square" {
        let n: usize = std::env::var("PEAK_N")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4000);
        let input = n * n * size_of::<f64>();
        println!(
            "square().sum() fwd+bwd, {n}x{n} f64 (input {:.1} MB)",
            mb(input)
        );
        for how in ["hand", "tape", "tape_leaves", "tape_reset"] {
            let peak = run(&["square", &n.to_string(), how]);
            let ratio = peak as f64 / input as f64;
            println!("  {how:<12} peak {:>9.1} MB = {ratio:.2}x input", mb(peak));
        }
    }
    if only.is_empty() || only == "w2" {
        for net in ["784-512-512-10", "3072-100-10"] {
            for float in ["f32", "f64"] {
                let (sizes, batch) = sizes_of(net);
                let bytes = if float == "f32" { 4 } else { 8 };
                let minimum = w2_minimum(&sizes, batch) * bytes;
                println!(
                    "W2 {net} batch {batch}/{float}, 3 steps (minimum {:.1} MB)",
                    mb(minimum)
                );
                for how in ["hand", "tape", "tape_reset"] {
                    let peak = run(&["w2", net, float, how]);
                    let ratio = peak as f64 / minimum as f64;
                    println!(
                        "  {how:<12} peak {:>9.1} MB = {ratio:.2}x minimum",
                        mb(peak)
                    );
                }
            }
        }
    }
}
