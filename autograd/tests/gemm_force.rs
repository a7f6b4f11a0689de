//! `gemm::force_backend` in a process of its own (it is process-wide, so
//! it must not race the other GEMM tests): every product then runs on the
//! forced backend, bit for bit as `product_with` on it, and `None`
//! restores the shape rule.

use autograd::gemm::{Backend, Factor, force_backend, forced_backend, product_into, product_with};
use ndarray::Array2;

fn matrix(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut state = seed;
    Array2::from_shape_fn((rows, cols), |_| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    })
}

#[test]
fn a_forced_backend_runs_every_product_and_none_restores_the_rule() {
    let (a, b) = (matrix(67, 700, 1), matrix(700, 45, 2));
    let on = |backend| {
        let mut c = Array2::zeros((67, 45));
        product_with(backend, Factor::plain(&a), Factor::plain(&b), &mut c, false);
        c
    };
    let (mm, faer) = (on(Backend::MatrixMultiply), on(Backend::Faer));
    // The two libraries sum in different orders, so some bits differ: the
    // test below can tell which one ran.
    assert_ne!(mm, faer);
    let via_rule = || {
        let mut c = Array2::zeros((67, 45));
        product_into(Factor::plain(&a), Factor::plain(&b), &mut c, false);
        c
    };
    for backend in [Backend::MatrixMultiply, Backend::Faer] {
        force_backend(Some(backend));
        assert_eq!(forced_backend(), Some(backend));
        assert_eq!(via_rule(), on(backend));
    }
    force_backend(None);
    let rule = autograd::gemm::choose(67, 700, 45, false);
    assert_eq!(via_rule(), on(rule));
}
