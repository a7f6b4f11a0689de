//! [`Affine`]: the fully connected layer.
//!
//! * Forward: `y = x·W + b` for a batch `x` of shape m×fan_in (one example
//!   per row), `W` of shape fan_in×fan_out and `b` of shape 1×fan_out,
//!   broadcast over the rows. `y` is m×fan_out.
//! * Backward (derived by the tape): `∂L/∂W = xᵀ·G`, `∂L/∂b = Σ_rows G`,
//!   `∂L/∂x = G·Wᵀ`.
//! * Parameters: `"{name}.W"` and `"{name}.b"`; the layer has
//!   `fan_in·fan_out + fan_out` of them (the notes count a [3, 4, 2] net's
//!   first layer as 3·4 + 4 = 16).
//! * Same in training and evaluation.

use autograd::{Error, Float, Param, Result, Var};
use ndarray::Array2;
use rand::Rng;

use crate::init::{BiasInit, Init, check_sizes};
use crate::module::{Ctx, Module};

/// A fully connected layer, `y = x·W + b`.
#[derive(Clone, Debug)]
pub struct Affine<F: Float> {
    w: Param<F>,
    b: Param<F>,
    name: String,
}

impl<F: Float> Affine<F> {
    /// A `fan_in → fan_out` layer called `name`, weights drawn by `init`
    /// from `rng`, biases set to `bias`.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Affine;
    /// use nn::Module;
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    /// let fc = Affine::<f64>::new("fc1", 3, 4, Init::He, BiasInit::ZERO, &mut rng);
    /// assert_eq!(fc.param_count(), 16);
    /// assert_eq!(fc.weight().name(), "fc1.W");
    /// assert_eq!(fc.describe(), "affine 3→4 (fc1)");
    /// ```
    ///
    /// # Panics
    /// On invalid sizes or initializer arguments (see [`Affine::try_new`]).
    #[track_caller]
    pub fn new<R: Rng + ?Sized>(
        name: &str,
        fan_in: usize,
        fan_out: usize,
        init: Init,
        bias: BiasInit,
        rng: &mut R,
    ) -> Self {
        // A `match`, not `unwrap_or_else`: a panic inside a closure would
        // report the closure's line instead of the caller's.
        match Self::try_new(name, fan_in, fan_out, init, bias, rng) {
            Ok(layer) => layer,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Affine::new`], returning an error for a zero size or an invalid
    /// initializer (a sparse init with more connections than inputs).
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Affine;
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    /// let sparse = Init::Sparse { connections: 5 };
    /// assert!(Affine::<f32>::try_new("fc", 4, 2, sparse, BiasInit::ZERO, &mut rng).is_err());
    /// assert!(Affine::<f32>::try_new("fc", 0, 2, Init::He, BiasInit::ZERO, &mut rng).is_err());
    /// ```
    pub fn try_new<R: Rng + ?Sized>(
        name: &str,
        fan_in: usize,
        fan_out: usize,
        init: Init,
        bias: BiasInit,
        rng: &mut R,
    ) -> Result<Self> {
        check_sizes("Affine", fan_in, fan_out)?;
        let w = init.weights(fan_in, fan_out, rng)?;
        Self::from_values(name, w, bias.values(fan_out))
    }

    /// A layer with the given weights (fan_in×fan_out) and biases
    /// (1×fan_out): for tests, hand-computed examples and loading.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::Affine;
    /// use nn::{Ctx, Module};
    ///
    /// let fc = Affine::from_values("fc", array![[1.0, 2.0], [3.0, 4.0]], array![[0.5, -0.5]])
    ///     .unwrap();
    /// let tape = Tape::new();
    /// let y = fc.forward(&mut Ctx::eval(&tape), tape.constant(array![[1.0, 1.0]]));
    /// assert_eq!(y.value(), array![[4.5, 5.5]]);
    /// // a batch of the wrong width is an error naming the layer
    /// let e = fc.try_forward(&mut Ctx::eval(&tape), tape.constant(array![[1.0, 1.0, 1.0]]));
    /// assert_eq!(e.unwrap_err().to_string(), "Affine: layer `fc` takes 2 columns, x is 1×3");
    /// ```
    ///
    /// # Errors
    /// [`Error::Shape`] unless `b` is 1×(columns of `w`) and `w` is not empty.
    pub fn from_values(name: &str, w: Array2<F>, b: Array2<F>) -> Result<Self> {
        let (fan_in, fan_out) = w.dim();
        check_sizes("Affine", fan_in, fan_out)?;
        if b.dim() != (1, fan_out) {
            return Err(Error::shape(
                "Affine",
                format!(
                    "W is {fan_in}×{fan_out}, so b must be 1×{fan_out}, but it is {}×{}",
                    b.nrows(),
                    b.ncols()
                ),
            ));
        }
        Ok(Affine {
            w: Param::new(format!("{name}.W"), w),
            b: Param::new(format!("{name}.b"), b),
            name: name.to_string(),
        })
    }

    /// The weights `W` (fan_in×fan_out), named `"{name}.W"`.
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::Affine;
    /// let fc = Affine::from_values("fc", array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], array![[0.0, 0.0, 1.0]])
    ///     .unwrap();
    /// assert_eq!(fc.weight().name(), "fc.W");
    /// assert_eq!(fc.weight().value()[[1, 0]], 4.0);
    /// ```
    pub fn weight(&self) -> &Param<F> {
        &self.w
    }

    /// The biases `b` (1×fan_out), named `"{name}.b"`.
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::Affine;
    /// let fc = Affine::from_values("fc", array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], array![[0.0, 0.0, 1.0]])
    ///     .unwrap();
    /// assert_eq!(fc.bias().name(), "fc.b");
    /// assert_eq!(fc.bias().value(), &array![[0.0, 0.0, 1.0]]);
    /// ```
    pub fn bias(&self) -> &Param<F> {
        &self.b
    }

    /// The number of inputs per example.
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::Affine;
    /// let fc = Affine::from_values("fc", array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], array![[0.0, 0.0, 1.0]])
    ///     .unwrap();
    /// assert_eq!(fc.fan_in(), 2);
    /// ```
    pub fn fan_in(&self) -> usize {
        self.w.shape().rows
    }

    /// The number of outputs per example.
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::Affine;
    /// let fc = Affine::from_values("fc", array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], array![[0.0, 0.0, 1.0]])
    ///     .unwrap();
    /// assert_eq!(fc.fan_out(), 3);
    /// ```
    pub fn fan_out(&self) -> usize {
        self.w.shape().cols
    }

    /// The layer's name (the prefix of its parameters' names).
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::Affine;
    /// let fc = Affine::from_values("fc", array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], array![[0.0, 0.0, 1.0]])
    ///     .unwrap();
    /// assert_eq!(fc.name(), "fc");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<F: Float> Module<F> for Affine<F> {
    /// `x·W + b`.
    ///
    /// # Errors
    /// [`Error::Shape`] naming the layer unless `x` has fan_in columns.
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        if x.shape().cols != self.fan_in() {
            return Err(Error::shape(
                "Affine",
                format!(
                    "layer `{}` takes {} columns, x is {}",
                    self.name,
                    self.fan_in(),
                    x.shape()
                ),
            ));
        }
        x.try_matmul(ctx.param(&self.w))?
            .try_add(ctx.param(&self.b))
    }
    fn params(&self) -> Vec<&Param<F>> {
        vec![&self.w, &self.b]
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        vec![&mut self.w, &mut self.b]
    }
    fn describe(&self) -> String {
        format!(
            "affine {}→{} ({})",
            self.fan_in(),
            self.fan_out(),
            self.name
        )
    }
}
