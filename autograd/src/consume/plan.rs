//! The plan of a consuming sweep: which values each backward reads
//! ([`Op::backward_reads`](crate::Op::backward_reads)), the last step
//! reading each value, and the view of a node an op is shown.

use ndarray::Array2;
use smallvec::SmallVec;

use crate::held::Contexts;
use crate::node::{Node, NodeKind};
use crate::op::{BackwardCtx, Op, Reads};
use crate::{Float, Shape};

/// `last_read` of a value no step reads: freed before the sweep.
pub(super) const NOT_READ: usize = usize::MAX;
/// `last_read` of a value a held contribution may read after the sweep's
/// loop: kept until the tape is reset.
const TO_THE_END: usize = usize::MAX - 1;

/// What the sweep reads, worked out before it starts.
pub(super) struct Plan {
    /// Every node's shape (up to the root), known after its value is freed.
    pub(super) shapes: Vec<Shape>,
    /// For each op node whose backward runs, the values it reads for the
    /// inputs needing a gradient ([`Op::backward_reads`], united).
    pub(super) reads: Vec<Reads>,
    /// For each node, the last step of the sweep (the lowest node index)
    /// reading its value; [`NOT_READ`] or [`TO_THE_END`].
    pub(super) last_read: Vec<usize>,
}

impl Plan {
    /// Walks the tape from `root` down as the sweep will: a node's backward
    /// runs when the root reaches it through inputs needing a gradient (a
    /// superset of the sweep's, which may also stop at a misshapen
    /// gradient: values are then kept longer, never freed too early).
    pub(super) fn new<F: Float>(nodes: &[Node<F>], root: usize) -> Plan {
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

    /// The held contributions' contexts on this plan's view
    /// ([`crate::held::Contexts`]).
    pub(super) fn contexts<'a, F: Float>(
        &'a self,
        nodes: &'a [Node<F>],
        empty: &'a Array2<F>,
    ) -> Kept<'a, F> {
        Kept {
            plan: self,
            nodes,
            empty,
        }
    }

    /// Node `i`'s inputs and output as its backward may see them: the
    /// values it declared, an empty 0×0 matrix for every other one (so an
    /// op reading what it did not declare fails rather than reading a value
    /// that is sometimes freed), and the inputs' shapes.
    #[allow(clippy::type_complexity)] // the three parts of a context
    pub(super) fn view<'a, F: Float>(
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

/// A consuming sweep's contexts for held contributions: each op sees the
/// values it declared, as in the sweep's own loop (`Plan::view`).
pub(super) struct Kept<'a, F: Float> {
    plan: &'a Plan,
    nodes: &'a [Node<F>],
    empty: &'a Array2<F>,
}

impl<F: Float> Contexts<F> for Kept<'_, F> {
    fn with_ctx<R>(
        &self,
        k: usize,
        upstream: &Array2<F>,
        f: impl FnOnce(&dyn Op<F>, &BackwardCtx<'_, F>) -> R,
    ) -> R {
        let NodeKind::Op(op) = &self.nodes[k].kind else {
            unreachable!("only op nodes contribute gradients")
        };
        let (inputs, output, shapes) = self.plan.view(self.nodes, self.empty, k);
        let ctx = BackwardCtx {
            inputs: &inputs,
            output,
            upstream,
            input_shapes: Some(&shapes),
        };
        f(op.as_ref(), &ctx)
    }
}
