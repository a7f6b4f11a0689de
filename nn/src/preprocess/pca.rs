//! [`Pca`]: projection onto the top-k principal directions of the training
//! data, optionally whitened.

use autograd::Float;
use ndarray::{Array2, Axis, Slice};

use super::support::{self, Result};
use super::{PreprocessError, State, Transform, linalg};

const KIND: &str = "pca";

/// PCA fitted on training data, as in the notes:
///
/// ```text
/// Xc    = X − μ                      μ: the training mean
/// C     = Xcᵀ·Xc / N                 the covariance (D × D)
/// C     = U·diag(S)·Uᵀ               S descending (symmetric eigendecomposition)
/// Xrot  = Xc·U[:, :k]                apply: the top-k coordinates
/// Xwhite = Xrot / sqrt(S[:k] + ε)    apply, whitened
/// ```
///
/// Whitening gives the training data identity covariance up to
/// S/(S + ε) per direction: ε ≪ S leaves it ≈ 1, while a direction whose
/// variance is comparable to ε (or zero, as for digits' blank pixels) is
/// shrunk rather than blown up — ε smooths the noise whitening would
/// otherwise magnify. Eigenvalues a hair below zero (rounding, on a
/// positive semi-definite matrix) are stored as 0.
///
/// `inverse` maps k coordinates back: `z·(sqrt(S[:k] + ε))·U[:, :k]ᵀ + μ`.
/// With k = D that is the exact inverse (up to rounding); with k < D it is
/// the reconstruction from the kept components, the projection of the
/// original row onto the kept subspace through μ — the part of the row
/// along the discarded directions is gone.
///
/// The components are signed so each one's largest-magnitude entry is
/// positive (see [`linalg::symmetric_eigen`]).
///
/// ```
/// use nn::preprocess::{Pca, Transform};
/// use ndarray::array;
///
/// // Points along the line y = x, with a little spread across it
/// // (symmetric in x and y, so the top direction is exactly the diagonal).
/// let train = array![[0.0, 0.2], [0.2, 0.0], [3.0, 3.2], [3.2, 3.0]];
/// let pca = Pca::fit(&train, 1).unwrap();
/// let h = 0.5_f64.sqrt();
/// let u = pca.components(); // 2 × 1
/// assert!((u[[0, 0]] - h).abs() < 1e-12 && (u[[1, 0]] - h).abs() < 1e-12);
/// assert!(pca.explained_variance_ratio()[0] > 0.99);
/// let z = pca.apply(&train).unwrap(); // 4 × 1
/// let back = pca.inverse(&z).unwrap(); // on the line through the mean
/// assert!((back[[0, 0]] - back[[0, 1]]).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Pca<F: Float> {
    mean: Vec<F>,
    /// D × k, the kept eigenvectors as columns.
    components: Array2<F>,
    /// All D eigenvalues of the covariance, descending, ≥ 0.
    variances: Vec<F>,
    epsilon: Option<f64>,
    /// `components` and the per-column divisor, widened once for `apply`.
    components64: Array2<f64>,
    divisors: Vec<f64>,
}

impl<F: Float> Pca<F> {
    /// Fit PCA to k dimensions on `train` (N × D).
    ///
    /// Errors: an empty matrix, a NaN/±∞ in it, k = 0 or k > D, or an
    /// eigensolver that does not converge.
    pub fn fit(train: &Array2<F>, k: usize) -> Result<Self> {
        Self::fit_with(train, k, None)
    }

    /// Fit PCA to k dimensions followed by whitening with smoothing ε
    /// (finite, > 0), on `train` (N × D).
    ///
    /// Errors: those of [`fit`](Self::fit), and an ε that is ≤ 0 or not finite.
    pub fn fit_whitened(train: &Array2<F>, k: usize, epsilon: f64) -> Result<Self> {
        Self::fit_with(train, k, Some(epsilon))
    }

    fn fit_with(train: &Array2<F>, k: usize, epsilon: Option<f64>) -> Result<Self> {
        if let Some(epsilon) = epsilon {
            check_epsilon(epsilon)?;
        }
        let x = support::training_f64(KIND, train)?;
        let (n, dim) = x.dim();
        if k == 0 || k > dim {
            return Err(PreprocessError::InvalidComponents { k, dim });
        }
        let mean = x.mean_axis(Axis(0)).expect("N ≥ 1");
        let xc = x - &mean;
        let cov = xc.t().dot(&xc) / n as f64;
        let eig = linalg::symmetric_eigen(&cov)?;
        let components = eig
            .vectors
            .slice_axis(Axis(1), Slice::from(..k))
            .mapv(F::of);
        let variances = eig.values.iter().map(|&s| F::of(s.max(0.0))).collect();
        Ok(Self::assemble(
            mean.iter().map(|&m| F::of(m)).collect(),
            components,
            variances,
            epsilon,
        ))
    }

    fn assemble(
        mean: Vec<F>,
        components: Array2<F>,
        variances: Vec<F>,
        epsilon: Option<f64>,
    ) -> Self {
        let k = components.ncols();
        let divisors = match epsilon {
            Some(eps) => variances[..k]
                .iter()
                .map(|s| (s.as_f64() + eps).sqrt())
                .collect(),
            None => vec![1.0; k],
        };
        let components64 = components.mapv(|v| v.as_f64());
        Pca {
            mean,
            components,
            variances,
            epsilon,
            components64,
            divisors,
        }
    }

    /// The training mean μ (length D).
    pub fn mean(&self) -> &[F] {
        &self.mean
    }

    /// The kept principal directions as the columns of a D × k matrix, in
    /// order of decreasing variance.
    pub fn components(&self) -> &Array2<F> {
        &self.components
    }

    /// The number of kept components k.
    pub fn k(&self) -> usize {
        self.components.ncols()
    }

    /// Whitening's ε, if this PCA whitens.
    pub fn epsilon(&self) -> Option<f64> {
        self.epsilon
    }

    /// All D eigenvalues of the training covariance, descending: the
    /// variance of the data along each principal direction, kept or not.
    pub fn variances(&self) -> &[F] {
        &self.variances
    }

    /// The variance along each kept direction (the top k eigenvalues).
    pub fn explained_variance(&self) -> &[F] {
        &self.variances[..self.k()]
    }

    /// Each kept direction's share of the total variance, λᵢ / Σⱼ λⱼ over
    /// all D eigenvalues (in `f64`); they sum to 1 when k = D. All zeros if
    /// the training data has no variance at all.
    pub fn explained_variance_ratio(&self) -> Vec<f64> {
        let total: f64 = self.variances.iter().map(|s| s.as_f64()).sum();
        let share = |s: &F| if total > 0.0 { s.as_f64() / total } else { 0.0 };
        self.explained_variance().iter().map(share).collect()
    }
}

fn check_epsilon(epsilon: f64) -> Result<()> {
    if epsilon.is_finite() && epsilon > 0.0 {
        Ok(())
    } else {
        Err(PreprocessError::InvalidEpsilon { epsilon })
    }
}

impl<F: Float> Transform<F> for Pca<F> {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn input_dim(&self) -> usize {
        self.mean.len()
    }

    fn output_dim(&self) -> usize {
        self.k()
    }

    fn apply(&self, x: &Array2<F>) -> Result<Array2<F>> {
        let mut x = support::input_f64(KIND, "apply", self.input_dim(), x)?;
        for mut row in x.rows_mut() {
            row.iter_mut()
                .zip(&self.mean)
                .for_each(|(v, m)| *v -= m.as_f64());
        }
        let mut z = x.dot(&self.components64);
        for mut row in z.rows_mut() {
            row.iter_mut()
                .zip(&self.divisors)
                .for_each(|(v, d)| *v /= d);
        }
        Ok(support::to_float(z))
    }

    fn inverse(&self, z: &Array2<F>) -> Result<Array2<F>> {
        let mut z = support::input_f64(KIND, "inverse", self.output_dim(), z)?;
        for mut row in z.rows_mut() {
            row.iter_mut()
                .zip(&self.divisors)
                .for_each(|(v, d)| *v *= d);
        }
        let mut x = z.dot(&self.components64.t());
        for mut row in x.rows_mut() {
            row.iter_mut()
                .zip(&self.mean)
                .for_each(|(v, m)| *v += m.as_f64());
        }
        Ok(support::to_float(x))
    }

    /// Arrays `mean` (1 × D), `components` (D × k), `variance` (1 × D, all
    /// eigenvalues); scalars `whiten` (0 or 1) and `epsilon` (0 unless
    /// whitened).
    fn export(&self) -> State<F> {
        let mut s = State::new(KIND);
        s.arrays.insert("mean".into(), support::row_of(&self.mean));
        s.arrays
            .insert("components".into(), self.components.clone());
        s.arrays
            .insert("variance".into(), support::row_of(&self.variances));
        s.scalars
            .insert("whiten".into(), f64::from(u8::from(self.epsilon.is_some())));
        s.scalars
            .insert("epsilon".into(), self.epsilon.unwrap_or(0.0));
        s
    }

    fn restore(state: &State<F>) -> Result<Self> {
        support::expect_kind(KIND, state)?;
        let dim = state.array("mean").map_or(0, |a| a.ncols());
        let k = state.array("components").map_or(0, |a| a.ncols());
        if dim == 0 || k == 0 || k > dim {
            return Err(support::bad(
                KIND,
                format!("width {dim} with {k} components"),
            ));
        }
        let mean = support::array(KIND, state, "mean", (1, dim))?;
        let components = support::array(KIND, state, "components", (dim, k))?;
        let variances = support::array(KIND, state, "variance", (1, dim))?;
        let epsilon = match support::count(KIND, state, "whiten")? {
            0 => None,
            1 => {
                let eps = state
                    .scalar("epsilon")
                    .ok_or_else(|| support::bad(KIND, "no scalar \"epsilon\"".into()))?;
                check_epsilon(eps)?;
                Some(eps)
            }
            w => return Err(support::bad(KIND, format!("whiten = {w}"))),
        };
        Ok(Self::assemble(
            mean.iter().copied().collect(),
            components.clone(),
            variances.iter().copied().collect(),
            epsilon,
        ))
    }
}
