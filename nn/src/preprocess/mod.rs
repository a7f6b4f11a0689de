//! Data preprocessing: statistics fitted on the training data, then applied
//! unchanged to any split, to a single example at prediction time, and
//! saved beside a model.
//!
//! The notes' *Data Preprocessing* section in short. **Mean subtraction**
//! is the common case: subtract each feature's mean so the cloud of data
//! is centred on the origin — for images, often one value over all pixels
//! or one per colour channel ([`Center`]). **Normalization** brings
//! features to the same scale, by dividing the centred data by each
//! feature's standard deviation ([`Standardize`]) or by mapping each
//! feature's range to [−1, 1] ([`Scale`]); it matters when features have
//! different scales but similar importance (image pixels already share
//! one, 0–255). **PCA** centres the data, takes the covariance's
//! eigenvectors sorted by eigenvalue, and projects onto the top k, keeping
//! the directions of most variance; **whitening** then divides each
//! projected coordinate by the square root of its eigenvalue (plus a
//! smoothing ε), giving data with identity covariance ([`Pca`]). PCA and
//! whitening are here for completeness: they are rarely used with
//! convolutional networks, and whitening's ε governs how much it
//! magnifies the noise in low-variance directions. **The pitfall**: every
//! statistic (a mean, a standard deviation, a covariance) must be computed
//! on the *training* data only and then applied to the validation and test
//! data; computing it over the whole data set before splitting leaks the
//! test set into training.
//!
//! Each transform is fitted by its own `fit` (each takes its own options)
//! and implements [`Transform`]: `apply` (any number of rows, one included),
//! `inverse` where it exists, and `export`/`restore` through the same
//! named-arrays-plus-scalars [`State`] an optimizer saves. Statistics are
//! computed in `f64` whatever the float type; the symmetric
//! eigendecomposition PCA needs is done by `faer`, called only from
//! [`linalg`].
//!
//! ```
//! use nn::preprocess::{Standardize, Transform};
//! use ndarray::array;
//!
//! let train = array![[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]];
//! let test = array![[7.0, 11.0]];
//! let fitted = Standardize::fit(&train).unwrap(); // training statistics only
//! let z = fitted.apply(&test).unwrap();
//! // Column 0: (7 − 3) / std(1, 3, 5) = 4 / 1.633; column 1 is constant in
//! // training (divided by 1): 11 − 10 = 1.
//! assert!((z[[0, 0]] - 4.0 / (8.0_f64 / 3.0).sqrt()).abs() < 1e-12);
//! assert_eq!(z[[0, 1]], 1.0);
//!
//! // Saved with a model, restored at prediction time, applied to one example.
//! let saved = fitted.export();
//! let restored = Standardize::<f64>::restore(&saved).unwrap();
//! assert_eq!(restored.apply_one(test.row(0)).unwrap(), z.row(0));
//! ```

mod center;
mod error;
pub mod linalg;
mod pca;
mod scale;
mod standardize;
mod support;

pub use center::{Center, CenterBy};
pub use error::PreprocessError;
pub use pca::Pca;
pub use scale::Scale;
pub use standardize::Standardize;

pub use crate::optim::State;

use autograd::Float;
use ndarray::{Array1, Array2, ArrayView1, Axis};

/// A fitted preprocessing transform: statistics taken from training data,
/// applied to any data of the same width.
///
/// Fitting is each type's own `fit`, because each takes its own options
/// ([`Center::fit`], [`Standardize::fit`], [`Scale::fit`], [`Pca::fit`],
/// [`Pca::fit_whitened`]). The trait is object-safe, so transforms of
/// different kinds can sit in one `Vec<Box<dyn Transform<F>>>`.
pub trait Transform<F: Float> {
    /// The name used in errors and as the exported [`State::kind`].
    fn kind(&self) -> &'static str;

    /// The width of the rows `apply` takes (the training data's width).
    fn input_dim(&self) -> usize;

    /// The width of the rows `apply` returns (k for PCA, else the input's).
    fn output_dim(&self) -> usize;

    /// Transform every row of `x` (N × [`input_dim`](Self::input_dim), N ≥ 0)
    /// with the fitted statistics. A NaN in `x` gives NaN in its row's
    /// output; it is never hidden.
    fn apply(&self, x: &Array2<F>) -> Result<Array2<F>, PreprocessError>;

    /// Map transformed rows back to the input space. Exact (up to
    /// rounding) for every transform except PCA with k < D, whose inverse
    /// is the reconstruction from the kept components: the projection of
    /// the original row onto the kept subspace, plus the mean.
    fn inverse(&self, z: &Array2<F>) -> Result<Array2<F>, PreprocessError>;

    /// The fitted statistics as named arrays and scalars, to save with a
    /// model. Exact: [`restore`](Self::restore) gives back an equal value.
    fn export(&self) -> State<F>;

    /// Rebuild a transform from its [`export`](Self::export), refusing a
    /// state of another kind or with missing or misshapen entries.
    fn restore(state: &State<F>) -> Result<Self, PreprocessError>
    where
        Self: Sized;

    /// [`apply`](Self::apply) to a single example, as at prediction time;
    /// equal to the corresponding row of a batch `apply`.
    fn apply_one(&self, x: ArrayView1<F>) -> Result<Array1<F>, PreprocessError> {
        let batch = x.to_owned().insert_axis(Axis(0));
        Ok(self.apply(&batch)?.index_axis_move(Axis(0), 0))
    }
}
