//! Standard synthetic objectives for comparing strategies.
//!
//! * [`branin`] on `x1 ∈ [−5, 10]`, `x2 ∈ [0, 15]`: global minimum
//!   [`BRANIN_MIN`] = 0.397887 at three points, e.g. `(π, 2.275)`.
//! * [`hartmann6`] on `[0, 1]⁶`: global minimum [`HARTMANN6_MIN`] =
//!   −3.32237 at `(0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)`.
//!
//! Each comes with its search space (uniform parameters `x1`, `x2`, …)
//! and an objective over a [`Config`].
//!
//! ```
//! use nn::search::benchmark_functions::{BRANIN_MIN, branin};
//! assert!((branin(std::f64::consts::PI, 2.275) - BRANIN_MIN).abs() < 1e-5);
//! ```

use std::f64::consts::PI;

use crate::search::config::Config;
use crate::search::space::{Distribution, Param, SearchSpace};

/// Branin's global minimum.
pub const BRANIN_MIN: f64 = 0.397_887;
/// Hartmann-6's global minimum.
pub const HARTMANN6_MIN: f64 = -3.322_37;

/// The Branin–Hoo function,
/// `(x2 − 5.1x1²/(4π²) + 5x1/π − 6)² + 10(1 − 1/(8π)) cos x1 + 10`.
pub fn branin(x1: f64, x2: f64) -> f64 {
    let b = 5.1 / (4.0 * PI * PI);
    let c = 5.0 / PI;
    let t = 1.0 / (8.0 * PI);
    (x2 - b * x1 * x1 + c * x1 - 6.0).powi(2) + 10.0 * (1.0 - t) * x1.cos() + 10.0
}

/// The 6-dimensional Hartmann function, `−Σ_i α_i exp(−Σ_j A_ij (x_j − P_ij)²)`.
///
/// ```
/// use nn::search::benchmark_functions::{HARTMANN6_MIN, hartmann6};
/// let x = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];
/// assert!((hartmann6(&x) - HARTMANN6_MIN).abs() < 1e-4);
/// ```
pub fn hartmann6(x: &[f64; 6]) -> f64 {
    const ALPHA: [f64; 4] = [1.0, 1.2, 3.0, 3.2];
    const A: [[f64; 6]; 4] = [
        [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
        [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
        [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
        [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
    ];
    const P: [[f64; 6]; 4] = [
        [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
        [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
        [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
    ];
    -(0..4)
        .map(|i| {
            let s: f64 = (0..6).map(|j| A[i][j] * (x[j] - P[i][j]).powi(2)).sum();
            ALPHA[i] * (-s).exp()
        })
        .sum::<f64>()
}

fn uniform_space(bounds: &[(f64, f64)]) -> SearchSpace {
    let params = bounds
        .iter()
        .enumerate()
        .map(|(i, &(lo, hi))| Param {
            name: format!("x{}", i + 1),
            dist: Distribution::Uniform { lo, hi },
        })
        .collect();
    match SearchSpace::new(params) {
        Ok(s) => s,
        Err(e) => panic!("fixed benchmark bounds are valid: {e}"),
    }
}

/// Branin's space: `x1` uniform on `[−5, 10]`, `x2` on `[0, 15]`.
pub fn branin_space() -> SearchSpace {
    uniform_space(&[(-5.0, 10.0), (0.0, 15.0)])
}

/// Branin of a config from [`branin_space`] (NaN if a coordinate is missing).
pub fn branin_config(c: &Config) -> f64 {
    let get = |k| c.float(k).unwrap_or(f64::NAN);
    branin(get("x1"), get("x2"))
}

/// Hartmann-6's space: `x1` … `x6` uniform on `[0, 1]`.
pub fn hartmann6_space() -> SearchSpace {
    uniform_space(&[(0.0, 1.0); 6])
}

/// Hartmann-6 of a config from [`hartmann6_space`] (NaN if a coordinate is missing).
pub fn hartmann6_config(c: &Config) -> f64 {
    let x: [f64; 6] = std::array::from_fn(|i| c.float(&format!("x{}", i + 1)).unwrap_or(f64::NAN));
    hartmann6(&x)
}
