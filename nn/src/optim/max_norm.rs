//! [`MaxNorm`]: the notes' max-norm constraint, applied after an update.

use autograd::{Float, Param};

use super::ConfigError;
use super::error::check;

/// Projects each neuron's incoming weight vector onto the ball `‖w‖₂ ≤ c`.
///
/// For an [`Affine`](crate::layers::Affine) weight `W` (fan_in × fan_out,
/// `y = x·W + b`), neuron `j`'s incoming weights are **column `j`**, so the
/// norm is taken down each column (over axis 0). A column with `‖w‖ ≤ c`
/// is left untouched bit for bit; one outside is scaled by `c/‖w‖`
/// (computed in `f64`, rounded to `F`), which lands it on the sphere up to
/// rounding (a few ulps). Pass only weights: a bias row's "columns" are
/// single entries. A parameter with every column inside the ball is not
/// written at all (so not even copy-on-write copies it).
///
/// ```
/// use autograd::Param;
/// use ndarray::array;
/// use nn::optim::MaxNorm;
///
/// let mut w = Param::new("W", array![[6.0, 0.3], [8.0, 0.4]]);
/// MaxNorm::new(5.0).unwrap().apply(&mut [&mut w]);
/// assert_eq!(w.value(), &array![[3.0, 0.3], [4.0, 0.4]]); // column 0 had norm 10
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MaxNorm {
    c: f64,
}

impl MaxNorm {
    /// The constraint `‖w‖₂ ≤ c`; `c` must be finite and > 0 (the notes
    /// use 3 or 4).
    pub fn new(c: f64) -> Result<Self, ConfigError> {
        Ok(MaxNorm {
            c: check::positive("max_norm", "c", c)?,
        })
    }

    /// The radius `c`.
    pub fn radius(&self) -> f64 {
        self.c
    }

    /// Projects every column of every parameter in `params`.
    pub fn apply<F: Float>(&self, params: &mut [&mut Param<F>]) {
        for p in params.iter_mut() {
            let norms = column_norms(p.value());
            let scales: Vec<Option<F>> = norms
                .iter()
                .map(|&n| (n > self.c).then(|| F::of(self.c / n)))
                .collect();
            if scales.iter().all(Option::is_none) {
                continue;
            }
            p.update(|w| {
                for mut row in w.rows_mut() {
                    for (v, s) in row.iter_mut().zip(&scales) {
                        if let Some(s) = s {
                            *v *= *s;
                        }
                    }
                }
            });
        }
    }
}

/// ‖column j‖₂ for every column, accumulated in `f64` row by row (the
/// matrix is row-major, so rows are the cache-friendly direction).
fn column_norms<F: Float>(w: &ndarray::Array2<F>) -> Vec<f64> {
    let mut sums = vec![0.0_f64; w.ncols()];
    for row in w.rows() {
        for (s, &v) in sums.iter_mut().zip(row) {
            *s += v.as_f64() * v.as_f64();
        }
    }
    sums.into_iter().map(f64::sqrt).collect()
}
