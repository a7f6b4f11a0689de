//! The engine's GEMM (`autograd::gemm`): both backends compute the product
//! for every layout a training step uses, never read a stale output when
//! not accumulating, fall back to matrixmultiply for layouts faer cannot
//! view, and give the same bits for the same inputs (invariant 11).

#[macro_use]
#[path = "support/caller.rs"]
mod caller;

use std::sync::Arc;

use autograd::gemm::{Backend, Factor, MM_TRANSPOSED_MIN_ROWS, choose, product_into, product_with};
use autograd::{Error, Float, Tape, set_threads, threads};
use ndarray::{Array2, ShapeBuilder};

const BACKENDS: [Backend; 2] = [Backend::MatrixMultiply, Backend::Faer];

/// Deterministic, uneven values in [-1, 1).
fn matrix<F: Float>(rows: usize, cols: usize, seed: u64) -> Array2<F> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    Array2::from_shape_fn((rows, cols), |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        F::of((state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
    })
}

/// The textbook triple loop, in f64.
fn reference<F: Float>(
    a: Factor<'_, F>,
    a_arr: &Array2<F>,
    b: Factor<'_, F>,
    b_arr: &Array2<F>,
) -> Array2<f64> {
    let av = if a.is_transposed() {
        a_arr.t()
    } else {
        a_arr.view()
    };
    let bv = if b.is_transposed() {
        b_arr.t()
    } else {
        b_arr.view()
    };
    let (m, k) = av.dim();
    let n = bv.ncols();
    Array2::from_shape_fn((m, n), |(i, j)| {
        (0..k)
            .map(|p| av[[i, p]].as_f64() * bv[[p, j]].as_f64())
            .sum()
    })
}

fn close<F: Float>(got: &Array2<F>, want: &Array2<f64>, k: usize) {
    let tol = if F::NAME == "f32" { 1e-5 } else { 1e-13 } * (k as f64 + 1.0);
    for (g, w) in got.iter().zip(want) {
        assert!((g.as_f64() - w).abs() <= tol, "{g} vs {w} (k = {k})");
    }
}

/// Every backend and layout, shapes from nano-sized to above every
/// threshold, replacing and accumulating.
fn agrees_with_reference<F: Float>() {
    for &(m, k, n) in &[
        (1, 1, 1),
        (3, 5, 2),
        (16, 16, 16),
        (40, 33, 17),
        (64, 200, 48),
        (128, 64, 130),
    ] {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = if ta {
                matrix::<F>(k, m, 1)
            } else {
                matrix::<F>(m, k, 1)
            };
            let b = if tb {
                matrix::<F>(n, k, 2)
            } else {
                matrix::<F>(k, n, 2)
            };
            let fa = if ta {
                Factor::transposed(&a)
            } else {
                Factor::plain(&a)
            };
            let fb = if tb {
                Factor::transposed(&b)
            } else {
                Factor::plain(&b)
            };
            let want = reference(fa, &a, fb, &b);
            for backend in BACKENDS {
                let mut c = Array2::from_elem((m, n), F::nan());
                product_with(backend, fa, fb, &mut c, false);
                close(&c, &want, k);
                // Accumulating adds onto what is there: start from 1.
                let mut c = Array2::from_elem((m, n), F::one());
                product_with(backend, fa, fb, &mut c, true);
                close(&c, &want.mapv(|v| v + 1.0), k);
            }
        }
    }
}

#[test]
fn both_backends_agree_with_the_triple_loop_f32() {
    agrees_with_reference::<f32>();
}

#[test]
fn both_backends_agree_with_the_triple_loop_f64() {
    agrees_with_reference::<f64>();
}

/// Replacing never reads the old output: a NaN left there by an earlier
/// product cannot leak, on either backend, tiny (faer's nano kernels) or
/// large, and with an empty inner dimension the product is all zeros.
#[test]
fn a_stale_nan_output_is_overwritten() {
    for &(m, k, n) in &[(2, 3, 2), (8, 8, 8), (96, 80, 64), (5, 0, 7)] {
        let a = matrix::<f64>(m, k, 3);
        let b = matrix::<f64>(k, n, 4);
        for backend in BACKENDS {
            let mut c = Array2::from_elem((m, n), f64::NAN);
            product_with(backend, Factor::plain(&a), Factor::plain(&b), &mut c, false);
            assert!(c.iter().all(|v| v.is_finite()), "{backend:?} {m}x{k}x{n}");
            if k == 0 {
                assert_eq!(c, Array2::<f64>::zeros((m, n)));
            }
        }
    }
}

/// NaN in an input is never hidden: it reaches the output on both backends.
#[test]
fn a_nan_input_reaches_the_output() {
    for backend in BACKENDS {
        let mut a = matrix::<f32>(64, 64, 5);
        a[[3, 7]] = f32::NAN;
        let b = matrix::<f32>(64, 64, 6);
        let mut c = Array2::zeros((64, 64));
        product_with(backend, Factor::plain(&a), Factor::plain(&b), &mut c, false);
        assert!(c.row(3).iter().all(|v| v.is_nan()), "{backend:?}");
        assert!(c.row(4).iter().all(|v| v.is_finite()), "{backend:?}");
    }
}

/// Layouts faer cannot view safely (every other column; a column-major
/// output) still give the right product: faer's path hands the first to
/// matrixmultiply and views the second column-major.
#[test]
fn strided_and_column_major_layouts_are_handled() {
    // 40×40 viewing every other element of a 40×80 buffer: non-contiguous.
    let buffer = matrix::<f64>(40, 80, 7).into_raw_vec_and_offset().0;
    let a = Array2::from_shape_vec((40, 40).strides((80, 2)), buffer).unwrap();
    assert!(!a.is_standard_layout() && !a.t().is_standard_layout());
    let b = matrix::<f64>(40, 40, 8);
    let want = reference(Factor::plain(&a), &a, Factor::plain(&b), &b);
    for backend in BACKENDS {
        let mut c = Array2::from_elem((40, 40), f64::NAN);
        product_with(backend, Factor::plain(&a), Factor::plain(&b), &mut c, false);
        close(&c, &want, 40);
        let mut c = Array2::from_elem((40, 40), f64::NAN).reversed_axes(); // column-major
        product_with(backend, Factor::plain(&b), Factor::plain(&a), &mut c, false);
        close(
            &c,
            &reference(Factor::plain(&b), &b, Factor::plain(&a), &a),
            40,
        );
    }
}

#[test]
fn mismatched_shapes_panic_at_the_caller() {
    let a = Array2::<f64>::zeros((2, 3));
    let b = Array2::<f64>::zeros((4, 5));
    let mut c = Array2::<f64>::zeros((2, 5));
    assert_panics_here!(
        product_into(Factor::plain(&a), Factor::plain(&b), &mut c, false),
        "gemm: 2×3 by 4×5 into 2×5"
    );
}

/// The documented rule: faer, except `Aᵀ·B` with at least 2048 output
/// rows (unless a cargo feature forces one backend).
#[test]
fn the_dispatch_rule_switches_where_documented() {
    if cfg!(feature = "gemm-matrixmultiply") || !cfg!(feature = "gemm-faer") {
        // Built without the rule (default features off) or forced.
        for (m, k, n, t) in [
            (4, 4, 4, false),
            (2047, 256, 100, true),
            (128, 784, 512, false),
        ] {
            assert_eq!(choose(m, k, n, t), Backend::MatrixMultiply);
        }
    } else {
        assert_eq!(MM_TRANSPOSED_MIN_ROWS, 2048);
        assert_eq!(choose(2048, 256, 100, true), Backend::MatrixMultiply);
        assert_eq!(choose(2047, 256, 100, true), Backend::Faer);
        assert_eq!(choose(2048, 256, 100, false), Backend::Faer);
        assert_eq!(choose(4, 4, 4, false), Backend::Faer);
        assert_eq!(choose(784, 128, 512, true), Backend::Faer);
    }
}

/// Invariant 11: a W2-shaped step (forward and backward through three
/// products) twice from the same inputs gives the same bits.
#[test]
fn a_training_step_gives_the_same_bits_twice() {
    let x = Arc::new(matrix::<f32>(64, 300, 9));
    let w1 = matrix::<f32>(300, 100, 10);
    let w2 = matrix::<f32>(100, 10, 11);
    let run = || {
        let tape = Tape::new();
        let (a, b) = (tape.leaf(w1.clone()), tape.leaf(w2.clone()));
        let h = tape.constant_arc(Arc::clone(&x)).matmul(a).relu();
        let loss = h.matmul(b).square().sum();
        let g = loss.backward();
        (loss.item(), g[a].clone(), g[b].clone())
    };
    let (first, second) = (run(), run());
    assert_eq!(first.0.to_bits(), second.0.to_bits());
    assert_eq!(first.1, second.1);
    assert_eq!(first.2, second.2);
}

/// No test in this binary sets the thread count, so a refused 0 leaves 1.
#[test]
fn zero_threads_is_an_argument_error() {
    let before = threads();
    match set_threads(0) {
        Err(Error::Argument { op, detail }) => {
            assert_eq!(op, "set_threads");
            assert!(detail.contains("at least 1"), "{detail}");
        }
        other => panic!("expected an argument error, got {other:?}"),
    }
    assert_eq!(threads(), before);
}
