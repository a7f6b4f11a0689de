//! The shared machinery for elementwise ops of two matrices, so each op
//! file states only its formula and local derivative, and the chain rule
//! every elementwise op uses ([`chain`]); ops of one matrix are in
//! [`super::unary`].
//!
//! [`BinaryFn`] is `y = f(a, b)` elementwise with 2-D broadcasting;
//! backward is `upstream ⊙ ∂f/∂a` (or `∂f/∂b`) summed over broadcast axes,
//! exactly zero where the upstream gradient is zero, even if the local
//! derivative is infinite there (sqrt at 0 behind a mask), so masked
//! branches never leak NaN.

use ndarray::{Array2, Zip};

use crate::higher_order::sum_to_shape_graph;
use crate::kernels::{
    acc1, acc2, acc4, add_into, map1, map1_into, map2, map2_into, map4, map4_into, scratch,
    update_and_acc,
};
use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::shape::{broadcast_shapes, broadcast_view, reduce_to_shape, sum_to_shape};
use crate::ties::Branch;
use crate::{Float, Result, Shape, Var};

/// `g · slope`, but exactly 0 when `g` is 0 (so ∞ or NaN slopes behind a
/// zero upstream gradient do not leak).
#[inline]
pub(crate) fn chain<F: Float>(g: F, slope: F) -> F {
    if g == F::zero() { F::zero() } else { g * slope }
}

/// True when a binary op's two inputs have one shape. Only an op with
/// [`BinaryFn::CONSTANT_SLOPES`] reads no value ([`Op::backward_reads`]),
/// so only there may `a`, `b` be freed placeholders and the recorded shapes
/// be needed; every other op compares the values' shapes directly (W1
/// benchmark: the `Option` test on every call cost 0.5 % of its
/// instructions).
#[inline(always)]
fn same_shapes<F: Float, B: BinaryFn<F>>(
    ctx: &BackwardCtx<'_, F>,
    a: &Array2<F>,
    b: &Array2<F>,
) -> bool {
    if !B::CONSTANT_SLOPES {
        return a.dim() == b.dim();
    }
    match ctx.input_shapes {
        None => a.dim() == b.dim(),
        Some(shapes) => shapes[0] == shapes[1],
    }
}

/// An elementwise function of two broadcast-compatible matrices.
pub(crate) trait BinaryFn<F: Float>: 'static + Sync {
    /// The op's name.
    const NAME: &'static str;
    /// True for ops with a kink (they override [`BinaryFn::branch`]).
    const BRANCHING: bool = false;
    /// True when `d_lhs` and `d_rhs` are constants that ignore their
    /// arguments (add, sub). Backward then reads only the upstream
    /// gradient instead of both operands and the output: a third fewer
    /// instructions for an add node on the W1 benchmark's 4×4 matrices.
    const CONSTANT_SLOPES: bool = false;
    /// True when `d_lhs` reads only `b` and `d_rhs` only `a` (mul):
    /// backward then streams the upstream gradient and the other operand
    /// only (W1 benchmark: 97.6M → 96.0M instructions).
    const SLOPE_FROM_OTHER: bool = false;
    /// `f(a, b)`.
    fn value(&self, a: F, b: F) -> F;
    /// `∂f/∂a` at `(a, b)`, with `y = f(a, b)`.
    fn d_lhs(&self, a: F, b: F, y: F) -> F;
    /// `∂f/∂b` at `(a, b)`, with `y = f(a, b)`.
    fn d_rhs(&self, a: F, b: F, y: F) -> F;
    /// The branch taken at `(a, b)` (only for `BRANCHING` ops).
    fn branch(&self, _a: F, _b: F) -> Branch {
        Branch::POSITIVE
    }
    /// `upstream ⊙ ∂f/∂a` (`wrt` = 0) or `upstream ⊙ ∂f/∂b` (`wrt` = 1) at
    /// the output's shape, built from tape ops (for higher-order
    /// gradients; the adapter sums broadcast axes). `None` if unsupported.
    fn grad_graph<'t>(
        &self,
        _upstream: Var<'t, F>,
        _a: Var<'t, F>,
        _b: Var<'t, F>,
        _y: Var<'t, F>,
        _wrt: usize,
    ) -> Option<Var<'t, F>> {
        None
    }
}

/// Adapts a [`BinaryFn`] to [`Op`], adding broadcasting.
pub(crate) struct Binary<B>(pub B);

impl<B> Binary<B> {
    /// The slope for input `wrt` of an op with [`BinaryFn::CONSTANT_SLOPES`]
    /// (its `d_lhs`/`d_rhs` evaluated anywhere).
    fn constant_slope<F: Float>(&self, wrt: usize) -> F
    where
        B: BinaryFn<F>,
    {
        let z = F::zero();
        if wrt == 0 {
            self.0.d_lhs(z, z, z)
        } else {
            self.0.d_rhs(z, z, z)
        }
    }
}

impl<B> Binary<B> {
    /// [`Op::forward`] when an input is broadcast; out of line like
    /// [`Binary::backward_broadcast`].
    #[inline(never)]
    fn forward_broadcast<F: Float>(&self, a: &Array2<F>, b: &Array2<F>) -> Array2<F>
    where
        B: BinaryFn<F>,
    {
        let out = broadcast_shapes(B::NAME, Shape::of(a), Shape::of(b)).expect("validated");
        let mut y = scratch(out.dim()); // every element is written below
        Zip::from(&mut y)
            .and(broadcast_view(a, out))
            .and(broadcast_view(b, out))
            .for_each(|y, &a, &b| *y = self.0.value(a, b));
        y
    }

    /// [`Op::backward`] when an input is broadcast: the gradient at the
    /// output's shape, summed to the input's. Out of line (not cold: the
    /// W2 MLP's bias add takes it every step), so the common same-shape
    /// call keeps a small frame (W1: 88.29M → 88.16M instructions).
    #[inline(never)]
    fn backward_broadcast<F: Float>(&self, ctx: &BackwardCtx<'_, F>, wrt: usize) -> Array2<F>
    where
        B: BinaryFn<F>,
    {
        let out = Shape::of(ctx.upstream);
        let (a, b) = (ctx.inputs[0], ctx.inputs[1]);
        let slope = |a, b, y| {
            if wrt == 0 {
                self.0.d_lhs(a, b, y)
            } else {
                self.0.d_rhs(a, b, y)
            }
        };
        if B::CONSTANT_SLOPES {
            // Only the upstream gradient is read: it is summed straight to
            // the input's shape with no full-size copy, then scaled (add and
            // sub: by ±1, exact). Backward of a W2 bias add (128×512, f64):
            // 86 → 54 µs.
            let slope = self.constant_slope(wrt);
            let mut reduced = reduce_to_shape(ctx.upstream, ctx.input_shape(wrt));
            if slope != F::one() {
                reduced.mapv_inplace(|g| chain(g, slope));
            }
            return reduced;
        }
        let mut full = scratch(out.dim()); // every element is written below
        Zip::from(&mut full)
            .and(ctx.upstream)
            .and(broadcast_view(a, out))
            .and(broadcast_view(b, out))
            .and(ctx.output)
            .for_each(|d, &g, &a, &b, &y| *d = chain(g, slope(a, b, y)));
        sum_to_shape(full, ctx.input_shape(wrt))
    }
}

impl<F: Float, B: BinaryFn<F>> Op<F> for Binary<B> {
    fn name(&self) -> &'static str {
        B::NAME
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let (a, b) = (inputs[0], inputs[1]);
        if a == b {
            // The common case, answered without the out-of-line call
            // (W1 benchmark: 101.1M → 100.0M instructions).
            return Ok(a);
        }
        broadcast_shapes(B::NAME, a, b)
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let (a, b) = (inputs[0], inputs[1]);
        if a.dim() == b.dim() {
            return map2(a, b, |a, b| self.0.value(a, b));
        }
        self.forward_broadcast(a, b)
    }
    /// Same-shape operands only; a broadcast goes through `forward`.
    fn forward_into(&mut self, inputs: &[&Array2<F>], out: &mut Array2<F>) -> bool {
        map2_into(out, inputs[0], inputs[1], |a, b| self.0.value(a, b))
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, wrt: usize) -> Array2<F> {
        let (a, b) = (ctx.inputs[0], ctx.inputs[1]);
        if same_shapes::<F, B>(ctx, a, b) {
            if B::CONSTANT_SLOPES {
                let slope = self.constant_slope(wrt);
                return map1(ctx.upstream, |g| chain(g, slope));
            }
            if B::SLOPE_FROM_OTHER {
                let (g, z) = (ctx.upstream, F::zero()); // `z`: arguments the slope ignores
                return if wrt == 0 {
                    map2(g, b, |g, b| chain(g, self.0.d_lhs(z, b, z)))
                } else {
                    map2(g, a, |g, a| chain(g, self.0.d_rhs(a, z, z)))
                };
            }
            // One loop per input rather than testing `wrt` per element: the
            // branch-free body vectorizes (W1: see `backward_accumulate`).
            let (g, y) = (ctx.upstream, ctx.output);
            return if wrt == 0 {
                map4(g, a, b, y, |g, a, b, y| chain(g, self.0.d_lhs(a, b, y)))
            } else {
                map4(g, a, b, y, |g, a, b, y| chain(g, self.0.d_rhs(a, b, y)))
            };
        }
        self.backward_broadcast(ctx, wrt)
    }
    fn backward_into(&self, ctx: &BackwardCtx<'_, F>, wrt: usize, out: &mut Array2<F>) -> bool {
        // The same-shape loops of `backward` with the output given: the
        // same bits. A broadcast input's gradient is a reduction: declined.
        let (a, b) = (ctx.inputs[0], ctx.inputs[1]);
        if !same_shapes::<F, B>(ctx, a, b) {
            return false;
        }
        if B::CONSTANT_SLOPES {
            let slope = self.constant_slope(wrt);
            return map1_into(out, ctx.upstream, |g| chain(g, slope));
        }
        if B::SLOPE_FROM_OTHER {
            let (g, z) = (ctx.upstream, F::zero()); // `z`: arguments the slope ignores
            return if wrt == 0 {
                map2_into(out, g, b, |g, b| chain(g, self.0.d_lhs(z, b, z)))
            } else {
                map2_into(out, g, a, |g, a| chain(g, self.0.d_rhs(a, z, z)))
            };
        }
        let (g, y) = (ctx.upstream, ctx.output);
        if wrt == 0 {
            map4_into(out, [g, a, b, y], |g, a, b, y| {
                chain(g, self.0.d_lhs(a, b, y))
            })
        } else {
            map4_into(out, [g, a, b, y], |g, a, b, y| {
                chain(g, self.0.d_rhs(a, b, y))
            })
        }
    }
    fn backward_pair_in_place(
        &self,
        inputs: &[&Array2<F>],
        input_shapes: [Shape; 2],
        output: &Array2<F>,
        fresh: usize,
        grad: &mut Array2<F>,
        total: &mut Array2<F>,
    ) -> bool {
        // The same-shape loops of `backward_accumulate` (into `total`) and
        // `backward` (in place on the upstream gradient) fused: the same
        // bits. Same shapes only (a broadcast input's gradient is a
        // reduction): then both gradients have the output's shape.
        let [a_shape, b_shape] = input_shapes;
        if a_shape != b_shape || a_shape.dim() != grad.dim() || total.dim() != grad.dim() {
            return false;
        }
        let z = F::zero(); // arguments a slope ignores
        if B::CONSTANT_SLOPES {
            // Reads only the upstream gradient (the consuming sweep may
            // have freed the operands).
            let (s0, s1) = (self.constant_slope(0), self.constant_slope(1));
            let (to_fresh, to_other) = if fresh == 0 { (s0, s1) } else { (s1, s0) };
            let f = |g, []: [F; 0]| chain(g, to_fresh);
            let h = |g, []: [F; 0]| chain(g, to_other);
            return update_and_acc(grad, total, [], f, h);
        }
        let (a, b) = (inputs[0], inputs[1]);
        if B::SLOPE_FROM_OTHER {
            // ∂/∂a reads b, ∂/∂b reads a.
            let lhs = |g, [_, b]: [F; 2]| chain(g, self.0.d_lhs(z, b, z));
            let rhs = |g, [a, _]: [F; 2]| chain(g, self.0.d_rhs(a, z, z));
            return if fresh == 0 {
                update_and_acc(grad, total, [a, b], lhs, rhs)
            } else {
                update_and_acc(grad, total, [a, b], rhs, lhs)
            };
        }
        let lhs = |g, [a, b, y]: [F; 3]| chain(g, self.0.d_lhs(a, b, y));
        let rhs = |g, [a, b, y]: [F; 3]| chain(g, self.0.d_rhs(a, b, y));
        if fresh == 0 {
            update_and_acc(grad, total, [a, b, output], lhs, rhs)
        } else {
            update_and_acc(grad, total, [a, b, output], rhs, lhs)
        }
    }
    fn backward_accumulate(&self, ctx: &BackwardCtx<'_, F>, wrt: usize, total: &mut Array2<F>) {
        let (a, b) = (ctx.inputs[0], ctx.inputs[1]);
        if !same_shapes::<F, B>(ctx, a, b) {
            // A broadcast input's gradient is a reduction; no fusion to gain.
            return add_into(total, &self.backward(ctx, wrt));
        }
        if B::CONSTANT_SLOPES {
            let slope = self.constant_slope(wrt);
            return acc1(total, ctx.upstream, |g| chain(g, slope));
        }
        if B::SLOPE_FROM_OTHER {
            let (g, z) = (ctx.upstream, F::zero()); // `z`: arguments the slope ignores
            return if wrt == 0 {
                acc2(total, g, b, |g, b| chain(g, self.0.d_lhs(z, b, z)))
            } else {
                acc2(total, g, a, |g, a| chain(g, self.0.d_rhs(a, z, z)))
            };
        }
        // One loop per input rather than testing `wrt` per element, so the
        // loop body is branch-free and vectorizes.
        let (g, y) = (ctx.upstream, ctx.output);
        if wrt == 0 {
            acc4(total, g, a, b, y, |g, a, b, y| {
                chain(g, self.0.d_lhs(a, b, y))
            });
        } else {
            acc4(total, g, a, b, y, |g, a, b, y| {
                chain(g, self.0.d_rhs(a, b, y))
            });
        }
    }
    /// Nothing for constant slopes (add, sub: shapes only, read through
    /// [`BackwardCtx::input_shape`]); everything otherwise (the broadcast
    /// path reads both operands and the output).
    fn backward_reads(&self, _wrt: usize) -> Reads {
        if B::CONSTANT_SLOPES {
            Reads::NOTHING
        } else {
            Reads::ALL
        }
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, wrt: usize) -> Option<Var<'t, F>> {
        let (a, b) = (ctx.inputs[0], ctx.inputs[1]);
        let full = self.0.grad_graph(ctx.upstream, a, b, ctx.output, wrt)?;
        Some(sum_to_shape_graph(full, ctx.inputs[wrt].shape()))
    }
    fn decisions(&self, inputs: &[&Array2<F>], output: &Array2<F>) -> Option<Vec<Branch>> {
        let out = Shape::of(output);
        B::BRANCHING.then(|| {
            Zip::from(broadcast_view(inputs[0], out))
                .and(broadcast_view(inputs[1], out))
                .map_collect(|&a, &b| self.0.branch(a, b))
                .into_iter()
                .collect()
        })
    }
}
