//! `sum_squares`: the squared Frobenius norm `Σ x²`, fused.
//!
//! * Forward: `y = Σ_ij x[i,j]²` (1×1).
//! * Local derivative: `∂y/∂x[i,j] = 2·x[i,j]`.
//! * Smooth: no kinks.
//!
//! `x.square().sum()` computes the same value but makes two full-size
//! temporaries forward and two backward; L2 regularization (½λ‖W‖²) runs
//! this on every weight matrix every step, and the `mlp_step` benchmark
//! showed those passes to be a visible share of a training step. With two
//! or more engine threads ([`crate::set_threads`]) both passes are split
//! in two (`threads::par_sum`, `par_zip`).

use ndarray::Array2;

use crate::kernels::{acc1, lane_sum, map1, scratch};
use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::threads::{par_sum, par_zip};
use crate::{Float, Result, Shape, Var};

pub(crate) struct SumSquares;

impl<F: Float> Op<F> for SumSquares {
    fn name(&self) -> &'static str {
        "sum_squares"
    }
    fn output_shape(&self, _inputs: &[Shape]) -> Result<Shape> {
        Ok(Shape::new(1, 1))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let x = inputs[0];
        let total = match x.as_slice_memory_order() {
            Some(values) => par_sum(values, |v| lane_sum(v, |x| x * x)),
            None => x.iter().fold(F::zero(), |acc, &x| acc + x * x),
        };
        let mut y = scratch((1, 1));
        y[[0, 0]] = total;
        y
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize) -> Array2<F> {
        let twice_g = ctx.upstream[[0, 0]] + ctx.upstream[[0, 0]];
        if twice_g == F::zero() {
            // Exactly 0 even for a NaN or ±∞ entry (invariant 5).
            return Array2::zeros(ctx.input_dim(0));
        }
        map1(ctx.inputs[0], |x| twice_g * x)
    }
    /// Adds `2g·x` straight into the total: when L2 is recorded before the
    /// forward pass, or a matmul wrote the weight gradient first, this saves
    /// a full-size temporary and a pass over it.
    fn backward_accumulate(&self, ctx: &BackwardCtx<'_, F>, _wrt: usize, total: &mut Array2<F>) {
        let twice_g = ctx.upstream[[0, 0]] + ctx.upstream[[0, 0]];
        if twice_g == F::zero() {
            return; // adds exactly 0, even for a NaN or ±∞ entry (invariant 5)
        }
        let x = ctx.inputs[0];
        match (total.as_slice_mut(), x.as_slice()) {
            (Some(t), Some(x)) => par_zip(t, x, |t, x| {
                for (t, &x) in t.iter_mut().zip(x) {
                    *t += twice_g * x;
                }
            }),
            _ => acc1(total, x, |x| twice_g * x),
        }
    }
    /// The input (`2g·x`), not the output.
    fn backward_reads(&self, _wrt: usize) -> Reads {
        Reads::input(0)
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, _wrt: usize) -> Option<Var<'t, F>> {
        let x = ctx.inputs[0];
        Some(x * (ctx.upstream + ctx.upstream))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `Σ x²` over all entries, as a 1×1 node (the squared L2 norm).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let w = tape.leaf(array![[1.0, -2.0], [3.0, 0.5]]);
    /// let r = w.sum_squares();
    /// assert_eq!(r.item(), 14.25);
    /// assert_eq!(r.backward()[w], array![[2.0, -4.0], [6.0, 1.0]]);
    /// ```
    #[track_caller]
    pub fn sum_squares(self) -> Var<'t, F> {
        self.record_or_panic(SumSquares, &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "sum_squares",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::None,
    apply: |x| x[0].sum_squares(),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, -2.0, 0.0], [0.5, 3.0, -1.0]]);
        let y = x.sum_squares();
        assert_eq!(y.item(), 1.0 + 4.0 + 0.25 + 9.0 + 1.0);
        let g = y.backward_with(array![[-1.5]]);
        assert_eq!(g[x], array![[-3.0, 6.0, 0.0], [-1.5, -9.0, 3.0]]);
    }

    #[test]
    fn accumulates_in_place_beside_another_consumer() {
        // y = Σx² + 3·Σx²; ∂y/∂x = 2x·(1 + 3), times the upstream −1.5.
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, -2.0], [0.5, 4.0]]);
        let y = x.sum_squares() + x.sum_squares() * 3.0;
        let g = y.backward_with(array![[-1.5]]);
        assert_eq!(g[x], array![[-12.0, 24.0], [-6.0, -48.0]]);
    }
}
