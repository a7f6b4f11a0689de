//! Accuracy of `autograd::vmath` in ulps.
//!
//! * `sampled_*` (CI): a few hundred thousand inputs per function and type,
//!   spread over every exponent and dense in each function's working range,
//!   against the bounds below.
//! * `exhaustive_f32` and `sampled_f64_1e8` (`#[ignore]`, run in release):
//!   every finite `f32` input, and 10⁸ `f64` inputs, printing the maximum
//!   error and where it occurs:
//!   `cargo test --release -p autograd --test vmath_accuracy -- --ignored --nocapture`.
//!
//! References: for `f32`, the `f64` libm function of the same input (its
//! own error, below 2⁻⁵² relative, is 2⁻²⁹ of an `f32` ulp), so errors are
//! fractional `f32` ulps of the exact value. For `f64`, the libm function
//! (glibc's `exp` and `log` are correctly rounded in practice, its `tanh`
//! within 2 ulps); sigmoid's reference is libm's `exp` in the same stable
//! formula, so its figure bounds the difference, not the true error.
//! Differences are whole ulps (adjacent floats apart).

use autograd::vmath;

/// Error bounds asserted by the CI tests: the maxima of the full
/// measurement (f32 exhaustive: exp 0.957, ln 0.835, tanh 2.424, sigmoid
/// 2.402; f64 1e8 samples: 1, 1, 4, 2), rounded up.
const BOUND_F32: [(&str, f64); 4] = [("exp", 1.0), ("ln", 1.0), ("tanh", 3.0), ("sigmoid", 2.5)];
const BOUND_F64: [(&str, f64); 4] = [("exp", 1.0), ("ln", 1.0), ("tanh", 4.0), ("sigmoid", 2.0)];

type F32Case = (&'static str, fn(f32) -> f32, fn(f64) -> f64);
type F64Case = (&'static str, fn(f64) -> f64, fn(f64) -> f64);

fn sigmoid_ref(x: f64) -> f64 {
    let e = (-x.abs()).exp();
    if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

const F32_CASES: [F32Case; 4] = [
    ("exp", vmath::exp_f32, f64::exp),
    ("ln", vmath::ln_f32, f64::ln),
    ("tanh", vmath::tanh_f32, f64::tanh),
    ("sigmoid", vmath::sigmoid_f32, sigmoid_ref),
];
const F64_CASES: [F64Case; 4] = [
    ("exp", vmath::exp_f64, f64::exp),
    ("ln", vmath::ln_f64, f64::ln),
    ("tanh", vmath::tanh_f64, f64::tanh),
    ("sigmoid", vmath::sigmoid_f64, sigmoid_ref),
];

/// The error of `got` in ulps of the `f32` nearest `exact` (fractional);
/// 0 for an infinity where `exact` rounds to it, ∞ when one is NaN and the
/// other is not.
fn ulps_f32(got: f32, exact: f64) -> f64 {
    let rounded = exact as f32;
    let same_infinity = got.is_infinite() && got == rounded;
    if got as f64 == exact || same_infinity || (got.is_nan() && exact.is_nan()) {
        return 0.0;
    }
    if got.is_nan() || exact.is_nan() || !got.is_finite() || rounded.is_infinite() {
        return f64::INFINITY;
    }
    let biased = (rounded.abs().to_bits() >> 23) as i32;
    let ulp = 2f64.powi(biased.max(1) - 127 - 23);
    (got as f64 - exact).abs() / ulp
}

/// How many `f64`s apart `a` and `b` are (∞ when only one is NaN).
fn ulps_f64(a: f64, b: f64) -> f64 {
    if a == b || (a.is_nan() && b.is_nan()) {
        return 0.0;
    }
    if a.is_nan() || b.is_nan() {
        return f64::INFINITY;
    }
    let ordered = |x: f64| {
        let bits = x.to_bits() as i64;
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    (ordered(a) as i128 - ordered(b) as i128).unsigned_abs() as f64
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `[lo, hi)`.
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
    /// A finite `f64` with uniformly random bits: every exponent equally
    /// likely.
    fn any_finite(&mut self) -> f64 {
        loop {
            let x = f64::from_bits(self.next());
            if x.is_finite() {
                return x;
            }
        }
    }
}

/// Each function's working range, sampled densely.
fn dense_range(name: &str) -> (f64, f64) {
    match name {
        "exp" => (-750.0, 712.0),
        "ln" => (0.0, 4.0),
        "tanh" => (-20.0, 20.0),
        _ => (-750.0, 40.0), // sigmoid
    }
}

/// Input `i` of `n` for `name`: alternately any finite number and one in
/// the dense range (a sixteenth of those within ±1 of the range's middle
/// or of 1 for `ln`, where the functions change fastest).
fn sample(rng: &mut Rng, name: &str, i: u64) -> f64 {
    let (lo, hi) = dense_range(name);
    match i % 4 {
        0 => rng.any_finite(),
        1 if i % 64 == 1 => {
            let mid = if name == "ln" { 1.0 } else { 0.0 };
            rng.uniform(mid - 1.0, mid + 1.0)
        }
        _ => rng.uniform(lo, hi),
    }
}

/// The maximum error and where, for `f32` over `inputs`.
fn worst_f32((_, f, reference): F32Case, inputs: impl Iterator<Item = f32>) -> (f64, f32) {
    let mut worst = (0.0, 0.0);
    for x in inputs {
        let e = ulps_f32(f(x), reference(x as f64));
        if e > worst.0 {
            worst = (e, x);
        }
    }
    worst
}

/// The maximum difference in ulps and where, for `f64` over `n` samples.
fn worst_f64((name, f, reference): F64Case, n: u64, seed: u64) -> (f64, f64) {
    let mut rng = Rng(seed);
    let mut worst = (0.0, 0.0);
    for i in 0..n {
        let x = sample(&mut rng, name, i);
        let e = ulps_f64(f(x), reference(x));
        if e > worst.0 {
            worst = (e, x);
        }
    }
    worst
}

fn bound(table: &[(&str, f64)], name: &str) -> f64 {
    table.iter().find(|(n, _)| *n == name).expect("a bound").1
}

#[test]
fn sampled_f32_within_bounds() {
    for case in F32_CASES {
        let mut rng = Rng(1);
        let inputs = (0..400_000).map(|i| sample(&mut rng, case.0, i) as f32);
        let (err, at) = worst_f32(case, inputs);
        let limit = bound(&BOUND_F32, case.0);
        assert!(
            err <= limit,
            "{} f32: {err} ulps at {at:e} > {limit}",
            case.0
        );
    }
}

#[test]
fn sampled_f64_within_bounds() {
    for case in F64_CASES {
        let (err, at) = worst_f64(case, 400_000, 2);
        let limit = bound(&BOUND_F64, case.0);
        assert!(
            err <= limit,
            "{} f64: {err} ulps at {at:e} > {limit}",
            case.0
        );
    }
}

#[test]
fn ulp_measures_are_right() {
    assert_eq!(ulps_f32(1.0, 1.0), 0.0);
    assert_eq!(ulps_f32(1.0 + f32::EPSILON, 1.0), 1.0);
    assert_eq!(ulps_f32(1.0, 1.0 + 0.5 * f32::EPSILON as f64), 0.5);
    assert_eq!(ulps_f32(f32::from_bits(1), 0.0), 1.0); // a subnormal ulp
    assert_eq!(ulps_f32(f32::MAX, f64::INFINITY), f64::INFINITY);
    assert_eq!(ulps_f64(-0.0, 0.0), 0.0);
    assert_eq!(ulps_f64(f64::from_bits(1), -f64::from_bits(1)), 2.0);
    assert_eq!(ulps_f64(1.0, 1.0 + f64::EPSILON), 1.0);
    assert_eq!(ulps_f64(1.0, f64::NAN), f64::INFINITY);
}

/// Every finite `f32`, on all cores; prints the table.
#[test]
#[ignore = "minutes in release: the exhaustive f32 measurement"]
fn exhaustive_f32() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    for case in F32_CASES {
        let per = u32::MAX / threads + 1;
        let worst = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let start = t * per;
                    let end = start.saturating_add(per - 1);
                    let inputs = (start..=end).map(f32::from_bits).filter(|x| x.is_finite());
                    s.spawn(move || worst_f32(case, inputs))
                })
                .collect();
            let all = handles.into_iter().map(|h| h.join().expect("a worker"));
            all.fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a })
        });
        println!(
            "f32 {:8} max {:.3} ulps at x = {:e}",
            case.0, worst.0, worst.1
        );
    }
}

/// 10⁸ `f64` inputs per function (half any exponent, half dense); prints
/// the table.
#[test]
#[ignore = "minutes in release: the 1e8-sample f64 measurement"]
fn sampled_f64_1e8() {
    for case in F64_CASES {
        let worst = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|t| s.spawn(move || worst_f64(case, 50_000_000, 100 + t)))
                .collect();
            let all = handles.into_iter().map(|h| h.join().expect("a worker"));
            all.fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a })
        });
        println!("f64 {:8} max {} ulps at x = {:e}", case.0, worst.0, worst.1);
    }
}
