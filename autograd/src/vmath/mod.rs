//! Vectorizable `exp`, `ln`, `tanh` and the logistic sigmoid, for `f32` and
//! `f64`.
//!
//! Each function is branch-free (range reduction and a polynomial, with
//! bit manipulation through `to_bits`/`from_bits`; special inputs chosen by
//! selects), so a loop applying it to a slice compiles to SIMD code even on
//! baseline x86-64 (SSE2), where a loop calling libm runs one element per
//! call; and wider where the CPU has AVX2 (below). The ops (`exp`, `ln`, `tanh`, `sigmoid`, `softplus`) evaluate
//! through them via [`Float`]'s `vexp`, `vln`, `vtanh` and `vsigmoid`.
//!
//! # Accuracy
//!
//! Maximum error in ulps of the result. `f32`: fractional ulps against the
//! `f64` libm function, over every finite input. `f64`: whole ulps apart from glibc's
//! libm (its `exp`/`log` are correctly rounded in practice, its `tanh`
//! within 2 ulps; sigmoid's reference is libm's `exp` in the same stable
//! formula) over 10⁸ samples, half over every exponent, half dense in the
//! working range. The CI bound is what `autograd/tests/vmath_accuracy.rs`
//! asserts on 4·10⁵ samples per function and type; the `#[ignore]` tests
//! there are the full measurement.
//!
//! | function | `f32` measured | `f32` CI bound | `f64` measured (vs libm) | `f64` CI bound |
//! |---|---|---|---|---|
//! | `exp` | 0.957 (all finite inputs; at −59.90) | 1 | 1 (at −379.6) | 1 |
//! | `ln` | 0.835 (all finite inputs; at 1.405) | 1 | 1 (at 1.282) | 1 |
//! | `tanh` | 2.424 (all finite inputs; at 0.0312) | 3 | 4 (at −0.2189) | 4 |
//! | `sigmoid` | 2.402 (all finite inputs; at −4.157) | 2.5 | 2 (at −1.114) | 2 |
//!
//! # Vector width
//!
//! The workspace sets no `-C target-cpu`, so these compile for baseline
//! x86-64 (2 `f64` / 4 `f32` lanes); on W1 (callgrind) that took a 4×4
//! `tanh` node's forward from about 1730 instructions through libm to 450.
//! The ops' loops over them also come compiled for AVX2 + FMA (4 `f64` /
//! 8 `f32` lanes), run when the CPU has them ([`crate::set_wide_loops`];
//! `pulp` holds the `unsafe` dispatch): about 255 instructions for that
//! node in `f64`, 180 in `f32`. The functions use no fused multiply-add
//! and the compiler adds none, so both versions give the same bits, and
//! the table above holds for both.
//!
//! # Special values
//!
//! NaN in gives NaN out; `exp(−∞) = 0`, `exp(∞) = ∞`, and every input past
//! the overflow threshold gives `∞`; subnormal results of `exp` and
//! `sigmoid` are produced (gradual underflow, not flushed); `ln 0 = −∞`,
//! `ln` of a negative number is NaN, of a subnormal is finite;
//! `tanh(±0) = ±0`, `tanh(±∞) = ±1`.
//!
//! ```
//! use autograd::vmath;
//! let mut x = [0.0_f64, 1.0, -1.0];
//! vmath::tanh(&mut x);
//! assert_eq!(x[0], 0.0);
//! assert!((x[1] - 1.0_f64.tanh()).abs() <= 1e-16);
//! assert_eq!(x[2], -x[1]);
//! ```

mod exp;
mod log;
mod tanh;

pub use exp::{exp_f32, exp_f64};
pub use log::{ln_f32, ln_f64};
pub use tanh::{sigmoid_f32, sigmoid_f64, tanh_f32, tanh_f64};

use crate::Float;
use crate::wide::{Loop, wide_loop};

/// Applies `f` to every element in place, compiled for AVX2 when the CPU
/// has it ([`crate::set_wide_loops`]; the same bits either way).
#[inline(always)]
fn apply<F: Float>(xs: &mut [F], f: impl Fn(F) -> F) {
    wide_loop(Apply(xs, f));
}

/// The loop of [`apply`]: eight elements at a time (a fixed-size inner
/// loop the compiler unrolls into vector instructions), then the rest.
struct Apply<'a, F, G>(&'a mut [F], G);

impl<F: Float, G: Fn(F) -> F> Loop for Apply<'_, F, G> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        let Apply(xs, f) = self;
        let mut chunks = xs.chunks_exact_mut(8);
        for chunk in &mut chunks {
            for x in chunk.iter_mut() {
                *x = f(*x);
            }
        }
        for x in chunks.into_remainder() {
            *x = f(*x);
        }
    }
}

/// `x ← e^x` for every element.
///
/// ```
/// let mut x = [0.0_f32, 1.0, f32::NEG_INFINITY];
/// autograd::vmath::exp(&mut x);
/// assert_eq!(x, [1.0, std::f32::consts::E, 0.0]);
/// ```
pub fn exp<F: Float>(xs: &mut [F]) {
    apply(xs, F::vexp);
}

/// `x ← ln x` for every element.
///
/// ```
/// let mut x = [1.0_f64, 0.0, -1.0];
/// autograd::vmath::ln(&mut x);
/// assert_eq!(x[..2], [0.0, f64::NEG_INFINITY]);
/// assert!(x[2].is_nan());
/// ```
pub fn ln<F: Float>(xs: &mut [F]) {
    apply(xs, F::vln);
}

/// `x ← tanh x` for every element.
///
/// ```
/// let mut x = [-0.0_f32, 100.0];
/// autograd::vmath::tanh(&mut x);
/// assert!(x[0] == 0.0 && x[0].is_sign_negative());
/// assert_eq!(x[1], 1.0);
/// ```
pub fn tanh<F: Float>(xs: &mut [F]) {
    apply(xs, F::vtanh);
}

/// `x ← 1/(1 + e^−x)` for every element.
///
/// ```
/// let mut x = [0.0_f64, f64::INFINITY, f64::NEG_INFINITY];
/// autograd::vmath::sigmoid(&mut x);
/// assert_eq!(x, [0.5, 1.0, 0.0]);
/// ```
pub fn sigmoid<F: Float>(xs: &mut [F]) {
    apply(xs, F::vsigmoid);
}
