//! A small Gaussian process on the unit cube.
//!
//! * **Kernel:** Matérn 5/2 with one length scale per dimension (ARD):
//!   `k(a, b) = σf² (1 + √5 r + 5r²/3) e^{−√5 r}`,
//!   `r² = Σ_d ((a_d − b_d) / ℓ_d)²`, plus noise `σn²` on the diagonal.
//! * **Targets** are normalized to mean 0, standard deviation 1 (1 when
//!   all are equal) before fitting; predictions are in those units.
//! * **Hyperparameters** `ln ℓ_d ∈ [ln 0.01, ln 10]`, `ln σf² ∈ [ln 0.05,
//!   ln 20]`, `ln σn² ∈ [ln 10⁻⁶, ln 1]` maximize the log marginal
//!   likelihood `−½ yᵀK⁻¹y − Σ ln L_ii − (n/2) ln 2π`: the best of a
//!   warm start, a default and [`RESTARTS`] seeded random draws, then
//!   coordinate steps of ±1, ±½, ±¼, ±⅛ in log units while they improve.
//! * **Cholesky** is a plain one (`n` is tens of trials); if `K` is not
//!   numerically positive definite (duplicate points with tiny noise),
//!   jitter `10⁻⁸, 10⁻⁶, …, 10⁻²` is added to the diagonal until it is,
//!   so duplicates never give NaN.
//!
//! ```
//! use nn::search::bayes::gp::Gp;
//! use rand::SeedableRng;
//!
//! let x = vec![vec![0.1], vec![0.5], vec![0.5], vec![0.9]]; // a duplicate point
//! let y = [1.0, 0.0, 0.0, 1.0];
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let gp = Gp::fit(x, &y, None, &mut rng).unwrap();
//! let (mean, sd) = gp.predict(&[0.5]);
//! assert!(mean.is_finite() && sd.is_finite());
//! assert!(gp.predict(&[0.5]).0 < gp.predict(&[0.1]).0);
//! ```

use rand::Rng;
use rand::RngExt;

/// Random hyperparameter draws per fit (besides the warm start and the default).
pub const RESTARTS: usize = 16;

const LN_ELL: (f64, f64) = (-2.0 * std::f64::consts::LN_10, std::f64::consts::LN_10); // ln 0.01, ln 10
const LN_SF2: (f64, f64) = (-2.995_732_273_553_991, 2.995_732_273_553_991); // ln 0.05, ln 20
const LN_SN2: (f64, f64) = (-13.815_510_557_964_274, 0.0); // ln 1e-6, ln 1

/// The kernel's hyperparameters, in log units: `[ln ℓ_1 … ln ℓ_d, ln σf², ln σn²]`.
pub type Theta = Vec<f64>;

/// A fitted Gaussian process.
#[derive(Clone, Debug)]
pub struct Gp {
    x: Vec<Vec<f64>>,
    theta: Theta,
    chol: Vec<f64>,
    alpha: Vec<f64>,
    y_mean: f64,
    y_std: f64,
}

impl Gp {
    /// Fits to points `x` (each of the same dimension) and targets `y`,
    /// choosing hyperparameters (see the module doc; `warm` is tried
    /// first). `None` if there are no points or no hyperparameters give a
    /// finite likelihood.
    pub fn fit<R: Rng + ?Sized>(
        x: Vec<Vec<f64>>,
        y: &[f64],
        warm: Option<&Theta>,
        rng: &mut R,
    ) -> Option<Gp> {
        let d = x.first()?.len();
        let (y_mean, y_std) = mean_std(y);
        let yn: Vec<f64> = y.iter().map(|v| (v - y_mean) / y_std).collect();
        let lml =
            |t: &Theta| factor(&x, t).map_or(f64::NEG_INFINITY, |(l, _)| log_likelihood(&l, &yn));
        let mut starts: Vec<Theta> = warm
            .filter(|w| w.len() == d + 2)
            .cloned()
            .into_iter()
            .collect();
        let mut default = vec![(0.3f64).ln(); d];
        default.extend([0.0, (1e-3f64).ln()]);
        starts.push(default);
        for _ in 0..RESTARTS {
            let mut t: Theta = (0..d)
                .map(|_| rng.random_range(LN_ELL.0..LN_ELL.1))
                .collect();
            t.push(rng.random_range(LN_SF2.0..LN_SF2.1));
            t.push(rng.random_range(LN_SN2.0..LN_SN2.1));
            starts.push(t);
        }
        let mut best = starts
            .into_iter()
            .map(|t| (lml(&t), t))
            .max_by(|a, b| a.0.total_cmp(&b.0))?;
        for step in [1.0, 0.5, 0.25, 0.125] {
            for i in 0..d + 2 {
                for sign in [1.0, -1.0] {
                    let mut t = best.1.clone();
                    let (lo, hi) = bounds(i, d);
                    t[i] = (t[i] + sign * step).clamp(lo, hi);
                    let v = lml(&t);
                    if v > best.0 {
                        best = (v, t);
                    }
                }
            }
        }
        if !best.0.is_finite() {
            return None;
        }
        Gp::with_theta(x, y, best.1)
    }

    /// A process with the given hyperparameters (no fitting); `None` if
    /// `K` cannot be factored even with jitter.
    pub fn with_theta(x: Vec<Vec<f64>>, y: &[f64], theta: Theta) -> Option<Gp> {
        let (y_mean, y_std) = mean_std(y);
        let yn: Vec<f64> = y.iter().map(|v| (v - y_mean) / y_std).collect();
        let (chol, _) = factor(&x, &theta)?;
        let alpha = solve_chol(&chol, &yn);
        Some(Gp {
            x,
            theta,
            chol,
            alpha,
            y_mean,
            y_std,
        })
    }

    /// The hyperparameters chosen.
    pub fn theta(&self) -> &Theta {
        &self.theta
    }

    /// Turns a raw target into the normalized units of [`Gp::predict`].
    pub fn normalize(&self, y: f64) -> f64 {
        (y - self.y_mean) / self.y_std
    }

    /// Predictive mean and standard deviation at `p`, in normalized units.
    pub fn predict(&self, p: &[f64]) -> (f64, f64) {
        let n = self.x.len();
        let k: Vec<f64> = self.x.iter().map(|xi| kernel(xi, p, &self.theta)).collect();
        let mean = k.iter().zip(&self.alpha).map(|(a, b)| a * b).sum();
        // v = L⁻¹ k; var = k(p, p) − vᵀv.
        let mut v = k;
        for i in 0..n {
            let s: f64 = (0..i).map(|j| self.chol[i * n + j] * v[j]).sum();
            v[i] = (v[i] - s) / self.chol[i * n + i];
        }
        let sf2 = self.theta[self.theta.len() - 2].exp();
        let var = sf2 - v.iter().map(|a| a * a).sum::<f64>();
        (mean, var.max(1e-12).sqrt())
    }
}

fn bounds(i: usize, d: usize) -> (f64, f64) {
    match i {
        i if i < d => LN_ELL,
        i if i == d => LN_SF2,
        _ => LN_SN2,
    }
}

fn mean_std(y: &[f64]) -> (f64, f64) {
    let n = y.len().max(1) as f64;
    let mean = y.iter().sum::<f64>() / n;
    let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let sd = var.sqrt();
    (
        mean,
        if sd > 1e-12 && sd.is_finite() {
            sd
        } else {
            1.0
        },
    )
}

/// Matérn 5/2 without noise.
fn kernel(a: &[f64], b: &[f64], theta: &[f64]) -> f64 {
    let d = a.len();
    let r2: f64 = (0..d)
        .map(|k| ((a[k] - b[k]) / theta[k].exp()).powi(2))
        .sum();
    let s5r = (5.0 * r2).sqrt();
    theta[d].exp() * (1.0 + s5r + 5.0 * r2 / 3.0) * (-s5r).exp()
}

/// The Cholesky factor of `K + σn² I` (with jitter if needed) and its
/// jitter; `None` if even the largest jitter fails.
fn factor(x: &[Vec<f64>], theta: &[f64]) -> Option<(Vec<f64>, f64)> {
    let n = x.len();
    let sn2 = theta[theta.len() - 1].exp();
    let mut k = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let v = kernel(&x[i], &x[j], theta);
            k[i * n + j] = v;
            k[j * n + i] = v;
        }
        k[i * n + i] += sn2;
    }
    for jitter in [0.0, 1e-8, 1e-6, 1e-4, 1e-2] {
        let mut a = k.clone();
        for i in 0..n {
            a[i * n + i] += jitter;
        }
        if cholesky(&mut a, n) {
            return Some((a, jitter));
        }
    }
    None
}

/// In-place lower Cholesky factor of a row-major `n × n` matrix; false if
/// it is not numerically positive definite.
fn cholesky(a: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let s: f64 = (0..j).map(|k| a[j * n + k] * a[j * n + k]).sum();
        let d = a[j * n + j] - s;
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let s: f64 = (0..j).map(|k| a[i * n + k] * a[j * n + k]).sum();
            a[i * n + j] = (a[i * n + j] - s) / d;
        }
        for i in 0..j {
            a[i * n + j] = 0.0;
        }
    }
    true
}

/// `(L Lᵀ)⁻¹ y`.
fn solve_chol(l: &[f64], y: &[f64]) -> Vec<f64> {
    let n = y.len();
    let mut z = y.to_vec();
    for i in 0..n {
        let s: f64 = (0..i).map(|j| l[i * n + j] * z[j]).sum();
        z[i] = (z[i] - s) / l[i * n + i];
    }
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|j| l[j * n + i] * z[j]).sum();
        z[i] = (z[i] - s) / l[i * n + i];
    }
    z
}

fn log_likelihood(l: &[f64], y: &[f64]) -> f64 {
    let n = y.len();
    let alpha = solve_chol(l, y);
    let fit: f64 = y.iter().zip(&alpha).map(|(a, b)| a * b).sum();
    let logdet: f64 = (0..n).map(|i| l[i * n + i].ln()).sum();
    -0.5 * fit - logdet - 0.5 * n as f64 * (2.0 * std::f64::consts::PI).ln()
}
