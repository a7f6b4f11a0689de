//! Preprocessing tests: statistics and round trips of the elementwise
//! transforms ([`elementwise`]), PCA and whitening ([`pca`]), fitting on
//! train only and single-example use ([`leakage`]), and every error
//! ([`errors`]). One test binary; the data helpers live here.

#[path = "preprocess/elementwise.rs"]
mod elementwise;
#[path = "preprocess/errors.rs"]
mod errors;
#[path = "preprocess/leakage.rs"]
mod leakage;
#[path = "preprocess/pca.rs"]
mod pca;

use ndarray::{Array2, ArrayView2, Axis, Slice};
use nn::preprocess::{Center, CenterBy, Pca, Scale, Standardize, Transform};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

/// A deterministic N × 8 data set: correlated Gaussian features (a random
/// mixing matrix) with very different scales and offsets, so centering,
/// scaling and PCA each have something to do.
pub fn synthetic(n: usize, seed: u64) -> Array2<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let d = 8;
    let z = Array2::from_shape_simple_fn((n, d), || normal.sample(&mut rng));
    let mix = Array2::from_shape_simple_fn((d, d), || normal.sample(&mut rng));
    let mut x = z.dot(&mix);
    for (j, mut col) in x.columns_mut().into_iter().enumerate() {
        let scale = [1.0, 10.0, 0.1, 3.0, 100.0, 0.5, 2.0, 7.0][j];
        let offset = [5.0, -40.0, 0.3, 1000.0, 0.0, -2.0, 12.0, 3.0][j];
        col.mapv_inplace(|v| v * scale + offset);
    }
    x
}

/// `data/digits.csv`: 1797 rows of 64 pixels (0–16), labels dropped.
pub fn digits() -> Array2<f64> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/digits.csv");
    let text = std::fs::read_to_string(path).expect("data/digits.csv");
    let rows: Vec<Vec<f64>> = text
        .lines()
        .map(|line| {
            line.split(',')
                .skip(1)
                .map(|v| v.parse().unwrap())
                .collect()
        })
        .collect();
    assert_eq!((rows.len(), rows[0].len()), (1797, 64));
    Array2::from_shape_fn((rows.len(), 64), |(i, j)| rows[i][j])
}

/// Rows `range` of `x` (ndarray's `s!` macro is refused by the
/// workspace's `forbid(unsafe_code)`).
pub fn rows(x: &Array2<f64>, range: std::ops::Range<usize>) -> Array2<f64> {
    x.slice_axis(Axis(0), Slice::from(range)).to_owned()
}

/// Columns `range` of `x`.
pub fn cols(x: &Array2<f64>, range: std::ops::Range<usize>) -> ArrayView2<'_, f64> {
    x.slice_axis(Axis(1), Slice::from(range))
}

/// (1/N)·XcᵀXc, the covariance PCA uses.
pub fn covariance(x: &Array2<f64>) -> Array2<f64> {
    let xc = x - &x.mean_axis(Axis(0)).unwrap();
    xc.t().dot(&xc) / x.nrows() as f64
}

/// max |a − b| over all entries.
pub fn max_diff(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// One of every transform (and every centering mode), fitted on `train`,
/// with a name for failure messages. Full-rank PCA so every one has an
/// exact inverse.
pub fn every_transform(train: &Array2<f64>) -> Vec<(&'static str, Box<dyn Transform<f64>>)> {
    let d = train.ncols();
    vec![
        (
            "center/feature",
            Box::new(Center::fit(train, CenterBy::Feature).unwrap()),
        ),
        (
            "center/global",
            Box::new(Center::fit(train, CenterBy::Global).unwrap()),
        ),
        (
            "center/channel",
            Box::new(Center::fit(train, CenterBy::Channel { channels: 2 }).unwrap()),
        ),
        ("standardize", Box::new(Standardize::fit(train).unwrap())),
        ("scale", Box::new(Scale::fit(train).unwrap())),
        ("pca", Box::new(Pca::fit(train, d).unwrap())),
        (
            "pca/whitened",
            Box::new(Pca::fit_whitened(train, d, 1e-8).unwrap()),
        ),
    ]
}
