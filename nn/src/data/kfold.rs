//! Seeded, stratified k-fold cross-validation.
//!
//! The notes prefer one validation fold to cross-validation; k-fold is
//! for data sets too small to spare one. Each class's examples are
//! shuffled with a generator seeded by the caller (as [`Split`] does) and
//! dealt round-robin to the `k` folds, the dealing position carrying on
//! from one class to the next so fold sizes differ by at most one. So
//! every example is in exactly one validation fold, every class is in
//! every fold (a class with fewer than `k` examples is an error) and
//! each fold holds each class's share to within one example. Fold `i`
//! trains on the other `k − 1` folds. Indices are listed ascending.
//!
//! [`Split`]: crate::data::Split
//!
//! ```
//! use nn::data::{KFold, digits};
//!
//! let ds = digits::load::<f32>();
//! let kf = KFold::stratified(&ds, 5, 0).unwrap();
//! let fold = kf.fold(&ds, 0).unwrap();
//! assert_eq!(fold.train.len() + fold.val.len(), ds.len());
//! assert_eq!(fold.val.class_counts().unwrap().iter().filter(|&&c| c == 0).count(), 0);
//! ```

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::data::dataset::Dataset;
use crate::data::error::{DataError, Result};

/// The `k` validation folds of a data set, as indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KFold {
    folds: Vec<Vec<usize>>,
    len: usize,
}

/// One fold: train on the rest, validate on this part.
#[derive(Clone, Debug)]
pub struct Fold<F> {
    /// The other folds, named `"<name> (fold i train)"`.
    pub train: Dataset<F>,
    /// This fold, named `"<name> (fold i val)"`.
    pub val: Dataset<F>,
    /// Original indices of `train`, ascending.
    pub train_indices: Vec<usize>,
    /// Original indices of `val`, ascending.
    pub val_indices: Vec<usize>,
}

impl KFold {
    /// Deals `data`'s examples into `k` stratified folds with a generator
    /// seeded by `seed`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use nn::data::{Dataset, KFold, Labels};
    /// let ds = Dataset::new("tiny", Array2::<f32>::zeros((5, 1)), Labels::Classes(vec![0, 0, 0, 1, 1]), 2, vec![1]).unwrap();
    /// let e = KFold::stratified(&ds, 3, 0).unwrap_err();
    /// assert_eq!(e.to_string(), "tiny: class 1 has 2 examples; stratified 3-fold needs at least 3");
    /// ```
    ///
    /// # Errors
    /// [`DataError::Invalid`] for `k < 2`, attribute labels, or a class
    /// with fewer than `k` examples.
    pub fn stratified<F: Clone>(data: &Dataset<F>, k: usize, seed: u64) -> Result<KFold> {
        let name = data.name();
        if k < 2 {
            return Err(DataError::invalid(
                name,
                format!("k-fold needs k ≥ 2 folds, got {k}"),
            ));
        }
        let Some(labels) = data.labels().classes() else {
            return Err(DataError::invalid(
                name,
                "stratified k-fold needs class labels; this set has attribute labels",
            ));
        };
        let mut by_class = vec![Vec::new(); data.classes()];
        for (i, &l) in labels.iter().enumerate() {
            by_class[l].push(i);
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let mut folds = vec![Vec::new(); k];
        let mut next = 0;
        for (class, mut members) in by_class.into_iter().enumerate() {
            let n = members.len();
            if n == 0 {
                continue; // absent from the set, absent from every fold
            }
            if n < k {
                return Err(DataError::invalid(
                    name,
                    format!(
                        "class {class} has {n} examples; stratified {k}-fold needs at least {k}"
                    ),
                ));
            }
            members.shuffle(&mut rng);
            for i in members {
                folds[next].push(i);
                next = (next + 1) % k;
            }
        }
        for f in &mut folds {
            f.sort_unstable();
        }
        Ok(KFold {
            folds,
            len: labels.len(),
        })
    }

    /// The number of folds.
    pub fn k(&self) -> usize {
        self.folds.len()
    }

    /// Fold `i`'s validation indices, ascending (`None` past the last fold).
    pub fn val_indices(&self, i: usize) -> Option<&[usize]> {
        self.folds.get(i).map(Vec::as_slice)
    }

    /// Every index not in fold `i`, ascending (`None` past the last fold).
    pub fn train_indices(&self, i: usize) -> Option<Vec<usize>> {
        let val = self.folds.get(i)?;
        let mut in_val = vec![false; self.len];
        for &j in val {
            in_val[j] = true;
        }
        Some((0..self.len).filter(|&j| !in_val[j]).collect())
    }

    /// Fold `i` of `data` (the set the folds were dealt from).
    ///
    /// # Errors
    /// [`DataError::Invalid`] for `i ≥ k` or a data set of another length.
    pub fn fold<F: Clone>(&self, data: &Dataset<F>, i: usize) -> Result<Fold<F>> {
        let name = data.name();
        if data.len() != self.len {
            return Err(DataError::invalid(
                name,
                format!(
                    "the folds were dealt from {} examples, this set has {}",
                    self.len,
                    data.len()
                ),
            ));
        }
        let (Some(val), Some(train)) = (self.val_indices(i), self.train_indices(i)) else {
            return Err(DataError::invalid(
                name,
                format!("fold {i} does not exist: there are {} folds", self.k()),
            ));
        };
        Ok(Fold {
            train: data
                .try_subset(&train)?
                .with_name(format!("{name} (fold {i} train)")),
            val: data
                .try_subset(val)?
                .with_name(format!("{name} (fold {i} val)")),
            train_indices: train,
            val_indices: val.to_vec(),
        })
    }
}
