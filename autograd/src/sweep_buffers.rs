//! How the backward sweeps reuse gradient buffers instead of allocating:
//! [`Spares`], the thread's small stack of buffers that the last
//! `Gradients` left (and, in the sweeps that free as they go, the
//! gradients and values just freed), written into by
//! [`Op::backward_into`]; and the in-place hand-overs of the sweeps that
//! drop a node's gradient right after its backward, where the upstream
//! buffer becomes an input's gradient ([`hand_over`] for one input,
//! [`hand_over_pair`] for two).
//!
//! Used by both sweeps, `gradients::sweep_keeping` and `consume`; every
//! path gives the bits of a plain `Op::backward` into a fresh matrix
//! (`tests/gradient_spares.rs`).

use ndarray::Array2;

use crate::node::Node;
use crate::node_id::NodeId;
use crate::op::{BackwardCtx, Op};
use crate::pool::{Pool, SMALL_MAX_LEN, take_spare};
use crate::{Float, Shape};

/// The thread's small stack of gradient buffers ([`crate::pool`]) for the
/// length of one sweep; handed back when dropped, so an error or a
/// panicking op returns it too.
pub(crate) struct Spares<F: Float>(Vec<Array2<F>>);

impl<F: Float> Spares<F> {
    /// Takes the whole stack (one trip to the thread-local per sweep).
    #[inline]
    pub(crate) fn take() -> Self {
        Spares(F::with_pool(Pool::take_small))
    }

    /// A fresh ∂L/∂inputs\[wrt\] of shape `dim` from `op`: written into the
    /// top spare when it has that shape and the op takes it
    /// ([`Op::backward_into`], the same bits as [`Op::backward`]), else
    /// from `backward`.
    #[inline(always)]
    pub(crate) fn backward(
        &mut self,
        op: &dyn Op<F>,
        ctx: &BackwardCtx<'_, F>,
        wrt: usize,
        dim: (usize, usize),
    ) -> Array2<F> {
        // Large gradients never wait on the stack: not worth a pop.
        if dim.0 * dim.1 <= SMALL_MAX_LEN
            && let Some(mut out) = take_spare(&mut self.0, dim, crate::kernels::recycle)
        {
            if op.backward_into(ctx, wrt, &mut out) {
                return out;
            }
            self.0.push(out);
        }
        op.backward(ctx, wrt)
    }

    /// Takes a buffer the sweep is done with: a small row-major one goes
    /// on top, where the next fresh gradient of its shape finds it (in a
    /// chain, the very next one), others to the thread's cache.
    #[inline(always)]
    pub(crate) fn give(&mut self, a: Array2<F>) {
        if a.len() <= SMALL_MAX_LEN && crate::pool::is_row_major(&a) {
            self.0.push(a);
        } else {
            crate::kernels::recycle(a);
        }
    }
}

impl<F: Float> Drop for Spares<F> {
    fn drop(&mut self) {
        let rest = std::mem::take(&mut self.0);
        F::with_pool(|p| p.return_small(rest));
    }
}

/// For the sweeps that drop node `i`'s gradient after its backward: when
/// the node has one input, `input` (its value as the sweep sees it:
/// `value`), that needs a gradient and has none yet (and is not a leaf
/// whose contributions are held for a matmul), moves node `i`'s gradient
/// into the input's slot and lets the op turn it into the input's
/// gradient in place ([`Op::backward_in_place`]). Returns false, changing
/// nothing, when it does not apply or the op declines.
#[inline]
pub(crate) fn hand_over<F: Float>(
    nodes: &[Node<F>],
    op: &dyn Op<F>,
    input: NodeId,
    value: &Array2<F>,
    output: &Array2<F>,
    earlier: &mut [Option<Array2<F>>],
    rest: &mut [Option<Array2<F>>],
) -> bool {
    let from = &nodes[input.0];
    if !from.requires_grad || from.fresh_consumer || earlier[input.0].is_some() {
        return false;
    }
    let Some(mut grad) = rest[0].take() else {
        return false;
    };
    if op.backward_in_place(&[value], output, 0, &mut grad) {
        earlier[input.0] = Some(grad);
        true
    } else {
        rest[0] = Some(grad);
        false
    }
}

/// For the sweeps that drop node `i`'s gradient after its backward (`ids`
/// its inputs, `inputs` their values as the sweep sees them, `shapes`
/// their shapes): when a two-input op's input `fresh` needs a gradient
/// and has none yet (and is not a leaf whose contributions are held for a
/// matmul) while the other has one started, lets the op add the other's
/// contribution and turn node `i`'s gradient into `fresh`'s in one pass
/// ([`Op::backward_pair_in_place`]). Returns false, changing nothing,
/// when it does not apply or the op declines.
#[inline]
#[allow(clippy::too_many_arguments)] // the node's parts as each sweep sees them
pub(crate) fn hand_over_pair<F: Float>(
    nodes: &[Node<F>],
    op: &dyn Op<F>,
    inputs: &[&Array2<F>],
    shapes: [Shape; 2],
    output: &Array2<F>,
    ids: &[NodeId],
    earlier: &mut [Option<Array2<F>>],
    rest: &mut [Option<Array2<F>>],
) -> bool {
    let [a, b] = *ids else {
        return false;
    };
    if a == b || !nodes[a.0].requires_grad || !nodes[b.0].requires_grad {
        return false;
    }
    let (fresh, to, from) = match (&earlier[a.0], &earlier[b.0]) {
        (None, Some(_)) => (0, a.0, b.0),
        (Some(_), None) => (1, b.0, a.0),
        _ => return false,
    };
    if nodes[to].fresh_consumer {
        return false;
    }
    let Some(mut grad) = rest[0].take() else {
        return false;
    };
    let total = earlier[from].as_mut().expect("matched above");
    if op.backward_pair_in_place(inputs, shapes, output, fresh, &mut grad, total) {
        earlier[to] = Some(grad);
        true
    } else {
        rest[0] = Some(grad);
        false
    }
}
