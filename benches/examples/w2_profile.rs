//! W2 under a profiler: `perf record -e cpu-clock target/release/examples/w2_profile 784 f32 200`
//! (or `valgrind --tool=callgrind …`) runs the tape's W2 step (784-512-512-10
//! batch 128, or `3072` for 3072-100-10 batch 256) a fixed number of times,
//! on the thread count given as a fourth argument (default 1), with the
//! engine's GEMM rule or `W2_BACKEND=faer`/`mm` for one backend throughout.
//! With `W2_TIME` set it prints the median time per step (after five
//! warm-up steps), for the comparison with XLA (`benches/reference/`).

use std::hint::black_box;

use autograd::{Float, Tape};
use benches::mlp::{self, Mlp};
use nn::optim::{Sgd, SgdConfig};

fn run<F: Float>(sizes: &[usize], batch: usize, steps: usize) {
    let (x, labels) = mlp::batch::<F>(sizes, batch);
    let mut net = Mlp::<F>::new(sizes, 1);
    let mut sgd = Sgd::new(SgdConfig { lr: 1e-3 }).expect("a valid rate");
    let mut tape = Tape::new();
    let timing = std::env::var("W2_TIME").is_ok();
    let mut times = Vec::new();
    for _ in 0..steps {
        let start = std::time::Instant::now();
        black_box(mlp::tape_step(
            &mut tape,
            &mut net,
            &x,
            &labels,
            F::of(1e-4),
            &mut sgd,
        ));
        times.push(start.elapsed().as_secs_f64());
    }
    if timing {
        // The first steps warm the caches and the buffer cache.
        let [q1, median, q3] = benches::pairing::quartiles(times.split_off(steps.min(5)));
        println!(
            "tape W2 {}/{}: {:.3} ms (IQR {:.3}-{:.3})",
            sizes
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("-"),
            F::NAME,
            median * 1e3,
            q1 * 1e3,
            q3 * 1e3
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let net = args.get(1).map_or("784", String::as_str);
    let ty = args.get(2).map_or("f32", String::as_str);
    let steps: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(100);
    let threads: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(1);
    autograd::set_threads(threads).expect("at least one thread");
    // `W2_BACKEND=faer` or `=mm` forces every product onto one backend.
    match std::env::var("W2_BACKEND").as_deref() {
        Ok("faer") => autograd::gemm::force_backend(Some(autograd::gemm::Backend::Faer)),
        Ok("mm") => autograd::gemm::force_backend(Some(autograd::gemm::Backend::MatrixMultiply)),
        _ => {}
    }
    let (sizes, batch): (&[usize], usize) = if net == "3072" {
        (&[3072, 100, 10], 256)
    } else {
        (&[784, 512, 512, 10], 128)
    };
    if ty == "f64" {
        run::<f64>(sizes, batch, steps);
    } else {
        run::<f32>(sizes, batch, steps);
    }
}
