//! [`Dataset`]: an N×D feature matrix, its labels, the class count and
//! the shape of one example, so a row can be drawn as the image it is.

use ndarray::{Array2, ArrayViewD, Axis, IxDyn};

use crate::data::error::{DataError, Result};

/// What a data set's examples are labelled with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Labels {
    /// One class index in `0..classes` per example (MNIST, CIFAR-10, digits).
    Classes(Vec<usize>),
    /// An N×k matrix of 0/1 attributes (multi-label, e.g. CelebA's 40
    /// attributes); `classes` is k.
    Attributes(Array2<u8>),
}

impl Labels {
    /// The number of examples labelled.
    pub fn len(&self) -> usize {
        match self {
            Labels::Classes(c) => c.len(),
            Labels::Attributes(a) => a.nrows(),
        }
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The class indices, or `None` for attribute labels.
    pub fn classes(&self) -> Option<&[usize]> {
        match self {
            Labels::Classes(c) => Some(c),
            Labels::Attributes(_) => None,
        }
    }

    fn select(&self, indices: &[usize]) -> Labels {
        match self {
            Labels::Classes(c) => Labels::Classes(indices.iter().map(|&i| c[i]).collect()),
            Labels::Attributes(a) => Labels::Attributes(a.select(Axis(0), indices)),
        }
    }
}

/// A labelled data set held in memory.
///
/// Features are stored as loaded, in their raw scale (pixels 0–255, digits
/// 0–16): scaling, mean subtraction and whitening are preprocessing, a
/// separate step fitted on the training part only. Row `i` is example `i`,
/// flattened in row-major order from [`feature_shape`](Dataset::feature_shape)
/// (`[8, 8]`, `[28, 28]`, or channels first `[3, 32, 32]`).
///
/// ```
/// use ndarray::array;
/// use nn::data::{Dataset, Labels};
///
/// let x = array![[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]];
/// let ds = Dataset::new("toy", x, Labels::Classes(vec![0, 1, 1]), 2, vec![2, 2]).unwrap();
/// assert_eq!((ds.len(), ds.classes(), ds.feature_shape()), (3, 2, &[2, 2][..]));
/// assert_eq!(ds.image(1)[[1, 0]], 6.0); // row 1 of example 1, column 0
/// let part = ds.subset(&[2, 0]);
/// assert_eq!(part.labels().classes(), Some(&[1, 0][..]));
/// assert_eq!(part.features()[[0, 0]], 8.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset<F> {
    name: String,
    features: Array2<F>,
    labels: Labels,
    classes: usize,
    feature_shape: Vec<usize>,
}

impl<F: Clone> Dataset<F> {
    /// A data set from its parts, checked: as many labels as rows, every
    /// class index below `classes` (attributes: `classes` columns of 0/1),
    /// and a feature shape whose product is the number of columns.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use nn::data::{Dataset, Labels};
    /// let e = Dataset::new("toy", Array2::<f32>::zeros((2, 4)), Labels::Classes(vec![0, 3]), 3, vec![4])
    ///     .unwrap_err();
    /// assert_eq!(e.to_string(), "toy: label 3 of example 1 is out of range for 3 classes");
    /// ```
    ///
    /// # Errors
    /// [`DataError::Invalid`] or [`DataError::LabelOutOfRange`], naming the set.
    pub fn new(
        name: impl Into<String>,
        features: Array2<F>,
        labels: Labels,
        classes: usize,
        feature_shape: Vec<usize>,
    ) -> Result<Self> {
        let name = name.into();
        let (rows, cols) = features.dim();
        if labels.len() != rows {
            let n = labels.len();
            return Err(DataError::invalid(
                &name,
                format!("{n} labels for {rows} rows of features"),
            ));
        }
        let product = feature_shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d));
        if product != Some(cols) {
            return Err(DataError::invalid(
                &name,
                format!("feature shape {feature_shape:?} does not give {cols} columns"),
            ));
        }
        match &labels {
            Labels::Classes(c) => {
                if let Some((index, &label)) = c.iter().enumerate().find(|(_, l)| **l >= classes) {
                    return Err(DataError::LabelOutOfRange {
                        file: name.into(),
                        index,
                        label: label as u64,
                        classes,
                    });
                }
            }
            Labels::Attributes(a) => {
                if a.ncols() != classes {
                    let k = a.ncols();
                    return Err(DataError::invalid(
                        &name,
                        format!("{k} attribute columns for {classes} classes"),
                    ));
                }
                if let Some(((r, c), v)) = a.indexed_iter().find(|(_, v)| **v > 1) {
                    return Err(DataError::invalid(
                        &name,
                        format!("attribute ({r}, {c}) is {v}; attributes are 0 or 1"),
                    ));
                }
            }
        }
        Ok(Dataset {
            name,
            features,
            labels,
            classes,
            feature_shape,
        })
    }

    /// The set's name (for loaded data, the file it came from).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Renames the set (e.g. `"digits (train)"`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The N×D feature matrix, raw scale.
    pub fn features(&self) -> &Array2<F> {
        &self.features
    }

    /// The labels.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// The class count (for attribute labels, the attribute count).
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// The shape of one example (`[8, 8]`, `[28, 28]`, `[3, 32, 32]`).
    pub fn feature_shape(&self) -> &[usize] {
        &self.feature_shape
    }

    /// The number of examples.
    pub fn len(&self) -> usize {
        self.features.nrows()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Example `i`'s features in its feature shape (an image to draw).
    ///
    /// # Panics
    /// If `i` is not below [`len`](Dataset::len).
    #[track_caller]
    pub fn image(&self, i: usize) -> ArrayViewD<'_, F> {
        let n = self.len();
        if i >= n {
            panic!(
                "{}: example {i} is out of range for {n} examples",
                self.name
            );
        }
        match self
            .features
            .row(i)
            .into_shape_with_order(IxDyn(&self.feature_shape))
        {
            Ok(view) => view,
            // `new` checked the shape's product against the row length.
            Err(e) => panic!("{}: {e}", self.name),
        }
    }

    /// How many examples each class has (`None` for attribute labels).
    ///
    /// ```
    /// let digits = nn::data::digits::load::<f32>();
    /// assert_eq!(digits.class_counts().unwrap()[8], 174);
    /// ```
    pub fn class_counts(&self) -> Option<Vec<usize>> {
        let labels = self.labels.classes()?;
        let mut counts = vec![0; self.classes];
        for &l in labels {
            counts[l] += 1;
        }
        Some(counts)
    }

    /// The examples at `indices`, in that order (repeats allowed).
    ///
    /// # Panics
    /// If an index is out of range (see [`try_subset`](Dataset::try_subset)).
    #[track_caller]
    pub fn subset(&self, indices: &[usize]) -> Dataset<F> {
        match self.try_subset(indices) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`subset`](Dataset::subset), returning an error for an index out of range.
    ///
    /// # Errors
    /// [`DataError::Invalid`] naming the index and the set.
    pub fn try_subset(&self, indices: &[usize]) -> Result<Dataset<F>> {
        let n = self.len();
        if let Some(&bad) = indices.iter().find(|&&i| i >= n) {
            return Err(DataError::invalid(
                &self.name,
                format!("subset index {bad} is out of range for {n} examples"),
            ));
        }
        Ok(Dataset {
            name: self.name.clone(),
            features: self.features.select(Axis(0), indices),
            labels: self.labels.select(indices),
            classes: self.classes,
            feature_shape: self.feature_shape.clone(),
        })
    }

    /// The parts: name, features, labels, class count, feature shape.
    pub fn into_parts(self) -> (String, Array2<F>, Labels, usize, Vec<usize>) {
        (
            self.name,
            self.features,
            self.labels,
            self.classes,
            self.feature_shape,
        )
    }
}
