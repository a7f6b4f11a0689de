//! A seeded, stratified train/validation/test split.
//!
//! Each class's examples are shuffled with a generator seeded by the
//! caller, then dealt into the three parts: `round(n·val)` and
//! `round(n·test)` examples, at least one each when that fraction is
//! positive, the rest to training. So every class appears in every
//! non-empty part, and (with the default fractions) each part holds each
//! class's share to within 1.5 examples: rounding, plus the at-least-one
//! rule for small classes. The same seed gives the same indices; each
//! part's indices are listed in ascending order (batching shuffles).
//!
//! The default fractions are 0.7 / 0.15 / 0.15 ([`Fractions::default`]).
//!
//! ```
//! use nn::data::{digits, split::{Fractions, Split}};
//!
//! let ds = digits::load::<f32>();
//! let s = Split::stratified(&ds, Fractions::default(), 42).unwrap();
//! assert_eq!((s.train.len(), s.val.len(), s.test.len()), (1259, 269, 269));
//! assert_eq!(s.val.class_counts().unwrap()[8], 26); // round(174 × 0.15)
//! ```

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::data::dataset::Dataset;
use crate::data::error::{DataError, Result};

/// The share of each class that goes to training, validation and test.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fractions {
    /// Training share (> 0).
    pub train: f64,
    /// Validation share (≥ 0).
    pub val: f64,
    /// Test share (≥ 0).
    pub test: f64,
}

impl Default for Fractions {
    /// 0.7 / 0.15 / 0.15.
    fn default() -> Self {
        Fractions {
            train: 0.7,
            val: 0.15,
            test: 0.15,
        }
    }
}

impl Fractions {
    /// Training, validation and test shares, which must sum to 1.
    pub fn new(train: f64, val: f64, test: f64) -> Self {
        Fractions { train, val, test }
    }

    fn check(&self, name: &str) -> Result<()> {
        let Fractions { train, val, test } = *self;
        let ok = [train, val, test]
            .iter()
            .all(|f| f.is_finite() && *f >= 0.0)
            && train > 0.0
            && (train + val + test - 1.0).abs() < 1e-9;
        if ok {
            Ok(())
        } else {
            Err(DataError::invalid(
                name,
                format!(
                    "split fractions {train}/{val}/{test} must be finite, non-negative, \
                     sum to 1, with a positive training share"
                ),
            ))
        }
    }
}

/// The three parts of a split and the indices (into the original set)
/// each was drawn from.
#[derive(Clone, Debug)]
pub struct Split<F> {
    /// The training part, named `"<name> (train)"`.
    pub train: Dataset<F>,
    /// The validation part, `"<name> (val)"`.
    pub val: Dataset<F>,
    /// The test part, `"<name> (test)"`.
    pub test: Dataset<F>,
    /// Original indices of the training examples, ascending.
    pub train_indices: Vec<usize>,
    /// Original indices of the validation examples, ascending.
    pub val_indices: Vec<usize>,
    /// Original indices of the test examples, ascending.
    pub test_indices: Vec<usize>,
}

impl<F: Clone> Split<F> {
    /// Splits `data` by class with a generator seeded by `seed`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use nn::data::{Dataset, Labels, split::{Fractions, Split}};
    /// // Class 1 has two examples: too few for three parts.
    /// let ds = Dataset::new("tiny", Array2::<f32>::zeros((5, 1)), Labels::Classes(vec![0, 0, 0, 1, 1]), 2, vec![1]).unwrap();
    /// let e = Split::stratified(&ds, Fractions::default(), 0).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "tiny: class 1 has 2 examples; a stratified split into 3 parts needs at least 3"
    /// );
    /// ```
    ///
    /// # Errors
    /// [`DataError::Invalid`] for fractions that are negative, not finite
    /// or do not sum to 1; for attribute labels (there is no class to
    /// stratify by); for a class with fewer examples than non-empty parts.
    pub fn stratified(data: &Dataset<F>, fractions: Fractions, seed: u64) -> Result<Split<F>> {
        let name = data.name();
        fractions.check(name)?;
        let Some(labels) = data.labels().classes() else {
            return Err(DataError::invalid(
                name,
                "a stratified split needs class labels; this set has attribute labels",
            ));
        };
        let parts = 1 + usize::from(fractions.val > 0.0) + usize::from(fractions.test > 0.0);
        let mut by_class = vec![Vec::new(); data.classes()];
        for (i, &l) in labels.iter().enumerate() {
            by_class[l].push(i);
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let (mut train, mut val, mut test) = (Vec::new(), Vec::new(), Vec::new());
        for (class, mut members) in by_class.into_iter().enumerate() {
            let n = members.len();
            if n == 0 {
                continue; // a class absent from the whole set is absent from every part
            }
            if n < parts {
                return Err(DataError::invalid(
                    name,
                    format!(
                        "class {class} has {n} examples; a stratified split into \
                         {parts} parts needs at least {parts}"
                    ),
                ));
            }
            members.shuffle(&mut rng);
            let share = |f: f64| {
                if f > 0.0 {
                    ((n as f64 * f).round() as usize).max(1)
                } else {
                    0
                }
            };
            let (mut n_val, mut n_test) = (share(fractions.val), share(fractions.test));
            // Keep at least one for training, taking back from the larger part.
            while n_val + n_test >= n {
                if n_val >= n_test && n_val > 1 {
                    n_val -= 1;
                } else {
                    n_test -= 1;
                }
            }
            val.extend_from_slice(&members[..n_val]);
            test.extend_from_slice(&members[n_val..n_val + n_test]);
            train.extend_from_slice(&members[n_val + n_test..]);
        }
        for part in [&mut train, &mut val, &mut test] {
            part.sort_unstable();
        }
        let part = |indices: &[usize], tag: &str| {
            data.try_subset(indices)
                .map(|d| d.with_name(format!("{name} ({tag})")))
        };
        Ok(Split {
            train: part(&train, "train")?,
            val: part(&val, "val")?,
            test: part(&test, "test")?,
            train_indices: train,
            val_indices: val,
            test_indices: test,
        })
    }
}
