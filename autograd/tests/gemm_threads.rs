//! `autograd::set_threads`: products split across threads give the same
//! bits every time for a given thread count, and agree with one thread to
//! rounding. Its own test binary: the thread count is process-wide (and
//! the tests take turns). Also the elementwise splits and `fork_join`.

use autograd::gemm::{Backend, Factor, THREADS_MIN_MNK, product_with};
use autograd::set_threads;
use ndarray::Array2;
use std::sync::Mutex;

/// The thread count is process-wide: the tests here take turns.
static TURN: Mutex<()> = Mutex::new(());

fn my_turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

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
    let _turn = my_turn();
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

/// `sum_squares` over a matrix long enough to be split in two
/// (`threads::PAR_MIN_LEN`): the gradient (elementwise) is bit for bit the
/// one-thread gradient, the sum (two halves added) the same bits every
/// time at 2 threads and equal to one thread's to rounding.
#[test]
fn sum_squares_splits_reproducibly() {
    let _turn = my_turn();
    use autograd::Tape;
    use autograd::threads::{PAR_MIN_LEN, par_cut};
    let x = matrix(400, 300, 3);
    let run = |t| {
        set_threads(t).unwrap();
        let tape = Tape::new();
        let w = tape.leaf(x.clone());
        let other = tape.leaf(x.clone());
        // Two consumers, so sum_squares accumulates into the other's gradient.
        let loss = w.sum_squares() * 0.5 + (w * other).sum();
        let g = loss.backward();
        (loss.item(), g[w].clone())
    };
    set_threads(2).unwrap();
    assert!(x.len() >= PAR_MIN_LEN && par_cut(x.len()).is_some());
    let (one, two, again) = (run(1), run(2), run(2));
    assert_eq!(two.0.to_bits(), again.0.to_bits());
    assert!((one.0 - two.0).abs() <= 1e-12 * one.0.abs());
    assert_eq!(one.1, two.1);
    set_threads(1).unwrap();
}

/// A panic in the half that runs on the engine's worker reaches the
/// caller, after the caller's own half has finished; the engine keeps
/// working afterwards.
#[test]
fn a_panic_in_the_second_half_reaches_the_caller() {
    let _turn = my_turn();
    set_threads(2).unwrap();
    let caught = std::panic::catch_unwind(|| {
        autograd::fork_join(|| 1, || -> i32 { panic!("second half failed") })
    });
    let message = caught.expect_err("the panic propagates");
    assert_eq!(message.downcast_ref::<&str>(), Some(&"second half failed"));
    assert_eq!(autograd::fork_join(|| 2, || 3), (2, 3));
    set_threads(1).unwrap();
}

/// Elementwise ops over a matrix long enough to be split in two (relu,
/// tanh, `add`'s same-shape backward, and a fan-out that accumulates):
/// values and gradients at 2 threads are bit for bit those of 1 thread.
#[test]
fn long_elementwise_passes_split_without_changing_a_bit() {
    use autograd::Tape;
    use autograd::threads::{PAR_MIN_LEN, par_cut};
    let _turn = my_turn();
    let (x, y) = (matrix(300, 250, 5), matrix(300, 250, 6));
    let run = |t| {
        set_threads(t).unwrap();
        let tape = Tape::new();
        let (a, b) = (tape.leaf(x.clone()), tape.leaf(y.clone()));
        let h = (a + b).relu();
        // `a` feeds two nodes, so its second contribution accumulates.
        let out = h.tanh() * a;
        let g = out.sum().backward();
        (out.value(), g[a].clone(), g[b].clone())
    };
    set_threads(2).unwrap();
    assert!(x.len() >= PAR_MIN_LEN && par_cut(x.len()).is_some());
    let (one, two) = (run(1), run(2));
    assert_eq!(one, two);
    set_threads(1).unwrap();
}
