//! The machinery of elementwise ops of one matrix, so each op file states
//! only its formula and local derivative: [`UnaryFn`] is `y = f(x)`;
//! [`Unary`] makes it an [`Op`] whose backward is `upstream ⊙ f'(x)`
//! (exactly zero where the upstream gradient is zero, even if `f'` is
//! infinite there, so masked branches never leak NaN).
//!
//! Each of `Unary`'s loops is a [`Loop`] value, so that an op whose
//! function is costly per element (`UnaryFn::COSTLY_VALUE`, a `vmath`
//! polynomial) runs it compiled for AVX2 ([`crate::wide`]) with the same
//! bits: `tanh` over a 4×4 matrix, the W1 benchmark's, took 150 → 84
//! instructions per element in f64.

use ndarray::{Array2, Zip};

use crate::kernels::{
    acc1, acc2, acc3, map1, map1_into, map2, map2_into, map3, map3_into, update1, update2,
};
use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::ops::elementwise::chain;
use crate::ties::Branch;
use crate::wide::{Loop, wide_if};
use crate::{Float, Result, Shape, Var};

/// An elementwise function of one matrix.
pub(crate) trait UnaryFn<F: Float>: 'static + Sync {
    /// The op's name.
    const NAME: &'static str;
    /// True for ops with a kink (they override [`UnaryFn::branch`]).
    const BRANCHING: bool = false;
    /// True when `slope` reads only the output `y`, ignoring `x` (exp,
    /// tanh, sigmoid): backward then streams two matrices instead of three
    /// (W1 benchmark: 98.0M → 97.6M instructions).
    const SLOPE_FROM_OUTPUT: bool = false;
    /// True when `slope` reads only the input `x`, ignoring `y` (square,
    /// relu): backward then never reads the output, which
    /// [`Tape::backward_and_reset`](crate::Tape::backward_and_reset) can
    /// then free early.
    const SLOPE_FROM_INPUT: bool = false;
    /// True when `slope` is a constant, ignoring both (neg, mul_scalar):
    /// backward reads no value at all.
    const CONSTANT_SLOPE: bool = false;
    /// True when `value` costs tens of instructions per element (a `vmath`
    /// polynomial: exp, ln, tanh, sigmoid): the forward loops then run
    /// compiled for AVX2 when the CPU has it, on matrices of any size. A
    /// cheap function's loop is not worth the call into the wide version
    /// on small matrices (W1's `h ⊙ w` backward, 4×4: 3.5M → 4.5M
    /// instructions over 20 runs).
    const COSTLY_VALUE: bool = false;
    /// [`UnaryFn::COSTLY_VALUE`] for `slope`, for the backward loops
    /// (softplus, whose slope is a sigmoid).
    const COSTLY_SLOPE: bool = false;
    /// `f(x)`.
    fn value(&self, x: F) -> F;
    /// `f'(x)`; `y = f(x)` is passed for ops whose derivative is cheapest
    /// from their output (exp, tanh, sigmoid).
    fn slope(&self, x: F, y: F) -> F;
    /// The branch `x` takes (only for `BRANCHING` ops).
    fn branch(&self, _x: F) -> Branch {
        Branch::POSITIVE
    }
    /// Display label with parameters.
    fn label(&self) -> String {
        Self::NAME.to_string()
    }
    /// `upstream ⊙ f'(x)` built from tape ops (for higher-order
    /// gradients); `None` if unsupported.
    fn grad_graph<'t>(
        &self,
        _upstream: Var<'t, F>,
        _x: Var<'t, F>,
        _y: Var<'t, F>,
    ) -> Option<Var<'t, F>> {
        None
    }
}

/// Adapts a [`UnaryFn`] to [`Op`].
pub(crate) struct Unary<U>(pub U);

impl<F: Float, U: UnaryFn<F>> Op<F> for Unary<U> {
    fn name(&self) -> &'static str {
        U::NAME
    }
    fn label(&self) -> String {
        self.0.label()
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        wide_if(U::COSTLY_VALUE, Forward(&self.0, inputs[0]))
    }
    fn forward_into(&mut self, inputs: &[&Array2<F>], out: &mut Array2<F>) -> bool {
        wide_if(U::COSTLY_VALUE, ForwardInto(&self.0, inputs[0], out))
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        wide_if(U::COSTLY_SLOPE, Backward(&self.0, ctx))
    }
    fn backward_into(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize, out: &mut Array2<F>) -> bool {
        wide_if(U::COSTLY_SLOPE, BackwardInto(&self.0, ctx, out))
    }
    fn backward_accumulate(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize, total: &mut Array2<F>) {
        wide_if(U::COSTLY_SLOPE, BackwardAccumulate(&self.0, ctx, total));
    }
    /// `grad ← grad ⊙ f'(x)` in place: the same expression per element as
    /// `backward`, so the same bits.
    fn backward_in_place(
        &self,
        inputs: &[&Array2<F>],
        output: &Array2<F>,
        _wrt: usize,
        grad: &mut Array2<F>,
    ) -> bool {
        let step = BackwardInPlace(&self.0, inputs[0], output, grad);
        wide_if(U::COSTLY_SLOPE, step)
    }
    fn backward_reads(&self, _wrt: usize) -> Reads {
        if U::CONSTANT_SLOPE {
            Reads::NOTHING
        } else if U::SLOPE_FROM_INPUT {
            Reads::input(0)
        } else if U::SLOPE_FROM_OUTPUT {
            Reads::OUTPUT
        } else {
            Reads::ALL
        }
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        self.0.grad_graph(ctx.upstream, ctx.inputs[0], ctx.output)
    }
    fn decisions(&self, inputs: &[&Array2<F>], _output: &Array2<F>) -> Option<Vec<Branch>> {
        U::BRANCHING.then(|| inputs[0].iter().map(|&x| self.0.branch(x)).collect())
    }
}

// The loops, one `Loop` per `Op` method: `f` the function, then the
// method's arguments.

/// `f(x)` into a new matrix.
struct Forward<'a, U, F: Float>(&'a U, &'a Array2<F>);

impl<F: Float, U: UnaryFn<F>> Loop for Forward<'_, U, F> {
    type Output = Array2<F>;
    #[inline(always)]
    fn run(self) -> Array2<F> {
        let Forward(f, x) = self;
        map1(x, |x| f.value(x))
    }
}

/// `out ← f(x)`; false, writing nothing, when `out` does not fit.
struct ForwardInto<'a, U, F: Float>(&'a U, &'a Array2<F>, &'a mut Array2<F>);

impl<F: Float, U: UnaryFn<F>> Loop for ForwardInto<'_, U, F> {
    type Output = bool;
    #[inline(always)]
    fn run(self) -> bool {
        let ForwardInto(f, x, out) = self;
        map1_into(out, x, |x| f.value(x))
    }
}

/// `upstream ⊙ f'(x)` into a new matrix, reading only the values the
/// slope needs.
struct Backward<'a, 'c, U, F: Float>(&'a U, &'a BackwardCtx<'c, F>);

impl<F: Float, U: UnaryFn<F>> Loop for Backward<'_, '_, U, F> {
    type Output = Array2<F>;
    #[inline(always)]
    fn run(self) -> Array2<F> {
        let Backward(f, ctx) = self;
        // `z`: the arguments the slope ignores.
        let z = F::zero();
        if U::CONSTANT_SLOPE {
            return map1(ctx.upstream, |g| chain(g, f.slope(z, z)));
        }
        if U::SLOPE_FROM_INPUT {
            return map2(ctx.upstream, ctx.inputs[0], |g, x| chain(g, f.slope(x, z)));
        }
        if U::SLOPE_FROM_OUTPUT {
            return map2(ctx.upstream, ctx.output, |g, y| chain(g, f.slope(z, y)));
        }
        map3(ctx.upstream, ctx.inputs[0], ctx.output, |g, x, y| {
            chain(g, f.slope(x, y))
        })
    }
}

/// [`Backward`]'s loops writing into `out`: the same bits; false, writing
/// nothing, when `out` does not fit.
struct BackwardInto<'a, 'c, U, F: Float>(&'a U, &'a BackwardCtx<'c, F>, &'a mut Array2<F>);

impl<F: Float, U: UnaryFn<F>> Loop for BackwardInto<'_, '_, U, F> {
    type Output = bool;
    #[inline(always)]
    fn run(self) -> bool {
        let BackwardInto(f, ctx, out) = self;
        let z = F::zero();
        if U::CONSTANT_SLOPE {
            return map1_into(out, ctx.upstream, |g| chain(g, f.slope(z, z)));
        }
        if U::SLOPE_FROM_INPUT {
            return map2_into(out, ctx.upstream, ctx.inputs[0], |g, x| {
                chain(g, f.slope(x, z))
            });
        }
        if U::SLOPE_FROM_OUTPUT {
            return map2_into(out, ctx.upstream, ctx.output, |g, y| {
                chain(g, f.slope(z, y))
            });
        }
        map3_into(out, ctx.upstream, ctx.inputs[0], ctx.output, |g, x, y| {
            chain(g, f.slope(x, y))
        })
    }
}

/// `total += upstream ⊙ f'(x)`.
struct BackwardAccumulate<'a, 'c, U, F: Float>(&'a U, &'a BackwardCtx<'c, F>, &'a mut Array2<F>);

impl<F: Float, U: UnaryFn<F>> Loop for BackwardAccumulate<'_, '_, U, F> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        let BackwardAccumulate(f, ctx, total) = self;
        let z = F::zero();
        if U::CONSTANT_SLOPE {
            return acc1(total, ctx.upstream, |g| chain(g, f.slope(z, z)));
        }
        if U::SLOPE_FROM_INPUT {
            return acc2(total, ctx.upstream, ctx.inputs[0], |g, x| {
                chain(g, f.slope(x, z))
            });
        }
        if U::SLOPE_FROM_OUTPUT {
            return acc2(total, ctx.upstream, ctx.output, |g, y| {
                chain(g, f.slope(z, y))
            });
        }
        acc3(total, ctx.upstream, ctx.inputs[0], ctx.output, |g, x, y| {
            chain(g, f.slope(x, y))
        });
    }
}

/// `grad ← grad ⊙ f'(x)` in place, `x` the input and `y` the output;
/// false, changing nothing, when the operand read does not fit (the
/// other may be a value the consuming sweep freed).
struct BackwardInPlace<'a, U, F: Float>(&'a U, &'a Array2<F>, &'a Array2<F>, &'a mut Array2<F>);

impl<F: Float, U: UnaryFn<F>> Loop for BackwardInPlace<'_, U, F> {
    type Output = bool;
    #[inline(always)]
    fn run(self) -> bool {
        let BackwardInPlace(f, x, y, grad) = self;
        let z = F::zero();
        if U::CONSTANT_SLOPE {
            update1(grad, |g| chain(g, f.slope(z, z)));
            return true;
        }
        if U::SLOPE_FROM_INPUT {
            if grad.dim() != x.dim() {
                return false;
            }
            update2(grad, x, |g, x| chain(g, f.slope(x, z)));
            return true;
        }
        if grad.dim() != y.dim() {
            return false;
        }
        if U::SLOPE_FROM_OUTPUT {
            update2(grad, y, |g, y| chain(g, f.slope(z, y)));
        } else {
            Zip::from(grad)
                .and(x)
                .and(y)
                .for_each(|g, &x, &y| *g = chain(*g, f.slope(x, y)));
        }
        true
    }
}
