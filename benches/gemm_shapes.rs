//! Every GEMM of a W2 step (the shapes and layouts `benches::mlp::each_gemm`
//! lists: forward `X·W`, backward `Hᵀ·dZ` and `dZ·Wᵀ` through transposed
//! stride views), plus small square products, on each backend — paired
//! (`benches::pairing`), one thread: the median and IQR of the per-round
//! ratio faer / matrixmultiply. Below 1, faer is faster. The table in
//! `autograd/src/gemm/mod.rs` comes from this bench.
//!
//! `PAIRED_ROUNDS` sets the number of rounds (default 31).

use std::hint::black_box;

use autograd::Float;
use autograd::gemm::{Backend, Factor, product_with};
use benches::data::SplitMix;
use benches::mlp::{GemmBuffers, Mlp, each_gemm};
use benches::pairing::pair_up;
use ndarray::Array2;

/// One product `a·b` (each factor possibly a transposed view), timed on
/// both backends.
fn one<F: Float>(
    label: &str,
    (m, k, n): (usize, usize, usize),
    (ta, tb): (bool, bool),
    rounds: usize,
) {
    let mut rng = SplitMix::new(11);
    let a: Array2<F> = if ta {
        rng.matrix(k, m, 1.0)
    } else {
        rng.matrix(m, k, 1.0)
    };
    let b: Array2<F> = if tb {
        rng.matrix(n, k, 1.0)
    } else {
        rng.matrix(k, n, 1.0)
    };
    let factor = |x, t| {
        if t {
            Factor::transposed(x)
        } else {
            Factor::plain(x)
        }
    };
    let (fa, fb) = (factor(&a, ta), factor(&b, tb));
    let (mut c1, mut c2) = (Array2::<F>::zeros((m, n)), Array2::<F>::zeros((m, n)));
    let mut faer = || product_with(Backend::Faer, fa, fb, black_box(&mut c1), false);
    let mut mm = || product_with(Backend::MatrixMultiply, fa, fb, black_box(&mut c2), false);
    let reps = (20_000_000 / (m * n * k).max(1)).clamp(1, 20_000);
    let layout = format!(
        "{}·{}",
        if ta { "Aᵀ" } else { "A" },
        if tb { "Bᵀ" } else { "B" }
    );
    pair_up(
        &format!(
            "{label:<9} {m}x{k}·{k}x{n} {layout} mnk={} /{}",
            m * n * k,
            F::NAME
        ),
        &["faer", "mm"],
        &mut [&mut faer, &mut mm],
        reps,
        rounds,
    );
}

fn net<F: Float>(sizes: &[usize], batch: usize, rounds: usize) {
    let mlp = Mlp::<F>::new(sizes, 1);
    let x = SplitMix::new(7).matrix::<F>(batch, sizes[0], 1.0);
    let mut buf = GemmBuffers::new(&mlp, batch);
    let mut calls = Vec::new();
    let layers = sizes.len() - 1;
    each_gemm(&mlp, &x, &mut buf, |(i, a, b, c)| {
        let label = if i < layers {
            "forward"
        } else if a.is_transposed() {
            "dW"
        } else {
            "dH"
        };
        calls.push((
            label,
            (c.nrows(), a.dim().1, c.ncols()),
            (a.is_transposed(), b.is_transposed()),
        ));
    });
    for (label, shape, layout) in calls {
        one::<F>(label, shape, layout, rounds);
    }
}

fn main() {
    let rounds = std::env::var("PAIRED_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(31);
    println!("{rounds} rounds per product, order rotated every round; ratio faer/mm");
    for d in [4, 8, 16, 24, 32, 48, 64] {
        one::<f32>("square", (d, d, d), (false, false), rounds);
        one::<f64>("square", (d, d, d), (false, false), rounds);
    }
    net::<f32>(&[3072, 100, 10], 256, rounds);
    net::<f64>(&[3072, 100, 10], 256, rounds);
    net::<f32>(&[784, 512, 512, 10], 128, rounds);
    net::<f64>(&[784, 512, 512, 10], 128, rounds);
}
