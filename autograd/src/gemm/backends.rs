//! Running one product on a backend, split into one block of the output
//! per thread (see the parent module's doc, "Threads"), and the safe faer
//! views of ndarray matrices.

use faer::linalg::matmul::matmul as faer_matmul;
use faer::{Accum, MatMut, MatRef, Par};
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};

use super::Factor;
use crate::Float;

/// matrixmultiply on `threads` blocks of `c` (see the module doc).
pub(super) fn mm_split<F: Float>(
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    mut c: ArrayViewMut2<'_, F>,
    beta: F,
    threads: usize,
) {
    let (rows, cols) = c.dim();
    let by_rows = rows >= cols;
    match split_point(if by_rows { rows } else { cols }, threads) {
        None => general_mat_mul(F::one(), &a, &b, beta, &mut c),
        Some(mid) => {
            let half = threads / 2;
            let ((a1, a2), (b1, b2), (c1, c2)) = if by_rows {
                (
                    a.split_at(Axis(0), mid),
                    (b.view(), b),
                    c.split_at(Axis(0), mid),
                )
            } else {
                (
                    (a.view(), a),
                    b.split_at(Axis(1), mid),
                    c.split_at(Axis(1), mid),
                )
            };
            crate::threads::fork_join(
                || mm_split(a1, b1, c1, beta, half),
                || mm_split(a2, b2, c2, beta, threads - half),
            );
        }
    }
}

/// Where to split `len` output rows (or columns) between `threads / 2` and
/// the rest of the threads: proportionally, at a multiple of 16 (the
/// kernels' tile), or `None` to run on one thread.
fn split_point(len: usize, threads: usize) -> Option<usize> {
    if threads < 2 {
        return None;
    }
    let mid = (len * (threads / 2) / threads).div_ceil(16) * 16;
    (mid > 0 && mid < len).then_some(mid)
}

/// A faer view of `f` if its memory is row- or column-major contiguous.
fn faer_view<'a, T: Float>(f: Factor<'a, T>) -> Option<MatRef<'a, T>> {
    let a = f.array;
    let (rows, cols) = a.dim();
    let view = if a.is_standard_layout() {
        MatRef::from_row_major_slice(a.as_slice()?, rows, cols)
    } else if a.t().is_standard_layout() {
        MatRef::from_column_major_slice(a.as_slice_memory_order()?, rows, cols)
    } else {
        return None;
    };
    Some(if f.transposed { view.transpose() } else { view })
}

/// faer on `c = a·b` (or `+=`); `false` if a layout needs matrixmultiply.
pub(super) fn faer_product<T>(
    a: Factor<'_, T>,
    b: Factor<'_, T>,
    c: &mut Array2<T>,
    accumulate: bool,
    threads: usize,
) -> bool
where
    T: Float + faer::traits::ComplexField,
{
    let (Some(a), Some(b)) = (faer_view(a), faer_view(b)) else {
        return false;
    };
    let (rows, cols) = c.dim();
    let c = if c.is_standard_layout() {
        let Some(slice) = c.as_slice_mut() else {
            return false;
        };
        MatMut::from_row_major_slice_mut(slice, rows, cols)
    } else if c.t().is_standard_layout() {
        let Some(slice) = c.as_slice_memory_order_mut() else {
            return false;
        };
        MatMut::from_column_major_slice_mut(slice, rows, cols)
    } else {
        return false;
    };
    let accum = if accumulate {
        Accum::Add
    } else {
        Accum::Replace
    };
    faer_split(a, b, c, accum, threads);
    true
}

/// faer on `threads` blocks of `c` (see the module doc).
fn faer_split<T>(a: MatRef<'_, T>, b: MatRef<'_, T>, c: MatMut<'_, T>, accum: Accum, threads: usize)
where
    T: Float + faer::traits::ComplexField,
{
    let (rows, cols) = (c.nrows(), c.ncols());
    let by_rows = rows >= cols;
    match split_point(if by_rows { rows } else { cols }, threads) {
        None => {
            faer_matmul(c, accum, a, b, T::of(1.0), Par::Seq);
            clean_upper_state();
        }
        Some(mid) => {
            let half = threads / 2;
            let ((a1, a2), (b1, b2), (c1, c2)) = if by_rows {
                (a.split_at_row(mid), (b, b), c.split_at_row_mut(mid))
            } else {
                ((a, a), b.split_at_col(mid), c.split_at_col_mut(mid))
            };
            crate::threads::fork_join(
                || faer_split(a1, b1, c1, accum, half),
                || faer_split(a2, b2, c2, accum, threads - half),
            );
        }
    }
}

/// Executes `vzeroupper` when the CPU has AVX.
///
/// faer's x86 kernels (`private-gemm-x86`) are generated assembly that
/// returns with the upper halves of the vector registers still dirty.
/// Compiled Rust and C code clears them before returning; code compiled for
/// baseline x86-64 (SSE2, what this crate's elementwise loops are) then runs
/// with a false dependency on those upper halves on every instruction. On
/// the `train` example that made everything after a faer product slower:
/// 2.7 s of CPU instead of 1.4 s (quiet machine), mostly in `expf` and
/// the elementwise loops. `pulp` (already in the tree through faer) exposes the intrinsic
/// safely behind its runtime AVX check.
#[inline]
fn clean_upper_state() {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        simd.avx._mm256_zeroupper();
    }
}
