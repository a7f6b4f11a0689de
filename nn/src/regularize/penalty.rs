//! [`Penalty`]: the strengths of one weight penalty and the tape ops that
//! record it (`λ1 Σ|W| + ½ λ2 ‖W‖²`, a zero-strength term left out).

use autograd::{Error, Float, Result, Var};

/// The strengths of one penalty, `R(W) = λ1 Σ|W| + ½ λ2 ‖W‖²`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Penalty {
    l1: f64,
    l2: f64,
}

impl Penalty {
    /// No penalty (use it as an override to exempt a parameter).
    pub const NONE: Penalty = Penalty { l1: 0.0, l2: 0.0 };

    /// L2 (weight decay): `½ λ ‖W‖²`, gradient `λW`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let w = tape.leaf(array![[1.0, -2.0]]);
    /// let r = nn::regularize::Penalty::l2(0.5).of(w);
    /// assert_eq!(r.item(), 0.5 * 0.5 * 5.0);
    /// assert_eq!(r.backward()[w], array![[0.5, -1.0]]);
    /// ```
    ///
    /// # Panics
    /// If `lambda` is negative or not finite.
    #[track_caller]
    pub fn l2(lambda: f64) -> Self {
        Penalty::elastic_net(0.0, lambda)
    }

    /// L1 (sparsity): `λ Σ|W|`, gradient `λ·sign(W)` with `sign(0) = 0`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let w = tape.leaf(array![[1.0, -2.0, 0.0]]);
    /// let r = nn::regularize::Penalty::l1(0.5).of(w);
    /// assert_eq!(r.item(), 1.5);
    /// assert_eq!(r.backward()[w], array![[0.5, -0.5, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If `lambda` is negative or not finite.
    #[track_caller]
    pub fn l1(lambda: f64) -> Self {
        Penalty::elastic_net(lambda, 0.0)
    }

    /// Elastic net: `λ1 Σ|W| + ½ λ2 ‖W‖²`, gradient `λ1 sign(W) + λ2 W`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let w = tape.leaf(array![[1.0, -2.0]]);
    /// let r = nn::regularize::Penalty::elastic_net(0.5, 2.0).of(w);
    /// assert_eq!(r.item(), 0.5 * 3.0 + 0.5 * 2.0 * 5.0);
    /// assert_eq!(r.backward()[w], array![[2.5, -4.5]]);
    /// ```
    ///
    /// # Panics
    /// If a strength is negative or not finite (see
    /// [`Penalty::try_elastic_net`]).
    #[track_caller]
    pub fn elastic_net(l1: f64, l2: f64) -> Self {
        match Penalty::try_elastic_net(l1, l2) {
            Ok(penalty) => penalty,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Penalty::elastic_net`], returning an error for a negative or
    /// non-finite strength (strengths often come from a config file).
    /// `try_elastic_net(λ, 0.0)` is L1, `try_elastic_net(0.0, λ)` is L2.
    ///
    /// ```
    /// use nn::regularize::Penalty;
    /// assert_eq!(Penalty::try_elastic_net(0.0, 1e-3).unwrap(), Penalty::l2(1e-3));
    /// assert_eq!(
    ///     Penalty::try_elastic_net(f64::NAN, 0.0).unwrap_err().to_string(),
    ///     "Penalty: the l1 strength must be finite and ≥ 0, got NaN"
    /// );
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for a negative, NaN or infinite strength.
    pub fn try_elastic_net(l1: f64, l2: f64) -> Result<Self> {
        for (name, lambda) in [("l1", l1), ("l2", l2)] {
            if !(lambda.is_finite() && lambda >= 0.0) {
                return Err(Error::argument(
                    "Penalty",
                    format!("the {name} strength must be finite and ≥ 0, got {lambda}"),
                ));
            }
        }
        Ok(Penalty { l1, l2 })
    }

    /// `λ1`, the L1 strength.
    ///
    /// ```
    /// use nn::regularize::Penalty;
    /// assert_eq!(Penalty::elastic_net(0.1, 0.2).l1_strength(), 0.1);
    /// assert_eq!(Penalty::l2(0.2).l1_strength(), 0.0);
    /// ```
    pub fn l1_strength(&self) -> f64 {
        self.l1
    }

    /// `λ2`, the L2 strength.
    ///
    /// ```
    /// use nn::regularize::Penalty;
    /// assert_eq!(Penalty::elastic_net(0.1, 0.2).l2_strength(), 0.2);
    /// ```
    pub fn l2_strength(&self) -> f64 {
        self.l2
    }

    /// `true` when both strengths are 0.
    ///
    /// ```
    /// use nn::regularize::Penalty;
    /// assert!(Penalty::NONE.is_none());
    /// assert!(Penalty::l1(0.0).is_none());
    /// assert!(!Penalty::l1(1e-9).is_none());
    /// ```
    pub fn is_none(&self) -> bool {
        self.l1 == 0.0 && self.l2 == 0.0
    }

    /// The penalty of one matrix `w`, as a 1×1 node (a constant 0 for
    /// [`Penalty::NONE`]). Use it on raw tape nodes; [`Regularizer::loss`](super::Regularizer::loss)
    /// applies it to parameters.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let w = tape.leaf(array![[3.0]]);
    /// let r = nn::regularize::Penalty::NONE.of(w);
    /// assert_eq!(r.item(), 0.0);
    /// assert!(!r.requires_grad());
    /// ```
    #[track_caller]
    pub fn of<'t, F: Float>(&self, w: Var<'t, F>) -> Var<'t, F> {
        match self.term(w) {
            Some(term) => term,
            None => w.tape().scalar(F::zero()),
        }
    }

    /// The penalty node, or `None` when there is nothing to record.
    #[track_caller]
    pub(super) fn term<'t, F: Float>(&self, w: Var<'t, F>) -> Option<Var<'t, F>> {
        // Only non-zero terms are recorded: an L2 penalty must not bring
        // `abs` (and its kink at 0) into the graph. Plain `if`s, not
        // closures, so every node records the caller's line.
        let mut total = None;
        if self.l1 != 0.0 {
            total = Some(w.abs().sum() * F::of(self.l1));
        }
        if self.l2 != 0.0 {
            let l2 = w.sum_squares() * F::of(0.5 * self.l2);
            total = Some(match total {
                Some(l1) => l1 + l2,
                None => l2,
            });
        }
        total
    }
}
