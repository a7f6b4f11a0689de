//! `min`: the smallest entry of the matrix, or of each column (axis 0) or
//! row (axis 1) — the mirror of `max`.
//!
//! * Forward: `y = min_j x_j` over each lane (every entry, a column or a
//!   row). A NaN entry makes the lane's minimum NaN.
//! * Local derivative: `∂y/∂x_j = 1` for the minimal entry, `0` elsewhere.
//! * Ties: when `k` entries share the minimum each receives
//!   [`ties::tie_share`](crate::ties::tie_share)`(k)` of the upstream gradient, as for `max`; the
//!   decision log records [`ties::max_branch`](crate::ties::max_branch) of the first minimal entry's
//!   index along the lane (row-major for the full reduction).
//! * An empty input has no minimum and is a shape error.

use ndarray::ArrayView1;

use crate::ops::extremum::{Extreme, Extremum};
use crate::ops::reduce::Over;
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Var};

/// How `min` picks a lane's winner; the op is [`Extremum`] over it.
pub(crate) struct Smallest;

impl Extreme for Smallest {
    const NAME: &'static str = "min";
    fn lane<F: Float>(lane: ArrayView1<'_, F>) -> F {
        // Once m is NaN, `x < m` is false for every x, so the NaN sticks.
        lane.fold(
            F::infinity(),
            |m, &x| if x < m || x.is_nan() { x } else { m },
        )
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
        self.record_or_panic(Extremum::<Smallest>::new(Over::All), &[self])
    }

    /// [`Var::min`], returning a shape error for an empty input.
    #[track_caller]
    pub fn try_min(self) -> Result<Var<'t, F>> {
        self.record(Extremum::<Smallest>::new(Over::All), &[self])
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
        self.record(Extremum::<Smallest>::new(Over::axis("min", axis)?), &[self])
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
