//! `autograd::vmath`'s slice kernels against libm, element by element:
//! ns per element for `exp`, `ln`, `tanh` and the sigmoid, f32 and f64, on
//! 16 elements (a W1 4×4 matrix) and on 4096, in pairs (kernel and libm
//! loop alternate within a round; the median of 31 rounds is printed).
//!
//! `cargo bench -p benches --bench vmath`

use std::hint::black_box;
use std::time::Instant;

use autograd::{Float, vmath};

/// A function's name, its slice kernel and the libm scalar it replaces.
type Case<F> = (&'static str, fn(&mut [F]), fn(F) -> F);

fn libm_sigmoid<F: Float>(x: F) -> F {
    F::one() / (F::one() + (-x).exp())
}

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
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for round in 0..31 {
            if round % 2 == 0 {
                ours.push(time(&xs, &mut buf, reps, &kernel));
                theirs.push(time(&xs, &mut buf, reps, &libm));
            } else {
                theirs.push(time(&xs, &mut buf, reps, &libm));
                ours.push(time(&xs, &mut buf, reps, &kernel));
            }
        }
        ours.sort_by(f64::total_cmp);
        theirs.sort_by(f64::total_cmp);
        println!(
            "{name:>7}/{} n={n:5}: vmath {:5.2} ns/elem, libm {:5.2} ns/elem",
            F::NAME,
            ours[15],
            theirs[15]
        );
    }
}

fn main() {
    for n in [16, 4096] {
        compare::<f32>(n);
        compare::<f64>(n);
    }
}
