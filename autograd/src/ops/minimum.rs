//! `minimum`: the elementwise smaller of `a` and `b`, with broadcasting.
//!
//! * Forward: `y[i,j] = min(a[i,j], b[i,j])`; NaN in either input gives NaN.
//! * Local derivatives: the upstream gradient goes to whichever input is
//!   smaller: `∂y/∂a = 1, ∂y/∂b = 0` when `a < b`, and the reverse when
//!   `a > b`. Each is summed over the axes its input was stretched along.
//! * Tie rule (`a = b`): ½ to each side ([`crate::ties::minimum_shares`],
//!   the mirror of `maximum`); the decision log records the winning argument
//!   (0 or 1) or [`crate::ties::Branch::TIE`] ([`crate::ties::minimum_branch`]).

use ndarray::Zip;

use crate::higher_order::times_mask;
use crate::ops::elementwise::{Binary, BinaryFn};
use crate::shape::broadcast_view;
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Float, Result, Var};

pub(crate) struct Minimum;

impl<F: Float> BinaryFn<F> for Minimum {
    const NAME: &'static str = "minimum";
    const BRANCHING: bool = true;
    fn value(&self, a: F, b: F) -> F {
        // Written out rather than `F::min`, which would silently drop a NaN.
        if b < a {
            b
        } else if a <= b {
            a
        } else {
            F::nan()
        }
    }
    fn d_lhs(&self, a: F, b: F, _y: F) -> F {
        ties::minimum_shares(a, b).0
    }
    fn d_rhs(&self, a: F, b: F, _y: F) -> F {
        ties::minimum_shares(a, b).1
    }
    fn branch(&self, a: F, b: F) -> Branch {
        ties::minimum_branch(a, b)
    }
    /// `g ⊙ share`, each side's share (1, 0 or ½) a constant mask at the
    /// output's shape: the second derivative is 0 away from ties.
    fn grad_graph<'t>(
        &self,
        g: Var<'t, F>,
        a: Var<'t, F>,
        b: Var<'t, F>,
        y: Var<'t, F>,
        wrt: usize,
    ) -> Option<Var<'t, F>> {
        let mask = a.with_value(|a| {
            b.with_value(|b| {
                let out = y.shape();
                Zip::from(broadcast_view(a, out))
                    .and(broadcast_view(b, out))
                    .map_collect(|&a, &b| {
                        let (da, db) = ties::minimum_shares(a, b);
                        if wrt == 0 { da } else { db }
                    })
            })
        });
        Some(times_mask(g, mask))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// The elementwise minimum of `self` and `rhs`, with 2-D broadcasting.
    /// Where they tie, each receives half of the upstream gradient.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let a = tape.leaf(array![[1.0, 5.0, 2.0]]);
    /// let b = tape.leaf(array![[3.0, 4.0, 2.0]]);
    /// let y = a.minimum(b);
    /// assert_eq!(y.value(), array![[1.0, 4.0, 2.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0, 4.0]]);
    /// assert_eq!(g[a], array![[1.0, 0.0, 2.0]]);         // the tie splits 4 into 2 + 2
    /// assert_eq!(g[b], array![[0.0, 2.0, 2.0]]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_minimum`]).
    #[track_caller]
    pub fn minimum(self, rhs: Var<'t, F>) -> Var<'t, F> {
        self.record_or_panic(Binary(Minimum), &[self, rhs])
    }

    /// [`Var::minimum`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_minimum(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        self.record(Binary(Minimum), &[self, rhs])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "minimum",
    domains: &[Domain::Real, Domain::Real],
    shapes: ShapeRule::Broadcast,
    kink: Kink::Ties,
    apply: |x| x[0].minimum(x[1]),
}];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::ties::Branch;
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, -2.0], [3.0, 0.5]]);
        let b = tape.leaf(array![[0.0, 4.0], [-1.0, 2.0]]);
        let y = a.minimum(b);
        assert_eq!(y.value(), array![[0.0, -2.0], [-1.0, 0.5]]);
        let g = y.backward_with(array![[1.0, -2.0], [0.5, 3.0]]);
        assert_eq!(g[a], array![[0.0, -2.0], [0.0, 3.0]]);
        assert_eq!(g[b], array![[1.0, 0.0], [0.5, 0.0]]);
    }

    #[test]
    fn ties_split_evenly_and_sum_to_upstream() {
        let tape = Tape::new();
        let a = tape.leaf(array![[2.0, -1.0, 0.0]]);
        let b = tape.leaf(array![[2.0, -1.0, -0.0]]);
        let up = array![[3.0, -5.0, 0.25]];
        let g = a.minimum(b).backward_with(up.clone());
        assert_eq!(g[a], array![[1.5, -2.5, 0.125]]);
        assert_eq!(&g[a] + &g[b], up);
    }

    #[test]
    fn broadcast_against_a_scalar_ceiling() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, 2.0], [-3.0, 0.5]]);
        let t = tape.leaf(array![[0.5]]);
        let y = x.minimum(t);
        assert_eq!(y.value(), array![[0.5, 0.5], [-3.0, 0.5]]);
        let g = y.backward_with(array![[1.0, 2.0], [4.0, 8.0]]);
        // x[1,1] ties the ceiling: half of 8 each way.
        assert_eq!(g[x], array![[0.0, 0.0], [4.0, 4.0]]);
        assert_eq!(g[t], array![[1.0 + 2.0 + 4.0]]);
    }

    #[test]
    fn decision_log_names_the_winner_or_the_tie() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let a = tape.leaf(array![[1.0, 0.0, 7.0]]);
        let b = tape.leaf(array![[0.0, 1.0, 7.0]]);
        let y = a.minimum(b);
        let logs = tape.decision_logs();
        assert_eq!((logs[0].node, logs[0].op), (y.id(), "minimum"));
        assert_eq!(
            logs[0].branches,
            vec![Branch::winner(1), Branch::winner(0), Branch::TIE]
        );
    }

    #[test]
    fn nan_propagates_from_either_side() {
        let tape = Tape::new();
        let a = tape.leaf(array![[f64::NAN, 1.0]]);
        let b = tape.leaf(array![[1.0, f64::NAN]]);
        let y = a.minimum(b).value();
        assert!(y[[0, 0]].is_nan() && y[[0, 1]].is_nan());
    }

    #[test]
    fn bad_shapes_are_errors() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::zeros((3, 3)));
        assert_eq!(
            a.try_minimum(b).unwrap_err().to_string(),
            "minimum: lhs is 2×3, rhs is 3×3; they do not broadcast"
        );
    }

    #[test]
    fn second_order_routes_through_the_masks() {
        // s = Σ w ⊙ min(a, b)², tie in the last column: ∇ₐs = 2w y mₐ and
        // ∂⟨∇s, v⟩/∂a = 2w mₐ (mₐvₐ + m_b v_b).
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, -2.0, 3.0]]);
        let b = tape.leaf(array![[0.0, 4.0, 3.0]]);
        let w = tape.constant(array![[1.0, 0.5, 2.0]]);
        let g = (a.minimum(b).square() * w)
            .sum()
            .grad_graph(&[a, b])
            .unwrap();
        assert_eq!(g[0].value(), array![[0.0, -2.0, 6.0]]);
        assert_eq!(g[1].value(), array![[0.0, 0.0, 6.0]]);
        let va = tape.constant(array![[1.0, 2.0, 3.0]]);
        let vb = tape.constant(array![[-1.0, 1.0, 1.0]]);
        let hv = ((g[0] * va).sum() + (g[1] * vb).sum()).backward();
        assert_eq!(hv[a], array![[0.0, 2.0, 4.0]]);
        assert_eq!(hv[b], array![[-2.0, 0.0, 4.0]]);
    }
}
