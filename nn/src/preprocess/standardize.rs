//! [`Standardize`]: per-feature zero mean and unit standard deviation, with
//! constant features divided by 1.

use autograd::Float;
use ndarray::Array2;

use super::support::{self, Result};
use super::{State, Transform};

const KIND: &str = "standardize";

/// Per-feature standardization fitted on training data: `(x − μ) / σ`.
///
/// σ is the population standard deviation (divide by N, as numpy's
/// `np.std`). **A feature that is constant in the training data** (all its
/// values equal — digits has several always-blank pixels) has σ = 0; it is
/// divided by 1 instead, so its training values map to exactly 0 and any
/// other value keeps its offset from the constant, finite. Dividing by
/// σ + ε instead was rejected: it needs an ε with units, changes every
/// feature slightly, and still turns an unseen value v into (v − c)/ε,
/// a huge number. Constancy is decided exactly (minimum equals maximum),
/// not by a threshold on σ, so a feature with tiny but real spread is
/// still scaled.
///
/// ```
/// use nn::preprocess::{Standardize, Transform};
/// use ndarray::array;
///
/// let train = array![[0.0, 1.0], [0.0, 3.0]];
/// let s = Standardize::fit(&train).unwrap();
/// assert_eq!(s.means(), &[0.0, 2.0]);
/// assert_eq!(s.stds(), &[1.0, 1.0]); // column 0 is constant: divided by 1
/// assert_eq!(s.apply(&array![[0.5, 4.0]]).unwrap(), array![[0.5, 2.0]]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Standardize<F: Float> {
    means: Vec<F>,
    /// The divisor per feature: σ, or 1 where the feature is constant.
    stds: Vec<F>,
}

impl<F: Float> Standardize<F> {
    /// Fit per-feature means and standard deviations on `train` (N × D),
    /// in `f64` (two passes: mean, then mean squared deviation).
    ///
    /// Errors: an empty matrix, or a NaN/±∞ in it.
    pub fn fit(train: &Array2<F>) -> Result<Self> {
        let x = support::training_f64(KIND, train)?;
        let n = x.nrows() as f64;
        let mut means = Vec::with_capacity(x.ncols());
        let mut stds = Vec::with_capacity(x.ncols());
        for col in x.columns() {
            let first = col[0];
            if col.iter().all(|&v| v == first) {
                // Exactly constant: the mean is the value itself (a sum of
                // N copies divided by N may be off by an ulp).
                means.push(F::of(first));
                stds.push(F::of(1.0));
                continue;
            }
            let mean = col.sum() / n;
            let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            means.push(F::of(mean));
            stds.push(F::of(var.sqrt()));
        }
        Ok(Standardize { means, stds })
    }

    /// The fitted per-feature means.
    pub fn means(&self) -> &[F] {
        &self.means
    }

    /// The per-feature divisors: the standard deviation, or 1 for a
    /// feature constant in the training data.
    pub fn stds(&self) -> &[F] {
        &self.stds
    }
}

impl<F: Float> Transform<F> for Standardize<F> {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn input_dim(&self) -> usize {
        self.means.len()
    }

    fn output_dim(&self) -> usize {
        self.means.len()
    }

    fn apply(&self, x: &Array2<F>) -> Result<Array2<F>> {
        let mut x = support::input_f64(KIND, "apply", self.input_dim(), x)?;
        for mut row in x.rows_mut() {
            for ((v, m), s) in row.iter_mut().zip(&self.means).zip(&self.stds) {
                *v = (*v - m.as_f64()) / s.as_f64();
            }
        }
        Ok(support::to_float(x))
    }

    fn inverse(&self, z: &Array2<F>) -> Result<Array2<F>> {
        let mut z = support::input_f64(KIND, "inverse", self.output_dim(), z)?;
        for mut row in z.rows_mut() {
            for ((v, m), s) in row.iter_mut().zip(&self.means).zip(&self.stds) {
                *v = *v * s.as_f64() + m.as_f64();
            }
        }
        Ok(support::to_float(z))
    }

    /// Arrays `mean` and `std` (the divisors, 1 for constant features),
    /// each 1 × D.
    fn export(&self) -> State<F> {
        let mut s = State::new(KIND);
        s.arrays.insert("mean".into(), support::row_of(&self.means));
        s.arrays.insert("std".into(), support::row_of(&self.stds));
        s
    }

    fn restore(state: &State<F>) -> Result<Self> {
        support::expect_kind(KIND, state)?;
        let dim = state.array("mean").map_or(0, |a| a.ncols());
        if dim == 0 {
            return Err(support::bad(KIND, "no array \"mean\" of width ≥ 1".into()));
        }
        let means = support::array(KIND, state, "mean", (1, dim))?;
        let stds = support::array(KIND, state, "std", (1, dim))?;
        Ok(Standardize {
            means: means.iter().copied().collect(),
            stds: stds.iter().copied().collect(),
        })
    }
}
