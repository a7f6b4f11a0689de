//! `autograd::vmath` at its special inputs: signed zeros, infinities, NaN,
//! the overflow and underflow thresholds and subnormals, exactly.

use autograd::vmath::{
    exp_f32, exp_f64, ln_f32, ln_f64, sigmoid_f32, sigmoid_f64, tanh_f32, tanh_f64,
};

/// Same value and, for zeros, the same sign (NaN equals NaN).
fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}
fn same_f32(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn exp_specials() {
    let cases: [(f64, f64); 5] = [
        (0.0, 1.0),
        (-0.0, 1.0),
        (f64::INFINITY, f64::INFINITY),
        (f64::NEG_INFINITY, 0.0),
        (f64::NAN, f64::NAN),
    ];
    for (x, want) in cases {
        assert!(same_f64(exp_f64(x), want), "exp({x}) = {}", exp_f64(x));
        let (x32, want32) = (x as f32, want as f32);
        assert!(
            same_f32(exp_f32(x32), want32),
            "exp({x32}) = {}",
            exp_f32(x32)
        );
    }
}

#[test]
fn exp_overflow_threshold() {
    // ln(MAX) = 709.782712893384 (f64), 88.72284 (f32): the largest finite
    // input below it is finite and just past it is +∞, like libm.
    let last = 709.782_712_893_384_f64;
    assert_eq!(exp_f64(last), last.exp());
    assert!(exp_f64(last).is_finite());
    assert_eq!(exp_f64(709.782_712_893_385), f64::INFINITY);
    assert_eq!(exp_f64(f64::MAX), f64::INFINITY);
    let last32 = 88.722_83_f32;
    assert!(exp_f32(last32).is_finite());
    assert_eq!(exp_f32(88.722_84), f32::INFINITY);
    assert_eq!(exp_f32(f32::MAX), f32::INFINITY);
}

#[test]
fn exp_underflows_gradually_to_zero() {
    // Subnormal results are produced, not flushed: e^−740 ≈ 4.2e−322.
    assert_eq!(exp_f64(-740.0), (-740.0_f64).exp());
    assert!(exp_f64(-740.0) > 0.0 && exp_f64(-740.0) < f64::MIN_POSITIVE);
    // The smallest subnormal is e^−744.44; below e^−745.13 the result is 0.
    assert_eq!(exp_f64(-745.0), f64::from_bits(1));
    assert_eq!(exp_f64(-745.2), 0.0);
    assert_eq!(exp_f64(-f64::MAX), 0.0);
    assert_eq!(exp_f32(-100.0), (-100.0_f64).exp() as f32);
    assert!(exp_f32(-100.0) > 0.0 && exp_f32(-100.0) < f32::MIN_POSITIVE);
    assert_eq!(exp_f32(-103.9), f32::from_bits(1));
    assert_eq!(exp_f32(-104.0), 0.0);
}

#[test]
fn ln_specials() {
    let cases: [(f64, f64); 8] = [
        (1.0, 0.0),
        (0.0, f64::NEG_INFINITY),
        (-0.0, f64::NEG_INFINITY),
        (-1.0, f64::NAN),
        (f64::NEG_INFINITY, f64::NAN),
        (f64::INFINITY, f64::INFINITY),
        (f64::NAN, f64::NAN),
        (std::f64::consts::E, 1.0),
    ];
    for (x, want) in cases {
        assert!(same_f64(ln_f64(x), want), "ln({x}) = {}", ln_f64(x));
        let (x32, want32) = (x as f32, want as f32);
        assert!(same_f32(ln_f32(x32), want32), "ln({x32}) = {}", ln_f32(x32));
    }
}

#[test]
fn ln_of_subnormals_and_extremes() {
    let tiny = f64::from_bits(1); // 2^−1074
    assert_eq!(ln_f64(tiny), -1074.0 * std::f64::consts::LN_2);
    assert_eq!(ln_f64(f64::MAX), f64::MAX.ln());
    assert_eq!(ln_f64(3e-310), 3e-310_f64.ln());
    let tiny32 = f32::from_bits(1); // 2^−149
    assert_eq!(ln_f32(tiny32), (-149.0 * std::f64::consts::LN_2) as f32);
    assert_eq!(ln_f32(f32::MAX), (f32::MAX as f64).ln() as f32);
}

#[test]
fn tanh_specials() {
    let cases: [(f64, f64); 7] = [
        (0.0, 0.0),
        (-0.0, -0.0),
        (f64::INFINITY, 1.0),
        (f64::NEG_INFINITY, -1.0),
        (f64::NAN, f64::NAN),
        (1e300, 1.0),
        (-25.0, -1.0),
    ];
    for (x, want) in cases {
        assert!(same_f64(tanh_f64(x), want), "tanh({x}) = {}", tanh_f64(x));
        let (x32, want32) = (x as f32, want as f32);
        assert!(
            same_f32(tanh_f32(x32), want32),
            "tanh({x32}) = {}",
            tanh_f32(x32)
        );
    }
    // Tiny inputs: tanh x = x to the last bit, subnormals included.
    for x in [1e-300, 5e-324, -1e-20] {
        assert_eq!(tanh_f64(x), x);
    }
    for x in [1e-30_f32, 1e-45, -1e-10] {
        assert_eq!(tanh_f32(x), x);
    }
}

#[test]
fn sigmoid_specials() {
    let cases: [(f64, f64); 6] = [
        (0.0, 0.5),
        (-0.0, 0.5),
        (f64::INFINITY, 1.0),
        (f64::NEG_INFINITY, 0.0),
        (f64::NAN, f64::NAN),
        (-1e300, 0.0),
    ];
    for (x, want) in cases {
        assert!(
            same_f64(sigmoid_f64(x), want),
            "σ({x}) = {}",
            sigmoid_f64(x)
        );
        let (x32, want32) = (x as f32, want as f32);
        let got32 = sigmoid_f32(x32);
        assert!(same_f32(got32, want32), "σ({x32}) = {got32}");
    }
    // The left tail follows e^x into the subnormals.
    assert_eq!(sigmoid_f64(-740.0), (-740.0_f64).exp());
    assert_eq!(sigmoid_f32(-100.0), (-100.0_f64).exp() as f32);
}
