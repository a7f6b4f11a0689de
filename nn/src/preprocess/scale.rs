//! [`Scale`]: each feature's training range mapped to [−1, 1].

use autograd::Float;
use ndarray::Array2;

use super::support::{self, Result};
use super::{State, Transform};

const KIND: &str = "scale";

/// Per-feature min/max scaling fitted on training data:
/// `z = (x − mid) / half`, with `mid = (max + min)/2` and
/// `half = (max − min)/2`, so the training minimum maps to −1 and the
/// maximum to +1.
///
/// A feature constant in the training data (min = max) has `half = 0`; it
/// is divided by 1 instead, so its training values map to exactly 0. Data
/// outside the training range maps outside [−1, 1]: nothing is clipped.
///
/// ```
/// use nn::preprocess::{Scale, Transform};
/// use ndarray::array;
///
/// let train = array![[0.0, 5.0], [16.0, 5.0], [4.0, 5.0]];
/// let s = Scale::fit(&train).unwrap();
/// assert_eq!(s.apply(&train).unwrap(), array![[-1.0, 0.0], [1.0, 0.0], [-0.5, 0.0]]);
/// assert_eq!(s.apply(&array![[24.0, 6.0]]).unwrap(), array![[2.0, 1.0]]); // not clipped
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Scale<F: Float> {
    mins: Vec<F>,
    maxs: Vec<F>,
}

impl<F: Float> Scale<F> {
    /// Fit each feature's minimum and maximum on `train` (N × D).
    ///
    /// Errors: an empty matrix, or a NaN/±∞ in it.
    pub fn fit(train: &Array2<F>) -> Result<Self> {
        support::training_f64(KIND, train)?; // validation only: min/max are exact in F
        let fold = |pick: fn(F, F) -> F| -> Vec<F> {
            train
                .columns()
                .into_iter()
                .map(|c| c.iter().copied().reduce(pick).expect("N ≥ 1"))
                .collect()
        };
        Ok(Scale {
            mins: fold(|a, b| if b < a { b } else { a }),
            maxs: fold(|a, b| if b > a { b } else { a }),
        })
    }

    /// The per-feature training minima.
    pub fn mins(&self) -> &[F] {
        &self.mins
    }

    /// The per-feature training maxima.
    pub fn maxs(&self) -> &[F] {
        &self.maxs
    }

    /// `(mid, half)` per feature in `f64`, with `half` = 1 for a constant one.
    fn affine(&self) -> Vec<(f64, f64)> {
        self.mins
            .iter()
            .zip(&self.maxs)
            .map(|(lo, hi)| {
                let (lo, hi) = (lo.as_f64(), hi.as_f64());
                let half = (hi - lo) / 2.0;
                ((hi + lo) / 2.0, if half > 0.0 { half } else { 1.0 })
            })
            .collect()
    }
}

impl<F: Float> Transform<F> for Scale<F> {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn input_dim(&self) -> usize {
        self.mins.len()
    }

    fn output_dim(&self) -> usize {
        self.mins.len()
    }

    fn apply(&self, x: &Array2<F>) -> Result<Array2<F>> {
        let mut x = support::input_f64(KIND, "apply", self.input_dim(), x)?;
        let ab = self.affine();
        for mut row in x.rows_mut() {
            row.iter_mut()
                .zip(&ab)
                .for_each(|(v, (mid, half))| *v = (*v - mid) / half);
        }
        Ok(support::to_float(x))
    }

    fn inverse(&self, z: &Array2<F>) -> Result<Array2<F>> {
        let mut z = support::input_f64(KIND, "inverse", self.output_dim(), z)?;
        let ab = self.affine();
        for mut row in z.rows_mut() {
            row.iter_mut()
                .zip(&ab)
                .for_each(|(v, (mid, half))| *v = *v * half + mid);
        }
        Ok(support::to_float(z))
    }

    /// Arrays `min` and `max`, each 1 × D.
    fn export(&self) -> State<F> {
        let mut s = State::new(KIND);
        s.arrays.insert("min".into(), support::row_of(&self.mins));
        s.arrays.insert("max".into(), support::row_of(&self.maxs));
        s
    }

    fn restore(state: &State<F>) -> Result<Self> {
        support::expect_kind(KIND, state)?;
        let dim = state.array("min").map_or(0, |a| a.ncols());
        if dim == 0 {
            return Err(support::bad(KIND, "no array \"min\" of width ≥ 1".into()));
        }
        let mins = support::array(KIND, state, "min", (1, dim))?;
        let maxs = support::array(KIND, state, "max", (1, dim))?;
        Ok(Scale {
            mins: mins.iter().copied().collect(),
            maxs: maxs.iter().copied().collect(),
        })
    }
}
