//! The matmul-first hold of `gradients.rs` (a leaf's first contribution
//! held until a matmul has written its gradient with β = 0) on a consuming
//! sweep's view: same order of sums, so the same bits.

use ndarray::Array2;
use smallvec::SmallVec;

use super::plan::Plan;
use crate::node::{Node, NodeKind};
use crate::op::{BackwardCtx, Op, note_wrong_shape};
use crate::{Float, Shape};

/// `gradients::hold_or_combine` on the view (same order of sums, so the
/// same bits).
#[allow(clippy::too_many_arguments)] // the sweep's state
pub(super) fn hold_or_combine<F: Float>(
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
pub(super) struct Held {
    /// The leaf receiving the gradient.
    pub(super) leaf: usize,
    /// The consumer that contributes it, and which of its inputs the leaf is.
    pub(super) node: usize,
    pub(super) wrt: usize,
}

impl Held {
    /// The contribution as a new matrix (`None`, noted, if misshapen).
    pub(super) fn backward<F: Float>(
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
pub(super) fn checked<F: Float>(
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
