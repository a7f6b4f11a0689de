//! [`Maxout`]: the maximum of `k` affine pieces (Goodfellow et al. 2013).
//!
//! * Forward: `z = x·W + b` with `W` of shape fan_in×(k·n) and `b` 1×(k·n),
//!   then `y[i,j] = max_p z[i, p·n + j]`: piece `p` is the column block
//!   `p·n .. (p+1)·n`. Output m×n. With `k = 2` and one piece fixed at 0
//!   this is a ReLU; maxout generalizes ReLU and leaky ReLU without their
//!   dying units, at `k` times the parameters.
//! * Backward (autograd's `maxout` op): the gradient goes to the winning
//!   piece; `t` tied pieces get `1/t` of it each.
//! * Parameters: `"{name}.W"`, `"{name}.b"` (an [`Affine`] of width `k·n`).
//! * Same in training and evaluation.

use autograd::{Error, Float, Param, Result, Var};
use rand::Rng;

use super::affine::Affine;
use crate::init::{BiasInit, Init};
use crate::module::{Ctx, Module};

/// A maxout layer: `k` affine maps of the input, combined by an
/// elementwise maximum.
#[derive(Clone, Debug)]
pub struct Maxout<F: Float> {
    affine: Affine<F>,
    k: usize,
}

impl<F: Float> Maxout<F> {
    /// A `fan_in → fan_out` layer with `k` pieces, its `fan_in×(k·fan_out)`
    /// weights drawn by `init` (each piece sees all `fan_in` inputs, so
    /// fan-in-calibrated schemes stay calibrated).
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Maxout;
    /// use nn::Module;
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let layer = Maxout::<f64>::new("mx", 3, 4, 2, Init::Calibrated, BiasInit::ZERO, &mut rng);
    /// assert_eq!(layer.param_count(), 2 * (3 * 4 + 4)); // k times an affine's
    /// ```
    ///
    /// # Panics
    /// On invalid arguments (see [`Maxout::try_new`]).
    #[track_caller]
    pub fn new<R: Rng + ?Sized>(
        name: &str,
        fan_in: usize,
        fan_out: usize,
        k: usize,
        init: Init,
        bias: BiasInit,
        rng: &mut R,
    ) -> Self {
        // A `match`, not `unwrap_or_else`: a panic inside a closure would
        // report the closure's line instead of the caller's.
        match Self::try_new(name, fan_in, fan_out, k, init, bias, rng) {
            Ok(layer) => layer,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Maxout::new`], returning an error for `k = 0`, a zero size or an
    /// invalid initializer.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Maxout;
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// assert!(Maxout::<f64>::try_new("mx", 3, 4, 0, Init::He, BiasInit::ZERO, &mut rng).is_err());
    /// ```
    pub fn try_new<R: Rng + ?Sized>(
        name: &str,
        fan_in: usize,
        fan_out: usize,
        k: usize,
        init: Init,
        bias: BiasInit,
        rng: &mut R,
    ) -> Result<Self> {
        check_k(k)?;
        let width = k.checked_mul(fan_out).ok_or_else(|| {
            Error::argument("Maxout", format!("k·fan_out overflows: {k}·{fan_out}"))
        })?;
        Self::from_affine(Affine::try_new(name, fan_in, width, init, bias, rng)?, k)
    }

    /// A maxout over the `k` column blocks of an existing affine layer, whose
    /// width must be a multiple of `k`.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::{Affine, Maxout};
    /// use nn::{Ctx, Module};
    ///
    /// // two pieces of width 1: y = max(x₀ − x₁, x₁)
    /// let fc = Affine::from_values("mx", array![[1.0, 0.0], [-1.0, 1.0]], array![[0.0, 0.0]]).unwrap();
    /// let mut layer = Maxout::from_affine(fc, 2).unwrap();
    /// let tape = Tape::new();
    /// let y = layer.forward(&mut Ctx::eval(&tape), tape.constant(array![[3.0, 1.0], [1.0, 2.0]]));
    /// assert_eq!(y.value(), array![[2.0], [2.0]]);
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] if `k = 0` or the width is not a multiple of `k`.
    pub fn from_affine(affine: Affine<F>, k: usize) -> Result<Self> {
        check_k(k)?;
        if !affine.fan_out().is_multiple_of(k) {
            return Err(Error::argument(
                "Maxout",
                format!(
                    "the affine map's width {} is not a multiple of k = {k}",
                    affine.fan_out()
                ),
            ));
        }
        Ok(Maxout { affine, k })
    }

    /// The number of pieces `k`.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Maxout;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let layer = Maxout::<f64>::new("mx", 5, 3, 2, Init::He, BiasInit::ZERO, &mut rng);
    /// assert_eq!(layer.pieces(), 2);
    /// ```
    pub fn pieces(&self) -> usize {
        self.k
    }

    /// The affine map producing the `k` pieces side by side
    /// (fan_in×(k·n)).
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Maxout;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let layer = Maxout::<f64>::new("mx", 5, 3, 2, Init::He, BiasInit::ZERO, &mut rng);
    /// assert_eq!(layer.affine().fan_out(), 6);
    /// assert_eq!(layer.affine().weight().name(), "mx.W");
    /// ```
    pub fn affine(&self) -> &Affine<F> {
        &self.affine
    }

    /// The output width `n`.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Maxout;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let layer = Maxout::<f64>::new("mx", 5, 3, 2, Init::He, BiasInit::ZERO, &mut rng);
    /// assert_eq!(layer.fan_out(), 3);
    /// ```
    pub fn fan_out(&self) -> usize {
        self.affine.fan_out() / self.k
    }
}

fn check_k(k: usize) -> Result<()> {
    if k == 0 {
        return Err(Error::argument("Maxout", "k must be at least 1, got 0"));
    }
    Ok(())
}

impl<F: Float> Module<F> for Maxout<F> {
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        self.affine.try_forward(ctx, x)?.try_maxout(self.k)
    }
    fn params(&self) -> Vec<&Param<F>> {
        self.affine.params()
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        self.affine.params_mut()
    }
    fn describe(&self) -> String {
        format!(
            "maxout {}→{} k={} ({})",
            self.affine.fan_in(),
            self.fan_out(),
            self.k,
            self.affine.name()
        )
    }
}
