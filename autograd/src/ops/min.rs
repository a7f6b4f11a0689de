//! `min`: the smallest entry of the matrix, or of each column (axis 0) or
//! row (axis 1) — the mirror of `max`.
//!
//! * Forward: `y = min_j x_j` over each lane (every entry, a column or a
//!   row). A NaN entry makes the lane's minimum NaN.
//! * Local derivative: `∂y/∂x_j = 1` for the minimal entry, `0` elsewhere.
//! * Ties: when `k` entries share the minimum each receives
//!   [`ties::tie_share`]`(k)` of the upstream gradient, as for `max`; the
//!   decision log records [`ties::max_branch`] of the first minimal entry's
//!   index along the lane (row-major for the full reduction).
//! * An empty input has no minimum and is a shape error.

use ndarray::{Array2, ArrayView1, Zip};

use crate::higher_order::times_mask;
use crate::op::{BackwardCtx, GraphCtx, Op};
use crate::ops::elementwise::chain;
use crate::ops::reduce::{Over, fold_lanes, nonempty, unfold_lanes, zip_lanes};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Float, Result, Shape, Var};

pub(crate) struct Min(pub Over);

/// The smallest entry of a lane, +∞ for an empty lane; a NaN entry makes
/// the result NaN (never silently skipped).
fn lane_min<F: Float>(lane: ArrayView1<'_, F>) -> F {
    // Once m is NaN, `x < m` is false for every x, so the NaN sticks.
    lane.fold(
        F::infinity(),
        |m, &x| if x < m || x.is_nan() { x } else { m },
    )
}

/// The first index of `lane` equal to its minimum `m` and how many equal it
/// ([`ties::is_max`] with `m` the minimum: the NaN entries, for a NaN minimum).
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

impl<F: Float> Op<F> for Min {
    fn name(&self) -> &'static str {
        "min"
    }
    fn label(&self) -> String {
        format!("min[{}]", self.0)
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        nonempty("min", inputs[0])?;
        Ok(self.0.reduced(inputs[0]))
    }
    fn forward(&mut self, inputs: &[&Array2<F>]) -> Array2<F> {
        fold_lanes(self.0, inputs[0], lane_min)
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
    /// The winners' shares frozen into a constant mask (min'' = 0 away
    /// from ties), times the upstream node.
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

impl<'t, F: Float> Var<'t, F> {
    /// The smallest entry, as a 1×1 node. Tied minima share the gradient
    /// evenly.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, -4.0], [-4.0, 2.0]]);
    /// let m = x.min();
    /// assert_eq!(m.item(), -4.0);
    /// assert_eq!(m.backward()[x], array![[0.0, 0.5], [0.5, 0.0]]); // a tie: ½ each
    /// ```
    ///
    /// # Panics
    /// If the input is empty (see [`Var::try_min`]).
    #[track_caller]
    pub fn min(self) -> Var<'t, F> {
        self.record_or_panic(Min(Over::All), &[self])
    }

    /// [`Var::min`], returning a shape error for an empty input.
    #[track_caller]
    pub fn try_min(self) -> Result<Var<'t, F>> {
        self.record(Min(Over::All), &[self])
    }

    /// The minimum over `axis`: 0 takes each column's minimum (result 1×n),
    /// 1 each row's (result m×1).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 5.0], [3.0, 2.0]]);
    /// let m = x.min_axis(1);
    /// assert_eq!(m.value(), array![[1.0], [2.0]]);
    /// assert_eq!(m.backward_with(array![[1.0], [2.0]])[x], array![[1.0, 0.0], [0.0, 2.0]]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is not 0 or 1, or the input is empty (see
    /// [`Var::try_min_axis`]).
    #[track_caller]
    pub fn min_axis(self, axis: usize) -> Var<'t, F> {
        match self.try_min_axis(axis) {
            Ok(y) => y,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::min_axis`], returning an error for an axis other than 0 or 1
    /// or an empty input.
    #[track_caller]
    pub fn try_min_axis(self, axis: usize) -> Result<Var<'t, F>> {
        self.record(Min(Over::axis("min", axis)?), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "min",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::Ties,
        apply: |x| x[0].min(),
    },
    OpSpec {
        name: "min(axis=0)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::Ties,
        apply: |x| x[0].min_axis(0),
    },
    OpSpec {
        name: "min(axis=1)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::Ties,
        apply: |x| x[0].min_axis(1),
    },
];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::ties::Branch;
    use ndarray::{Array2, array};

    #[test]
    fn each_axis_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 7.0, -3.0], [4.0, 2.0, -1.0]]);
        let cols = x.min_axis(0);
        assert_eq!(cols.value(), array![[1.0, 2.0, -3.0]]);
        let g = cols.backward_with(array![[1.0, -2.0, 3.0]]);
        assert_eq!(g[x], array![[1.0, 0.0, 3.0], [0.0, -2.0, 0.0]]);

        let rows = x.min_axis(1);
        assert_eq!(rows.value(), array![[-3.0], [-1.0]]);
        let g = rows.backward_with(array![[2.0], [-5.0]]);
        assert_eq!(g[x], array![[0.0, 0.0, 2.0], [0.0, 0.0, -5.0]]);

        let all = x.min();
        assert_eq!(all.item(), -3.0);
        let g = all.backward_with(array![[-1.5]]);
        assert_eq!(g[x], array![[0.0, 0.0, -1.5], [0.0, 0.0, 0.0]]);
    }

    #[test]
    fn tied_minima_split_the_gradient_and_sum_to_it() {
        let tape = Tape::new();
        let x = tape.leaf(array![[2.0, 2.0, 2.0, 3.0], [-5.0, 0.0, -5.0, 5.0]]);
        let m = x.min_axis(1);
        assert_eq!(m.value(), array![[2.0], [-5.0]]);
        let g = m.backward_with(array![[3.0], [-4.0]]);
        assert_eq!(g[x], array![[1.0, 1.0, 1.0, 0.0], [-2.0, 0.0, -2.0, 0.0]]);
        assert_eq!(g[x].sum_axis(ndarray::Axis(1)), array![3.0, -4.0]);
    }

    #[test]
    fn nan_in_a_lane_gives_nan() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, f64::NAN, -1.0], [0.0, 1.0, 2.0]]);
        let rows = x.min_axis(1).value();
        assert!(rows[[0, 0]].is_nan());
        assert_eq!(rows[[1, 0]], 0.0);
        assert!(x.min().item().is_nan());
        // NaN first in the lane, too.
        let y = tape.leaf(array![[f64::NAN, -1.0]]);
        assert!(y.min().item().is_nan());
    }

    #[test]
    fn decisions_name_the_first_winner_or_a_tie() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[1.0, 0.0, 0.0], [0.0, 2.0, -9.0]]);
        let _ = x.min_axis(1);
        let _ = x.min();
        let logs = tape.decision_logs();
        assert_eq!(logs[0].op, "min");
        assert_eq!(logs[0].branches, vec![Branch::TIE, Branch::winner(2)]);
        assert_eq!(logs[1].branches, vec![Branch::winner(5)]);
    }

    #[test]
    fn second_order_through_the_mask() {
        // s = Σ min_row(x)²: ∇s = 2 m at the winner, H v = 2 v at the winner.
        let tape = Tape::new();
        let x = tape.leaf(array![[3.0, 1.0], [-2.0, 4.0]]);
        let g = x.min_axis(1).square().sum().grad_graph(&[x]).unwrap()[0];
        assert_eq!(g.value(), array![[0.0, 2.0], [-4.0, 0.0]]);
        let v = tape.constant(array![[5.0, 6.0], [7.0, 8.0]]);
        assert_eq!(
            (g * v).sum().backward()[x],
            array![[0.0, 12.0], [14.0, 0.0]]
        );
    }

    #[test]
    fn errors() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((3, 0)));
        assert_eq!(
            x.try_min().unwrap_err().to_string(),
            "min: cannot reduce an empty 3×0 matrix"
        );
        let y = tape.leaf(Array2::zeros((2, 2)));
        assert_eq!(
            y.try_min_axis(2).unwrap_err().to_string(),
            "min: axis must be 0 or 1 for a 2-D matrix, got 2"
        );
    }
}
