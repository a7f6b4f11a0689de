//! `autograd::vmath`'s slice kernels against libm, element by element:
//! ns per element for `exp`, `ln`, `tanh` and the sigmoid, f32 and f64, on
//! 16 elements (a W1 4×4 matrix) and on 4096; the kernels run wide (AVX2,
//! when the CPU has it) and narrow (`autograd::set_wide_loops(false)`:
//! baseline SSE2). The three alternate within a round, in a rotating
//! order; the median of 31 rounds is printed.
//!
//! `cargo bench -p benches --bench vmath`

use std::hint::black_box;
use std::time::Instant;

use autograd::{Float, set_wide_loops, vmath};

/// A function's name, its slice kernel and the libm scalar it replaces.
type Case<F> = (&'static str, fn(&mut [F]), fn(F) -> F);

fn libm_sigmoid<F: Float>(x: F) -> F {
    F::one() / (F::one() + (-x).exp())
}

/// A loop over a slice, timed by [`time`].
type Contestant<'a, F> = &'a dyn Fn(&mut [F]);

/// The median ns per element of `f` over `xs` (copied fresh each call).
fn time<F: Float>(xs: &[F], buf: &mut [F], reps: usize, f: &dyn Fn(&mut [F])) -> f64 {
    let start = Instant::now();
    for _ in 0..reps {
        buf.copy_from_slice(xs);
        f(black_box(&mut *buf));
    }
    start.elapsed().as_secs_f64() * 1e9 / (reps * xs.len()) as f64
}

fn compare<F: Float>(n: usize) {
    let xs: Vec<F> = (0..n)
        .map(|i| F::of(0.37 + (i % 97) as f64 * 0.05))
        .collect();
    let mut buf = xs.clone();
    let cases: [Case<F>; 4] = [
        ("exp", vmath::exp, F::exp),
        ("ln", vmath::ln, F::ln),
        ("tanh", vmath::tanh, F::tanh),
        ("sigmoid", vmath::sigmoid, libm_sigmoid),
    ];
    let reps = 1_000_000 / n;
    for (name, kernel, scalar) in cases {
        let libm = |s: &mut [F]| s.iter_mut().for_each(|x| *x = scalar(*x));
        let narrow = |s: &mut [F]| {
            set_wide_loops(false);
            kernel(s);
            set_wide_loops(true);
        };
        let contestants: [Contestant<'_, F>; 3] = [&kernel, &narrow, &libm];
        let mut times = [Vec::new(), Vec::new(), Vec::new()];
        for round in 0..31 {
            for k in 0..3 {
                let c = (round + k) % 3;
                times[c].push(time(&xs, &mut buf, reps, contestants[c]));
            }
        }
        let [wide, narrow, libm] = times.map(|mut t| {
            t.sort_by(f64::total_cmp);
            t[15]
        });
        println!(
            "{name:>7}/{} n={n:5}: vmath {wide:5.2} ns/elem (narrow {narrow:5.2}), libm {libm:5.2} ns/elem",
            F::NAME,
        );
    }
}

fn main() {
    for n in [16, 4096] {
        compare::<f32>(n);
        compare::<f64>(n);
    }
}
