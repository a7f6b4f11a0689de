//! `e^x` and `e^x − 1` without branches, so a loop over a slice vectorizes.
//!
//! Range reduction (Cody–Waite): `x = k·ln 2 + r`, `|r| ≤ ½ ln 2`, with `k`
//! rounded to nearest by the `1.5·2^p` magic-number trick (SSE2 has no
//! vector `round`) and `ln 2` split in a short `hi` (so `k·hi` is exact) and
//! a `lo` tail. `e^r` is a polynomial; `2^k` is built from its bits, as the
//! product of two halves `2^⌊k/2⌋ · 2^(k − ⌊k/2⌋)` so that results just
//! below the overflow threshold and gradual-underflow (subnormal) results
//! come out right, rounded once.
//!
//! Out-of-range inputs are clamped first (the clamp keeps NaN: a comparison
//! with NaN is false), far enough out that the clamped input still
//! overflows to `+∞` or rounds to `+0`.

// The constants are fdlibm's published decimals, kept verbatim so they can
// be checked against the source; each rounds to the intended float.
#![allow(clippy::excessive_precision)]

/// `1.5·2^52`: adding it rounds an `f64` below `2^51` in magnitude to an
/// integer held in the low mantissa bits.
const ROUND_64: f64 = 6_755_399_441_055_744.0;
/// `1.5·2^23`, the same for `f32`.
const ROUND_32: f32 = 12_582_912.0;

/// `t` rounded to the nearest integer (ties to even), as a float and as an
/// integer; `|t| < 2^50`.
#[inline(always)]
pub(crate) fn round_64(t: f64) -> (f64, i64) {
    let shifted = t + ROUND_64;
    let k = (shifted.to_bits() as i64).wrapping_sub(ROUND_64.to_bits() as i64);
    (shifted - ROUND_64, k)
}

/// `t` rounded to the nearest integer (ties to even); `|t| < 2^21`.
#[inline(always)]
pub(crate) fn round_32(t: f32) -> (f32, i32) {
    let shifted = t + ROUND_32;
    let k = (shifted.to_bits() as i32).wrapping_sub(ROUND_32.to_bits() as i32);
    (shifted - ROUND_32, k)
}

/// An integer `|k| < 2^50` as an `f64` through its bits (SSE2 has no
/// vector `i64 → f64` conversion).
#[inline(always)]
pub(crate) fn i64_to_f64(k: i64) -> f64 {
    f64::from_bits((ROUND_64.to_bits() as i64).wrapping_add(k) as u64) - ROUND_64
}

/// `2^k` for `−1022 ≤ k ≤ 1023`.
#[inline(always)]
fn pow2_64(k: i64) -> f64 {
    f64::from_bits((k.wrapping_add(1023) as u64) << 52)
}

/// `2^k` for `−126 ≤ k ≤ 127`.
#[inline(always)]
fn pow2_32(k: i32) -> f32 {
    f32::from_bits((k.wrapping_add(127) as u32) << 23)
}

/// `y · 2^k` with `k` in `[−1076, 1024]`, rounded once.
#[inline(always)]
fn scale_64(y: f64, n: f64, k: i64) -> f64 {
    let (_, half) = round_64(n * 0.5);
    y * pow2_64(half) * pow2_64(k.wrapping_sub(half))
}

/// `y · 2^k` with `k` in `[−150, 128]`, rounded once.
#[inline(always)]
fn scale_32(y: f32, n: f32, k: i32) -> f32 {
    let (_, half) = round_32(n * 0.5);
    y * pow2_32(half) * pow2_32(k.wrapping_sub(half))
}

const LN2_HI_64: f64 = 6.931_471_803_691_238_164_90e-1; // 32 significant bits
const LN2_LO_64: f64 = 1.908_214_929_270_587_700_02e-10;
const LN2_HI_32: f32 = 0.693_359_375; // 9 significant bits
const LN2_LO_32: f32 = -2.121_944_4e-4;

/// fdlibm's `e_exp.c` coefficients: `R(r²) ≈ r·(e^r + 1)/(e^r − 1) − 2`.
const P: [f64; 5] = [
    1.666_666_666_666_660_190_37e-1,
    -2.777_777_777_701_559_338_42e-3,
    6.613_756_321_437_934_361_17e-5,
    -1.653_390_220_546_525_153_90e-6,
    4.138_136_797_057_238_460_39e-8,
];

/// `c = r − r²·P(r²)`, so that `e^r = 1 + r + r·c/(2 − c)` (fdlibm).
#[inline(always)]
fn c_64(r: f64) -> f64 {
    let t = r * r;
    r - t * (P[0] + t * (P[1] + t * (P[2] + t * (P[3] + t * P[4]))))
}

/// `e^r − 1` for `|r| ≤ 0.35`: Taylor to degree 8 (truncation below
/// 2·10⁻⁹ relative, an f32 ulp is 6·10⁻⁸).
#[inline(always)]
fn expm1_poly_32(r: f32) -> f32 {
    let p = 1.0 / 5040.0 + r * (1.0 / 40320.0);
    let p = 1.0 / 720.0 + r * p;
    let p = 1.0 / 120.0 + r * p;
    let p = 1.0 / 24.0 + r * p;
    let p = 1.0 / 6.0 + r * p;
    let p = 0.5 + r * p;
    r + r * r * p
}

/// `e^x` for `f64`, branch-free (see the module doc for the method).
#[inline(always)]
pub fn exp_f64(x: f64) -> f64 {
    // e^710 overflows and e^−746 rounds to 0, like every input beyond them.
    let x = if x > 710.0 { 710.0 } else { x };
    let x = if x < -746.0 { -746.0 } else { x };
    let (n, k) = round_64(x * std::f64::consts::LOG2_E);
    let hi = x - n * LN2_HI_64;
    let lo = n * LN2_LO_64;
    let r = hi - lo;
    let c = c_64(r);
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    scale_64(y, n, k)
}

/// `e^x` for `f32`, branch-free.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    // e^89 overflows and e^−104 rounds to 0.
    let x = if x > 89.0 { 89.0 } else { x };
    let x = if x < -104.0 { -104.0 } else { x };
    let (n, k) = round_32(x * std::f32::consts::LOG2_E);
    let r = (x - n * LN2_HI_32) - n * LN2_LO_32;
    scale_32(1.0 + expm1_poly_32(r), n, k)
}

/// `e^a − 1` for `0 ≤ a ≤ 40` (and NaN), `f64`: `2^k·(e^r − 1) + (2^k − 1)`,
/// exact in its last step for `k = 0`, so small `a` keep full precision.
#[inline(always)]
pub(crate) fn expm1_small_f64(a: f64) -> f64 {
    let (n, k) = round_64(a * std::f64::consts::LOG2_E);
    let hi = a - n * LN2_HI_64;
    let lo = n * LN2_LO_64;
    let r = hi - lo;
    let c = c_64(r);
    let q = r + (r * c) / (2.0 - c);
    let s = pow2_64(k);
    s * q + (s - 1.0)
}

/// `e^a − 1` for `0 ≤ a ≤ 40` (and NaN), `f32`.
#[inline(always)]
pub(crate) fn expm1_small_f32(a: f32) -> f32 {
    let (n, k) = round_32(a * std::f32::consts::LOG2_E);
    let r = (a - n * LN2_HI_32) - n * LN2_LO_32;
    let s = pow2_32(k);
    s * expm1_poly_32(r) + (s - 1.0)
}
