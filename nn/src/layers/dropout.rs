//! [`Dropout`]: inverted dropout (Srivastava et al. 2014, as in the notes).
//!
//! * Training: `y = x ⊙ M / p` with `M[i,j] ~ Bernoulli(p)` drawn afresh
//!   each forward pass from the context's RNG, `p` the probability of
//!   *keeping* a unit. The scaled mask `M/p` enters the tape as a
//!   constant, so backward is `∂L/∂x = G ⊙ M / p`: dropped units get no
//!   gradient.
//! * Evaluation: `y = x`. Scaling by `1/p` at training time ("inverted")
//!   keeps every unit's expected output equal to its evaluation output, so
//!   prediction needs no rescaling.
//! * No parameters. `p = 1` keeps everything (the identity in both modes,
//!   drawing nothing from the RNG).
//! * The RNG: the context's, given with [`Ctx::with_seed`] or
//!   [`Ctx::with_rng`]; the same seed gives the same mask. A training pass
//!   whose context has none is an error naming the layer
//!   (`dropout(p_keep=0.5) needs a random-number generator in training
//!   mode: …`); evaluation needs none, and neither does `p = 1`.
//! * The layer holds no RNG of its own, so it has no state: a gradient
//!   checker, which re-seeds the context's RNG before every evaluation,
//!   sees the same mask at `x`, `x+h` and `x−h` and changes nothing.

use autograd::{Error, Float, Param, Result, Var};
use ndarray::Array2;
use rand::RngExt;

use crate::module::{Ctx, Module};

/// Inverted dropout with keep probability `p`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    p_keep: f64,
}

impl Dropout {
    /// Dropout keeping each unit with probability `p_keep` (the notes use
    /// 0.5).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::Array2;
    /// use nn::layers::Dropout;
    /// use nn::{Ctx, Module};
    ///
    /// let drop = Dropout::new(0.5);
    /// let tape = Tape::<f64>::new();
    /// let x = tape.constant(Array2::ones((4, 5)));
    /// let y = drop.forward(&mut Ctx::train(&tape).with_seed(3), x);
    /// assert!(y.value().iter().all(|&v| v == 0.0 || v == 2.0)); // kept units scaled by 1/p
    /// let y = drop.forward(&mut Ctx::eval(&tape), x);
    /// assert_eq!(y.value(), Array2::<f64>::ones((4, 5))); // identity at test time
    /// ```
    ///
    /// # Panics
    /// Unless `0 < p_keep ≤ 1` (see [`Dropout::try_new`]).
    #[track_caller]
    pub fn new(p_keep: f64) -> Self {
        // A `match`, not `unwrap_or_else`: a panic inside a closure would
        // report the closure's line instead of the caller's.
        match Self::try_new(p_keep) {
            Ok(layer) => layer,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Dropout::new`], returning an error unless `0 < p_keep ≤ 1`
    /// (`p = 0` would drop everything and divide by zero).
    ///
    /// ```
    /// use nn::layers::Dropout;
    /// assert!(Dropout::try_new(0.0).is_err());
    /// assert!(Dropout::try_new(1.5).is_err());
    /// assert!(Dropout::try_new(f64::NAN).is_err());
    /// assert_eq!(Dropout::try_new(1.0).unwrap().p_keep(), 1.0);
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for `p_keep` outside `(0, 1]` or NaN.
    pub fn try_new(p_keep: f64) -> Result<Self> {
        if p_keep > 0.0 && p_keep <= 1.0 {
            Ok(Dropout { p_keep })
        } else {
            Err(Error::argument(
                "Dropout",
                format!("p_keep must be in (0, 1], got {p_keep}"),
            ))
        }
    }

    /// The probability of keeping a unit.
    pub fn p_keep(&self) -> f64 {
        self.p_keep
    }

    /// The scaled mask `M/p` of shape `dim`: entries `1/p` with probability
    /// `p`, else 0, drawn row by row from `rng`.
    ///
    /// ```
    /// use nn::layers::Dropout;
    /// use rand::SeedableRng;
    ///
    /// let drop = Dropout::new(0.25);
    /// let mut a = rand::rngs::StdRng::seed_from_u64(9);
    /// let mut b = rand::rngs::StdRng::seed_from_u64(9);
    /// let m = drop.mask::<f64, _>((3, 4), &mut a);
    /// assert!(m.iter().all(|&v| v == 0.0 || v == 4.0));
    /// assert_eq!(m, drop.mask::<f64, _>((3, 4), &mut b)); // same seed, same mask
    /// ```
    pub fn mask<F: Float, R: rand::Rng + ?Sized>(
        &self,
        dim: (usize, usize),
        rng: &mut R,
    ) -> Array2<F> {
        let scale = F::of(1.0 / self.p_keep);
        Array2::from_shape_simple_fn(dim, || {
            if rng.random_bool(self.p_keep) {
                scale
            } else {
                F::zero()
            }
        })
    }
}

impl<F: Float> Module<F> for Dropout {
    /// `x ⊙ M/p` in training, `x` in evaluation.
    ///
    /// # Errors
    /// [`Error::Argument`] in training mode (with `p < 1`) if the context
    /// has no RNG.
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        if !ctx.is_training() || self.p_keep == 1.0 {
            return Ok(x);
        }
        let dim = x.shape().dim();
        let tape = ctx.tape();
        let rng = ctx.require_rng("Dropout", &format!("dropout(p_keep={})", self.p_keep))?;
        let mask = self.mask::<F, _>(dim, rng);
        Ok(x * tape.constant(mask))
    }
    fn params(&self) -> Vec<&Param<F>> {
        Vec::new()
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        Vec::new()
    }
    fn describe(&self) -> String {
        format!("dropout p_keep={}", self.p_keep)
    }
}
