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

use ndarray::Array2;
use smallvec::SmallVec;

use crate::gradients::{Gradients, NodeKey};
use crate::kernels::recycle;
use crate::node::{Node, NodeKind, Value};
use crate::op::{BackwardCtx, Op, Reads, note_wrong_shape, take_wrong_gradient};
use crate::{Error, Float, Result, Shape, Tape, Var};

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
    for (j, node) in nodes.iter_mut().enumerate() {
        if j > root || plan.last_read[j] == NOT_READ {
            free(node);
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
        step(nodes, &plan, &empty, &mut grads, &mut held, i);
        // Values whose last reader was node `i`: its inputs, and itself.
        for k in 0..nodes[i].inputs.len() {
            let j = nodes[i].inputs[k].0;
            if plan.last_read[j] == i {
                free(&mut nodes[j]);
            }
        }
        if plan.last_read[i] == i {
            free(&mut nodes[i]);
        }
    }
    // Held contributions no matmul followed: each is its leaf's whole
    // gradient (their values were kept to the end: see `Plan::new`).
    for first in held {
        let (earlier, rest) = grads.split_at_mut(first.node);
        let upstream = rest[0].as_ref().expect("swept");
        earlier[first.leaf] = first.backward(nodes, &plan, &empty, upstream);
    }
    for (node, g) in nodes.iter().zip(grads.iter_mut()) {
        if matches!(node.kind, NodeKind::Op(_))
            && let Some(g) = g.take()
        {
            recycle(g);
        }
    }
    if let Some(e) = take_wrong_gradient() {
        return Err(e);
    }
    Ok(Gradients::from_parts(tape_id, grads))
}

/// `last_read` of a value no step reads: freed before the sweep.
const NOT_READ: usize = usize::MAX;
/// `last_read` of a value a held contribution may read after the sweep's
/// loop: kept until the tape is reset.
const TO_THE_END: usize = usize::MAX - 1;

/// What the sweep reads, worked out before it starts.
struct Plan {
    /// Every node's shape (up to the root), known after its value is freed.
    shapes: Vec<Shape>,
    /// For each op node whose backward runs, the values it reads for the
    /// inputs needing a gradient ([`Op::backward_reads`], united).
    reads: Vec<Reads>,
    /// For each node, the last step of the sweep (the lowest node index)
    /// reading its value; [`NOT_READ`] or [`TO_THE_END`].
    last_read: Vec<usize>,
}

impl Plan {
    /// Walks the tape from `root` down as the sweep will: a node's backward
    /// runs when the root reaches it through inputs needing a gradient (a
    /// superset of the sweep's, which may also stop at a misshapen
    /// gradient: values are then kept longer, never freed too early).
    fn new<F: Float>(nodes: &[Node<F>], root: usize) -> Plan {
        let shapes: Vec<Shape> = nodes[..=root].iter().map(|n| Shape::of(&n.value)).collect();
        let mut reached = vec![false; root + 1];
        reached[root] = nodes[root].requires_grad;
        let mut reads = vec![Reads::NOTHING; root + 1];
        let mut last_read = vec![NOT_READ; root + 1];
        for i in (0..=root).rev() {
            let node = &nodes[i];
            let NodeKind::Op(op) = &node.kind else {
                continue;
            };
            if !reached[i] {
                continue;
            }
            let mut r = Reads::NOTHING;
            let mut holds = false;
            for (wrt, j) in node.inputs.iter().enumerate() {
                let input = &nodes[j.0];
                if input.requires_grad {
                    reached[j.0] = true;
                    r = r.union(op.backward_reads(wrt));
                    // The sweep may hold this contribution back and compute
                    // it at a later step, or after its loop (`Held`).
                    holds |= input.fresh_consumer && !op.prefers_fresh_gradient();
                }
            }
            reads[i] = r;
            let at = if holds { TO_THE_END } else { i };
            for (k, j) in node.inputs.iter().enumerate() {
                if r.reads_input(k) {
                    note_read(&mut last_read[j.0], at);
                }
            }
            if r.reads_output() {
                note_read(&mut last_read[i], at);
            }
        }
        Plan {
            shapes,
            reads,
            last_read,
        }
    }

    /// Node `i`'s inputs and output as its backward may see them: the
    /// values it declared, an empty 0×0 matrix for every other one (so an
    /// op reading what it did not declare fails rather than reading a value
    /// that is sometimes freed), and the inputs' shapes.
    #[allow(clippy::type_complexity)] // the three parts of a context
    fn view<'a, F: Float>(
        &'a self,
        nodes: &'a [Node<F>],
        empty: &'a Array2<F>,
        i: usize,
    ) -> (
        SmallVec<[&'a Array2<F>; 2]>,
        &'a Array2<F>,
        SmallVec<[Shape; 2]>,
    ) {
        let node = &nodes[i];
        let r = self.reads[i];
        let mut inputs = SmallVec::new();
        let mut shapes = SmallVec::new();
        for (k, j) in node.inputs.iter().enumerate() {
            shapes.push(self.shapes[j.0]);
            if r.reads_input(k) {
                let value: &Array2<F> = &nodes[j.0].value;
                // The plan keeps every declared value until its last reader.
                debug_assert_eq!(
                    value.dim(),
                    self.shapes[j.0].dim(),
                    "node {} freed early",
                    j.0
                );
                inputs.push(value);
            } else {
                inputs.push(empty);
            }
        }
        let output = if r.reads_output() {
            debug_assert_eq!(
                node.value.dim(),
                self.shapes[i].dim(),
                "node {i} freed early"
            );
            &*node.value
        } else {
            empty
        };
        (inputs, output, shapes)
    }
}

/// Records a read of a value at step `at`: the sweep runs downwards, so
/// the last read is the lowest step, unless one is kept to the end.
fn note_read(slot: &mut usize, at: usize) {
    if *slot != TO_THE_END {
        *slot = if at == TO_THE_END { at } else { at.min(*slot) };
    }
}

/// Frees a node's value: an owned buffer goes to the cache, a shared one
/// (a [`Param`](crate::Param)'s, `constant_arc`'s) drops the tape's share.
/// The node is left holding an empty 0×0 matrix until the tape is reset.
fn free<F: Float>(node: &mut Node<F>) {
    if let Value::Owned(a) = std::mem::replace(&mut node.value, Value::Owned(Array2::zeros((0, 0))))
    {
        recycle(a);
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
    i: usize,
) {
    let node = &nodes[i];
    let NodeKind::Op(op) = &node.kind else {
        return;
    };
    let (inputs, output, shapes) = plan.view(nodes, empty, i);
    let (earlier, rest) = grads.split_at_mut(i);
    if in_place(nodes, op.as_ref(), &inputs, output, i, earlier, rest) {
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
                held, nodes, plan, empty, earlier, rest, i, &ctx, wrt, input.0,
            )
        {
            continue;
        }
        earlier[input.0] = checked(op.as_ref(), wrt, shapes[wrt], op.backward(&ctx, wrt));
    }
    // Nothing reads node `i`'s gradient again, unless a held contribution
    // still needs it as its upstream (dropped after the held ones).
    if !held.iter().any(|h| h.node == i)
        && let Some(g) = rest[0].take()
    {
        recycle(g);
    }
}

/// `gradients::hand_over` on the view: a unary op whose input needs a
/// gradient and has none yet turns node `i`'s gradient into it in place.
fn in_place<F: Float>(
    nodes: &[Node<F>],
    op: &dyn Op<F>,
    inputs: &[&Array2<F>],
    output: &Array2<F>,
    i: usize,
    earlier: &mut [Option<Array2<F>>],
    rest: &mut [Option<Array2<F>>],
) -> bool {
    let [input] = nodes[i].inputs[..] else {
        return false;
    };
    let from = &nodes[input.0];
    if !from.requires_grad || from.fresh_consumer || earlier[input.0].is_some() {
        return false;
    }
    let Some(mut grad) = rest[0].take() else {
        return false;
    };
    if op.backward_in_place(inputs, output, 0, &mut grad) {
        earlier[input.0] = Some(grad);
        true
    } else {
        rest[0] = Some(grad);
        false
    }
}

/// `gradients::hold_or_combine` on the view (same order of sums, so the
/// same bits).
#[allow(clippy::too_many_arguments)] // the sweep's state
fn hold_or_combine<F: Float>(
    held: &mut SmallVec<[Held; 4]>,
    nodes: &[Node<F>],
    plan: &Plan,
    empty: &Array2<F>,
    earlier: &mut [Option<Array2<F>>],
    rest: &[Option<Array2<F>>],
    i: usize,
    ctx: &BackwardCtx<'_, F>,
    wrt: usize,
    leaf: usize,
) -> bool {
    let NodeKind::Op(op) = &nodes[i].kind else {
        unreachable!("only op nodes contribute gradients")
    };
    let Some(at) = held.iter().position(|h| h.leaf == leaf) else {
        if op.prefers_fresh_gradient() {
            return false;
        }
        held.push(Held { leaf, node: i, wrt });
        return true;
    };
    let first = held.swap_remove(at);
    let first_upstream = rest[first.node - i].as_ref().expect("swept");
    let total = if op.prefers_fresh_gradient() {
        checked(
            op.as_ref(),
            wrt,
            ctx.input_shape(wrt),
            op.backward(ctx, wrt),
        )
        .map(|mut total| {
            first.accumulate(nodes, plan, empty, first_upstream, &mut total);
            total
        })
    } else {
        first
            .backward(nodes, plan, empty, first_upstream)
            .map(|mut total| {
                op.backward_accumulate(ctx, wrt, &mut total);
                total
            })
    };
    earlier[leaf] = total;
    true
}

/// A leaf's first gradient contribution, held back (see
/// `gradients::Held`): from input `wrt` of node `node`.
struct Held {
    leaf: usize,
    node: usize,
    wrt: usize,
}

impl Held {
    /// The contribution as a new matrix (`None`, noted, if misshapen).
    fn backward<F: Float>(
        &self,
        nodes: &[Node<F>],
        plan: &Plan,
        empty: &Array2<F>,
        upstream: &Array2<F>,
    ) -> Option<Array2<F>> {
        self.with_ctx(nodes, plan, empty, upstream, |op, ctx| {
            checked(
                op,
                self.wrt,
                ctx.input_shape(self.wrt),
                op.backward(ctx, self.wrt),
            )
        })
    }

    /// The contribution added into `total`.
    fn accumulate<F: Float>(
        &self,
        nodes: &[Node<F>],
        plan: &Plan,
        empty: &Array2<F>,
        upstream: &Array2<F>,
        total: &mut Array2<F>,
    ) {
        self.with_ctx(nodes, plan, empty, upstream, |op, ctx| {
            op.backward_accumulate(ctx, self.wrt, total)
        });
    }

    fn with_ctx<F: Float, R>(
        &self,
        nodes: &[Node<F>],
        plan: &Plan,
        empty: &Array2<F>,
        upstream: &Array2<F>,
        f: impl FnOnce(&dyn Op<F>, &BackwardCtx<'_, F>) -> R,
    ) -> R {
        let NodeKind::Op(op) = &nodes[self.node].kind else {
            unreachable!("only op nodes contribute gradients")
        };
        let (inputs, output, shapes) = plan.view(nodes, empty, self.node);
        let ctx = BackwardCtx {
            inputs: &inputs,
            output,
            upstream,
            input_shapes: Some(&shapes),
        };
        f(op.as_ref(), &ctx)
    }
}

/// `grad` if it has the input's shape; otherwise notes the error for the
/// sweep to return and drops it.
fn checked<F: Float>(
    op: &dyn Op<F>,
    wrt: usize,
    expected: Shape,
    grad: Array2<F>,
) -> Option<Array2<F>> {
    if grad.dim() == expected.dim() {
        Some(grad)
    } else {
        note_wrong_shape(op.name(), wrt, expected, grad);
        None
    }
}
