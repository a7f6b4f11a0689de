//! [`Center`]: mean subtraction, per feature, by one global value, or per
//! colour channel.

use autograd::Float;
use ndarray::Array2;

use super::support::{self, Result};
use super::{PreprocessError, State, Transform};

const KIND: &str = "center";

/// Which mean [`Center`] subtracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CenterBy {
    /// Each feature (column) its own mean: the notes' `X -= np.mean(X, axis=0)`.
    Feature,
    /// One mean over every entry of the training matrix: `X -= np.mean(X)`,
    /// common for images whose pixels share a scale.
    Global,
    /// One mean per colour channel, for rows that are CHW-flattened images:
    /// a row of width D holds `channels` consecutive blocks of D / channels
    /// values, and each block gets its channel's mean over all training
    /// rows and positions.
    Channel {
        /// The number of channels C; it must divide the row width.
        channels: usize,
    },
}

/// Mean subtraction fitted on training data.
///
/// `apply` computes `x − μ`; `inverse` adds μ back (exact up to rounding).
///
/// ```
/// use nn::preprocess::{Center, CenterBy, Transform};
/// use ndarray::array;
///
/// // Two 1×2 "images" with 2 channels each, flattened CHW: [c0 c0 c1 c1].
/// let train = array![[1.0, 3.0, 10.0, 10.0], [1.0, 3.0, 30.0, 30.0]];
/// let by_channel = Center::fit(&train, CenterBy::Channel { channels: 2 }).unwrap();
/// assert_eq!(by_channel.means(), &[2.0, 20.0]);
/// assert_eq!(by_channel.apply(&train).unwrap(), array![[-1.0, 1.0, -10.0, -10.0], [-1.0, 1.0, 10.0, 10.0]]);
///
/// let global = Center::fit(&train, CenterBy::Global).unwrap();
/// assert_eq!(global.means(), &[11.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Center<F: Float> {
    by: CenterBy,
    dim: usize,
    /// One mean per feature, one in all, or one per channel, rounded to F.
    means: Vec<F>,
}

impl<F: Float> Center<F> {
    /// Fit the means on `train` (N × D, one example per row), in `f64`.
    ///
    /// Errors: an empty matrix, a NaN/±∞ in it, or a channel count that is
    /// 0 or does not divide D.
    pub fn fit(train: &Array2<F>, by: CenterBy) -> Result<Self> {
        let x = support::training_f64(KIND, train)?;
        let (n, dim) = x.dim();
        let sums: Vec<f64> = match by {
            CenterBy::Feature => x.sum_axis(ndarray::Axis(0)).to_vec(),
            CenterBy::Global => vec![x.sum()],
            CenterBy::Channel { channels } => {
                if channels == 0 || dim % channels != 0 {
                    return Err(PreprocessError::InvalidChannels { channels, dim });
                }
                let block = dim / channels;
                let cols = x.sum_axis(ndarray::Axis(0));
                (0..channels)
                    .map(|c| cols.iter().skip(c * block).take(block).sum())
                    .collect()
            }
        };
        let count = (n * dim / sums.len()) as f64;
        let means = sums.iter().map(|s| F::of(s / count)).collect();
        Ok(Center { by, dim, means })
    }

    /// The fitted means: D of them per feature, one globally, C per channel.
    pub fn means(&self) -> &[F] {
        &self.means
    }

    /// How the means were taken.
    pub fn by(&self) -> CenterBy {
        self.by
    }

    /// The mean subtracted from each of the D columns, in `f64`.
    fn column_means(&self) -> Vec<f64> {
        let block = self.dim / self.means.len();
        (0..self.dim)
            .map(|j| self.means[j / block].as_f64())
            .collect()
    }

    fn shift(&self, op: &'static str, x: &Array2<F>, sign: f64) -> Result<Array2<F>> {
        let mut x = support::input_f64(KIND, op, self.dim, x)?;
        let mu = self.column_means();
        for mut row in x.rows_mut() {
            row.iter_mut().zip(&mu).for_each(|(v, m)| *v += sign * m);
        }
        Ok(support::to_float(x))
    }
}

impl<F: Float> Transform<F> for Center<F> {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn input_dim(&self) -> usize {
        self.dim
    }

    fn output_dim(&self) -> usize {
        self.dim
    }

    fn apply(&self, x: &Array2<F>) -> Result<Array2<F>> {
        self.shift("apply", x, -1.0)
    }

    fn inverse(&self, z: &Array2<F>) -> Result<Array2<F>> {
        self.shift("inverse", z, 1.0)
    }

    /// Scalars `dim`, `by` (0 = per feature, 1 = global, 2 = per channel)
    /// and `channels` (C, or 0); array `mean`, 1 × (D, 1 or C).
    fn export(&self) -> State<F> {
        let (by, channels) = match self.by {
            CenterBy::Feature => (0, 0),
            CenterBy::Global => (1, 0),
            CenterBy::Channel { channels } => (2, channels),
        };
        let mut s = State::new(KIND);
        s.scalars.insert("dim".into(), self.dim as f64);
        s.scalars.insert("by".into(), by as f64);
        s.scalars.insert("channels".into(), channels as f64);
        s.arrays.insert("mean".into(), support::row_of(&self.means));
        s
    }

    fn restore(state: &State<F>) -> Result<Self> {
        support::expect_kind(KIND, state)?;
        let dim = support::count(KIND, state, "dim")?;
        let channels = support::count(KIND, state, "channels")?;
        let (by, len) = match support::count(KIND, state, "by")? {
            0 => (CenterBy::Feature, dim),
            1 => (CenterBy::Global, 1),
            2 if channels > 0 && dim % channels == 0 => (CenterBy::Channel { channels }, channels),
            by => {
                let reason = format!("by = {by}, {channels} channels, width {dim}");
                return Err(support::bad(KIND, reason));
            }
        };
        if dim == 0 {
            return Err(support::bad(KIND, "width 0".into()));
        }
        let mean = support::array(KIND, state, "mean", (1, len))?;
        Ok(Center {
            by,
            dim,
            means: mean.iter().copied().collect(),
        })
    }
}
