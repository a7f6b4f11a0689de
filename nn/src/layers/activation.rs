//! [`Activation`]: the elementwise nonlinearities of the notes, as a layer
//! without parameters.
//!
//! | variant | `y = f(x)` | `f'(x)` | notes |
//! |---|---|---|---|
//! | `Sigmoid` | `1 / (1 + e⁻ˣ)` | `y(1 − y)` | saturates; not zero-centred |
//! | `Tanh` | `tanh x = 2σ(2x) − 1` | `1 − y²` | saturates; zero-centred |
//! | `ReLU` | `max(0, x)` | `1` for `x > 0`, else `0` | `f'(0) = 0`; units can die |
//! | `LeakyReLU(α)` | `x` for `x > 0`, else `α·x` | `1`, else `α` | `f'(0) = α`; no dead units |
//!
//! The kink conventions at 0 are autograd's ([`autograd::ties`], PyTorch's).
//! Same in training and evaluation.
//!
//! The leaky slope α is configuration, so it is validated where the layer
//! is made ([`Activation::try_leaky_relu`], [`crate::MlpBuilder::build`])
//! and again before it is used (the variant can be written directly): a
//! NaN or infinite α is an [`Error::Argument`] naming `Activation`, never
//! a NaN output.

use autograd::{Error, Float, Param, Result, Var};

use crate::module::{Ctx, Module};

/// An elementwise nonlinearity.
///
/// It is a plain `Copy` value, not generic over the float type, so one
/// `Activation` configures a whole network (see [`crate::Mlp`]).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Activation {
    /// The logistic sigmoid `σ(x) = 1 / (1 + e⁻ˣ)`.
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// The rectifier `max(0, x)`: the notes' default choice.
    #[default]
    ReLU,
    /// `x` for `x > 0`, `α·x` otherwise (the notes: α ≈ 0.01).
    LeakyReLU(f64),
}

impl Activation {
    /// A leaky ReLU with slope `alpha` for `x ≤ 0`.
    ///
    /// ```
    /// use nn::layers::Activation;
    /// assert_eq!(Activation::leaky_relu(0.01), Activation::LeakyReLU(0.01));
    /// ```
    ///
    /// # Panics
    /// If `alpha` is NaN or infinite (see [`Activation::try_leaky_relu`]).
    #[track_caller]
    pub fn leaky_relu(alpha: f64) -> Self {
        match Self::try_leaky_relu(alpha) {
            Ok(act) => act,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Activation::leaky_relu`], returning an error for a NaN or infinite
    /// `alpha`.
    ///
    /// ```
    /// use autograd::Error;
    /// use nn::layers::Activation;
    /// let e = Activation::try_leaky_relu(f64::NAN).unwrap_err();
    /// assert!(matches!(e, Error::Argument { op: "Activation", .. }));
    /// assert_eq!(e.to_string(), "Activation: leaky_relu's α must be finite, got NaN");
    /// assert!(Activation::try_leaky_relu(f64::INFINITY).is_err());
    /// assert!(Activation::try_leaky_relu(-0.5).is_ok()); // any finite slope
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for a NaN or infinite `alpha`.
    pub fn try_leaky_relu(alpha: f64) -> Result<Self> {
        Activation::LeakyReLU(alpha).validate()
    }

    /// `self`, if its parameters are valid (a finite leaky slope).
    ///
    /// ```
    /// use nn::layers::Activation;
    /// assert!(Activation::Tanh.validate().is_ok());
    /// assert!(Activation::LeakyReLU(f64::NEG_INFINITY).validate().is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for a NaN or infinite leaky slope.
    pub fn validate(self) -> Result<Self> {
        match self {
            Activation::LeakyReLU(alpha) if !alpha.is_finite() => Err(Error::argument(
                "Activation",
                format!("leaky_relu's α must be finite, got {alpha}"),
            )),
            _ => Ok(self),
        }
    }

    /// Applies the nonlinearity to `x` (the same as the layer's forward).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::Activation;
    ///
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, 3.0]]);
    /// assert_eq!(Activation::ReLU.apply(x).value(), array![[0.0, 3.0]]);
    /// assert_eq!(Activation::LeakyReLU(0.1).apply(x).value(), array![[-0.2, 3.0]]);
    /// ```
    ///
    /// # Panics
    /// If the leaky slope is NaN or infinite (see [`Activation::try_apply`]).
    #[track_caller]
    pub fn apply<'t, F: Float>(self, x: Var<'t, F>) -> Var<'t, F> {
        match self.try_apply(x) {
            Ok(y) => y,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Activation::apply`], returning an error for a NaN or infinite leaky
    /// slope.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::Activation;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[-2.0, 3.0]]);
    /// assert!(Activation::LeakyReLU(f64::NAN).try_apply(x).is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for a NaN or infinite leaky slope.
    #[track_caller]
    pub fn try_apply<'t, F: Float>(self, x: Var<'t, F>) -> Result<Var<'t, F>> {
        Ok(match self.validate()? {
            Activation::Sigmoid => x.sigmoid(),
            Activation::Tanh => x.tanh(),
            Activation::ReLU => x.relu(),
            Activation::LeakyReLU(alpha) => x.leaky_relu(F::of(alpha)),
        })
    }

    /// A short name: `"sigmoid"`, `"tanh"`, `"relu"`, `"leaky_relu(0.01)"`.
    ///
    /// ```
    /// assert_eq!(nn::layers::Activation::LeakyReLU(0.01).name(), "leaky_relu(0.01)");
    /// ```
    pub fn name(self) -> String {
        match self {
            Activation::Sigmoid => "sigmoid".into(),
            Activation::Tanh => "tanh".into(),
            Activation::ReLU => "relu".into(),
            Activation::LeakyReLU(alpha) => format!("leaky_relu({alpha})"),
        }
    }
}

impl<F: Float> Module<F> for Activation {
    fn try_forward<'t>(&self, _ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        self.try_apply(x)
    }
    fn params(&self) -> Vec<&Param<F>> {
        Vec::new()
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        Vec::new()
    }
    fn describe(&self) -> String {
        self.name()
    }
}
