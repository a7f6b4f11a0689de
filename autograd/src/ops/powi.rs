//! `powi`: raises every entry to a constant integer power `n`.
//!
//! * Forward: `y = xⁿ` (any sign of `x`; for `n < 0`, ±∞ at 0; `x⁰ = 1`,
//!   even for NaN, as IEEE's `pown` says).
//! * Local derivative: `dy/dx = n · xⁿ⁻¹` (0 for `n = 0`).
//! * Smooth where defined: for `n ≥ 0` everywhere, for `n < 0` away from 0.
//!   Unlike `powf`, negative bases are fine: `(−2)³ = −8`.

use crate::higher_order::masked_denominator;
use crate::ops::unary::{Unary, UnaryFn};
use crate::spec::{Domain, Kink, OpSpec, ShapeRule};
use crate::{Float, Var};

pub(crate) struct Powi {
    n: i32,
}

impl<F: Float> UnaryFn<F> for Powi {
    const NAME: &'static str = "powi";
    const SLOPE_FROM_INPUT: bool = true;
    fn value(&self, x: F) -> F {
        x.powi(self.n)
    }
    fn slope(&self, x: F, _y: F) -> F {
        if self.n == 0 {
            return F::zero();
        }
        // Not `n · y / x`: that is 0/0 at x = 0 even for n > 1.
        F::from(self.n).expect("an i32 fits in a float") * x.powi(self.n - 1)
    }
    fn label(&self) -> String {
        format!("powi[n={}]", self.n)
    }
    /// `g ⊙ n·xⁿ⁻¹` with `xⁿ⁻¹` a `powi` node, so every order is
    /// available, each lowering the exponent by one. For `n − 1 < 0` it is
    /// written `g · n / x^(1−n)`, masked where the upstream is 0.
    fn grad_graph<'t>(&self, g: Var<'t, F>, x: Var<'t, F>, _y: Var<'t, F>) -> Option<Var<'t, F>> {
        let n = F::from(self.n).expect("an i32 fits in a float");
        if self.n == 0 {
            return Some(g * F::zero());
        }
        if self.n >= 1 {
            return Some(g * x.powi(self.n - 1).mul_scalar(n));
        }
        Some(g.mul_scalar(n) / masked_denominator(g, x.powi(1 - self.n)))
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// `selfⁿ` elementwise for a constant integer exponent `n`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, 3.0]]);
    /// let y = x.powi(3);
    /// assert_eq!(y.value(), array![[-8.0, 27.0]]);
    /// let g = y.backward_with(array![[1.0, 2.0]]);
    /// assert_eq!(g[x], array![[12.0, 54.0]]);           // 3x² · upstream
    /// ```
    #[track_caller]
    pub fn powi(self, n: i32) -> Var<'t, F> {
        self.record_or_panic(Unary(Powi { n }), &[self])
    }
}

pub(crate) const SPECS: &[OpSpec] = &[
    OpSpec {
        name: "powi(3)",
        domains: &[Domain::Real],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].powi(3),
    },
    OpSpec {
        name: "powi(-2)",
        domains: &[Domain::NonZero],
        shapes: ShapeRule::Unary,
        kink: Kink::None,
        apply: |x| x[0].powi(-2),
    },
];

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::higher_order::testing::{assert_close, grad_and_hvp};
    use ndarray::array;

    #[test]
    fn forward_and_backward_with_uneven_upstream() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 0.5], [1.0, 3.0]]);
        let y = x.powi(3);
        assert_eq!(y.value(), array![[-8.0, 0.125], [1.0, 27.0]]);
        let g = y.backward_with(array![[1.0, -4.0], [2.0, 0.5]]);
        assert_eq!(g[x], array![[12.0, -3.0], [6.0, 13.5]]);

        let z = x.powi(-2);
        assert_eq!(z.value(), array![[0.25, 4.0], [1.0, 1.0 / 9.0]]);
        let g = z.backward_with(array![[1.0, -4.0], [2.0, 0.5]]);
        // −2 x⁻³ · upstream
        assert_close(&g[x], &array![[0.25, 64.0], [-4.0, -1.0 / 27.0]]);
    }

    #[test]
    fn power_zero_and_one() {
        let tape = Tape::new();
        let x = tape.leaf(array![[-2.0, 0.0, 5.0]]);
        assert_eq!(x.powi(0).value(), array![[1.0, 1.0, 1.0]]);
        assert_eq!(
            x.powi(0).backward_with(array![[1.0, 2.0, 3.0]])[x],
            array![[0.0, 0.0, 0.0]]
        );
        assert_eq!(
            x.powi(1).backward_with(array![[1.0, 2.0, 3.0]])[x],
            array![[1.0, 2.0, 3.0]]
        );
        // x² at 0 has slope 0, not 0/0.
        assert_eq!(
            x.powi(2).backward_with(array![[1.0, 2.0, 3.0]])[x][[0, 1]],
            0.0
        );
    }

    #[test]
    fn nan_stays_nan_for_nonzero_powers() {
        let tape = Tape::new();
        let x = tape.leaf(array![[f64::NAN]]);
        assert!(x.powi(3).item().is_nan() && x.powi(-1).item().is_nan());
    }

    #[test]
    fn second_derivative() {
        // (x³)'' = 6x; (x⁻²)'' = 6x⁻⁴.
        let (w, v) = (array![[1.0, -2.0, 0.5]], array![[3.0, 1.0, -4.0]]);
        let (g, hv) = grad_and_hvp(array![[1.0, -2.0, 0.5]], w.clone(), v.clone(), |x| {
            x.powi(3)
        });
        assert_close(&g, &array![[3.0, -24.0, 0.375]]);
        assert_close(&hv, &array![[18.0, 24.0, -6.0]]);
        let (g, hv) = grad_and_hvp(array![[1.0, -2.0, 0.5]], w, v, |x| x.powi(-2));
        assert_close(&g, &array![[-2.0, -0.5, -8.0]]);
        assert_close(&hv, &array![[18.0, -0.75, -192.0]]);
    }

    #[test]
    fn power_zero_of_nan_is_one() {
        let tape = Tape::new();
        assert_eq!(tape.leaf(array![[f64::NAN]]).powi(0).item(), 1.0);
    }
}
