//! Model ensembles: average the members' class probabilities.
//!
//! Each member's scores on a batch are computed in evaluation mode
//! ([`try_predict`]), turned into probabilities by
//! the tape's stable `softmax` op, and averaged entry by entry; the
//! ensemble's prediction for a row is the class of highest averaged
//! probability, the lowest index on a tie (as [`accuracy`](crate::accuracy())
//! and `numpy.argmax` decide). Averaging probabilities, not scores, is the
//! notes' rule: members whose scores live on different scales still get one
//! vote each.
//!
//! Members are any [`Module`]s ([`ensemble_probs`] takes `&[&M]`, so
//! `&[&dyn Module<F>]` too), or precomputed probability matrices
//! ([`average_probs`]): so parameter snapshots of one run, checkpoints read
//! back, or a Polyak average ([`members`]) plug in without building one
//! model per member.
//!
//! The notes' four kinds of ensemble are four ways to get members:
//! different initializations of one model, the top-k models of a search
//! ([`top_k`]), several checkpoints of one run ([`snapshot`],
//! [`probs_with`]) and a running average of the parameters
//! ([`polyak_snapshot`]). `examples/src/ensembles.rs` measures each on the
//! digits.
//!
//! ```
//! use ndarray::array;
//! use nn::ensemble::{self, Evaluation};
//! use nn::layers::Affine;
//! use nn::Module;
//!
//! // Two linear "models" on 2 features, 3 classes.
//! let a = Affine::from_values("a", array![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], array![[0.0, 0.0, 0.0]]).unwrap();
//! let b = Affine::from_values("b", array![[0.0, 0.0, 0.5], [0.0, 1.0, 0.0]], array![[0.0, 0.0, 0.0]]).unwrap();
//! let x = array![[3.0, 1.0], [0.0, 3.0]];
//! let members: [&dyn Module<f64>; 2] = [&a, &b];
//! let p = ensemble::ensemble_probs(&members, &x).unwrap();
//! assert!((p.row(0).sum() - 1.0).abs() < 1e-12); // still probabilities
//! // Row 0: a says class 0 (p = 0.84), b class 2 (p = 0.55); the average picks 0.
//! assert_eq!(ensemble::predict_classes(&p).unwrap(), [0, 1]);
//!
//! let probs = [ensemble::member_probs(&a, &x).unwrap(), ensemble::member_probs(&b, &x).unwrap()];
//! let Evaluation { members, ensemble } = ensemble::evaluate(&probs, &[2, 1]).unwrap();
//! assert_eq!((members, ensemble), (vec![0.5, 1.0], 0.5));
//! ```

mod error;
pub mod members;

use autograd::{Float, Tape};
use ndarray::Array2;

use crate::module::Module;
use crate::predict::try_predict;

pub use error::EnsembleError;
pub use members::{Candidate, polyak_snapshot, probs_with, snapshot, top_k};

/// The row-wise softmax of `scores`, by the tape's `softmax` op (stable:
/// the row maximum is subtracted first, so large scores give no overflow).
///
/// ```
/// use ndarray::array;
/// let p = nn::ensemble::softmax(&array![[1000.0, 1000.0, -1000.0]]);
/// assert_eq!(p, array![[0.5, 0.5, 0.0]]);
/// ```
pub fn softmax<F: Float>(scores: &Array2<F>) -> Array2<F> {
    let tape = Tape::new();
    tape.constant(scores.clone()).softmax().value()
}

/// One member's class probabilities on `x`: the softmax of its
/// evaluation-mode scores.
///
/// ```
/// use ndarray::array;
/// use nn::layers::Affine;
/// let id = Affine::from_values("id", array![[1.0, 0.0], [0.0, 1.0]], array![[0.0, 0.0]]).unwrap();
/// let p = nn::ensemble::member_probs(&id, &array![[0.0, 0.0]]).unwrap();
/// assert_eq!(p, array![[0.5, 0.5]]);
/// ```
///
/// # Errors
/// [`EnsembleError::Model`] (member 0) if the model cannot take `x`.
pub fn member_probs<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    x: &Array2<F>,
) -> Result<Array2<F>, EnsembleError> {
    probs_of(0, model, x)
}

/// `member_probs` with the member's position for the error.
pub(crate) fn probs_of<F: Float, M: Module<F> + ?Sized>(
    member: usize,
    model: &M,
    x: &Array2<F>,
) -> Result<Array2<F>, EnsembleError> {
    let scores = try_predict(model, x).map_err(|source| EnsembleError::Model { member, source })?;
    Ok(softmax(&scores))
}

/// The entry-wise mean of the members' probability matrices (all
/// rows × classes).
///
/// ```
/// use ndarray::array;
/// let p = nn::ensemble::average_probs(&[array![[0.2, 0.8]], array![[0.6, 0.4]]]).unwrap();
/// assert!((&p - &array![[0.4, 0.6]]).iter().all(|d: &f64| d.abs() < 1e-15));
/// ```
///
/// # Errors
/// [`EnsembleError::NoMembers`] for an empty slice;
/// [`EnsembleError::Shape`] when a member's shape differs from member 0's;
/// [`EnsembleError::NaN`] naming the first member and entry holding a NaN.
pub fn average_probs<F: Float>(probs: &[Array2<F>]) -> Result<Array2<F>, EnsembleError> {
    let Some(first) = probs.first() else {
        return Err(EnsembleError::NoMembers);
    };
    let expected = first.dim();
    let mut sum = Array2::zeros(expected);
    for (member, p) in probs.iter().enumerate() {
        if p.dim() != expected {
            return Err(EnsembleError::Shape {
                member,
                expected,
                found: p.dim(),
            });
        }
        if let Some(((row, col), _)) = p.indexed_iter().find(|(_, v)| v.is_nan()) {
            return Err(EnsembleError::NaN {
                member: Some(member),
                row,
                col,
            });
        }
        sum += p;
    }
    // Divide once at the end: the mean of n matrices, not a running mean
    // whose rounding depends on the members' order more than it must.
    let n = F::of(probs.len() as f64);
    Ok(sum.mapv_into(|v| v / n))
}

/// The ensemble's probabilities on `x`: [`average_probs`] of every
/// member's [`member_probs`]. `M` may be unsized: `&[&dyn Module<F>]`.
///
/// # Errors
/// As [`average_probs`], and [`EnsembleError::Model`] naming the first
/// member that cannot take `x`.
pub fn ensemble_probs<F: Float, M: Module<F> + ?Sized>(
    members: &[&M],
    x: &Array2<F>,
) -> Result<Array2<F>, EnsembleError> {
    let probs = members
        .iter()
        .enumerate()
        .map(|(i, m)| probs_of(i, *m, x))
        .collect::<Result<Vec<_>, _>>()?;
    average_probs(&probs)
}

/// The predicted class of each row: the column of highest probability,
/// the lowest index on a tie.
///
/// ```
/// use ndarray::array;
/// let p = array![[0.2, 0.5, 0.3], [0.4, 0.2, 0.4]];
/// assert_eq!(nn::ensemble::predict_classes(&p).unwrap(), [1, 0]); // row 1: a tie, 0 wins
/// ```
///
/// # Errors
/// [`EnsembleError::NaN`] at the first NaN entry.
pub fn predict_classes<F: Float>(probs: &Array2<F>) -> Result<Vec<usize>, EnsembleError> {
    probs
        .rows()
        .into_iter()
        .enumerate()
        .map(|(row, values)| {
            let mut best = 0;
            for (col, &v) in values.iter().enumerate() {
                if v.is_nan() {
                    return Err(EnsembleError::NaN {
                        member: None,
                        row,
                        col,
                    });
                }
                if v > values[best] {
                    best = col;
                }
            }
            Ok(best)
        })
        .collect()
}

/// The fraction of rows whose [predicted class](predict_classes) is the
/// label.
///
/// ```
/// use ndarray::array;
/// let p = array![[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]];
/// assert_eq!(nn::ensemble::accuracy(&p, &[0, 0, 0]).unwrap(), 2.0 / 3.0);
/// assert!(nn::ensemble::accuracy(&p, &[0, 2, 0]).is_err()); // 2 classes only
/// ```
///
/// # Errors
/// [`EnsembleError::Labels`] for a label count other than the number of
/// rows, no rows, or a label out of range; [`EnsembleError::NaN`] as
/// [`predict_classes`].
pub fn accuracy<F: Float>(probs: &Array2<F>, labels: &[usize]) -> Result<f64, EnsembleError> {
    let (rows, classes) = probs.dim();
    let bad = |detail: String| Err(EnsembleError::Labels { detail });
    if labels.len() != rows {
        return bad(format!("{} labels for {rows} rows", labels.len()));
    }
    if rows == 0 {
        return bad("empty batch".into());
    }
    if let Some((row, label)) = labels.iter().enumerate().find(|(_, l)| **l >= classes) {
        return bad(format!(
            "label {label} in row {row} is out of range for {classes} classes"
        ));
    }
    let predicted = predict_classes(probs)?;
    let correct = predicted.iter().zip(labels).filter(|(p, l)| p == l).count();
    Ok(correct as f64 / rows as f64)
}

/// Each member's accuracy and the ensemble's, on one labelled batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Each member's accuracy, in the members' order.
    pub members: Vec<f64>,
    /// The accuracy of the averaged probabilities.
    pub ensemble: f64,
}

impl Evaluation {
    /// The members' mean accuracy.
    ///
    /// ```
    /// let e = nn::ensemble::Evaluation { members: vec![0.5, 1.0], ensemble: 0.9 };
    /// assert_eq!((e.mean_member(), e.best_member()), (0.75, 1.0));
    /// ```
    pub fn mean_member(&self) -> f64 {
        self.members.iter().sum::<f64>() / self.members.len().max(1) as f64
    }

    /// The best member's accuracy.
    pub fn best_member(&self) -> f64 {
        self.members
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// Scores every member's probabilities and their average against
/// `labels`.
///
/// # Errors
/// As [`average_probs`] and [`accuracy`].
pub fn evaluate<F: Float>(
    probs: &[Array2<F>],
    labels: &[usize],
) -> Result<Evaluation, EnsembleError> {
    let avg = average_probs(probs)?;
    let ensemble = accuracy(&avg, labels)?;
    let members = probs
        .iter()
        .map(|p| accuracy(p, labels))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Evaluation { members, ensemble })
}
