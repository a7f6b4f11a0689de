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

use autograd::{Float, Param, Var};

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
    pub fn apply<'t, F: Float>(self, x: Var<'t, F>) -> Var<'t, F> {
        match self {
            Activation::Sigmoid => x.sigmoid(),
            Activation::Tanh => x.tanh(),
            Activation::ReLU => x.relu(),
            Activation::LeakyReLU(alpha) => x.leaky_relu(F::of(alpha)),
        }
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
    fn forward<'t>(&mut self, _ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Var<'t, F> {
        self.apply(x)
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
