//! **The** tie and kink rule. Every branching op asks this module what its
//! derivative is at a kink and which branch an input took; no op decides on
//! its own. The conventions are PyTorch's:
//!
//! | op | at the kink / tie | derivative used | branch recorded |
//! |---|---|---|---|
//! | `relu` | x = 0 | relu'(0) = 0 | [`Branch::KINK`] |
//! | `leaky_relu(α)` | x = 0 | α | [`Branch::KINK`] |
//! | `prelu(a)` | x = 0 | ∂/∂x = a, ∂/∂a = 0 ([`prelu_slopes`]) | [`Branch::KINK`] |
//! | `abs` | x = 0 | abs'(0) = 0 | [`Branch::KINK`] |
//! | `maximum(a, b)` | a = b | ½ to each side | [`Branch::TIE`] |
//! | `max` (reduction) | k entries tie for the max | 1/k to each tied entry | [`Branch::TIE`] |
//! | `maxout` (k pieces) | j pieces tie | 1/j to each tied piece | [`Branch::TIE`] |
//! | `minimum(a, b)` | a = b | ½ to each side ([`minimum_shares`]) | [`Branch::TIE`] |
//! | `min` (reduction) | k entries tie for the min | 1/k to each tied entry | [`Branch::TIE`] |
//! | `clamp(lo, hi)` | x = lo or x = hi | 1: the bounds count as inside, lo ≤ x ≤ hi ([`clamp_slope`]) | [`Branch::TIE`] |
//! | `where(m, a, b)` | none: m is data | 1 to the side `m` selects, 0 to the other | none |
//!
//! `clamp` follows PyTorch's `clamp_backward` (`FunctionsManual.cpp`),
//! `where((x >= min) & (x <= max), grad, 0)`: the gradient passes at both
//! bounds. Comparisons (`gt`, `ge`, `lt`, `le`, `eq`) are constants and
//! carry no gradient.
//!
//! **NaN is never hidden.** Every output that depends on a NaN input is
//! NaN: `relu(NaN)` is NaN, not 0; `maximum(NaN, 1)` and `maximum(1, NaN)`
//! are NaN, like `torch.maximum`; a lane of `max`, `maxout`, `log_sum_exp`
//! or `softmax` holding a NaN is NaN; a NaN PReLU slope gives NaN wherever
//! it multiplies (`x ≤ 0`). The derivative at a NaN is NaN too, so the
//! gradient does not silently report 0 there:
//!
//! | op | NaN where | derivative used |
//! |---|---|---|
//! | `relu`, `leaky_relu(α)`, `abs` | x | NaN ([`relu_slope`], [`leaky_relu_slope`], [`abs_slope`]) |
//! | `prelu(a)` | x | ∂/∂x = ∂/∂a = NaN ([`prelu_slopes`]) |
//! | `prelu(a)` | a, where x ≤ 0 | ∂/∂x = a = NaN |
//! | `maximum(a, b)` | a or b | NaN to both sides ([`maximum_shares`]) |
//! | `max`, `maxout`, `min` | some entries / pieces | NaN to each NaN entry, 0 to the rest ([`is_max`], [`max_share`]) |
//! | `minimum(a, b)` | a or b | NaN to both sides ([`minimum_shares`]) |
//! | `clamp(lo, hi)` | x | NaN ([`clamp_slope`]) |
//!
//! Multiplied into the gradient through the zero-preserving chain rule,
//! so a zero upstream gradient still gives exactly 0 (ARCHITECTURE
//! invariant 5): a NaN behind a mask does not leak.
//!
//! Splitting evenly means tied gradients always sum to the upstream gradient,
//! which keeps `sum` of the gradients equal to what a finite difference in
//! the "all tied entries move together" direction sees.
//!
//! Away from kinks a branch is [`Branch::NEGATIVE`] / [`Branch::POSITIVE`]
//! (sign-like ops) or the index of the winning argument (max-like ops).

use crate::Float;

/// Which side of a kink one element took during a forward pass.
///
/// Sign-like ops (relu, leaky_relu, prelu, abs) record [`Branch::NEGATIVE`],
/// [`Branch::KINK`] or [`Branch::POSITIVE`]. Max-like ops (maximum, max,
/// maxout) record the index of the winning argument, or [`Branch::TIE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Branch(pub u32);

impl Branch {
    /// The input was below the kink.
    pub const NEGATIVE: Branch = Branch(0);
    /// The input sat exactly on the kink.
    pub const KINK: Branch = Branch(1);
    /// The input was above the kink.
    pub const POSITIVE: Branch = Branch(2);
    /// Several arguments tied for the maximum.
    pub const TIE: Branch = Branch(u32::MAX);

    /// The winner of a max-like op: argument `index` won outright.
    pub fn winner(index: usize) -> Branch {
        Branch(u32::try_from(index).unwrap_or(u32::MAX - 1))
    }
}

/// Which side of zero `x` is on.
#[inline]
pub fn sign_branch<F: Float>(x: F) -> Branch {
    if x > F::zero() {
        Branch::POSITIVE
    } else if x < F::zero() {
        Branch::NEGATIVE
    } else {
        Branch::KINK
    }
}

/// relu'(x): 1 above zero, 0 at and below it (relu'(0) = 0), NaN at NaN.
#[inline]
pub fn relu_slope<F: Float>(x: F) -> F {
    if x > F::zero() {
        F::one()
    } else if x <= F::zero() {
        F::zero()
    } else {
        x // NaN
    }
}

/// leaky_relu'(x) with negative slope `alpha`: 1 above zero, `alpha` at and
/// below it (leaky_relu'(0) = α), NaN at NaN.
#[inline]
pub fn leaky_relu_slope<F: Float>(x: F, alpha: F) -> F {
    if x > F::zero() {
        F::one()
    } else if x <= F::zero() {
        alpha
    } else {
        x // NaN
    }
}

/// PReLU's local derivatives `(∂y/∂x, ∂y/∂a)` for `y = x` above zero and
/// `y = a·x` at and below it: `(1, 0)` for `x > 0`, `(a, x)` otherwise. At
/// the kink that is `∂/∂x = a` (as for leaky_relu) and `∂/∂a = x = 0`.
/// A NaN `x` gives `(NaN, NaN)`; a NaN `a` gives `∂/∂x = a = NaN` where
/// `x ≤ 0` (the output `a·x` is NaN there) and `(1, 0)` where `x > 0`
/// (the output `x` does not depend on `a`).
#[inline]
pub fn prelu_slopes<F: Float>(x: F, a: F) -> (F, F) {
    if x > F::zero() {
        (F::one(), F::zero())
    } else if x <= F::zero() {
        (a, x)
    } else {
        (x, x) // NaN
    }
}

/// abs'(x) = sign(x), with abs'(0) = 0 and abs'(NaN) = NaN.
#[inline]
pub fn abs_slope<F: Float>(x: F) -> F {
    if x > F::zero() {
        F::one()
    } else if x < F::zero() {
        -F::one()
    } else if x == F::zero() {
        F::zero()
    } else {
        x // NaN
    }
}

/// The shares of the upstream gradient that `maximum(a, b)` routes to `a`
/// and to `b`: all to the larger one, ½ each on a tie, NaN to both when
/// either is NaN (the output is NaN).
#[inline]
pub fn maximum_shares<F: Float>(a: F, b: F) -> (F, F) {
    if a > b {
        (F::one(), F::zero())
    } else if a < b {
        (F::zero(), F::one())
    } else if a == b {
        let half = F::of(0.5);
        (half, half)
    } else {
        (F::nan(), F::nan())
    }
}

/// The branch `maximum(a, b)` took: argument 0, argument 1, or a tie.
#[inline]
pub fn maximum_branch<F: Float>(a: F, b: F) -> Branch {
    if a > b {
        Branch::winner(0)
    } else if a < b {
        Branch::winner(1)
    } else {
        Branch::TIE
    }
}

/// The share each of `tied` equal maxima receives: `1 / tied`.
#[inline]
pub fn tie_share<F: Float>(tied: usize) -> F {
    F::one() / F::from_usize(tied).expect("a count fits in a float")
}

/// Whether `x` is one of the maxima of a lane (or set of pieces) whose
/// maximum is `m`: equal to it, or NaN when `m` is NaN (a NaN wins a max).
/// The same test picks a `min` reduction's winners, with `m` its minimum.
#[inline]
pub fn is_max<F: Float>(x: F, m: F) -> bool {
    x == m || (x.is_nan() && m.is_nan())
}

/// The share of the upstream gradient each of the `tied` maxima
/// ([`is_max`]) of a lane with maximum `m` receives: [`tie_share`], or NaN
/// when `m` is NaN.
#[inline]
pub fn max_share<F: Float>(m: F, tied: usize) -> F {
    if m.is_nan() { m } else { tie_share(tied) }
}

/// The branch a max over candidates took: the winning index, or
/// [`Branch::TIE`] when `tied > 1` candidates share the maximum.
#[inline]
pub fn max_branch(first_winner: usize, tied: usize) -> Branch {
    if tied > 1 {
        Branch::TIE
    } else {
        Branch::winner(first_winner)
    }
}

/// The shares of the upstream gradient that `minimum(a, b)` routes to `a`
/// and to `b`: all to the smaller one, ½ each on a tie (the mirror of
/// [`maximum_shares`]).
#[inline]
pub fn minimum_shares<F: Float>(a: F, b: F) -> (F, F) {
    // a is the smaller exactly when b is the larger of (b, a).
    maximum_shares(b, a)
}

/// The branch `minimum(a, b)` took: argument 0 (the smaller), argument 1,
/// or a tie.
#[inline]
pub fn minimum_branch<F: Float>(a: F, b: F) -> Branch {
    if a < b {
        Branch::winner(0)
    } else if a > b {
        Branch::winner(1)
    } else {
        Branch::TIE
    }
}

/// clamp'(x) for bounds `lo ≤ hi`: 1 for `lo ≤ x ≤ hi` (both bounds
/// included, as PyTorch's `clamp_backward`), 0 outside, NaN at NaN (the
/// output is NaN there, so the derivative does not report a silent 0).
#[inline]
pub fn clamp_slope<F: Float>(x: F, lo: F, hi: F) -> F {
    if x >= lo && x <= hi {
        F::one()
    } else if x.is_nan() {
        x
    } else {
        F::zero()
    }
}

/// The branch `clamp(lo, hi)` took, read as `max(lo, min(x, hi))`:
/// `winner(0)` below `lo` (the lower bound wins), `winner(1)` strictly
/// inside (`x` wins), `winner(2)` above `hi`, and [`Branch::TIE`] on a
/// bound.
#[inline]
pub fn clamp_branch<F: Float>(x: F, lo: F, hi: F) -> Branch {
    if x < lo {
        Branch::winner(0)
    } else if x > hi {
        Branch::winner(2)
    } else if x > lo && x < hi {
        Branch::winner(1)
    } else {
        Branch::TIE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds() {
        assert_eq!(relu_slope(0.0_f64), 0.0);
        assert_eq!(relu_slope(-1e-300_f64), 0.0);
        assert_eq!(relu_slope(1e-300_f64), 1.0);
        assert_eq!(leaky_relu_slope(0.0_f64, 0.1), 0.1);
        assert_eq!(leaky_relu_slope(2.0_f64, 0.1), 1.0);
        assert_eq!(prelu_slopes(0.0_f64, 0.3), (0.3, 0.0));
        assert_eq!(prelu_slopes(-2.0_f64, 0.3), (0.3, -2.0));
        assert_eq!(prelu_slopes(2.0_f64, 0.3), (1.0, 0.0));
        assert_eq!(abs_slope(0.0_f64), 0.0);
        assert_eq!(abs_slope(-3.0_f64), -1.0);
        assert_eq!(maximum_shares(1.0_f64, 1.0), (0.5, 0.5));
        assert_eq!(maximum_shares(2.0_f64, 1.0), (1.0, 0.0));
        assert_eq!(maximum_shares(1.0_f32, 2.0), (0.0, 1.0));
        assert_eq!(tie_share::<f64>(4), 0.25);
    }

    #[test]
    fn nan_in_gives_nan_derivatives() {
        let nan = f64::NAN;
        assert!(relu_slope(nan).is_nan());
        assert!(leaky_relu_slope(nan, 0.1).is_nan());
        assert!(abs_slope(nan).is_nan());
        for (x, a) in [(nan, 0.3), (nan, nan)] {
            let (dx, da) = prelu_slopes(x, a);
            assert!(dx.is_nan() && da.is_nan(), "prelu_slopes({x}, {a})");
        }
        let (dx, da) = prelu_slopes(-2.0, nan);
        assert!(dx.is_nan() && da == -2.0);
        assert_eq!(prelu_slopes(2.0, nan), (1.0, 0.0)); // y = x: no dependence on a
        for (a, b) in [(nan, 1.0), (1.0, nan), (nan, nan)] {
            let (da, db) = maximum_shares(a, b);
            assert!(da.is_nan() && db.is_nan(), "maximum_shares({a}, {b})");
        }
        assert!(is_max(nan, nan) && !is_max(1.0, nan) && !is_max(nan, 1.0));
        assert!(is_max(2.0, 2.0) && !is_max(1.0, 2.0));
        assert!(max_share(nan, 2).is_nan());
        assert_eq!(max_share(3.0_f64, 2), 0.5);
    }

    #[test]
    fn nan_derivatives_keep_a_zero_upstream_zero() {
        // The elementwise chain rule (ops::elementwise::chain) is what keeps
        // invariant 5; here: the slopes are NaN, and 0·slope must not be used.
        use crate::ops::elementwise::chain;
        for slope in [
            relu_slope(f64::NAN),
            abs_slope(f64::NAN),
            max_share(f64::NAN, 1),
        ] {
            assert_eq!(chain(0.0, slope), 0.0);
            assert!(chain(2.0, slope).is_nan());
        }
    }

    #[test]
    fn tied_shares_sum_to_one() {
        let (a, b) = maximum_shares(0.3_f64, 0.3);
        assert_eq!(a + b, 1.0);
        for k in 1..10 {
            let total: f64 = (0..k).map(|_| tie_share::<f64>(k)).sum();
            assert!((total - 1.0).abs() < 1e-15);
        }
    }

    #[test]
    fn branches_name_the_side() {
        assert_eq!(sign_branch(-2.0_f64), Branch::NEGATIVE);
        assert_eq!(sign_branch(0.0_f64), Branch::KINK);
        assert_eq!(sign_branch(-0.0_f64), Branch::KINK);
        assert_eq!(sign_branch(2.0_f64), Branch::POSITIVE);
        assert_eq!(maximum_branch(1.0_f64, 1.0), Branch::TIE);
        assert_eq!(maximum_branch(1.0_f64, 0.0), Branch::winner(0));
        assert_eq!(max_branch(3, 1), Branch::winner(3));
        assert_eq!(max_branch(3, 2), Branch::TIE);
    }

    #[test]
    fn minimum_mirrors_maximum() {
        assert_eq!(minimum_shares(1.0_f64, 2.0), (1.0, 0.0));
        assert_eq!(minimum_shares(2.0_f64, 1.0), (0.0, 1.0));
        assert_eq!(minimum_shares(0.3_f32, 0.3), (0.5, 0.5));
        assert_eq!(minimum_branch(1.0_f64, 2.0), Branch::winner(0));
        assert_eq!(minimum_branch(2.0_f64, 1.0), Branch::winner(1));
        assert_eq!(minimum_branch(2.0_f64, 2.0), Branch::TIE);
    }

    #[test]
    fn clamp_passes_the_gradient_at_both_bounds() {
        let (lo, hi) = (-1.0_f64, 2.0);
        let slopes: Vec<f64> = [-1.5, -1.0, 0.0, 2.0, 2.5]
            .iter()
            .map(|&x| clamp_slope(x, lo, hi))
            .collect();
        assert_eq!(slopes, vec![0.0, 1.0, 1.0, 1.0, 0.0]);
        assert!(
            clamp_slope(f64::NAN, lo, hi).is_nan(),
            "NaN is never hidden"
        );
        assert_eq!(clamp_slope(3.0_f64, 3.0, 3.0), 1.0); // lo = hi
        let branches: Vec<Branch> = [-1.5, -1.0, 0.0, 2.0, 2.5]
            .iter()
            .map(|&x| clamp_branch(x, lo, hi))
            .collect();
        assert_eq!(
            branches,
            vec![
                Branch::winner(0),
                Branch::TIE,
                Branch::winner(1),
                Branch::TIE,
                Branch::winner(2)
            ]
        );
    }
}
