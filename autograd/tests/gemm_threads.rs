//! `autograd::set_threads`: products split across threads give the same
//! bits every time for a given thread count, and agree with one thread to
//! rounding. Its own test binary: the thread count is process-wide.

use autograd::gemm::{Backend, Factor, THREADS_MIN_MNK, product_with};
use autograd::set_threads;
use ndarray::Array2;

fn matrix(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    Array2::from_shape_fn((rows, cols), |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    })
}

#[test]
fn two_threads_give_the_same_bits_twice_and_match_one_thread() {
    // Tall (split by rows), wide (split by columns), transposed factors,
    // all above the threading threshold.
    let shapes = [
        (200, 300, 40, false, false),
        (40, 300, 200, true, false),
        (130, 160, 90, false, true),
    ];
    for (m, k, n, ta, tb) in shapes {
        assert!(m * n * k >= THREADS_MIN_MNK);
        let a = if ta { matrix(k, m, 1) } else { matrix(m, k, 1) };
        let b = if tb { matrix(n, k, 2) } else { matrix(k, n, 2) };
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
        for backend in [Backend::MatrixMultiply, Backend::Faer] {
            let run = |t| {
                set_threads(t).unwrap();
                let mut c = Array2::from_elem((m, n), f64::NAN);
                product_with(backend, fa, fb, &mut c, false);
                c
            };
            let (one, two, again) = (run(1), run(2), run(2));
            assert_eq!(two, again, "{backend:?} {m}x{k}x{n}");
            for (p, q) in one.iter().zip(&two) {
                assert!((p - q).abs() < 1e-12, "{backend:?}: {p} vs {q}");
            }
        }
    }
    set_threads(1).unwrap();
}
