//! The AVX2 versions of the costly elementwise loops (`autograd::wide`)
//! give the bits of the baseline ones: every registered op, values and
//! gradients under all three sweeps, and the costly functions over inputs
//! spread across every exponent, in f32 and f64, special values included.
//!
//! It lives in this crate because the comparison needs optimized code:
//! unoptimized, neither version is vectorized and both would trivially
//! agree. The workspace builds `optimized` at `opt-level = 3` in the dev
//! profile too (root `Cargo.toml`), and the engine's generic loops are
//! compiled here, in the crate that instantiates them, so `cargo test`
//! compares the real AVX2 and SSE2 code.
//!
//! `set_wide_loops` is process-wide, so the comparisons take turns on a
//! mutex. On a CPU without AVX2 and FMA there is nothing to compare: the
//! tests check that the engine knows it, and say so.

use std::sync::Mutex;

use autograd::registry::all_ops;
use autograd::{Float, Tape, Var, set_wide_loops, wide_loops};
use ndarray::Array2;

#[path = "../../autograd/tests/support/cases.rs"]
mod cases;
use cases::{Rng, shape_sets};

static TURNS: Mutex<()> = Mutex::new(());

/// True when this CPU runs the wide loops; checks the engine agrees.
fn wide_available() -> bool {
    set_wide_loops(true);
    let cpu =
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma");
    assert_eq!(wide_loops(), cpu, "the engine's detection disagrees");
    if !cpu {
        eprintln!("no AVX2 + FMA on this CPU: the wide loops never run here");
    }
    cpu
}

/// `run` with the wide loops on, then off (left on afterwards).
fn both_ways<T>(run: impl Fn() -> T) -> (T, T) {
    set_wide_loops(true);
    let wide = run();
    set_wide_loops(false);
    let narrow = run();
    set_wide_loops(true);
    (wide, narrow)
}

fn bits<F: Float>(a: &Array2<F>) -> Vec<u64> {
    a.iter().map(|x| x.as_f64().to_bits()).collect()
}

/// A non-uniform upstream weight for each output element (never 0).
fn weights(dim: (usize, usize)) -> Array2<f64> {
    Array2::from_shape_fn(dim, |(i, j)| 0.17 * ((i * 7 + j * 3) % 11) as f64 - 0.6)
}

/// `Σ w ⊙ y`, plus `Σ x²` of input `fan` if given: its gradient is then
/// started when the sweep reaches the op (the leaves-only sweeps' one-pass
/// pair, `backward_pair_in_place`).
fn total_loss<'t>(y: Var<'t, f64>, xs: &[Var<'t, f64>], fan: Option<usize>) -> Var<'t, f64> {
    let tape = y.tape();
    let loss = (y * tape.constant(weights(y.shape().dim()))).sum();
    match fan {
        Some(k) => loss + xs[k].square().sum(),
        None => loss,
    }
}

/// An op's value and its inputs' gradients under `backward`,
/// `backward_leaves` and `backward_and_reset`, as bits.
fn op_results(
    apply: for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>,
    values: &[Array2<f64>],
    fan: Option<usize>,
) -> Vec<Vec<u64>> {
    let tape = Tape::new();
    let xs: Vec<Var<'_, f64>> = values.iter().map(|v| tape.leaf(v.clone())).collect();
    let y = apply(&xs);
    let loss = total_loss(y, &xs, fan);
    let mut out = vec![bits(&y.value())];
    let plain = loss.backward();
    let leaves = loss.backward_leaves();
    for &x in &xs {
        out.push(bits(&plain[x]));
        out.push(bits(&leaves[x]));
    }
    let mut consumed = Tape::new();
    let (keys, root) = {
        let xs: Vec<Var<'_, f64>> = values.iter().map(|v| consumed.leaf(v.clone())).collect();
        let loss = total_loss(apply(&xs), &xs, fan);
        (xs.iter().map(|x| x.key()).collect::<Vec<_>>(), loss.key())
    };
    let grads = consumed.backward_and_reset(root);
    for key in keys {
        out.push(bits(grads.get_by_key(key).expect("a leaf's gradient")));
    }
    out
}

#[test]
fn every_registered_op_gives_the_same_bits_wide_and_narrow() {
    let _turn = TURNS.lock().unwrap_or_else(|e| e.into_inner());
    if !wide_available() {
        return;
    }
    let mut rng = Rng(91);
    let mut cases = 0;
    for spec in all_ops() {
        // The small shape sets of the property suites, and the first one
        // with every dimension above 1 times 7, whose loops run the vector
        // body many times and a remainder (3×4 → 21×28, 588 elements).
        let mut sets = shape_sets(spec.shapes);
        let long = |d: usize| if d == 1 { 1 } else { 7 * d };
        sets.push(sets[0].iter().map(|&(r, c)| (long(r), long(c))).collect());
        for shapes in sets {
            let values = rng.inputs(&shapes, spec.domains);
            for fan in std::iter::once(None).chain((0..values.len()).map(Some)) {
                let (wide, narrow) = both_ways(|| op_results(spec.apply, &values, fan));
                assert_eq!(wide, narrow, "{} {shapes:?}, fan {fan:?}", spec.name);
                cases += 1;
            }
        }
    }
    assert!(cases > 300, "only {cases} cases");
}

/// Inputs across every exponent of `F`: `n` bit patterns spread evenly
/// over the positive finite range, each with both signs, plus the special
/// values.
fn spread<F: Float>(n: u64, from_bits: impl Fn(u64) -> F, max_bits: u64) -> Vec<F> {
    let mut xs = vec![
        F::zero(),
        -F::zero(),
        F::infinity(),
        F::neg_infinity(),
        F::nan(),
        F::min_positive_value(),
        F::max_value(),
        F::min_value(),
    ];
    for k in 0..n {
        let x = from_bits(k * (max_bits / n) + k % 7);
        xs.push(x);
        xs.push(-x);
    }
    xs
}

/// The costly ops (the ones run wide), forward and backward, over `xs`.
fn costly_ops<F: Float>(xs: &[F]) -> Vec<Vec<u64>> {
    let tape = Tape::<F>::new();
    let x = tape.leaf(Array2::from_shape_vec((1, xs.len()), xs.to_vec()).expect("a row"));
    let mut out = Vec::new();
    for y in [x.tanh(), x.exp(), x.abs().log(), x.sigmoid(), x.softplus()] {
        out.push(bits(&y.value()));
        out.push(bits(&y.sum().backward()[x]));
    }
    out
}

#[test]
fn the_costly_functions_give_the_same_bits_wide_and_narrow_across_all_exponents() {
    let _turn = TURNS.lock().unwrap_or_else(|e| e.into_inner());
    if !wide_available() {
        return;
    }
    let xs32 = spread(200_000, f32::from_bits_u64, f32::MAX.to_bits() as u64);
    let (wide, narrow) = both_ways(|| costly_ops(&xs32));
    assert_eq!(wide, narrow, "f32");
    let xs64 = spread(200_000, f64::from_bits, f64::MAX.to_bits());
    let (wide, narrow) = both_ways(|| costly_ops(&xs64));
    assert_eq!(wide, narrow, "f64");
    // Not vacuous: the inputs reach every regime (overflow, underflow, NaN).
    let values = costly_ops(&xs64);
    let exp: Vec<f64> = values[2].iter().map(|&b| f64::from_bits(b)).collect();
    assert!(exp.contains(&f64::INFINITY) && exp.contains(&0.0) && exp.iter().any(|v| v.is_nan()));
}

trait FromBits64 {
    fn from_bits_u64(b: u64) -> Self;
}

impl FromBits64 for f32 {
    fn from_bits_u64(b: u64) -> f32 {
        f32::from_bits(b as u32)
    }
}
