//! `ln x` without branches (fdlibm's `e_log.c` / `e_logf.c` method).
//!
//! `x = 2^k · m` with `m ∈ [√½, √2)` read from the bits (subnormal inputs
//! are first scaled by `2^54` / `2^25`); with `f = m − 1` and
//! `s = f/(2 + f)`, `ln m = f − f²/2 + s·(f²/2 + R(s²))`, `R` fdlibm's
//! minimax polynomial, and `ln x = k·ln 2 + ln m` with `ln 2` split in
//! `hi + lo`. Special inputs are selected at the end: `ln 0 = −∞` (either
//! sign of zero), `ln x = NaN` for `x < 0`, `ln ∞ = ∞`, NaN stays NaN.

// The constants are fdlibm's published decimals, kept verbatim so they can
// be checked against the source; each rounds to the intended float.
#![allow(clippy::excessive_precision)]

use super::exp::i64_to_f64;

const LN2_HI_64: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO_64: f64 = 1.908_214_929_270_587_700_02e-10;
/// fdlibm `e_log.c` `Lg1..Lg7`.
const LG64: [f64; 7] = [
    6.666_666_666_666_735_130e-1,
    3.999_999_999_940_941_908e-1,
    2.857_142_874_366_239_149e-1,
    2.222_219_843_214_978_396e-1,
    1.818_357_216_161_805_012e-1,
    1.531_383_769_920_937_332e-1,
    1.479_819_860_511_658_591e-1,
];

const LN2_HI_32: f32 = 6.931_381_2e-1; // 0x3f317180
const LN2_LO_32: f32 = 9.058_000_6e-6; // 0x3717f7d1
/// FreeBSD `e_logf.c` `Lg1..Lg4` (`0xaaaaaa.0p-24`, …).
const LG32: [f32; 4] = [0.666_666_6, 0.400_009_72, 0.284_987_87, 0.242_790_79];

/// `ln x` for `f64`, branch-free.
#[inline(always)]
pub fn ln_f64(x: f64) -> f64 {
    let tiny = x < f64::MIN_POSITIVE; // subnormal, zero, negative
    let xs = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    }; // · 2^54
    let bits = xs.to_bits();
    let hx = bits >> 32;
    let k = ((hx >> 20) as i64) - 1023 - if tiny { 54 } else { 0 };
    let hm = hx & 0x000f_ffff;
    // `i` is 0x100000 when the mantissa is ≥ √2 (then m is halved, k + 1).
    let i = (hm + 0x95f64) & 0x0010_0000;
    let m = f64::from_bits(((hm | (i ^ 0x3ff0_0000)) << 32) | (bits & 0xffff_ffff));
    let k = k + (i >> 20) as i64;
    let f = m - 1.0;
    let dk = i64_to_f64(k);
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG64[1] + w * (LG64[3] + w * LG64[5]));
    let t2 = z * (LG64[0] + w * (LG64[2] + w * (LG64[4] + w * LG64[6])));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    let y = dk * LN2_HI_64 - ((hfsq - (s * (hfsq + r) + dk * LN2_LO_64)) - f);
    let y = if x == f64::INFINITY { x } else { y };
    let y = if x == 0.0 { f64::NEG_INFINITY } else { y };
    let y = if x < 0.0 { f64::NAN } else { y };
    if x.is_nan() { x } else { y }
}

/// `ln x` for `f32`, branch-free.
#[inline(always)]
pub fn ln_f32(x: f32) -> f32 {
    let tiny = x < f32::MIN_POSITIVE;
    let xs = if tiny { x * 33_554_432.0 } else { x }; // · 2^25
    let bits = xs.to_bits();
    let k = ((bits >> 23) as i32) - 127 - if tiny { 25 } else { 0 };
    let hm = bits & 0x007f_ffff;
    let i = (hm + (0x95f64 << 3)) & 0x0080_0000;
    let m = f32::from_bits(hm | (i ^ 0x3f80_0000));
    let k = k + (i >> 23) as i32;
    let f = m - 1.0;
    let dk = k as f32;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG32[1] + w * LG32[3]);
    let t2 = z * (LG32[0] + w * LG32[2]);
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    let y = dk * LN2_HI_32 - ((hfsq - (s * (hfsq + r) + dk * LN2_LO_32)) - f);
    let y = if x == f32::INFINITY { x } else { y };
    let y = if x == 0.0 { f32::NEG_INFINITY } else { y };
    let y = if x < 0.0 { f32::NAN } else { y };
    if x.is_nan() { x } else { y }
}
