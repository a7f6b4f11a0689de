//! `max`: the largest entry of the matrix, or of each column (axis 0) or row
//! (axis 1).
//!
//! * Forward: `y = max_j x_j` over each lane (every entry, a column or a row).
//! * Local derivative: `∂y/∂x_j = 1` for the maximal entry, `0` elsewhere,
//!   so backward routes the upstream gradient to where the maximum is.
//! * Ties: when `k` entries share the maximum each receives
//!   [`ties::tie_share`](crate::ties::tie_share)`(k)` of the upstream gradient, so the tied gradients
//!   sum to it. The decision log records, per output element,
//!   [`ties::max_branch`](crate::ties::max_branch) of the first maximal entry's index along the lane
//!   (row-major over the whole matrix for the full reduction).
//! * An empty input has no maximum and is a shape error.

use ndarray::ArrayView1;

use crate::ops::extremum::{Extreme, Extremum};
use crate::ops::reduce::{Over, lane_max};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Result, Var};

/// How `max` picks a lane's winner; the op is [`Extremum`] over it.
pub(crate) struct Largest;

impl Extreme for Largest {
    const NAME: &'static str = "max";
    fn lane<F: Float>(lane: ArrayView1<'_, F>) -> F {
        lane_max(lane)
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The largest entry, as a 1×1 node. Tied maxima share the gradient
    /// evenly.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 4.0], [4.0, -2.0]]);
    /// let m = x.max();
    /// assert_eq!(m.item(), 4.0);
    /// assert_eq!(m.backward()[x], array![[0.0, 0.5], [0.5, 0.0]]); // a tie: ½ each
    /// ```
    ///
    /// # Panics
    /// If the input is empty (see [`Var::try_max`]).
    #[track_caller]
    pub fn max(self) -> Var<'t, F> {
        self.record_or_panic(Extremum::<Largest>::new(Over::All), &[self])
    }

    /// [`Var::max`], returning a shape error for an empty input.
    #[track_caller]
    pub fn try_max(self) -> Result<Var<'t, F>> {
        self.record(Extremum::<Largest>::new(Over::All), &[self])
    }

    /// The maximum over `axis`: 0 takes each column's maximum (result 1×n),
    /// 1 each row's (result m×1).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[1.0, 5.0], [3.0, 2.0]]);
    /// let m = x.max_axis(1);
    /// assert_eq!(m.value(), array![[5.0], [3.0]]);
    /// assert_eq!(m.backward_with(array![[1.0], [2.0]])[x], array![[0.0, 1.0], [2.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is not 0 or 1, or the input is empty (see
    /// [`Var::try_max_axis`]).
    #[track_caller]
    pub fn max_axis(self, axis: usize) -> Var<'t, F> {
        match self.try_max_axis(axis) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::max_axis`], returning an error for an axis other than 0 or 1
    /// or an empty input.
    #[track_caller]
    pub fn try_max_axis(self, axis: usize) -> Result<Var<'t, F>> {
        self.record(Extremum::<Largest>::new(Over::axis("max", axis)?), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "max",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::Ties,
        apply: |x| x[0].max(),
    },
    OpSpec {
        name: "max(axis=0)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::Ties,
        apply: |x| x[0].max_axis(0),
    },
    OpSpec {
        name: "max(axis=1)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::Ties,
        apply: |x| x[0].max_axis(1),
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
        let rows = x.max_axis(0);
        assert_eq!(rows.value(), array![[4.0, 7.0, -1.0]]);
        let g = rows.backward_with(array![[1.0, -2.0, 3.0]]);
        assert_eq!(g[x], array![[0.0, -2.0, 0.0], [1.0, 0.0, 3.0]]);

        let cols = x.max_axis(1);
        assert_eq!(cols.value(), array![[7.0], [4.0]]);
        let g = cols.backward_with(array![[2.0], [-5.0]]);
        assert_eq!(g[x], array![[0.0, 2.0, 0.0], [-5.0, 0.0, 0.0]]);

        let all = x.max();
        assert_eq!(all.item(), 7.0);
        let g = all.backward_with(array![[-1.5]]);
        assert_eq!(g[x], array![[0.0, -1.5, 0.0], [0.0, 0.0, 0.0]]);
    }

    #[test]
    fn tied_maxima_split_the_gradient_and_sum_to_it() {
        let tape = Tape::new();
        // Row 0: three-way tie at 2; row 1: two-way tie at 5.
        let x = tape.leaf(array![[2.0, 2.0, 2.0, 1.0], [5.0, 0.0, 5.0, -5.0]]);
        let m = x.max_axis(1);
        assert_eq!(m.value(), array![[2.0], [5.0]]);
        let g = m.backward_with(array![[3.0], [-4.0]]);
        assert_eq!(g[x], array![[1.0, 1.0, 1.0, 0.0], [-2.0, 0.0, -2.0, 0.0]]);
        assert_eq!(g[x].sum_axis(ndarray::Axis(1)), array![3.0, -4.0]);

        // A full reduction that ties across rows.
        let g = x.max().backward_with(array![[1.0]]);
        assert_eq!(g[x], array![[0.0, 0.0, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0]]);
    }

    #[test]
    fn all_negative_infinity_ties_without_nan() {
        let tape = Tape::new();
        let x = tape.leaf(Array2::from_elem((1, 2), f64::NEG_INFINITY));
        let m = x.max();
        assert_eq!(m.item(), f64::NEG_INFINITY);
        assert_eq!(m.backward()[x], array![[0.5, 0.5]]);
    }

    #[test]
    fn decisions_name_the_first_winner_or_a_tie() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[1.0, 3.0, 3.0], [0.0, 2.0, 9.0]]);
        let by_col = x.max_axis(0);
        let by_row = x.max_axis(1);
        let all = x.max();
        let logs = tape.decision_logs();
        assert_eq!(logs.len(), 3);
        assert_eq!((logs[0].node, logs[0].op), (by_col.id(), "max"));
        assert_eq!(
            logs[0].branches,
            vec![Branch::winner(0), Branch::winner(0), Branch::winner(1)]
        );
        assert_eq!(logs[1].node, by_row.id());
        assert_eq!(logs[1].branches, vec![Branch::TIE, Branch::winner(2)]);
        // The flat row-major index of 9 is 5.
        assert_eq!(logs[2].node, all.id());
        assert_eq!(logs[2].branches, vec![Branch::winner(5)]);
    }

    #[test]
    fn full_reduction_of_a_transposed_layout_uses_row_major_indices() {
        let tape = Tape::new();
        tape.record_decisions(true);
        // A column-major value, as a transposed view materialized as-is.
        let value = array![[1.0, 2.0], [9.0, 4.0]].reversed_axes();
        assert!(!value.is_standard_layout());
        let x = tape.leaf(value); // [[1, 9], [2, 4]]
        let g = x.max().backward_with(array![[2.0]]);
        assert_eq!(g[x], array![[0.0, 2.0], [0.0, 0.0]]);
        assert_eq!(tape.decision_logs()[0].branches, vec![Branch::winner(1)]);
    }

    #[test]
    fn errors() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(Array2::zeros((3, 0)));
        assert_eq!(
            x.try_max().unwrap_err().to_string(),
            "max: cannot reduce an empty 3×0 matrix"
        );
        let y = tape.leaf(Array2::zeros((2, 2)));
        assert_eq!(
            y.try_max_axis(5).unwrap_err().to_string(),
            "max: axis must be 0 or 1 for a 2-D matrix, got 5"
        );
    }
}
