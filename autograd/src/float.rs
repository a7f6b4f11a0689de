//! The one scalar trait the whole workspace is generic over.
//!
//! Everything numeric — tape values, gradients, ops — is written once against
//! [`Float`] and instantiated for `f32` (training speed) and `f64` (gradient
//! checks). Bundling the bounds here keeps every other signature short.
//!
//! Each float type also owns its per-thread buffer cache (a `const`
//! thread-local [`Pool`], reached through the sealed supertrait), with the
//! public [`release_cached_buffers`] and [`cached_bytes`] beside it: the
//! cache type itself (`pool.rs`) then depends on nothing in the crate.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use ndarray::{LinalgScalar, ScalarOperand};
use num_traits::{Float as NumFloat, FromPrimitive};

use crate::pool::Pool;

/// A floating-point scalar the tape can compute with: `f32` or `f64`.
///
/// ```
/// use autograd::Float;
/// fn half<F: Float>(x: F) -> F { x * F::of(0.5) }
/// assert_eq!(half(3.0_f32), 1.5);
/// assert_eq!(half(3.0_f64), 1.5);
/// ```
pub trait Float:
    NumFloat
    + LinalgScalar
    + ScalarOperand
    + FromPrimitive
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Debug
    + Display
    + Default
    + Send
    + Sync
    + 'static
    + sealed::Sealed
{
    /// Converts an `f64` constant (a literal in an op's formula) to `Self`: `F::of(0.5)`.
    fn of(x: f64) -> Self;
    /// Widens to `f64` (for printing, checking and summaries).
    fn as_f64(self) -> f64;
    /// A short name for messages: `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// `e^x` by the branch-free kernel of [`crate::vmath`] (a loop of
    /// these vectorizes; error bound in `vmath`'s docs).
    ///
    /// ```
    /// use autograd::Float;
    /// assert_eq!(0.0_f32.vexp(), 1.0);
    /// ```
    fn vexp(self) -> Self;
    /// `ln x` by [`crate::vmath`]'s kernel.
    ///
    /// ```
    /// use autograd::Float;
    /// assert_eq!(1.0_f64.vln(), 0.0);
    /// ```
    fn vln(self) -> Self;
    /// `tanh x` by [`crate::vmath`]'s kernel.
    ///
    /// ```
    /// use autograd::Float;
    /// assert_eq!(50.0_f32.vtanh(), 1.0);
    /// ```
    fn vtanh(self) -> Self;
    /// The logistic sigmoid `1/(1 + e^−x)` by [`crate::vmath`]'s kernel.
    ///
    /// ```
    /// use autograd::Float;
    /// assert_eq!(0.0_f64.vsigmoid(), 0.5);
    /// ```
    fn vsigmoid(self) -> Self;
}

use sealed::Sealed;

pub(crate) mod sealed {
    use super::Pool;

    /// Keeps `Float` to `f32` and `f64`, and gives each its buffer cache.
    pub trait Sealed: Sized {
        /// Runs `f` on this thread's buffer cache for this type.
        fn with_pool<R>(f: impl FnOnce(&mut Pool<Self>) -> R) -> R;
    }

    // `const` initializers: every kernel call reaches its cache through
    // these, and a lazily initialized thread-local checks its state first.
    thread_local! {
        static POOL_F32: std::cell::RefCell<Pool<f32>> = const { std::cell::RefCell::new(Pool::new()) };
        static POOL_F64: std::cell::RefCell<Pool<f64>> = const { std::cell::RefCell::new(Pool::new()) };
    }

    impl Sealed for f32 {
        fn with_pool<R>(f: impl FnOnce(&mut Pool<f32>) -> R) -> R {
            POOL_F32.with_borrow_mut(f)
        }
    }

    impl Sealed for f64 {
        fn with_pool<R>(f: impl FnOnce(&mut Pool<f64>) -> R) -> R {
            POOL_F64.with_borrow_mut(f)
        }
    }
}

impl Float for f32 {
    #[inline]
    fn of(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn as_f64(self) -> f64 {
        self as f64
    }
    const NAME: &'static str = "f32";
    #[inline(always)]
    fn vexp(self) -> Self {
        crate::vmath::exp_f32(self)
    }
    #[inline(always)]
    fn vln(self) -> Self {
        crate::vmath::ln_f32(self)
    }
    #[inline(always)]
    fn vtanh(self) -> Self {
        crate::vmath::tanh_f32(self)
    }
    #[inline(always)]
    fn vsigmoid(self) -> Self {
        crate::vmath::sigmoid_f32(self)
    }
}

impl Float for f64 {
    #[inline]
    fn of(x: f64) -> Self {
        x
    }
    #[inline]
    fn as_f64(self) -> f64 {
        self
    }
    const NAME: &'static str = "f64";
    #[inline(always)]
    fn vexp(self) -> Self {
        crate::vmath::exp_f64(self)
    }
    #[inline(always)]
    fn vln(self) -> Self {
        crate::vmath::ln_f64(self)
    }
    #[inline(always)]
    fn vtanh(self) -> Self {
        crate::vmath::tanh_f64(self)
    }
    #[inline(always)]
    fn vsigmoid(self) -> Self {
        crate::vmath::sigmoid_f64(self)
    }
}

/// Frees every buffer this thread has cached (for both float types).
///
/// ```
/// autograd::release_cached_buffers();
/// ```
pub fn release_cached_buffers() {
    f32::with_pool(Pool::clear);
    f64::with_pool(Pool::clear);
}

/// Bytes this thread has cached for float type `F`.
pub fn cached_bytes<F: Float>() -> usize {
    F::with_pool(|p| p.cached_bytes())
}
