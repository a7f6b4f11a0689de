//! `where_(mask, a, b)`: `a` where the mask is 1, `b` where it is 0, with
//! 2-D broadcasting of all three.
//!
//! * Forward: `y = m ⊙ a + (1 − m) ⊙ b` for a 0/1 mask `m`, computed as a
//!   selection (so an ∞ in the unselected side does not leak as `0 · ∞`).
//! * Local derivatives: `∂y/∂a = m`, `∂y/∂b = 1 − m`, each summed over the
//!   axes its input was stretched along. The mask is data: it gets no
//!   gradient and must not require one.
//! * Broadcasting: the output has the shape all three broadcast to, e.g. a
//!   1×n mask selects whole columns, an m×1 mask whole rows, and `b` may be
//!   a 1×1 fill value.
//! * Mask values: 0 or 1 (a comparison's output, or a `tape.constant`).
//!   A NaN entry (a comparison of a NaN) gives NaN in the output and a NaN
//!   gradient to both sides there; any other value is an argument error
//!   naming the first offending entry.
//! * Linear in `a` and `b`: no kinks, and the second derivative is 0.

use ndarray::{Array2, Zip};

use crate::higher_order::{sum_to_shape_graph, times_mask};
use crate::op::{BackwardCtx, GraphCtx, Op};
use crate::ops::elementwise::chain;
use crate::shape::{broadcast_shapes, broadcast_view, sum_to_shape};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Error, Float, Result, Shape, Var};

pub(crate) struct Where;

/// The share of the upstream gradient input `wrt` (1 = `a`, 2 = `b`)
/// receives where the mask is `m`: `m` for `a`, `1 − m` for `b` (NaN for a
/// NaN mask).
fn share<F: Float>(m: F, wrt: usize) -> F {
    if wrt == 1 { m } else { F::one() - m }
}

impl<F: Float> Op<F> for Where {
    fn name(&self) -> &'static str {
        "where"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        let (m, a, b) = (inputs[0], inputs[1], inputs[2]);
        broadcast_shapes("where", m, a)
            .and_then(|ma| broadcast_shapes("where", ma, b))
            .map_err(|_| {
                Error::shape(
                    "where",
                    format!("mask is {m}, a is {a}, b is {b}; they do not broadcast"),
                )
            })
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        let [m, a, b] = [0, 1, 2].map(|i| Shape::of(inputs[i]));
        let out = Op::<F>::output_shape(self, &[m, a, b]).expect("validated when recorded");
        Zip::from(broadcast_view(inputs[0], out))
            .and(broadcast_view(inputs[1], out))
            .and(broadcast_view(inputs[2], out))
            .map_collect(|&m, &a, &b| {
                if m == F::one() {
                    a
                } else if m == F::zero() {
                    b
                } else {
                    F::nan()
                }
            })
    }
    fn backward(&self, ctx: &BackwardCtx<'_, F>, wrt: usize) -> Array2<F> {
        if wrt == 0 {
            return Array2::zeros(ctx.inputs[0].raw_dim());
        }
        let out = Shape::of(ctx.output);
        let full = Zip::from(ctx.upstream)
            .and(broadcast_view(ctx.inputs[0], out))
            .map_collect(|&g, &m| chain(g, share(m, wrt)));
        sum_to_shape(full, Shape::of(ctx.inputs[wrt]))
    }
    /// `g ⊙ m` (or `g ⊙ (1 − m)`) with the mask as a constant, summed to
    /// the input's shape.
    fn backward_graph<'t>(&self, ctx: &GraphCtx<'_, 't, F>, wrt: usize) -> Option<Var<'t, F>> {
        let tape = ctx.upstream.tape();
        let mask = ctx.inputs[0];
        if wrt == 0 {
            return Some(tape.constant(Array2::zeros(mask.shape().dim())));
        }
        let out = ctx.output.shape();
        let shares = mask.with_value(|m| broadcast_view(m, out).mapv(|m| share(m, wrt)));
        let full = times_mask(ctx.upstream, shares);
        Some(sum_to_shape_graph(full, ctx.inputs[wrt].shape()))
    }
}

/// The mask must be constant data holding only 0, 1 (or NaN).
fn check_mask<F: Float>(mask: Var<'_, F>) -> Result<()> {
    if mask.requires_grad() {
        return Err(Error::argument(
            "where",
            "the mask requires a gradient; use a constant 0/1 mask \
             (a comparison such as `x.gt(y)`, or `tape.constant`)",
        ));
    }
    mask.with_value(|m| {
        let bad = m
            .indexed_iter()
            .find(|&(_, &v)| v != F::zero() && v != F::one() && !v.is_nan());
        match bad {
            Some(((r, c), v)) => Err(Error::argument(
                "where",
                format!("mask entry {v} at [{r}, {c}] is not 0 or 1"),
            )),
            None => Ok(()),
        }
    })
}

impl<'t, F: Float> Var<'t, F> {
    /// `a` where `mask` is 1 and `b` where it is 0 (PyTorch's
    /// `torch.where`), with 2-D broadcasting of all three; the gradient
    /// flows to `a` where the mask is 1 and to `b` where it is 0. The mask
    /// is a constant 0/1 node, typically a comparison.
    ///
    /// ```
    /// use autograd::{Tape, Var};
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, 0.5, 3.0]]);
    /// let cap = tape.leaf(array![[1.0]]);
    /// // x where x ≤ 1, else the 1×1 cap (broadcast).
    /// let y = Var::where_(x.le(cap), x, cap);
    /// assert_eq!(y.value(), array![[-2.0, 0.5, 1.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0, 4.0]]);
    /// assert_eq!(g[x], array![[1.0, 2.0, 0.0]]);
    /// assert_eq!(g[cap], array![[4.0]]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast, the mask holds a value other than 0,
    /// 1 or NaN, or the mask requires a gradient (see [`Var::try_where`]).
    #[track_caller]
    pub fn where_(mask: Var<'t, F>, a: Var<'t, F>, b: Var<'t, F>) -> Var<'t, F> {
        match Var::try_where(mask, a, b) {
            Ok(y) => y,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::where_`], returning a shape error for shapes that do not
    /// broadcast and an argument error for a mask that is not 0/1 or
    /// requires a gradient.
    ///
    /// ```
    /// use autograd::{Tape, Var};
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let a = tape.leaf(array![[1.0, 2.0]]);
    /// let mask = tape.constant(array![[1.0, 0.5]]);
    /// assert_eq!(
    ///     Var::try_where(mask, a, a).unwrap_err().to_string(),
    ///     "where: mask entry 0.5 at [0, 1] is not 0 or 1"
    /// );
    /// ```
    #[track_caller]
    pub fn try_where(mask: Var<'t, F>, a: Var<'t, F>, b: Var<'t, F>) -> Result<Var<'t, F>> {
        if !std::ptr::eq(mask.tape(), a.tape()) {
            return Err(Error::ForeignNode { context: "where" });
        }
        check_mask(mask)?;
        a.record(Where, &[mask, a, b])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "where",
    domains: &[Domain::Real, Domain::Real],
    shapes: ShapeRule::Broadcast,
    kink: Kink::None,
    // A fixed checkerboard mask at the broadcast shape, so both sides get
    // some of the gradient whatever the generated shapes. A NaN on the side
    // the mask does not select is not used, so it does not reach the output
    // (as in `torch.where`); the registry's NaN suite finds that dependence
    // by perturbation and expects exactly that.
    apply: |x| {
        let (a, b) = (x[0], x[1]);
        let out = broadcast_shapes("where", a.shape(), b.shape()).expect("generated to broadcast");
        let board = Array2::from_shape_fn(out.dim(), |(i, j)| ((i + j) % 2) as f64);
        Var::where_(a.tape().constant(board), a, b)
    },
}];

#[cfg(test)]
mod tests {
    use crate::{Error, Tape, Var};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let b = tape.leaf(array![[-1.0, -2.0], [-3.0, -4.0]]);
        let m = tape.constant(array![[1.0, 0.0], [0.0, 1.0]]);
        let y = Var::where_(m, a, b);
        assert_eq!(y.value(), array![[1.0, -2.0], [-3.0, 4.0]]);
        let g = y.backward_with(array![[0.5, -1.0], [2.0, 3.0]]);
        assert_eq!(g[a], array![[0.5, 0.0], [0.0, 3.0]]);
        assert_eq!(g[b], array![[0.0, -1.0], [2.0, 0.0]]);
    }

    #[test]
    fn all_three_broadcast() {
        // A 1×3 mask picks columns; a is 2×1 (per row), b a 1×1 fill.
        let tape = Tape::new();
        let a = tape.leaf(array![[10.0], [20.0]]);
        let b = tape.leaf(array![[0.0]]);
        let m = tape.constant(array![[1.0, 0.0, 1.0]]);
        let y = Var::where_(m, a, b);
        assert_eq!(y.value(), array![[10.0, 0.0, 10.0], [20.0, 0.0, 20.0]]);
        let g = y.backward_with(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        assert_eq!(g[a], array![[1.0 + 3.0], [4.0 + 6.0]]);
        assert_eq!(g[b], array![[2.0 + 5.0]]);
    }

    #[test]
    fn an_infinite_unselected_side_does_not_leak() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, f64::INFINITY]]);
        let b = tape.leaf(array![[2.0, 3.0]]);
        let y = Var::where_(tape.constant(array![[1.0, 0.0]]), a, b);
        assert_eq!(y.value(), array![[1.0, 3.0]]);
        let g = y.backward_with(array![[1.0, 1.0]]);
        assert_eq!(g[a], array![[1.0, 0.0]]);
    }

    #[test]
    fn a_nan_mask_entry_gives_nan() {
        let tape = Tape::new();
        let x = tape.leaf(array![[f64::NAN, 2.0]]);
        let floor = tape.leaf(array![[0.0]]);
        let y = Var::where_(x.gt(floor), x, floor); // relu written with where
        let v = y.value();
        assert!(v[[0, 0]].is_nan());
        assert_eq!(v[[0, 1]], 2.0);
        let g = y.backward_with(array![[1.0, 5.0]]);
        assert!(g[x][[0, 0]].is_nan());
        assert_eq!(g[x][[0, 1]], 5.0);
        assert!(g[floor][[0, 0]].is_nan()); // NaN to both sides there
    }

    #[test]
    fn bad_masks_and_shapes_are_errors() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(array![[1.0, 2.0, 3.0]]);
        let m = tape.constant(array![[1.0, 0.0, 2.0]]);
        let e = Var::try_where(m, a, a).unwrap_err();
        assert!(matches!(e, Error::Argument { op: "where", .. }));
        assert_eq!(e.to_string(), "where: mask entry 2 at [0, 2] is not 0 or 1");
        let leaf_mask = tape.leaf(array![[1.0, 0.0, 1.0]]);
        assert!(matches!(
            Var::try_where(leaf_mask, a, a),
            Err(Error::Argument { op: "where", .. })
        ));
        let m2 = tape.constant(array![[1.0, 0.0]]);
        assert_eq!(
            Var::try_where(m2, a, a).unwrap_err().to_string(),
            "where: mask is 1×2, a is 1×3, b is 1×3; they do not broadcast"
        );
    }

    #[test]
    fn second_order_through_the_mask() {
        // s = Σ w ⊙ where(m, a, b)²: ∇ₐs = 2 w y m, ∂⟨∇ₐs, v⟩/∂a = 2 w m v.
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, 2.0, 3.0]]);
        let b = tape.leaf(array![[4.0, 5.0, 6.0]]);
        let m = tape.constant(array![[1.0, 0.0, 1.0]]);
        let w = tape.constant(array![[1.0, -1.0, 0.5]]);
        let g = (Var::where_(m, a, b).square() * w)
            .sum()
            .grad_graph(&[a, b])
            .unwrap();
        assert_eq!(g[0].value(), array![[2.0, 0.0, 3.0]]);
        assert_eq!(g[1].value(), array![[0.0, -10.0, 0.0]]);
        let v = tape.constant(array![[3.0, 2.0, 1.0]]);
        let hv = ((g[0] * v).sum() + (g[1] * v).sum()).backward();
        assert_eq!(hv[a], array![[6.0, 0.0, 1.0]]);
        assert_eq!(hv[b], array![[0.0, -4.0, 0.0]]);
    }

    #[test]
    fn the_registry_entry_passes_nan_from_the_selected_side_only() {
        let spec = super::SPECS[0];
        // The 1×1 checkerboard is 0: it selects b.
        let tape = Tape::new();
        let y = (spec.apply)(&[tape.leaf(array![[1.0]]), tape.leaf(array![[f64::NAN]])]);
        assert!(y.item().is_nan(), "a NaN in the selected side was lost");
        let y = (spec.apply)(&[tape.leaf(array![[f64::NAN]]), tape.leaf(array![[2.0]])]);
        assert_eq!(y.item(), 2.0, "an unused NaN reached the output");
        let tape = Tape::new();
        let y = (spec.apply)(&[tape.leaf(array![[1.0, 2.0]]), tape.leaf(array![[3.0, 4.0]])]);
        assert_eq!(y.value(), array![[3.0, 2.0]]);
    }
}
