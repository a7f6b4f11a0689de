//! Comparisons `gt`, `ge`, `lt`, `le`, `eq`: elementwise tests that give a
//! **constant** 0/1 matrix, with 2-D broadcasting.
//!
//! * Forward: `y[i,j] = 1` where the test holds, `0` where it does not.
//! * No gradient: the result is a constant node (a step function's
//!   derivative is 0 almost everywhere and undefined at the step), so the
//!   comparisons are not registered as differentiable ops. Use the result as
//!   a mask for [`Var::where_`], or multiply by it.
//! * NaN: where either operand is NaN the result is NaN, not 0 — a NaN
//!   that silently selected a branch would be hidden. (PyTorch answers
//!   `false` there.) [`Var::where_`] passes a NaN mask entry on as NaN.

use ndarray::{Array2, Zip};

use crate::shape::{broadcast_shapes, broadcast_view};
use crate::{Error, Float, Result, Shape, Var};

/// `test(a, b)` elementwise as a constant 0/1 node (NaN where either is NaN).
#[track_caller]
fn compare<'t, F: Float>(
    op: &'static str,
    a: Var<'t, F>,
    b: Var<'t, F>,
    test: fn(F, F) -> bool,
) -> Result<Var<'t, F>> {
    if !std::ptr::eq(a.tape(), b.tape()) {
        return Err(Error::ForeignNode { context: op });
    }
    let out: Shape = broadcast_shapes(op, a.shape(), b.shape())?;
    let value: Array2<F> = a.with_value(|a| {
        b.with_value(|b| {
            Zip::from(broadcast_view(a, out))
                .and(broadcast_view(b, out))
                .map_collect(|&a, &b| {
                    if a.is_nan() || b.is_nan() {
                        F::nan()
                    } else if test(a, b) {
                        F::one()
                    } else {
                        F::zero()
                    }
                })
        })
    });
    Ok(a.tape().constant(value))
}

impl<'t, F: Float> Var<'t, F> {
    /// `1` where `self > rhs`, else `0`: a constant (no gradient), with 2-D
    /// broadcasting; NaN where either side is NaN.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-1.0, 0.0, 2.0]]);
    /// let zero = tape.scalar(0.0);
    /// let m = x.gt(zero);
    /// assert_eq!(m.value(), array![[0.0, 0.0, 1.0]]);
    /// assert!(!m.requires_grad());
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_gt`]).
    #[track_caller]
    pub fn gt(self, rhs: Var<'t, F>) -> Var<'t, F> {
        match compare("gt", self, rhs, |a, b| a > b) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::gt`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_gt(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        compare("gt", self, rhs, |a, b| a > b)
    }

    /// `1` where `self ≥ rhs`, else `0` (see [`Var::gt`]).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-1.0, 0.0, 2.0]]);
    /// assert_eq!(x.ge(tape.scalar(0.0)).value(), array![[0.0, 1.0, 1.0]]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_ge`]).
    #[track_caller]
    pub fn ge(self, rhs: Var<'t, F>) -> Var<'t, F> {
        match compare("ge", self, rhs, |a, b| a >= b) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::ge`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_ge(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        compare("ge", self, rhs, |a, b| a >= b)
    }

    /// `1` where `self < rhs`, else `0` (see [`Var::gt`]).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-1.0, 0.0, 2.0]]);
    /// assert_eq!(x.lt(tape.scalar(0.0)).value(), array![[1.0, 0.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_lt`]).
    #[track_caller]
    pub fn lt(self, rhs: Var<'t, F>) -> Var<'t, F> {
        match compare("lt", self, rhs, |a, b| a < b) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::lt`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_lt(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        compare("lt", self, rhs, |a, b| a < b)
    }

    /// `1` where `self ≤ rhs`, else `0` (see [`Var::gt`]).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-1.0, 0.0, 2.0]]);
    /// assert_eq!(x.le(tape.scalar(0.0)).value(), array![[1.0, 1.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_le`]).
    #[track_caller]
    pub fn le(self, rhs: Var<'t, F>) -> Var<'t, F> {
        match compare("le", self, rhs, |a, b| a <= b) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::le`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_le(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        compare("le", self, rhs, |a, b| a <= b)
    }

    /// `1` where `self == rhs`, else `0` (see [`Var::gt`]). Named `eq` like
    /// PyTorch's; it is a tape op, not [`PartialEq`].
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-1.0, 0.0, 2.0]]);
    /// assert_eq!(x.eq(tape.scalar(0.0)).value(), array![[0.0, 1.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast (see [`Var::try_eq`]).
    #[track_caller]
    #[allow(clippy::should_implement_trait)] // an elementwise tape op, as PyTorch's `eq`
    pub fn eq(self, rhs: Var<'t, F>) -> Var<'t, F> {
        match compare("eq", self, rhs, |a, b| a == b) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::eq`], returning a shape error instead of panicking.
    #[track_caller]
    pub fn try_eq(self, rhs: Var<'t, F>) -> Result<Var<'t, F>> {
        compare("eq", self, rhs, |a, b| a == b)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Error, Tape};
    use ndarray::{Array2, array};

    #[test]
    fn each_comparison_with_broadcasting() {
        let tape = Tape::new();
        let a = tape.leaf(array![[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]);
        let b = tape.leaf(array![[2.0, 2.0, 2.0]]);
        assert_eq!(a.gt(b).value(), array![[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]);
        assert_eq!(a.ge(b).value(), array![[0.0, 1.0, 1.0], [1.0, 1.0, 0.0]]);
        assert_eq!(a.lt(b).value(), array![[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]);
        assert_eq!(a.le(b).value(), array![[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]);
        assert_eq!(a.eq(b).value(), array![[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]);
        // Broadcast the other way round, too.
        assert_eq!(b.lt(a).value(), a.gt(b).value());
    }

    #[test]
    fn results_are_constants_without_gradient() {
        let tape = Tape::new();
        let x = tape.leaf(array![[1.0, -1.0]]);
        let m = x.gt(tape.scalar(0.0));
        assert!(!m.requires_grad());
        // x ⊙ [x > 0] is relu: the gradient flows through x only.
        let g = (x * m).backward_with(array![[3.0, 5.0]]);
        assert_eq!(g[x], array![[3.0, 0.0]]);
        assert!(g.get(m).is_none());
    }

    #[test]
    fn nan_gives_nan_not_a_silent_zero() {
        let tape = Tape::new();
        let x = tape.leaf(array![[f64::NAN, 1.0]]);
        let y = tape.leaf(array![[0.0, f64::NAN]]);
        for m in [x.gt(y), x.ge(y), x.lt(y), x.le(y), x.eq(y)] {
            assert!(m.value().iter().all(|v| v.is_nan()), "{}", m.value());
        }
    }

    #[test]
    fn bad_shapes_are_errors_naming_the_comparison() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(Array2::zeros((2, 3)));
        let b = tape.leaf(Array2::zeros((3, 3)));
        let e = a.try_le(b).unwrap_err();
        assert!(matches!(e, Error::Shape { op: "le", .. }));
        assert_eq!(
            e.to_string(),
            "le: lhs is 2×3, rhs is 3×3; they do not broadcast"
        );
        let other = Tape::<f64>::new();
        let c = other.leaf(Array2::zeros((2, 3)));
        assert!(matches!(
            a.try_eq(c),
            Err(Error::ForeignNode { context: "eq" })
        ));
    }
}
