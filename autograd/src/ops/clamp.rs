//! `clamp`: every entry limited to the interval `[lo, hi]`.
//!
//! * Forward: `y = lo` for `x < lo`, `y = hi` for `x > hi`, else `y = x`;
//!   NaN stays NaN.
//! * Local derivative: `1` inside `[lo, hi]`, `0` outside.
//! * Kinks at `x = lo` and `x = hi`: the bounds count as inside, so the
//!   derivative there is 1 (PyTorch's convention,
//!   [`crate::ties::clamp_slope`]); the decision log records below / inside
//!   / above or a tie with a bound ([`crate::ties::clamp_branch`]).
//! * The bounds are validated: neither may be NaN and `lo ≤ hi`
//!   (`lo = hi` is allowed and gives a constant).

use crate::higher_order::times_mask;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::ties::{self, Branch};
use crate::{Error, Float, Result, Var};

pub(crate) struct Clamp<F> {
    lo: F,
    hi: F,
}

impl<F: Float> UnaryFn<F> for Clamp<F> {
    const NAME: &'static str = "clamp";
    const SLOPE_FROM_INPUT: bool = true;
    const BRANCHING: bool = true;
    fn value(&self, x: F) -> F {
        // Written out rather than `F::clamp`/`max`/`min`, so a NaN passes through.
        if x < self.lo {
            self.lo
        } else if x > self.hi {
            self.hi
        } else {
            x
        }
    }
    fn slope(&self, x: F, _y: F) -> F {
        ties::clamp_slope(x, self.lo, self.hi)
    }
    fn branch(&self, x: F) -> Branch {
        ties::clamp_branch(x, self.lo, self.hi)
    }
    fn label(&self) -> String {
        format!("clamp[{}, {}]", self.lo, self.hi)
    }
    /// The slope is piecewise constant: a constant 0/1 mask
    /// (clamp'' = 0 away from the bounds).
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        let mask = x.with_value(|v| v.mapv(|x| ties::clamp_slope(x, self.lo, self.hi)));
        Some(times_mask(g, mask))
    }
}

/// The bounds' error, if any: NaN bounds or `lo > hi`.
fn check_bounds<F: Float>(lo: F, hi: F) -> Result<()> {
    if lo.is_nan() || hi.is_nan() {
        return Err(Error::argument(
            "clamp",
            format!("bounds must not be NaN, got [{lo}, {hi}]"),
        ));
    }
    if lo > hi {
        return Err(Error::argument(
            "clamp",
            format!("lower bound {lo} is above upper bound {hi}"),
        ));
    }
    Ok(())
}

impl<'t, F: Float> Var<'t, F> {
    /// Every entry clamped to `[lo, hi]`; the gradient is 1 inside the
    /// interval, bounds included, and 0 outside.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, -1.0, 0.5, 1.0, 3.0]]);
    /// let y = x.clamp(-1.0, 1.0);
    /// assert_eq!(y.value(), array![[-1.0, -1.0, 0.5, 1.0, 1.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0, 3.0, 4.0, 5.0]]);
    /// assert_eq!(g[x], array![[0.0, 2.0, 3.0, 4.0, 0.0]]); // the bounds pass the gradient
    /// ```
    ///
    /// # Panics
    /// If a bound is NaN or `lo > hi` (see [`Var::try_clamp`]).
    #[track_caller]
    pub fn clamp(self, lo: F, hi: F) -> Var<'t, F> {
        match self.try_clamp(lo, hi) {
            Ok(y) => y,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::clamp`], returning an argument error for a NaN bound or
    /// `lo > hi`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[0.0]]);
    /// assert_eq!(
    ///     x.try_clamp(1.0, -1.0).unwrap_err().to_string(),
    ///     "clamp: lower bound 1 is above upper bound -1"
    /// );
    /// ```
    #[track_caller]
    pub fn try_clamp(self, lo: F, hi: F) -> Result<Var<'t, F>> {
        check_bounds(lo, hi)?;
        self.record(Unary(Clamp { lo, hi }), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[OpSpec {
    name: "clamp",
    domains: &[Domain::Real],
    shapes: ShapeRule::Unary,
    kink: Kink::At(&[-0.5, 1.0]),
    apply: |x| x[0].clamp(-0.5, 1.0),
}];

#[cfg(test)]
mod tests {
    use crate::higher_order::testing::grad_and_hvp;
    use crate::ties::Branch;
    use crate::{Error, Tape};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-3.0, 0.25], [2.0, -0.5]]);
        let y = x.clamp(-1.0, 1.5);
        assert_eq!(y.value(), array![[-1.0, 0.25], [1.5, -0.5]]);
        let g = y.backward_with(array![[1.0, -2.0], [3.0, 4.0]]);
        assert_eq!(g[x], array![[0.0, -2.0], [0.0, 4.0]]);
    }

    #[test]
    fn the_bounds_pass_the_gradient() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-1.0, 1.5, 2.0]]);
        let g = x.clamp(-1.0, 1.5).backward_with(array![[7.0, -3.0, 5.0]]);
        assert_eq!(g[x], array![[7.0, -3.0, 0.0]]);
        // lo = hi: a constant whose one point still passes the gradient.
        let g = x.clamp(1.5, 1.5).backward_with(array![[7.0, -3.0, 5.0]]);
        assert_eq!(g[x], array![[0.0, -3.0, 0.0]]);
    }

    #[test]
    fn nan_passes_through() {
        let tape = Tape::new();
        let x = tape.leaf(array![[f64::NAN, 0.0]]);
        let y = x.clamp(-1.0, 1.0).value();
        assert!(y[[0, 0]].is_nan());
        assert_eq!(y[[0, 1]], 0.0);
        let tape = Tape::new();
        assert!(
            tape.leaf(array![[f32::NAN]])
                .clamp(0.0, 1.0)
                .item()
                .is_nan()
        );
    }

    #[test]
    fn decision_log_records_below_inside_above_and_bounds() {
        let tape = Tape::new();
        tape.record_decisions(true);
        let x = tape.leaf(array![[-2.0, -1.0, 0.0, 1.0, 2.0]]);
        let _ = x.clamp(-1.0, 1.0);
        assert_eq!(
            tape.decision_logs()[0].branches,
            vec![
                Branch::winner(0),
                Branch::TIE,
                Branch::winner(1),
                Branch::TIE,
                Branch::winner(2)
            ]
        );
    }

    #[test]
    fn bad_bounds_are_argument_errors() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(array![[0.0]]);
        let e = x.try_clamp(2.0, 1.0).unwrap_err();
        assert!(matches!(e, Error::Argument { op: "clamp", .. }));
        assert_eq!(e.to_string(), "clamp: lower bound 2 is above upper bound 1");
        assert_eq!(
            x.try_clamp(f64::NAN, 1.0).unwrap_err().to_string(),
            "clamp: bounds must not be NaN, got [NaN, 1]"
        );
        assert!(x.try_clamp(0.0, f64::NAN).is_err());
        assert_eq!(tape.len(), 1, "nothing recorded on an error");
    }

    #[test]
    fn second_order_is_a_constant_mask() {
        // s = Σ w ⊙ clamp(x)²: ∇s = 2 w y m, H v = 2 w m v (m = 0 or 1).
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[-2.0, 0.5, 1.0]], w, v, |x| {
            x.clamp(-1.0, 1.0).square()
        });
        assert_eq!(g, array![[0.0, -2.0, 1.0]]);
        assert_eq!(hv, array![[0.0, -4.0, -4.0]]);
    }
}
