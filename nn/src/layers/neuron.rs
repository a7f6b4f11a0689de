//! [`Neuron`]: the notes' single neuron as a linear classifier.
//!
//! * Score (logit): `s = x·w + b` for a batch `x` (m×fan_in), a weight
//!   column `w` (fan_in×1) and a bias `b` (1×1); `s` is m×1.
//! * Probability: `P(y = 1 | x) = σ(s) = 1 / (1 + e⁻ˢ)`.
//! * Binary logistic regression: the output `σ(s)` with the cross-entropy
//!   loss (better computed from the logit, for stability).
//!   Binary SVM: the raw score `s` with the hinge loss
//!   `max(0, 1 − y·s)`, `y ∈ {−1, +1}`.
//! * Parameters: `"{name}.W"`, `"{name}.b"`; `fan_in + 1` of them.
//! * Same in training and evaluation.

use autograd::{Float, Param, Result, Var};
use rand::Rng;

use super::affine::Affine;
use crate::init::{BiasInit, Init};
use crate::module::{Ctx, Module};

/// What [`Neuron`]'s `forward` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NeuronOutput {
    /// The raw score `s` (for a hinge loss, or a logistic loss on logits).
    #[default]
    Logit,
    /// `σ(s)`, the probability of the positive class.
    Probability,
}

/// One neuron: an affine map to a single output, optionally followed by a
/// sigmoid.
#[derive(Clone, Debug)]
pub struct Neuron<F: Float> {
    affine: Affine<F>,
    output: NeuronOutput,
}

impl<F: Float> Neuron<F> {
    /// A neuron over `fan_in` inputs whose `forward` returns `output`.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::neuron::{Neuron, NeuronOutput};
    /// use nn::Module;
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let n = Neuron::<f64>::new("clf", 3, Init::SmallRandom, BiasInit::ZERO, NeuronOutput::Probability, &mut rng);
    /// assert_eq!(n.param_count(), 4);
    /// ```
    ///
    /// # Panics
    /// On invalid arguments (see [`Neuron::try_new`]).
    #[track_caller]
    pub fn new<R: Rng + ?Sized>(
        name: &str,
        fan_in: usize,
        init: Init,
        bias: BiasInit,
        output: NeuronOutput,
        rng: &mut R,
    ) -> Self {
        // A `match`, not `unwrap_or_else`: a panic inside a closure would
        // report the closure's line instead of the caller's.
        match Self::try_new(name, fan_in, init, bias, output, rng) {
            Ok(neuron) => neuron,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Neuron::new`], returning an error for `fan_in = 0` or an invalid
    /// initializer.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::neuron::{Neuron, NeuronOutput};
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let out = NeuronOutput::Logit;
    /// assert!(Neuron::<f64>::try_new("n", 0, Init::He, BiasInit::ZERO, out, &mut rng).is_err());
    /// assert!(Neuron::<f64>::try_new("n", 3, Init::He, BiasInit::ZERO, out, &mut rng).is_ok());
    /// ```
    pub fn try_new<R: Rng + ?Sized>(
        name: &str,
        fan_in: usize,
        init: Init,
        bias: BiasInit,
        output: NeuronOutput,
        rng: &mut R,
    ) -> Result<Self> {
        Ok(Neuron {
            affine: Affine::try_new(name, fan_in, 1, init, bias, rng)?,
            output,
        })
    }

    /// A neuron with the given weight column (fan_in×1) and bias.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::neuron::{Neuron, NeuronOutput};
    /// use nn::Ctx;
    ///
    /// let n = Neuron::from_values("clf", array![[2.0], [-1.0]], 0.5, NeuronOutput::Logit).unwrap();
    /// let tape = Tape::new();
    /// let mut ctx = Ctx::eval(&tape);
    /// let x = tape.constant(array![[1.0, 3.0], [1.0, 0.0]]);
    /// assert_eq!(n.logit(&mut ctx, x).value(), array![[-0.5], [2.5]]);
    /// ```
    ///
    /// # Errors
    /// [`autograd::Error::Shape`] unless `w` is a non-empty column.
    pub fn from_values(
        name: &str,
        w: ndarray::Array2<F>,
        b: F,
        output: NeuronOutput,
    ) -> Result<Self> {
        if w.ncols() != 1 {
            return Err(autograd::Error::shape(
                "Neuron",
                format!("w must be fan_in×1, got {}×{}", w.nrows(), w.ncols()),
            ));
        }
        let affine = Affine::from_values(name, w, ndarray::Array2::from_elem((1, 1), b))?;
        Ok(Neuron { affine, output })
    }

    /// The raw scores `x·w + b` (m×1): positive means class 1.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::neuron::{Neuron, NeuronOutput};
    /// use nn::Ctx;
    ///
    /// let n = Neuron::from_values("svm", array![[1.0_f64]], 0.0, NeuronOutput::Logit).unwrap();
    /// let tape = Tape::new();
    /// let s = n.logit(&mut Ctx::eval(&tape), tape.constant(array![[2.0], [-0.5]]));
    /// // binary SVM: hinge max(0, 1 − y·s) with labels y = [+1, +1]
    /// let hinge = (1.0 - s).relu();
    /// assert_eq!(hinge.value(), array![[0.0], [1.5]]);
    /// ```
    ///
    /// # Panics
    /// Unless `x` has fan_in columns.
    #[track_caller]
    pub fn logit<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Var<'t, F> {
        match self.affine.try_forward(ctx, x) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    /// The probabilities `σ(x·w + b)` of class 1 (m×1).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::neuron::{Neuron, NeuronOutput};
    /// use nn::Ctx;
    ///
    /// let n = Neuron::from_values("lr", array![[1.0]], 0.0, NeuronOutput::Logit).unwrap();
    /// let tape = Tape::new();
    /// let p = n.probability(&mut Ctx::eval(&tape), tape.constant(array![[0.0]]));
    /// assert_eq!(p.item(), 0.5);
    /// ```
    ///
    /// # Panics
    /// Unless `x` has fan_in columns.
    #[track_caller]
    pub fn probability<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Var<'t, F> {
        self.logit(ctx, x).sigmoid()
    }

    /// What `forward` returns.
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::neuron::{Neuron, NeuronOutput};
    /// let n = Neuron::from_values("clf", array![[1.0], [2.0]], 0.5, NeuronOutput::Probability).unwrap();
    /// assert_eq!(n.output(), NeuronOutput::Probability);
    /// ```
    pub fn output(&self) -> NeuronOutput {
        self.output
    }

    /// The affine map (weights `"{name}.W"`, fan_in×1, and bias `"{name}.b"`).
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::neuron::{Neuron, NeuronOutput};
    /// let n = Neuron::from_values("clf", array![[1.0], [2.0]], 0.5, NeuronOutput::Probability).unwrap();
    /// assert_eq!(n.affine().fan_in(), 2);
    /// assert_eq!(n.affine().bias().value()[[0, 0]], 0.5);
    /// ```
    pub fn affine(&self) -> &Affine<F> {
        &self.affine
    }
}

impl<F: Float> Module<F> for Neuron<F> {
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        let s = self.affine.try_forward(ctx, x)?;
        Ok(match self.output {
            NeuronOutput::Logit => s,
            NeuronOutput::Probability => s.sigmoid(),
        })
    }
    fn params(&self) -> Vec<&Param<F>> {
        self.affine.params()
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        self.affine.params_mut()
    }
    fn describe(&self) -> String {
        let out = match self.output {
            NeuronOutput::Logit => "logit",
            NeuronOutput::Probability => "sigmoid",
        };
        format!(
            "neuron {}→1 {out} ({})",
            self.affine.fan_in(),
            self.affine.name()
        )
    }
}
