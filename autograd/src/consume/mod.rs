//! [`Tape::backward_and_reset`]: a backward pass that consumes the
//! recording, like PyTorch's default `retain_graph=False`.
//!
//! The ordinary sweep ([`crate::gradients`]) borrows the tape, so every
//! value recorded stays alive until the tape is reset. Here the sweep owns
//! the tape (`&mut self`: no [`Var`] survives to read a value again), so it
//! frees each node's value as soon as the rest of the sweep no longer
//! needs it. Which values a backward needs, each op declares
//! ([`Op::backward_reads`]); a plan made before the sweep finds, for every
//! node, the last step of the sweep that reads its value, and the value is
//! handed to the buffer cache right after that step — so the next gradient
//! of that length reuses it instead of growing the heap. A value nobody
//! reads (`x²` in `x.square().sum()`: `sum` reads only shapes, `square`
//! only `x`) is freed before the sweep starts. Gradients are bit for bit
//! those of [`Var::backward_leaves`]: the same contributions, summed in the
//! same order.
//!
//! `plan.rs` works out what the sweep reads and when each value is freed;
//! the matmul-first hold is `crate::held`'s, on that plan's view.

mod plan;

use ndarray::Array2;
use smallvec::SmallVec;

use crate::gradients::{Gradients, NodeKey};
use crate::held::{Held, checked, hold_or_combine};
use crate::node::{Node, NodeKind, Value};
use crate::op::{BackwardCtx, take_wrong_gradient};
use crate::sweep_buffers::{Spares, hand_over, hand_over_pair};
use crate::{Error, Float, Result, Shape, Tape, Var};
use plan::{NOT_READ, Plan};

impl<F: Float> Tape<F> {
    /// Backward from `root` (a 1×1 node, named by its [`NodeKey`]), keeping
    /// only the leaves' gradients as [`Var::backward_leaves`] does, and
    /// consuming the recording: each node's value is freed (to the buffer
    /// cache) as soon as the rest of the sweep no longer reads it, and the
    /// tape is left reset as by [`Tape::reset`] — whatever the outcome,
    /// an error or a panicking op included. The returned gradients belong
    /// to the recording before the reset: look them up with keys taken
    /// before it ([`Gradients::get_by_key`]).
    ///
    /// Use it when the step resets the tape after backward anyway (a
    /// training step): activations are freed during backward, so the peak
    /// is lower. `x.square().sum()` on an n×n `x` peaks at the input plus
    /// its gradient (2×), where `backward` needs 4× and `backward_leaves`
    /// 3×, because `x²` is freed before its gradient's buffer is needed.
    ///
    /// In anomaly mode ([`Tape::detect_anomalies`]) nothing is freed before
    /// the sweep ends (the reports look at every value), then the tape is
    /// reset as usual.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let mut tape = Tape::new();
    /// let (x, loss) = {
    ///     let x = tape.leaf(array![[1.0, -2.0], [0.5, 3.0]]);
    ///     (x.key(), x.square().sum().key())
    /// };
    /// let grads = tape.backward_and_reset(loss);
    /// assert_eq!(grads.get_by_key(x), Some(&array![[2.0, -4.0], [1.0, 6.0]]));
    /// assert!(tape.is_empty()); // reset: ready for the next step
    /// ```
    ///
    /// # Panics
    /// On the errors of [`Tape::try_backward_and_reset`].
    #[track_caller]
    pub fn backward_and_reset(&mut self, root: NodeKey) -> Gradients<F> {
        match self.try_backward_and_reset(root) {
            Ok(grads) => grads,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Tape::backward_and_reset`], returning an error instead of
    /// panicking: [`Error::ForeignNode`] for a key of another tape or
    /// recording, [`Error::NotScalar`] for a root that is not 1×1, and the
    /// errors of [`Var::try_backward`] (a misshapen gradient, an anomaly).
    /// The tape is reset in every case.
    pub fn try_backward_and_reset(&mut self, root: NodeKey) -> Result<Gradients<F>> {
        let guard = ResetOnDrop(self);
        consume(guard.0, root)
    }
}

/// Resets the tape when dropped, so that an error or a panicking op still
/// leaves it reset (and never holding freed placeholders).
struct ResetOnDrop<'a, F: Float>(&'a mut Tape<F>);

impl<F: Float> Drop for ResetOnDrop<'_, F> {
    fn drop(&mut self) {
        self.0.reset();
    }
}

/// The sweep of [`Tape::try_backward_and_reset`] (the caller resets).
fn consume<F: Float>(tape: &mut Tape<F>, root: NodeKey) -> Result<Gradients<F>> {
    let context = "Tape::backward_and_reset";
    let tape_id = tape.id();
    if root.tape_id() != tape_id || root.id().0 >= tape.len() {
        return Err(Error::ForeignNode { context });
    }
    let root = root.id().0;
    if tape.detecting_anomalies() {
        // Anomaly reports name input shapes and look at the values an
        // anomaly came from, so nothing is freed early here.
        return Var::new(&*tape, crate::NodeId(root)).try_backward_leaves();
    }
    let nodes = tape.nodes.get_mut();
    let shape = Shape::of(&nodes[root].value);
    if shape != Shape::new(1, 1) {
        return Err(Error::NotScalar { shape });
    }
    // A stale note from a sweep that unwound (a panicking custom op).
    take_wrong_gradient();
    let plan = Plan::new(nodes, root);
    let mut spares = Spares::take();
    for (j, node) in nodes.iter_mut().enumerate() {
        if j > root || plan.last_read[j] == NOT_READ {
            free(node, &mut spares);
        }
    }
    let mut grads: Vec<Option<Array2<F>>> = Vec::with_capacity(root + 1);
    grads.resize_with(root + 1, || None);
    if nodes[root].requires_grad {
        grads[root] = Some(Array2::from_elem((1, 1), F::one()));
    }
    let empty = Array2::<F>::zeros((0, 0));
    let mut held = SmallVec::<[Held; 4]>::new();
    for i in (0..=root).rev() {
        if !matches!(nodes[i].kind, NodeKind::Op(_)) || grads[i].is_none() {
            continue;
        }
        step(nodes, &plan, &empty, &mut grads, &mut held, &mut spares, i);
        // Values whose last reader was node `i`: its inputs, and itself.
        for k in 0..nodes[i].inputs.len() {
            let j = nodes[i].inputs[k].0;
            if plan.last_read[j] == i {
                free(&mut nodes[j], &mut spares);
            }
        }
        if plan.last_read[i] == i {
            free(&mut nodes[i], &mut spares);
        }
    }
    // Held contributions no matmul followed: each is its leaf's whole
    // gradient (their values were kept to the end: see `Plan::new`).
    for first in held {
        let (earlier, rest) = grads.split_at_mut(first.node);
        let upstream = rest[0].as_ref().expect("swept");
        earlier[first.leaf] = first.backward(&plan.contexts(nodes, &empty), upstream);
    }
    for (node, g) in nodes.iter().zip(grads.iter_mut()) {
        if matches!(node.kind, NodeKind::Op(_))
            && let Some(g) = g.take()
        {
            spares.give(g);
        }
    }
    if let Some(e) = take_wrong_gradient() {
        return Err(e);
    }
    Ok(Gradients::from_parts(tape_id, grads))
}

/// Frees a node's value: an owned buffer goes to the sweep's spares (a
/// small one is the next fresh gradient of its shape) or the cache, a
/// shared one (a [`Param`](crate::Param)'s, `constant_arc`'s) drops the
/// tape's share. The node is left holding an empty 0×0 matrix until the
/// tape is reset.
fn free<F: Float>(node: &mut Node<F>, spares: &mut Spares<F>) {
    if let Value::Owned(a) = std::mem::replace(&mut node.value, Value::Owned(Array2::zeros((0, 0))))
    {
        spares.give(a);
    }
}

/// Backward of op node `i` (whose gradient is set): its contributions to
/// its inputs' gradients, as in `gradients::sweep_keeping` with
/// `LEAVES_ONLY`, and then node `i`'s gradient dropped.
fn step<F: Float>(
    nodes: &[Node<F>],
    plan: &Plan,
    empty: &Array2<F>,
    grads: &mut [Option<Array2<F>>],
    held: &mut SmallVec<[Held; 4]>,
    spares: &mut Spares<F>,
    i: usize,
) {
    let node = &nodes[i];
    let NodeKind::Op(op) = &node.kind else {
        return;
    };
    let (inputs, output, shapes) = plan.view(nodes, empty, i);
    let (earlier, rest) = grads.split_at_mut(i);
    let handed_over = match node.inputs[..] {
        [a] => hand_over(nodes, op.as_ref(), a, inputs[0], output, earlier, rest),
        _ => false,
    };
    if handed_over
        || shapes.len() == 2
            && hand_over_pair(
                nodes,
                op.as_ref(),
                &inputs,
                [shapes[0], shapes[1]],
                output,
                &node.inputs,
                earlier,
                rest,
            )
    {
        return;
    }
    let upstream = rest[0].as_ref().expect("the caller checked");
    let ctx = BackwardCtx {
        inputs: &inputs,
        output,
        upstream,
        input_shapes: Some(&shapes),
    };
    for (wrt, input) in node.inputs.iter().enumerate() {
        if !nodes[input.0].requires_grad {
            continue;
        }
        if let Some(total) = &mut earlier[input.0] {
            op.backward_accumulate(&ctx, wrt, total);
            continue;
        }
        if nodes[input.0].fresh_consumer
            && hold_or_combine(
                held,
                nodes,
                &plan.contexts(nodes, empty),
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
        let grad = spares.backward(op.as_ref(), &ctx, wrt, shapes[wrt].dim());
        earlier[input.0] = checked(op.as_ref(), wrt, shapes[wrt], grad);
    }
    // Nothing reads node `i`'s gradient again, unless a held contribution
    // still needs it as its upstream (dropped after the held ones).
    if !held.iter().any(|h| h.node == i)
        && let Some(g) = rest[0].take()
    {
        spares.give(g);
    }
}
