//! The standard normal density and distribution function, and expected
//! improvement.
//!
//! `std` has no `erf`, so [`cdf`] uses the classic Chebyshev-fitted
//! complementary error function (fractional error below 1.2·10⁻⁷
//! everywhere), which is far finer than expected improvement needs.

const SQRT_2PI: f64 = 2.506_628_274_631_000_5;

/// φ(z), the standard normal density.
pub fn pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / SQRT_2PI
}

/// erfc(x) = 1 − erf(x), fractional error < 1.2·10⁻⁷.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * (-z * z + poly).exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Φ(z), the standard normal distribution function.
///
/// ```
/// use nn::search::bayes::normal::cdf;
/// assert!((cdf(0.0) - 0.5).abs() < 1e-7);
/// assert!((cdf(1.959964) - 0.975).abs() < 1e-7);
/// ```
pub fn cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Expected improvement below `best` of a normal prediction
/// `N(mean, sd²)`, with exploration margin `xi`:
/// `EI = sd · (z Φ(z) + φ(z))`, `z = (best − mean − xi) / sd`; for
/// `sd → 0` it is `max(best − mean − xi, 0)`. Never negative, never NaN
/// for finite inputs.
///
/// ```
/// use nn::search::bayes::normal::expected_improvement;
/// // At the incumbent with unit uncertainty: φ(0) = 0.3989.
/// assert!((expected_improvement(0.0, 1.0, 0.0, 0.0) - 0.398_942_28).abs() < 1e-7);
/// assert_eq!(expected_improvement(1.0, 0.0, 0.0, 0.0), 0.0);
/// ```
pub fn expected_improvement(mean: f64, sd: f64, best: f64, xi: f64) -> f64 {
    let gain = best - mean - xi;
    if sd <= 1e-12 {
        return gain.max(0.0);
    }
    let z = gain / sd;
    (sd * (z * cdf(z) + pdf(z))).max(0.0)
}
