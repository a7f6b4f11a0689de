//! What `max` and `min` share: a reduction whose value is one of the lane's
//! entries, so backward routes the upstream gradient to that entry (split
//! `1/k` among `k` tied entries, [`ties::tie_share`]) and the decision log
//! records which entry won ([`ties::max_branch`]). Each op's own file gives
//! only how a lane picks its winner ([`Extreme`]), its `Var` methods, its
//! registry entries and its tests.

use std::marker::PhantomData;

use ndarray::{Array2, ArrayView1, Zip};

use crate::higher_order::times_mask;
use crate::op::{BackwardCtx, GraphCtx, Op};
use crate::ops::elementwise::chain;
use crate::ops::reduce::{Over, fold_lanes, nonempty, unfold_lanes, zip_lanes};
use crate::ties::{self, Branch};
use crate::{Float, Result, Shape, Var};

/// How a lane picks its winning entry: the largest (`max`) or the smallest
/// (`min`). A NaN entry must win, so the result is NaN.
pub(crate) trait Extreme: 'static {
    /// The op's name (`"max"`, `"min"`).
    const NAME: &'static str;
    /// The lane's winning value.
    fn lane<F: Float>(lane: ArrayView1<'_, F>) -> F;
}

/// The reduction over `Over` that keeps each lane's [`Extreme`] entry.
pub(crate) struct Extremum<E>(pub Over, PhantomData<E>);

impl<E> Extremum<E> {
    pub(crate) fn new(over: Over) -> Self {
        Extremum(over, PhantomData)
    }
}

/// The index of the first entry of `lane` equal to its winning value `m`,
/// and how many entries equal it ([`ties::is_max`]: the NaN entries, for a
/// NaN winner).
fn winners<F: Float>(lane: ArrayView1<'_, F>, m: F) -> (usize, usize) {
    let mut first = None;
    let mut tied = 0;
    for (j, &x) in lane.iter().enumerate() {
        if ties::is_max(x, m) {
            first.get_or_insert(j);
            tied += 1;
        }
    }
    (first.unwrap_or(0), tied)
}

impl<F: Float, E: Extreme> Op<F> for Extremum<E> {
    fn name(&self) -> &'static str {
        E::NAME
    }
    fn label(&self) -> String {
        format!("{}[{}]", E::NAME, self.0)
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        nonempty(E::NAME, inputs[0])?;
        Ok(self.0.reduced(inputs[0]))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        fold_lanes(self.0, inputs[0], E::lane)
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        // The output is one of the lane's entries, so `x == m` is exact.
        unfold_lanes(
            self.0,
            ctx.inputs[0],
            ctx.output,
            ctx.upstream,
            |x, m, g, grad| {
                let tied = x.iter().filter(|&&x| ties::is_max(x, m)).count();
                let share = chain(g, ties::max_share(m, tied));
                Zip::from(grad).and(x).for_each(|d, &x| {
                    if ties::is_max(x, m) {
                        *d = share;
                    }
                });
            },
        )
    }
    /// The winners' shares are frozen into a constant mask (zero second
    /// derivative away from ties); the result stays linear, hence
    /// differentiable, in the upstream gradient.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let (x, y) = (ctx.inputs[0], ctx.output);
        let ones = Array2::ones(y.shape().dim());
        let shares = x.with_value(|x| {
            y.with_value(|y| {
                self.backward(
                    &BackwardCtx {
                        inputs: &[x],
                        output: y,
                        upstream: &ones,
                        input_shapes: None,
                    },
                    0,
                )
            })
        });
        Some(times_mask(ctx.upstream, shares))
    }
    fn decisions(&self, inputs: &[&Array2<F>], output: &Array2<F>) -> Option<Vec<Branch>> {
        Some(zip_lanes(self.0, inputs[0], output, |x, m| {
            let (first, tied) = winners(x, m);
            ties::max_branch(first, tied)
        }))
    }
}
