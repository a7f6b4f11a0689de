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
//! * The RNG: [`Ctx::train`] takes one, and it is the only way to make a
//!   training context, so a training pass always has one to draw masks
//!   from; evaluation contexts have none and need none. Seed it for
//!   reproducible masks: the same seed gives the same mask.

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
    /// use rand::SeedableRng;
    ///
    /// let mut drop = Dropout::new(0.5);
    /// let tape = Tape::<f64>::new();
    /// let x = tape.constant(Array2::ones((4, 5)));
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    /// let y = drop.forward(&mut Ctx::train(&tape, &mut rng), x);
    /// assert!(y.value().iter().all(|&v| v == 0.0 || v == 2.0)); // kept units scaled by 1/p
    /// let y = drop.forward(&mut Ctx::eval(&tape), x);
    /// assert_eq!(y.value(), Array2::ones((4, 5))); // identity at test time
    /// ```
    ///
    /// # Panics
    /// Unless `0 < p_keep ≤ 1` (see [`Dropout::try_new`]).
    #[track_caller]
    pub fn new(p_keep: f64) -> Self {
        Self::try_new(p_keep).unwrap_or_else(|e| panic!("{e}"))
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
    /// assert_eq!(m, drop.mask((3, 4), &mut b)); // same seed, same mask
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
    fn forward<'t>(&mut self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Var<'t, F> {
        if !ctx.is_training() || self.p_keep == 1.0 {
            return x;
        }
        let dim = x.shape().dim();
        // `Ctx::train` is the only way to make a training context and it
        // takes an RNG, so a training context always has one.
        let rng = ctx
            .rng()
            .expect("a training Ctx always holds an RNG (Ctx::train takes one)");
        let mask = self.mask::<F, _>(dim, rng);
        x * ctx.tape().constant(mask)
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
