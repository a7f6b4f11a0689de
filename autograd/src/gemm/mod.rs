//! The engine's matrix product: which GEMM library runs each product, and
//! on how many threads.
//!
//! Two pure-Rust backends, both with runtime-detected AVX-512/AVX2 kernels:
//!
//! * [`Backend::MatrixMultiply`]: `matrixmultiply` (feature `avx512`), what
//!   ndarray's `general_mat_mul` calls.
//! * [`Backend::Faer`]: `faer::linalg::matmul::matmul`, whose f32/f64
//!   kernels are `private-gemm-x86` (by the author of the `gemm` crate, its
//!   successor inside faer) and `nano-gemm` for tiny products. The `gemm`
//!   crate itself has only an `unsafe` raw-pointer API, which the
//!   workspace's `unsafe_code = "forbid"` rules out; faer wraps the same
//!   family of kernels in safe, strided matrix views.
//!
//! # The dispatch rule
//!
//! [`choose`] picks the backend from the product's shape and whether its
//! left factor is a transposed view, nothing else, so a configuration
//! always runs the same kernels and gives the same bits (invariant 11).
//!
//! **The rule: faer, except a transposed left factor `Aᵀ·B` (a weight
//! gradient `Xᵀ·dZ`) with at least [`MM_TRANSPOSED_MIN_ROWS`] (2048) output
//! rows, which goes to matrixmultiply.** It is the default (feature
//! `gemm-faer`, on by default); `gemm-matrixmultiply` forces matrixmultiply
//! for every product at compile time, and [`force_backend`] does it at run
//! time (for benchmarks: the same binary can then run a whole training step
//! on either backend, in pairs).
//!
//! **Why faer's products are followed by `vzeroupper`.** faer's x86 kernels
//! (`private-gemm-x86`) are generated assembly that returns with the upper
//! halves of the vector registers dirty. Code compiled for baseline x86-64
//! (this crate's elementwise loops are SSE2, and so is much of libm) then
//! runs with a false dependency on those halves: measured on the `train`
//! example (64-256-10, 30 epochs), everything after a faer product slowed
//! down, `expf` from 1 % to 20 % of the run, and on a quiet machine the
//! whole run took 2.7 s of CPU against 1.45 s on matrixmultiply (3.6 s
//! against 2.0 s under load) — which is why an earlier version kept faer
//! opt-in. Clearing the state after each faer call
//! (`backends::clean_upper_state`, through `pulp`'s safe intrinsic) brings
//! the run to 1.38–1.44 s, level with matrixmultiply's 1.41–1.46 s (its
//! products are small), while three of the four W2 steps, whose products
//! are large, are 4–5 % faster on the rule than on matrixmultiply alone;
//! on 784-512-512-10 f32 matrixmultiply is 1–3 % faster (quiet machine,
//! three runs; `benches/paired.rs` pairs the W2 step on the rule against
//! the step on matrixmultiply).
//!
//! Operands faer cannot view without `unsafe` (neither row- nor
//! column-major contiguous, e.g. every other column) go to matrixmultiply
//! whatever the shape.
//!
//! The per-shape table behind the rule: every product of a W2 training
//! step (3072-100-10 at batch 256, 784-512-512-10 at batch 128), in the
//! order the step runs them, and small square products (W1's are 4×4).
//! `benches/gemm_shapes.rs`, paired, one thread: the median of the
//! per-round ratio time(faer) / time(matrixmultiply), three runs (15, 31,
//! 31 rounds) on the shared 2-core machine at load average 11–15, so the
//! per-round IQRs are wide (often 0.2–4); below 1 faer is faster.
//!
//! | product | shape (m×k·k×n) | layout | type | run 1 | run 2 | run 3 | rule |
//! |---|---|---|---|---|---|---|---|
//! | square | 4×4·4×4 | A·B | f32 | 0.079 | 0.154 | 0.160 | faer |
//! | square | 4×4·4×4 | A·B | f64 | 0.111 | 0.174 | 0.124 | faer |
//! | square | 8×8·8×8 | A·B | f32 | 0.233 | 0.232 | 0.253 | faer |
//! | square | 8×8·8×8 | A·B | f64 | 0.426 | 0.267 | 0.476 | faer |
//! | square | 16×16·16×16 | A·B | f32 | 0.131 | 0.580 | 0.591 | faer |
//! | square | 16×16·16×16 | A·B | f64 | 0.409 | 0.940 | 0.833 | faer |
//! | square | 24×24·24×24 | A·B | f32 | 0.874 | 0.619 | 0.509 | faer |
//! | square | 24×24·24×24 | A·B | f64 | 0.826 | 0.834 | 0.884 | faer |
//! | square | 32×32·32×32 | A·B | f32 | 0.980 | 0.945 | 0.956 | faer |
//! | square | 32×32·32×32 | A·B | f64 | 0.771 | 0.794 | 0.774 | faer |
//! | square | 48×48·48×48 | A·B | f32 | 0.723 | 0.824 | 0.737 | faer |
//! | square | 48×48·48×48 | A·B | f64 | 0.622 | 0.689 | 0.689 | faer |
//! | square | 64×64·64×64 | A·B | f32 | 0.682 | 0.739 | 0.479 | faer |
//! | square | 64×64·64×64 | A·B | f64 | 0.654 | 0.813 | 0.634 | faer |
//! | forward | 256×3072·3072×100 | A·B | f32 | 0.954 | 0.290 | 0.632 | faer |
//! | forward | 256×100·100×10 | A·B | f32 | 0.662 | 0.781 | 0.658 | faer |
//! | dW | 100×256·256×10 | Aᵀ·B | f32 | 0.706 | 0.939 | 0.638 | faer |
//! | dH | 256×10·10×100 | A·Bᵀ | f32 | 0.864 | 0.841 | 0.958 | faer |
//! | dW | 3072×256·256×100 | Aᵀ·B | f32 | 0.986 | 1.106 | 1.023 | mm |
//! | forward | 256×3072·3072×100 | A·B | f64 | 0.611 | 1.268 | 0.631 | faer |
//! | forward | 256×100·100×10 | A·B | f64 | 0.481 | 0.485 | 0.119 | faer |
//! | dW | 100×256·256×10 | Aᵀ·B | f64 | 0.612 | 0.511 | 0.245 | faer |
//! | dH | 256×10·10×100 | A·Bᵀ | f64 | 0.883 | 0.898 | 0.775 | faer |
//! | dW | 3072×256·256×100 | Aᵀ·B | f64 | 1.407 | 1.139 | 1.297 | mm |
//! | forward | 128×784·784×512 | A·B | f32 | 0.907 | 0.865 | 0.822 | faer |
//! | forward | 128×512·512×512 | A·B | f32 | 0.901 | 0.935 | 0.799 | faer |
//! | forward | 128×512·512×10 | A·B | f32 | 0.574 | 0.809 | 0.589 | faer |
//! | dW | 512×128·128×10 | Aᵀ·B | f32 | 1.262 | 0.892 | 1.004 | faer |
//! | dH | 128×10·10×512 | A·Bᵀ | f32 | 0.585 | 0.996 | 1.003 | faer |
//! | dW | 512×128·128×512 | Aᵀ·B | f32 | 0.936 | 0.895 | 0.847 | faer |
//! | dH | 128×512·512×512 | A·Bᵀ | f32 | 0.908 | 0.922 | 0.911 | faer |
//! | dW | 784×128·128×512 | Aᵀ·B | f32 | 1.185 | 1.023 | 0.940 | faer |
//! | forward | 128×784·784×512 | A·B | f64 | 0.934 | 0.808 | 0.625 | faer |
//! | forward | 128×512·512×512 | A·B | f64 | 0.939 | 0.971 | 0.981 | faer |
//! | forward | 128×512·512×10 | A·B | f64 | 0.226 | 0.785 | 0.197 | faer |
//! | dW | 512×128·128×10 | Aᵀ·B | f64 | 0.273 | 0.675 | 0.703 | faer |
//! | dH | 128×10·10×512 | A·Bᵀ | f64 | 0.131 | 0.863 | 0.856 | faer |
//! | dW | 512×128·128×512 | Aᵀ·B | f64 | 0.636 | 0.939 | 1.002 | faer |
//! | dH | 128×512·512×512 | A·Bᵀ | f64 | 1.077 | 0.776 | 0.985 | faer |
//! | dW | 784×128·128×512 | Aᵀ·B | f64 | 1.274 | 0.847 | 0.649 | faer |
//!
//! Re-measured on a quiet machine (load < 1, 15 rounds) after the
//! `vzeroupper` fix: faer/mm 0.73–0.86 on every large W2 product except
//! the tall `Xᵀ·dZ` 3072×256·256×100 (0.96 f32, 1.00 f64: level), 0.49–0.98
//! on the small ones (512×128·128×10 f32 0.98), 0.21 and 0.34 on 8×8
//! squares — the rule stands. Yet the whole 784-512-512-10 f32 step is 1–3 %
//! faster on matrixmultiply alone (`benches/paired.rs`), so a product's
//! speed in a loop still does not settle its speed inside a step.
//!
//! faer wins the tiny products by 2–10× (its `nano-gemm` kernels skip
//! matrixmultiply's packing) and most W2 products by 5–40 %. The one
//! consistent loss is the tall weight gradient `Xᵀ·dZ` of 3072-100-10's
//! first layer (3072×256·256×100: 0.99–1.11 in f32, 1.14–1.41 in f64); the
//! next-tallest `Aᵀ·B`, 784×128·128×512, is split (0.65–1.27), so the
//! cut sits between them.
//!
//! # Threads
//!
//! [`set_threads`](crate::set_threads) (default 1) splits each large
//! product's output into one block of rows (or of columns, whichever
//! dimension is longer) per thread, at multiples of 16, and runs the blocks
//! with [`fork_join`](crate::fork_join) (the engine's spinning worker,
//! [`threads`](mod@crate::threads)). Each output
//! element is still computed by one single-threaded kernel call over the
//! whole inner dimension, and the split depends only on the shape and the
//! thread count, so a given thread count always gives the same bits
//! (different thread counts may differ in the last bit: the kernels block
//! differently for different block shapes).

use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::{Array2, ArrayView2};

use crate::Float;
use crate::threads::threads;

mod backends;
use backends::{faer_product, mm_split};

/// A GEMM library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// `matrixmultiply` (ndarray's `general_mat_mul`).
    MatrixMultiply,
    /// `faer`'s matmul (`private-gemm-x86` / `nano-gemm` kernels).
    Faer,
}

/// A product `Aᵀ·B` (left factor transposed) with at least this many
/// output rows goes to matrixmultiply (see the [module doc](self)).
pub const MM_TRANSPOSED_MIN_ROWS: usize = 2048;

/// Products with fewer multiply–adds than this run on one thread whatever
/// [`set_threads`](crate::set_threads) says. Chosen, not measured (the
/// machine was never quiet enough): a hand-off to another thread costs
/// microseconds, a product this size tens of them.
pub const THREADS_MIN_MNK: usize = 1 << 20;

/// The backend the engine uses for an `m×k` by `k×n` product whose left
/// factor is (`lhs_transposed`) or is not a transposed view (before the
/// layout check; see the [module doc](self)).
///
/// ```
/// use autograd::gemm::{Backend, choose};
/// # #[cfg(all(feature = "gemm-faer", not(feature = "gemm-matrixmultiply")))]
/// # {
/// assert_eq!(choose(4, 4, 4, false), Backend::Faer); // the default
/// assert_eq!(choose(3072, 256, 100, true), Backend::MatrixMultiply); // Xᵀ·dZ
/// assert_eq!(choose(3072, 256, 100, false), Backend::Faer);
/// # }
/// ```
pub fn choose(m: usize, k: usize, n: usize, lhs_transposed: bool) -> Backend {
    let _ = (k, n); // the measured rule needs only m
    let rule_on = cfg!(feature = "gemm-faer") && !cfg!(feature = "gemm-matrixmultiply");
    if rule_on && !(lhs_transposed && m >= MM_TRANSPOSED_MIN_ROWS) {
        Backend::Faer
    } else {
        Backend::MatrixMultiply
    }
}

/// 0: no override; 1 + the backend's index otherwise.
static FORCED: AtomicUsize = AtomicUsize::new(0);

/// Runs every product of the process on `backend` instead of the rule of
/// [`choose`] (`None` restores the rule). For benchmarks and comparisons:
/// a whole training step timed on each backend in one binary, in pairs.
/// Layouts faer cannot view still run on matrixmultiply.
///
/// ```
/// use autograd::gemm::{Backend, force_backend, forced_backend};
/// force_backend(Some(Backend::MatrixMultiply));
/// assert_eq!(forced_backend(), Some(Backend::MatrixMultiply));
/// force_backend(None);
/// assert_eq!(forced_backend(), None);
/// ```
pub fn force_backend(backend: Option<Backend>) {
    let code = match backend {
        None => 0,
        Some(Backend::MatrixMultiply) => 1,
        Some(Backend::Faer) => 2,
    };
    FORCED.store(code, Ordering::Relaxed);
}

/// The backend set by [`force_backend`], if any.
pub fn forced_backend() -> Option<Backend> {
    match FORCED.load(Ordering::Relaxed) {
        1 => Some(Backend::MatrixMultiply),
        2 => Some(Backend::Faer),
        _ => None,
    }
}

/// One factor of a product: a matrix used as stored or transposed (a
/// stride view, never a copy).
#[derive(Debug, Clone, Copy)]
pub struct Factor<'a, F> {
    array: &'a Array2<F>,
    transposed: bool,
}

impl<'a, F: Float> Factor<'a, F> {
    /// `a` as it is.
    pub fn plain(array: &'a Array2<F>) -> Self {
        Factor {
            array,
            transposed: false,
        }
    }
    /// `aᵀ`.
    pub fn transposed(array: &'a Array2<F>) -> Self {
        Factor {
            array,
            transposed: true,
        }
    }
    /// Whether the factor is the array's transpose.
    pub fn is_transposed(&self) -> bool {
        self.transposed
    }
    /// Its shape as a factor (rows, columns), after any transpose.
    pub fn dim(&self) -> (usize, usize) {
        let (r, c) = self.array.dim();
        if self.transposed { (c, r) } else { (r, c) }
    }
    fn view(&self) -> ArrayView2<'a, F> {
        if self.transposed {
            self.array.t()
        } else {
            self.array.view()
        }
    }
    /// The same factor over `T` (`F` is `T`; checked by the caller).
    fn cast<T: 'static>(&self) -> Factor<'a, T> {
        let any: &dyn Any = self.array;
        Factor {
            array: any.downcast_ref().expect("F is T"),
            transposed: self.transposed,
        }
    }
}

/// `c = a·b`, or `c += a·b` with `accumulate`, on the backend [`choose`]
/// picks (or [`force_backend`] set) and [`threads`] threads. With `accumulate` off, `c`'s old values
/// are never read (a stale NaN cannot leak).
///
/// ```
/// use autograd::gemm::{Factor, product_into};
/// use ndarray::{Array2, array};
/// let a = array![[1.0, 2.0], [3.0, 4.0]];
/// let mut c = Array2::from_elem((2, 2), f64::NAN);
/// product_into(Factor::transposed(&a), Factor::plain(&a), &mut c, false);
/// assert_eq!(c, array![[10.0, 14.0], [14.0, 20.0]]); // aᵀ·a
/// ```
///
/// # Panics
/// If the shapes do not chain (`a` is m×k, `b` k×n, `c` m×n).
#[track_caller]
pub fn product_into<F: Float>(
    a: Factor<'_, F>,
    b: Factor<'_, F>,
    c: &mut Array2<F>,
    accumulate: bool,
) {
    let (m, k) = a.view().dim();
    let n = b.view().ncols();
    let backend = forced_backend().unwrap_or_else(|| choose(m, k, n, a.transposed));
    product_with(backend, a, b, c, accumulate);
}

/// [`product_into`] on a given backend (for benchmarks and comparisons),
/// still on [`threads`] threads. A layout faer cannot view runs on
/// matrixmultiply.
///
/// # Panics
/// If the shapes do not chain (`a` is m×k, `b` k×n, `c` m×n).
#[track_caller]
pub fn product_with<F: Float>(
    backend: Backend,
    a: Factor<'_, F>,
    b: Factor<'_, F>,
    c: &mut Array2<F>,
    accumulate: bool,
) {
    let (av, bv) = (a.view(), b.view());
    if av.ncols() != bv.nrows() || c.dim() != (av.nrows(), bv.ncols()) {
        panic!(
            "gemm: {}×{} by {}×{} into {}×{}",
            av.nrows(),
            av.ncols(),
            bv.nrows(),
            bv.ncols(),
            c.nrows(),
            c.ncols()
        );
    }
    let threads = if av.nrows() * av.ncols() * bv.ncols() >= THREADS_MIN_MNK {
        threads()
    } else {
        1
    };
    if backend == Backend::Faer {
        let any: &mut dyn Any = c;
        if let Some(c) = any.downcast_mut::<Array2<f32>>() {
            if faer_product(a.cast(), b.cast(), c, accumulate, threads) {
                return;
            }
        } else if let Some(c) = any.downcast_mut::<Array2<f64>>()
            && faer_product(a.cast(), b.cast(), c, accumulate, threads)
        {
            return;
        }
    }
    let beta = if accumulate { F::one() } else { F::zero() };
    mm_split(av, bv, c.view_mut(), beta, threads);
}
