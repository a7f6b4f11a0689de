//! The backward pass: one reverse sweep over the tape, and the
//! [`Gradients`] it produces.
//!
//! Because node `i` only reads nodes `< i`, walking the tape from the root
//! down to 0 visits every node after all of its consumers — the chain rule
//! needs nothing more. Nodes that no gradient-requiring leaf reaches are
//! skipped, and an op's backward is called only for inputs that need it, so
//! no gradient nobody asked for is ever computed. Fan-out accumulates:
//! `x + x` gives `∂/∂x = 2`, each later contribution added in place
//! ([`Op::backward_accumulate`]). One refinement of the order: for a leaf
//! that a matmul consumes ([`Op::prefers_fresh_gradient`]), the first
//! other contribution is held back until the matmul has written, so the
//! weight-gradient GEMM runs with β = 0 and the L2 penalty adds to it,
//! rather than the other way round.

use std::ops::Index;

use ndarray::Array2;
use smallvec::SmallVec;

use crate::anomaly::{Anomaly, Pass, first_non_finite};
use crate::held::{Contexts, Held, hold_or_combine};
use crate::kernels::add_into;
use crate::node::Node;
use crate::node::NodeKind;
use crate::node_id::NodeId;
use crate::op::{BackwardCtx, Op, note_wrong_gradient, take_wrong_gradient};
use crate::sweep_buffers::{Spares, hand_over, hand_over_pair};
use crate::{Error, Float, Result, Shape, Tape, Var};

/// ∂root/∂node for every node on the path from a gradient-requiring leaf to
/// the root. Independent of the tape's borrow: keep it after the tape is reset.
#[derive(Debug, Clone)]
pub struct Gradients<F: Float> {
    tape_id: u64,
    grads: Vec<Option<Array2<F>>>,
}

impl<F: Float> Gradients<F> {
    /// The gradient for `var`, or `None` if no path from the root reaches it
    /// or it does not require a gradient.
    ///
    /// # Panics
    /// If `var` belongs to another tape (or to this tape before a reset).
    #[track_caller]
    pub fn get(&self, var: Var<'_, F>) -> Option<&Array2<F>> {
        assert!(
            var.tape().id() == self.tape_id,
            "{}",
            crate::Error::ForeignNode {
                context: "Gradients::get"
            }
        );
        self.grads.get(var.id().index()).and_then(Option::as_ref)
    }

    /// Moves the gradient for `var` out (no copy), leaving `None` behind.
    ///
    /// # Panics
    /// If `var` belongs to another tape (or to this tape before a reset).
    #[track_caller]
    pub fn take(&mut self, var: Var<'_, F>) -> Option<Array2<F>> {
        self.get(var)?;
        self.grads[var.id().index()].take()
    }

    /// Moves the gradient for the node `key` names out (no copy), leaving
    /// `None` behind. See [`Gradients::get_by_key`].
    ///
    /// # Panics
    /// If `key` names a node of another tape, or of this tape before or
    /// after a [`reset`](Tape::reset) that separates it from these gradients.
    #[track_caller]
    pub fn take_by_key(&mut self, key: NodeKey) -> Option<Array2<F>> {
        if let Err(e) = self.check_key(key, "Gradients::take_by_key") {
            panic!("{e}");
        }
        self.grads.get_mut(key.id.index()).and_then(Option::take)
    }

    /// The gradient for the node `key` names, or `None` if no path from the
    /// root reaches it or it does not require a gradient.
    ///
    /// A [`NodeKey`] is what to keep when the [`Var`] cannot be: it does not
    /// borrow the tape, so a training step can collect its parameters' keys,
    /// [`reset`](Tape::reset) the tape (releasing its share of every
    /// parameter, so updates happen in place) and still find each gradient.
    /// The key remembers which recording it came from, so a key from another
    /// tape or another step is refused rather than answered with some other
    /// node's gradient.
    ///
    /// ```
    /// use autograd::{Param, Tape};
    /// use ndarray::array;
    ///
    /// let mut w = Param::new("w", array![[1.0, 2.0]]);
    /// let mut tape = Tape::new();
    /// let (key, grads) = {
    ///     let wv = tape.param(&w);
    ///     let loss = (wv * wv).sum();
    ///     (wv.key(), loss.backward())
    /// };
    /// tape.reset(); // the tape no longer shares w's buffer
    /// let g = grads.get_by_key(key).expect("w is used");
    /// assert_eq!(g, &array![[2.0, 4.0]]);
    /// w.update(|v| v.scaled_add(-0.5, g)); // in place, no copy
    /// assert_eq!(w.value(), &array![[0.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If `key` names a node of another tape, or of this tape in another
    /// recording (before or after a `reset` that separates it from these
    /// gradients).
    #[track_caller]
    pub fn get_by_key(&self, key: NodeKey) -> Option<&Array2<F>> {
        if let Err(e) = self.check_key(key, "Gradients::get_by_key") {
            panic!("{e}");
        }
        self.grads.get(key.id.index()).and_then(Option::as_ref)
    }

    /// [`Gradients::get_by_key`], returning [`Error::ForeignNode`] instead of
    /// panicking for a key from another tape or recording.
    pub fn try_get_by_key(&self, key: NodeKey) -> Result<Option<&Array2<F>>> {
        self.check_key(key, "Gradients::get_by_key")?;
        Ok(self.grads.get(key.id.index()).and_then(Option::as_ref))
    }

    fn check_key(&self, key: NodeKey, context: &'static str) -> Result<()> {
        if key.tape_id == self.tape_id {
            Ok(())
        } else {
            Err(Error::ForeignNode { context })
        }
    }

    /// True when these gradients came from a backward pass over `tape` as
    /// it is recorded now (not another tape, not before a reset).
    pub fn belong_to(&self, tape: &Tape<F>) -> bool {
        self.tape_id == tape.id()
    }

    /// Gradients for the recording `tape_id`, one slot per node (for the
    /// consuming sweep in `consume/`, which builds its own).
    pub(crate) fn from_parts(tape_id: u64, grads: Vec<Option<Array2<F>>>) -> Self {
        Gradients { tape_id, grads }
    }

    /// The gradient of node `index` without a tape check, for this crate's
    /// own drawing code after it has checked the tape once.
    pub(crate) fn get_index(&self, index: usize) -> Option<&Array2<F>> {
        self.grads.get(index).and_then(Option::as_ref)
    }
}

/// A node's position together with the recording it belongs to: a
/// [`NodeId`] that [`Gradients`] can check. Get one with [`Var::key`]; it
/// does not borrow the tape, so it survives [`Tape::reset`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeKey {
    tape_id: u64,
    id: NodeId,
}

impl NodeKey {
    /// The node's position on its tape.
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The recording the key belongs to (a tape's id at the time).
    pub(crate) fn tape_id(self) -> u64 {
        self.tape_id
    }
}

impl<F: Float> Var<'_, F> {
    /// This node's [`NodeKey`]: its position plus the recording it belongs
    /// to, for looking up its gradient after the tape was reset
    /// ([`Gradients::get_by_key`]).
    pub fn key(self) -> NodeKey {
        NodeKey {
            tape_id: self.tape().id(),
            id: self.id(),
        }
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// [`Var::backward`] keeping only the leaves' gradients: each op node's
    /// gradient is freed as soon as its backward has run, and an
    /// elementwise unary op turns its upstream gradient into its input's in
    /// place instead of writing a new matrix. The leaves' gradients are
    /// bit for bit those of `backward`; [`Gradients::get`] answers `None`
    /// for every other node. For `x.square().sum()` on an n×n `x` the
    /// backward pass then holds one n×n gradient at a time instead of two.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, -2.0], [0.5, 3.0]]);
    /// let y = x.square();
    /// let grads = y.sum().backward_leaves();
    /// assert_eq!(grads[x], array![[2.0, -4.0], [1.0, 6.0]]);
    /// assert!(grads.get(y).is_none()); // an interior node: not kept
    /// ```
    ///
    /// # Panics
    /// If the node is not 1×1 (see [`Var::try_backward_leaves`]).
    #[track_caller]
    pub fn backward_leaves(self) -> Gradients<F> {
        match self.try_backward_leaves() {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::backward_leaves`], returning the errors of
    /// [`Var::try_backward`] instead of panicking.
    pub fn try_backward_leaves(self) -> Result<Gradients<F>> {
        let shape = self.shape();
        if shape != Shape::new(1, 1) {
            return Err(Error::NotScalar { shape });
        }
        sweep_keeping::<F, true>(self.tape(), self.id(), Array2::from_elem((1, 1), F::one()))
    }
}

impl<F: Float> Drop for Gradients<F> {
    /// Hands the gradient buffers to the thread's cache for the next step.
    /// Small ones go on the cache's small stack in node order, for the
    /// next sweep to write into (`Spares`).
    fn drop(&mut self) {
        let grads = self.grads.drain(..).flatten();
        F::with_pool(|p| grads.for_each(|g| p.keep_small(g)));
    }
}

impl<F: Float> Index<Var<'_, F>> for Gradients<F> {
    type Output = Array2<F>;

    #[track_caller]
    fn index(&self, var: Var<'_, F>) -> &Array2<F> {
        match self.get(var) {
            Some(g) => g,
            None => panic!(
                "no gradient for node {}: it does not require a gradient \
                 (a constant or detached value) or the root does not depend on it; \
                 use `Gradients::get` to handle this case",
                var.id()
            ),
        }
    }
}

/// Runs backward from `root` seeded with `upstream` (already shape-checked).
/// In anomaly mode, a forward anomaly is returned before sweeping and the
/// first non-finite gradient stops the sweep, naming the op that made it.
pub(crate) fn sweep<F: Float>(
    tape: &Tape<F>,
    root: NodeId,
    upstream: Array2<F>,
) -> Result<Gradients<F>> {
    sweep_keeping::<F, false>(tape, root, upstream)
}

/// [`sweep`]; with `LEAVES_ONLY`, each op node's gradient is dropped (to
/// the buffer cache) as soon as its backward has run, and a unary op whose
/// input's gradient is still empty writes it into the upstream buffer
/// ([`Op::backward_in_place`]). A const parameter, so the default sweep
/// carries no test for the mode in its loop.
fn sweep_keeping<F: Float, const LEAVES_ONLY: bool>(
    tape: &Tape<F>,
    root: NodeId,
    upstream: Array2<F>,
) -> Result<Gradients<F>> {
    let checking = tape.detecting_anomalies();
    if checking && let Some(a) = tape.anomaly() {
        return Err(Error::Anomaly(Box::new(a)));
    }
    // A stale note from a sweep that unwound (a panicking custom op).
    take_wrong_gradient();
    let nodes = tape.nodes.borrow();
    let mut grads: Vec<Option<Array2<F>>> = Vec::with_capacity(root.0 + 1);
    grads.resize_with(root.0 + 1, || None);
    if nodes[root.0].requires_grad {
        grads[root.0] = Some(upstream);
    }
    let mut held = SmallVec::<[Held; 4]>::new();
    let mut spares = Spares::take();
    for i in (0..=root.0).rev() {
        let node = &nodes[i];
        let NodeKind::Op(op) = &node.kind else {
            continue;
        };
        // Everything before `i` may receive gradient; `i` itself is read-only.
        let (earlier, rest) = grads.split_at_mut(i);
        if rest[0].is_none() {
            continue;
        }
        if LEAVES_ONLY
            && !checking
            && let [a] = node.inputs[..]
            && hand_over(
                &nodes,
                op.as_ref(),
                a,
                &nodes[a.0].value,
                &node.value,
                earlier,
                rest,
            )
        {
            continue;
        }
        if LEAVES_ONLY
            && !checking
            && let [a, b] = node.inputs[..]
            && let (va, vb) = (&*nodes[a.0].value, &*nodes[b.0].value)
            && hand_over_pair(
                &nodes,
                op.as_ref(),
                &[va, vb],
                [Shape::of(va), Shape::of(vb)],
                &node.value,
                &node.inputs,
                earlier,
                rest,
            )
        {
            continue;
        }
        let Some(upstream) = rest[0].as_ref() else {
            continue;
        };
        // One spilled check for the ids; the common unary and binary cases
        // read their inputs from a plain array, with no SmallVec checks.
        let ids: &[NodeId] = &node.inputs;
        let pair;
        let many: SmallVec<[&Array2<F>; 2]>;
        let inputs: &[&Array2<F>] = match ids {
            [a] => {
                let va = &*nodes[a.0].value;
                pair = [va, va];
                &pair[..1]
            }
            [a, b] => {
                pair = [&*nodes[a.0].value, &*nodes[b.0].value];
                &pair
            }
            _ => {
                let mut all = SmallVec::new();
                for j in ids {
                    all.push(&*nodes[j.0].value);
                }
                many = all;
                &many
            }
        };
        let ctx = BackwardCtx {
            inputs,
            output: &node.value,
            upstream,
            input_shapes: None,
        };
        for (wrt, input) in ids.iter().enumerate() {
            if !nodes[input.0].requires_grad {
                continue;
            }
            // In anomaly mode each contribution is checked on its own, so
            // it is computed separately rather than fused into the total
            // (or held back).
            if !checking {
                if let Some(total) = &mut earlier[input.0] {
                    op.backward_accumulate(&ctx, wrt, total);
                    continue;
                }
                if nodes[input.0].fresh_consumer
                    && hold_or_combine(
                        &mut held,
                        &nodes,
                        &AllValues(&nodes),
                        earlier,
                        rest,
                        i,
                        &ctx,
                        wrt,
                        input.0,
                    )
                {
                    continue;
                }
            }
            let grad = spares.backward(op.as_ref(), &ctx, wrt, inputs[wrt].dim());
            if grad.dim() != inputs[wrt].dim() {
                // Noted (cold, out of line) and returned when the sweep ends,
                // like the paths below that cannot return early.
                note_wrong_gradient(op.name(), wrt, inputs[wrt], grad);
                continue;
            }
            if checking && let Some((element, value)) = first_non_finite(&grad) {
                let anomaly = Anomaly {
                    pass: Pass::Backward,
                    node: NodeId(i),
                    op: op.label(),
                    input_shapes: inputs.iter().map(|v| Shape::of(v)).collect(),
                    wrt: Some(wrt),
                    element,
                    value,
                    location: node.location,
                    predating: crate::anomaly::predating(inputs, Some(&node.value)),
                };
                tape.note_anomaly(anomaly.clone());
                return Err(Error::Anomaly(Box::new(anomaly)));
            }
            match &mut earlier[input.0] {
                Some(total) => add_into(total, &grad),
                empty => *empty = Some(grad),
            }
        }
        // Every consumer of node `i` has run, and so has its own backward:
        // nothing reads its gradient again, unless a held contribution
        // still needs it as its upstream (dropped after the held ones).
        if LEAVES_ONLY
            && !held.iter().any(|h| h.node == i)
            && let Some(g) = rest[0].take()
        {
            spares.give(g);
        }
    }
    // Held contributions no matmul followed (its output does not reach the
    // root): each is its leaf's whole gradient.
    for first in held {
        let (earlier, rest) = grads.split_at_mut(first.node);
        let upstream = rest[0].as_ref().expect("swept");
        earlier[first.leaf] = first.backward(&AllValues(&nodes), upstream);
    }
    if LEAVES_ONLY {
        for (node, g) in nodes.iter().zip(grads.iter_mut()) {
            if matches!(node.kind, NodeKind::Op(_))
                && let Some(g) = g.take()
            {
                spares.give(g);
            }
        }
    }
    // Misshapen gradients met where no `Result` could carry them (an op's
    // default `backward_accumulate`, held contributions): each was
    // dropped, not added, and the sweep fails here.
    if let Some(e) = take_wrong_gradient() {
        return Err(e);
    }
    Ok(Gradients {
        tape_id: tape.id(),
        grads,
    })
}

/// The plain sweep's contexts: every value is still held.
struct AllValues<'a, F: Float>(&'a [Node<F>]);

impl<F: Float> Contexts<F> for AllValues<'_, F> {
    fn with_ctx<R>(
        &self,
        k: usize,
        upstream: &Array2<F>,
        f: impl FnOnce(&dyn Op<F>, &BackwardCtx<'_, F>) -> R,
    ) -> R {
        let node = &self.0[k];
        let NodeKind::Op(op) = &node.kind else {
            unreachable!("only op nodes contribute gradients")
        };
        let inputs: SmallVec<[&Array2<F>; 2]> =
            node.inputs.iter().map(|j| &*self.0[j.0].value).collect();
        let ctx = BackwardCtx {
            inputs: &inputs,
            output: &node.value,
            upstream,
            input_shapes: None,
        };
        f(op.as_ref(), &ctx)
    }
}
