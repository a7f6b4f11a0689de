//! [`ParamGrads`]: one step's gradients together with the key of each
//! parameter's leaf, independent of the tape.
//!
//! Why not look gradients up through the [`Ctx`]: a `Ctx` borrows the tape,
//! and while the tape lives it shares every parameter's buffer, so updating
//! a parameter then copies it (copy-on-write). A `ParamGrads` keeps
//! [`NodeKey`]s instead of `Var`s, so the tape can be
//! [`reset`](autograd::Tape::reset) — releasing its share — before the
//! optimizer writes the parameters in place, and no gradient is cloned.

use autograd::{Float, Gradients, NodeKey, Param, ParamId};
use ndarray::Array2;

use crate::Ctx;

/// A backward pass's [`Gradients`] plus, for each parameter, the
/// [`NodeKey`] of its leaf. Dropping it hands the gradient buffers back to
/// autograd's cache for the next step.
///
/// ```
/// use autograd::{Param, Tape};
/// use ndarray::array;
/// use nn::optim::{Optimizer, ParamGrads, Sgd, SgdConfig};
///
/// let mut w = Param::new("w", array![[1.0, 2.0]]);
/// let mut tape = Tape::new();
/// let grads = {
///     let wv = tape.param(&w);
///     let loss = (wv * wv).sum();
///     let mut grads = ParamGrads::new(loss.backward());
///     grads.insert(&w, wv.key());
///     grads
/// };
/// tape.reset(); // the tape lets go of w's buffer: the update is in place
/// let mut sgd = Sgd::new(SgdConfig { lr: 0.25 }).unwrap();
/// sgd.step(&mut [&mut w], &grads);
/// assert_eq!(w.value(), &array![[0.5, 1.0]]); // w − 0.25·2w
/// ```
#[derive(Debug)]
pub struct ParamGrads<F: Float> {
    grads: Gradients<F>,
    keys: Vec<(ParamId, NodeKey)>,
}

impl<F: Float> ParamGrads<F> {
    /// Gradients with no parameter keys yet (add them with
    /// [`insert`](Self::insert)).
    pub fn new(grads: Gradients<F>) -> Self {
        ParamGrads {
            grads,
            keys: Vec::new(),
        }
    }

    /// The keys of `params`' leaves in `ctx` (those it made; a parameter
    /// the pass never used has none and so no gradient), with `grads`.
    ///
    /// # Panics
    /// If `grads` came from another tape or recording than `ctx`'s leaves.
    #[track_caller]
    pub fn collect(ctx: &Ctx<'_, '_, F>, params: &[&Param<F>], grads: Gradients<F>) -> Self {
        let mut out = ParamGrads::new(grads);
        out.keys.reserve(params.len());
        for p in params {
            if let Some(var) = ctx.leaf_of(p)
                && let Err(e) = out.try_insert(p, var.key())
            {
                panic!("{e}");
            }
        }
        out
    }

    /// The keys of `params`' leaves in `ctx` (`None` for a parameter the
    /// pass never used): the first half of [`collect`](Self::collect), for
    /// a step whose backward consumes the tape
    /// ([`Tape::backward_and_reset`](autograd::Tape::backward_and_reset)),
    /// which cannot run while the `Ctx` borrows it.
    pub(crate) fn leaf_keys(ctx: &Ctx<'_, '_, F>, params: &[&Param<F>]) -> Vec<Option<NodeKey>> {
        params
            .iter()
            .map(|p| ctx.leaf_of(p).map(|v| v.key()))
            .collect()
    }

    /// The second half: `grads` with the keys [`leaf_keys`](Self::leaf_keys)
    /// found for the same `params`, as `collect` would have paired them.
    ///
    /// # Panics
    /// If `grads` came from another recording than the keys.
    #[track_caller]
    pub(crate) fn with_keys(
        grads: Gradients<F>,
        params: &[&Param<F>],
        keys: Vec<Option<NodeKey>>,
    ) -> Self {
        let mut out = ParamGrads::new(grads);
        out.keys.reserve(params.len());
        for (p, key) in params.iter().zip(keys) {
            if let Some(key) = key
                && let Err(e) = out.try_insert(p, key)
            {
                panic!("{e}");
            }
        }
        out
    }

    /// Records that `param`'s gradient is at `key`'s node.
    ///
    /// # Panics
    /// If `key` belongs to another tape or recording than the gradients.
    #[track_caller]
    pub fn insert(&mut self, param: &Param<F>, key: NodeKey) {
        if let Err(e) = self.try_insert(param, key) {
            panic!("{e}");
        }
    }

    /// [`insert`](Self::insert), returning
    /// [`Error::ForeignNode`](autograd::Error::ForeignNode) for a foreign key.
    pub fn try_insert(&mut self, param: &Param<F>, key: NodeKey) -> autograd::Result<()> {
        self.grads.try_get_by_key(key)?;
        self.keys.retain(|(id, _)| *id != param.id());
        self.keys.push((param.id(), key));
        Ok(())
    }

    /// `param`'s gradient, or `None` if it has no key or no path from the
    /// loss reached it.
    pub fn get(&self, param: &Param<F>) -> Option<&Array2<F>> {
        self.lookup(usize::MAX, param)
    }

    /// `param`'s gradient, trying position `hint` first: optimizers pass
    /// the parameter's position, which matches when the keys were
    /// collected from the same list (no search).
    pub(crate) fn lookup(&self, hint: usize, param: &Param<F>) -> Option<&Array2<F>> {
        let key = match self.keys.get(hint) {
            Some(&(id, key)) if id == param.id() => key,
            _ => self.keys.iter().find(|(id, _)| *id == param.id())?.1,
        };
        // Checked at insertion: the key belongs to these gradients.
        self.grads.try_get_by_key(key).ok().flatten()
    }

    /// The gradients themselves (for anything else the step needs).
    pub fn gradients(&self) -> &Gradients<F> {
        &self.grads
    }
}
