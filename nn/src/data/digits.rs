//! The UCI handwritten digits (1797 images of 8×8, pixels 0–16, ten
//! classes), compiled into the binary from `data/digits.csv` so a fresh
//! clone needs no file and no network at run time.
//!
//! The data is licensed CC BY 4.0, not under the project's license:
//! anything that redistributes it — including a binary built with this
//! module — must carry [`ATTRIBUTION`] (see `data/README.md`).
//!
//! ```
//! use nn::data::digits;
//!
//! let ds = digits::load::<f32>();
//! assert_eq!((ds.len(), ds.classes(), ds.feature_shape()), (1797, 10, &[8, 8][..]));
//! assert_eq!(ds.labels().classes().unwrap()[..3], [0, 1, 2]);
//! assert_eq!(ds.features().iter().cloned().fold(0.0, f32::max), 16.0); // raw scale
//! assert!(digits::ATTRIBUTION.contains("CC BY 4.0"));
//! ```

use std::path::Path;

use autograd::Float;

use crate::data::csv::{CsvOptions, LabelColumn, parse};
use crate::data::dataset::Dataset;

/// The data's required attribution (CC BY 4.0).
pub const ATTRIBUTION: &str = "E. Alpaydin and C. Kaynak (1998), Optical Recognition of \
     Handwritten Digits, UCI Machine Learning Repository, https://doi.org/10.24432/C50P49, \
     CC BY 4.0. This copy: the UCI test partition (optdigits.tes) as shipped by scikit-learn.";

/// The CSV text: label, then 64 pixels in row-major order, no header.
pub const CSV: &str = include_str!("../../../data/digits.csv");

/// Examples per class, digit 0 to 9.
pub const CLASS_COUNTS: [usize; 10] = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

/// The digits as a data set named `"digits"`: 1797 × 64 features in raw
/// scale (0–16), labels 0–9, feature shape `[8, 8]`, in the file's order
/// (not shuffled; split with [`Split::stratified`](crate::data::split::Split::stratified)).
pub fn load<F: Float>() -> Dataset<F> {
    let opts = CsvOptions {
        label: LabelColumn::Index(0),
        header: false,
        delimiter: b',',
        classes: Some(10),
        feature_shape: Some(vec![8, 8]),
    };
    match parse(
        CSV.as_bytes(),
        Path::new("data/digits.csv (embedded)"),
        &opts,
    ) {
        Ok(ds) => ds.with_name("digits"),
        // The embedded file is fixed at compile time and a test parses it.
        Err(e) => panic!("{e}"),
    }
}
