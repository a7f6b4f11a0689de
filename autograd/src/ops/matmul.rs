//! `matmul`: the matrix product `A·B`.
//!
//! * Forward: `Y = A·B` for `A` of shape m×k and `B` of shape k×n.
//! * Local derivatives (as vector–Jacobian products with upstream `G`):
//!   `∂L/∂A = G·Bᵀ` (m×k) and `∂L/∂B = Aᵀ·G` (k×n). The transposes are
//!   stride views, so no matrix is copied.
//! * Smooth: no kinks.

use ndarray::Array2;

use crate::gemm::{Factor, product_into};
use crate::kernels::scratch;
use crate::op::{BackwardCtx, GraphCtx, Op, Reads};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct MatMul;

/// `a · b` into a cached buffer ([`crate::pool`]): a training step asks for
/// the same product shapes every time. The buffer holds stale values, not
/// zeros: without `accumulate` both GEMM backends write C without reading
/// it ([`crate::gemm::product_into`]; matrixmultiply's `sgemm`/`dgemm`: "if
/// β is zero, then C does not need to be initialized", faer's
/// `Accum::Replace`), so a stale NaN cannot leak and zeroing would be a
/// wasted pass over the output.
fn product<F: Float>(a: Factor<'_, F>, b: Factor<'_, F>) -> Array2<F> {
    let mut out = scratch((a.dim().0, b.dim().1));
    product_into(a, b, &mut out, false);
    out
}

impl<F: Float> Op<F> for MatMul {
    fn name(&self) -> &'static str {
        "matmul"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let (a, b) = (inputs[0], inputs[1]);
        if a.cols != b.rows {
            return Err(Error::shape(
                "matmul",
                format!(
                    "lhs is {a}, rhs is {b}; lhs columns ({}) must equal rhs rows ({})",
                    a.cols, b.rows
                ),
            ));
        }
        Ok(Shape::new(a.rows, b.cols))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        product(Factor::plain(inputs[0]), Factor::plain(inputs[1]))
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, wrt: usize) -> Array2<F> {
        let (a, b, g) = (ctx.inputs[0], ctx.inputs[1], ctx.upstream);
        if wrt == 0 {
            product(Factor::plain(g), Factor::transposed(b))
        } else {
            product(Factor::transposed(a), Factor::plain(g))
        }
    }
    fn backward_accumulate(&self, ctx: &BackwardCtx<'_, F>, wrt: usize, total: &mut Array2<F>) {
        let (a, b, g) = (ctx.inputs[0], ctx.inputs[1], ctx.upstream);
        if wrt == 0 {
            product_into(Factor::plain(g), Factor::transposed(b), total, true);
        } else {
            product_into(Factor::transposed(a), Factor::plain(g), total, true);
        }
    }
    fn prefers_fresh_gradient(&self) -> bool {
        true
    }
    /// The other factor: `∂/∂A = G·Bᵀ` reads `B`, `∂/∂B = Aᵀ·G` reads `A`.
    fn backward_reads(&self, wrt: usize) -> Reads {
        Reads::input(1 - wrt)
    }
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, wrt: usize) -> Option<Var<'t, F>> {
        let (a, b, g) = (ctx.inputs[0], ctx.inputs[1], ctx.upstream);
        Some(if wrt == 0 {
            g.matmul(b.transpose())
        } else {
            a.transpose().matmul(g)
        })
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The matrix product `self · rhs`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 2.0]]);          // 1×2
    /// let w = tape.leaf(array![[3.0], [4.0]]);        // 2×1
    /// let y = x.matmul(w);
    /// assert_eq!(y.item(), 11.0);
    /// let g = y.backward_with(array![[2.0]]);
    /// assert_eq!(g[w], array![[2.0], [4.0]]);         // xᵀ · 2
    /// ```
    ///
    /// # Panics
    /// If the inner dimensions differ (see [`Var::try_matmul`]).
    #[track_caller]
    pub fn matmul(self, rhs: Var<'t, F>) -> Var<'t, F> {
        self.record_or_panic(MatMul, &[self, rhs])
    }

    /// [`Var::matmul`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_matmul(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        self.record(MatMul, &[self, rhs])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "matmul",
    domains: &[Domain::Real, Domain::Real],
    shapes: ShapeRule::MatMul,
    kink: Kink::None,
    apply: |x| x[0].matmul(x[1]),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, 2.0, 0.0], [-1.0, 3.0, 1.0]]); // 2×3
        let b = tape.leaf(array![[2.0, 0.0], [1.0, -1.0], [0.5, 4.0]]); // 3×2
        let y = a.matmul(b);
        assert_eq!(y.value(), array![[4.0, -2.0], [1.5, 1.0]]);
        let g = y.backward_with(array![[1.0, -1.0], [2.0, 0.5]]);
        // G·Bᵀ: row0 = [1·2 + −1·0, 1·1 + −1·−1, 1·0.5 + −1·4] = [2, 2, −3.5]
        //       row1 = [2·2 + 0.5·0, 2·1 + 0.5·−1, 2·0.5 + 0.5·4] = [4, 1.5, 3]
        assert_eq!(g[a], array![[2.0, 2.0, -3.5], [4.0, 1.5, 3.0]]);
        // Aᵀ·G: row0 = [1·1 + −1·2, 1·−1 + −1·0.5] = [−1, −1.5]
        //       row1 = [2·1 + 3·2, 2·−1 + 3·0.5] = [8, −0.5]
        //       row2 = [0·1 + 1·2, 0·−1 + 1·0.5] = [2, 0.5]
        assert_eq!(g[b], array![[-1.0, -1.5], [8.0, -0.5], [2.0, 0.5]]);
    }

    #[test]
    fn no_gradient_for_constants() {
        let tape = Tape::new();
        let x = tape.constant(array![[1.0, 2.0]]);
        let w = tape.leaf(array![[3.0], [4.0]]);
        let g = x.matmul(w).sum().backward();
        assert!(g.get(x).is_none());
        assert_eq!(g[w], array![[1.0], [2.0]]);
    }

    #[test]
    fn mismatch_names_both_shapes() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((4, 5)));
        assert_eq!(
            a.try_matmul(b).unwrap_err().to_string(),
            "matmul: lhs is 2×3, rhs is 4×5; lhs columns (3) must equal rhs rows (4)"
        );
    }
}

#[cfg(test)]
mod empty_inner_dimension {
    use crate::Tape;
    use ndarray::{Array2, array};

    /// An m×0 by 0×n product is all zeros, even when its output buffer
    /// comes from the cache still holding an earlier product's values.
    #[test]
    fn is_zero_even_with_a_stale_cached_buffer() {
        let mut tape = Tape::<f64>::new();
        {
            let a = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
            let b = tape.leaf(array![[5.0, 6.0, 7.0], [8.0, 9.0, 1.0]]);
            let _ = a.matmul(b); // leaves a 2×3 buffer of non-zeros behind
        }
        tape.reset();
        let a = tape.leaf(Array2::zeros((2, 0)));
        let b = tape.leaf(Array2::zeros((0, 3)));
        let y = a.matmul(b);
        assert_eq!(y.value(), Array2::<f64>::zeros((2, 3)));
    }
}
