//! `tanh x` and the logistic sigmoid `1/(1 + e^−x)`, branch-free.
//!
//! * `tanh x = sign(x) · e/(e + 2)` with `e = e^(2|x|) − 1` (no cancellation
//!   near 0, where `e ≈ 2|x|`); `|x|` is clamped at 20, where both types
//!   already round `tanh` to 1, so `e` never overflows; the sign is copied
//!   from `x`'s bits, so `tanh(−0) = −0`.
//! * `σ(x) = n/(1 + e)` with `e = e^−|x|` and `n = 1` for `x ≥ 0`, `n = e`
//!   below: `e ≤ 1`, so there is never an `∞/∞`, and the tails go to 0
//!   (through the subnormals) and to 1 as the exact function does.

use super::exp::{exp_f32, exp_f64, expm1_small_f32, expm1_small_f64};

/// `tanh x` for `f64`, branch-free.
#[inline(always)]
pub fn tanh_f64(x: f64) -> f64 {
    let a = x.abs();
    let a = if a > 20.0 { 20.0 } else { a }; // keeps NaN
    let e = expm1_small_f64(a + a);
    let t = e / (e + 2.0);
    t.copysign(x)
}

/// `tanh x` for `f32`, branch-free.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let a = x.abs();
    let a = if a > 20.0 { 20.0 } else { a };
    let e = expm1_small_f32(a + a);
    let t = e / (e + 2.0);
    t.copysign(x)
}

/// The logistic sigmoid `1/(1 + e^−x)` for `f64`, branch-free.
#[inline(always)]
pub fn sigmoid_f64(x: f64) -> f64 {
    let e = exp_f64(-x.abs());
    let n = if x >= 0.0 { 1.0 } else { e };
    n / (1.0 + e)
}

/// The logistic sigmoid `1/(1 + e^−x)` for `f32`, branch-free.
#[inline(always)]
pub fn sigmoid_f32(x: f32) -> f32 {
    let e = exp_f32(-x.abs());
    let n = if x >= 0.0 { 1.0 } else { e };
    n / (1.0 + e)
}
