//! The cost of one node by op type: a chain of 999 nodes of a single op
//! (`h ⊙ w`, `h + b` or `tanh h`) on 4×4 matrices, forward + backward,
//! reported in ns per node (the median and the minimum of 31 rounds; the
//! minimum is the least disturbed by other load on the machine).
//!
//! `cargo bench -p benches --bench node_cost`

use std::hint::black_box;
use std::time::Instant;

use autograd::{Float, Tape};
use benches::data::SplitMix;
use ndarray::Array2;

const NODES: usize = 999;

/// One forward + backward of a chain of `NODES` nodes of kind `op`.
fn chain<F: Float>(tape: &mut Tape<F>, x: &Array2<F>, w: &Array2<F>, op: &str) -> Array2<F> {
    tape.reset();
    let x = tape.constant(x.clone());
    let w = tape.leaf(w.clone());
    let mut h = x;
    for _ in 0..NODES {
        h = match op {
            "mul" => h * w,
            "add" => h + w,
            _ => h.tanh(),
        };
    }
    let mut grads = h.sum().backward();
    grads.take(w).unwrap_or_else(|| Array2::zeros((4, 4)))
}

fn per_op<F: Float>() {
    let mut rng = SplitMix::new(3);
    let x = rng.matrix::<F>(4, 4, 1.0);
    // Near 1, so a long product neither overflows nor underflows.
    let w = rng.matrix::<F>(4, 4, 0.01).mapv(|v| v + F::one());
    let mut tape = Tape::new();
    for op in ["mul", "add", "tanh"] {
        let mut ns = Vec::new();
        for _ in 0..31 {
            let start = Instant::now();
            for _ in 0..20 {
                black_box(chain(&mut tape, &x, &w, op));
            }
            ns.push(start.elapsed().as_secs_f64() * 1e9 / (20 * NODES) as f64);
        }
        ns.sort_by(f64::total_cmp);
        println!(
            "{:>4}/{}: {:6.1} ns per 4x4 node (min {:6.1})",
            op,
            F::NAME,
            ns[ns.len() / 2],
            ns[0]
        );
    }
}

fn main() {
    per_op::<f32>();
    per_op::<f64>();
}
