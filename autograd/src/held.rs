//! The matmul-first hold, shared by both sweeps (`gradients.rs` and the
//! consuming `consume/`): a leaf that a matmul consumes has its first other
//! gradient contribution held back until the matmul has written the
//! gradient with β = 0, so an L2 term adds to the GEMM's output rather than
//! the GEMM reading it back. The order of the sums depends only on the
//! graph, so results stay reproducible, and both sweeps give the same bits.
//!
//! The two sweeps differ only in how they show an op its values (all of
//! them, or the ones a consuming sweep has kept): [`Contexts`].

use ndarray::Array2;
use smallvec::SmallVec;

use crate::node::{Node, NodeKind};
use crate::op::{BackwardCtx, Op, note_wrong_shape};
use crate::{Float, Shape};

/// How a sweep builds the backward context of op node `k`.
pub(crate) trait Contexts<F: Float> {
    /// Calls `f` with node `k`'s op and its context under `upstream`.
    fn with_ctx<R>(
        &self,
        k: usize,
        upstream: &Array2<F>,
        f: impl FnOnce(&dyn Op<F>, &BackwardCtx<'_, F>) -> R,
    ) -> R;
}

/// A leaf's first gradient contribution, not yet computed: the sweep holds
/// it until a second one arrives (or the sweep ends), so that if that one
/// prefers a fresh buffer ([`Op::prefers_fresh_gradient`], a matmul) it can
/// write first.
pub(crate) struct Held {
    /// The leaf receiving the gradient.
    pub(crate) leaf: usize,
    /// The consumer that contributes it, and which of its inputs the leaf is.
    pub(crate) node: usize,
    pub(crate) wrt: usize,
}

impl Held {
    /// The contribution as a new matrix (`None`, noted for the sweep, if
    /// the op returned the wrong shape).
    pub(crate) fn backward<F: Float>(
        &self,
        contexts: &impl Contexts<F>,
        upstream: &Array2<F>,
    ) -> Option<Array2<F>> {
        contexts.with_ctx(self.node, upstream, |op, ctx| {
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
        contexts: &impl Contexts<F>,
        upstream: &Array2<F>,
        total: &mut Array2<F>,
    ) {
        contexts.with_ctx(self.node, upstream, |op, ctx| {
            op.backward_accumulate(ctx, self.wrt, total)
        })
    }
}

/// The first two contributions to the empty gradient slot of `leaf`, a
/// leaf some matmul consumes, from node `i` (input `wrt`): the first is
/// held back unless its op is the one preferring a fresh buffer; with the
/// second, whichever of the two prefers a fresh buffer writes and the
/// other adds. Returns false when the caller should compute the
/// contribution itself (into the empty slot).
///
/// Out of line: it runs at most twice per such leaf, and keeping it out of
/// the sweep's loop leaves that loop as tight as before (W1 benchmark).
#[inline(never)]
#[allow(clippy::too_many_arguments)] // the sweep's loop state
pub(crate) fn hold_or_combine<F: Float>(
    held: &mut SmallVec<[Held; 4]>,
    nodes: &[Node<F>],
    contexts: &impl Contexts<F>,
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
        let total = op.backward(ctx, wrt);
        checked(op.as_ref(), wrt, ctx.input_shape(wrt), total).map(|mut total| {
            first.accumulate(contexts, first_upstream, &mut total);
            total
        })
    } else {
        first.backward(contexts, first_upstream).map(|mut total| {
            op.backward_accumulate(ctx, wrt, &mut total);
            total
        })
    };
    earlier[leaf] = total;
    true
}

/// `grad` if it has the input's shape; otherwise notes the error for the
/// sweep to return (`op::take_wrong_gradient`) and drops it.
pub(crate) fn checked<F: Float>(
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
