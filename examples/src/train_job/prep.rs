//! The `train` example's preprocessing, fitted on the training split only.

use ndarray::{Array2, Axis, Slice};
use nn::data::{Dataset, Labels};
use nn::optim::State;
use nn::preprocess::{Center, CenterBy, Standardize, Transform};

use super::args::Preprocess;

/// The fitted preprocessing: per-feature centring, then either one global
/// scale (the pixels share a scale) or each feature's own (standardize).
pub struct Prep {
    center: Center<f32>,
    standardize: Option<Standardize<f32>>,
    scale: f32,
}

impl Prep {
    /// Fits centring and the `how` scaling on `train`.
    ///
    /// # Errors
    /// An empty or non-finite training set.
    pub fn fit(train: &Array2<f32>, how: Preprocess) -> Result<Self, String> {
        let e = |e: nn::preprocess::PreprocessError| e.to_string();
        let center = Center::fit(train, CenterBy::Feature).map_err(e)?;
        let centred = center.apply(train).map_err(e)?;
        let (standardize, scale) = match how {
            Preprocess::Center => (None, 1.0),
            Preprocess::Global => {
                let n = centred.len().max(1) as f64;
                let var = centred
                    .iter()
                    .map(|&v| f64::from(v) * f64::from(v))
                    .sum::<f64>()
                    / n;
                (
                    None,
                    if var > 0.0 {
                        (1.0 / var.sqrt()) as f32
                    } else {
                        1.0
                    },
                )
            }
            Preprocess::Standardize => (Some(Standardize::fit(train).map_err(e)?), 1.0),
        };
        Ok(Prep {
            center,
            standardize,
            scale,
        })
    }

    /// Applies the fitted transform to `x`.
    ///
    /// # Errors
    /// `x` has another number of features.
    pub fn apply(&self, x: &Array2<f32>) -> Result<Array2<f32>, String> {
        let e = |e: nn::preprocess::PreprocessError| e.to_string();
        match &self.standardize {
            Some(s) => s.apply(x).map_err(e),
            None => Ok(self.center.apply(x).map_err(e)? * self.scale),
        }
    }

    /// The fitted statistics, for a checkpoint.
    pub fn export(&self) -> State<f32> {
        let mut s = match &self.standardize {
            Some(st) => st.export(),
            None => self.center.export(),
        };
        s.scalars.insert("global_scale".into(), self.scale.into());
        s
    }
}

/// `ds` followed by eight copies of it shifted by one pixel (to each
/// neighbour, diagonals included; vacated pixels filled with 0, the
/// background), for a
/// data set of 2-D images (`feature_shape` `[h, w]`); `ds` itself otherwise.
/// Run on the raw training split, before preprocessing is fitted.
pub fn with_shifts(ds: &Dataset<f32>) -> Result<Dataset<f32>, String> {
    let &[h, w] = ds.feature_shape() else {
        return Ok(ds.clone());
    };
    let x = ds.features();
    let n = x.nrows();
    let shifts: Vec<(isize, isize)> = (-1..=1)
        .flat_map(|r| (-1..=1).map(move |c| (r, c)))
        .filter(|&s| s != (0, 0))
        .collect();
    let copies = 1 + shifts.len();
    let mut out = Array2::zeros((copies * n, h * w));
    out.slice_axis_mut(Axis(0), Slice::from(..n)).assign(x);
    for (k, (dr, dc)) in shifts.into_iter().enumerate() {
        for i in 0..n {
            let (src, mut dst) = (x.row(i), out.row_mut((k + 1) * n + i));
            for r in 0..h {
                for c in 0..w {
                    let (sr, sc) = (r as isize - dr, c as isize - dc);
                    if (0..h as isize).contains(&sr) && (0..w as isize).contains(&sc) {
                        dst[r * w + c] = src[sr as usize * w + sc as usize];
                    }
                }
            }
        }
    }
    let labels = match ds.labels() {
        Labels::Classes(c) => Labels::Classes(c.iter().cycle().take(copies * n).copied().collect()),
        Labels::Attributes(_) => return Ok(ds.clone()),
    };
    Dataset::new(ds.name(), out, labels, ds.classes(), vec![h, w]).map_err(|e| e.to_string())
}
