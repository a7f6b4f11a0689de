//! Getting members: the top-k of a set of trained candidates
//! ([`top_k`]), and parameter snapshots ([`snapshot`], [`polyak_snapshot`])
//! evaluated in one model without building a copy per member
//! ([`probs_with`]).
//!
//! A snapshot is [`train::Snapshot`](crate::train::Snapshot), the pair
//! (parameter values, buffer values) in [`Module`] order that the trainer
//! keeps as its best model: take one in the trainer's observer at the
//! epochs you want (several checkpoints of one run), or from its Polyak
//! average.

use autograd::Float;
use ndarray::Array2;

use super::{EnsembleError, probs_of};
use crate::module::Module;
use crate::optim::Polyak;
use crate::train::Snapshot;

/// A trained model and its validation accuracy: what a search hands to
/// [`top_k`].
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<M> {
    /// The trained model.
    pub model: M,
    /// Its accuracy on the validation split (never the test split: the
    /// choice of members must not see the data they are scored on).
    pub val_acc: f64,
}

/// The `k` candidates of highest validation accuracy, best first; equal
/// accuracies keep the candidates' order (the earlier trial first). With
/// fewer than `k` candidates, all of them.
///
/// ```
/// use nn::ensemble::{Candidate, top_k};
/// let c = |model: &'static str, val_acc| Candidate { model, val_acc };
/// let best = top_k(vec![c("a", 0.90), c("b", 0.95), c("c", 0.90), c("d", 0.80)], 3).unwrap();
/// let names: Vec<_> = best.iter().map(|c| c.model).collect();
/// assert_eq!(names, ["b", "a", "c"]); // a before c: same accuracy, earlier
/// assert!(top_k(vec![c("a", f64::NAN)], 1).is_err());
/// ```
///
/// # Errors
/// [`EnsembleError::NoMembers`] for no candidates;
/// [`EnsembleError::Argument`] for `k = 0` or a NaN accuracy.
pub fn top_k<M>(
    candidates: Vec<Candidate<M>>,
    k: usize,
) -> Result<Vec<Candidate<M>>, EnsembleError> {
    if candidates.is_empty() {
        return Err(EnsembleError::NoMembers);
    }
    if k == 0 {
        return Err(EnsembleError::Argument {
            detail: "top_k: k must be at least 1".into(),
        });
    }
    if let Some(i) = candidates.iter().position(|c| c.val_acc.is_nan()) {
        return Err(EnsembleError::Argument {
            detail: format!("top_k: candidate {i}'s validation accuracy is NaN"),
        });
    }
    let mut sorted = candidates;
    // Stable: ties keep their order. No NaN is left, so `total_cmp` agrees
    // with `>` here.
    sorted.sort_by(|a, b| b.val_acc.total_cmp(&a.val_acc));
    sorted.truncate(k);
    Ok(sorted)
}

/// A copy of `model`'s parameter and buffer values.
///
/// ```
/// use nn::{Mlp, Module};
/// use rand::SeedableRng;
/// let net = Mlp::<f64>::builder(&[2, 3, 2]).build(&mut rand::rngs::StdRng::seed_from_u64(0)).unwrap();
/// let (params, buffers) = nn::ensemble::snapshot(&net);
/// assert_eq!((params.len(), buffers.len()), (4, 0));
/// assert_eq!(&params[0], net.params()[0].value());
/// ```
pub fn snapshot<F: Float, M: Module<F> + ?Sized>(model: &M) -> Snapshot<F> {
    (
        model.params().iter().map(|p| p.value().clone()).collect(),
        model.buffers(),
    )
}

/// `model`'s values with each parameter's Polyak average in place of its
/// value (a parameter never averaged keeps its value); buffers as they
/// are. In a [`Trainer`](crate::train::Trainer)'s observer, pass
/// `end.model` and `end.polyak`.
///
/// ```
/// use autograd::Param;
/// use nn::layers::Affine;
/// use nn::optim::Polyak;
/// use ndarray::array;
/// use nn::Module;
///
/// let mut fc = Affine::from_values("fc", array![[0.0]], array![[0.0]]).unwrap();
/// let mut ema = Polyak::new(0.5).unwrap();
/// ema.update(&fc.params()); // averages: 0, 0
/// fc.params_mut()[0].set(array![[4.0]]);
/// ema.update(&fc.params()); // weight average 0.5·0 + 0.5·4
/// let (params, _) = nn::ensemble::polyak_snapshot(&fc, &ema);
/// assert_eq!(params, [array![[2.0]], array![[0.0]]]);
/// ```
pub fn polyak_snapshot<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    polyak: &Polyak<F>,
) -> Snapshot<F> {
    let params = model
        .params()
        .iter()
        .map(|p| polyak.average(p).unwrap_or(p.value()).clone())
        .collect();
    (params, model.buffers())
}

/// The class probabilities `model` would give on `x` with `snapshot`'s
/// values in place of its own; the model's own values are put back
/// afterwards (also on an error), so one model evaluates every snapshot
/// of a run. Feed the results to [`average_probs`](super::average_probs).
///
/// ```
/// use ndarray::array;
/// use nn::layers::Affine;
/// use nn::Module;
///
/// let mut fc = Affine::from_values("fc", array![[1.0, 0.0]], array![[0.0, 0.0]]).unwrap();
/// let other = (vec![array![[0.0, 0.0]], array![[0.0, 0.0]]], vec![]);
/// let p = nn::ensemble::probs_with(&mut fc, &other, &array![[5.0]]).unwrap();
/// assert_eq!(p, array![[0.5, 0.5]]); // zero weights: uniform
/// assert_eq!(fc.params()[0].value(), &array![[1.0, 0.0]]); // put back
/// ```
///
/// # Errors
/// [`EnsembleError::Argument`] when the snapshot's parameter count or a
/// shape differs from the model's, or its buffers do not fit (nothing is
/// changed then); [`EnsembleError::Model`] if the model cannot take `x`.
pub fn probs_with<F: Float, M: Module<F> + ?Sized>(
    model: &mut M,
    snapshot: &Snapshot<F>,
    x: &Array2<F>,
) -> Result<Array2<F>, EnsembleError> {
    let (params, buffers) = snapshot;
    let bad = |detail: String| EnsembleError::Argument { detail };
    let own = model.params();
    if own.len() != params.len() {
        return Err(bad(format!(
            "snapshot has {} parameters, the model {}",
            params.len(),
            own.len()
        )));
    }
    for (p, v) in own.iter().zip(params) {
        if p.value().dim() != v.dim() {
            return Err(bad(format!(
                "snapshot's {} is {:?}, the model's {:?}",
                p.name(),
                v.dim(),
                p.value().dim()
            )));
        }
    }
    let own_buffers = model.buffers();
    model
        .set_buffers(buffers)
        .map_err(|e| bad(format!("snapshot's buffers: {e}")))?;
    // Swap the values in (the model's own move into `saved`), evaluate,
    // swap back: no copy of the model's values is made.
    let mut saved: Vec<Array2<F>> = params.clone();
    for (p, v) in model.params_mut().into_iter().zip(&mut saved) {
        p.update(|w| std::mem::swap(w, v));
    }
    let result = probs_of(0, &*model, x);
    for (p, v) in model.params_mut().into_iter().zip(&mut saved) {
        p.update(|w| std::mem::swap(w, v));
    }
    // The model's own buffers passed this same check when it was built.
    model
        .set_buffers(&own_buffers)
        .map_err(|e| bad(format!("restoring the model's buffers: {e}")))?;
    result
}
