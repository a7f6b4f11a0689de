//! [`Mlp`]: a fully connected network from a list of layer sizes, the notes'
//! way of describing one.
//!
//! `[d₀, d₁, …, d_L]` gives `L` affine layers `dₖ₋₁ → dₖ` (named `fc1` …
//! `fcL`), each hidden one followed by the activation; the last has none
//! (its outputs are class scores). Between layers, optionally:
//! `affine → batch norm → activation → dropout`, the order the notes give
//! (batch norm right after the fully connected layer, before the
//! nonlinearity). The network has `Σₖ (dₖ₋₁·dₖ + dₖ)` parameters without
//! batch norm: 26 for `[3, 4, 2]`, 41 for `[3, 4, 4, 1]`.

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use autograd::{Error, Float, Param, Result, Var};
use ndarray::Array2;
use rand::Rng;

use crate::init::{BiasInit, Init};
use crate::layers::{Activation, Affine, BatchNorm, Dropout};
use crate::module::{Ctx, Module};
use crate::sequential::Sequential;

/// A multi-layer perceptron: a [`Sequential`] of affine layers and
/// activations, remembering its sizes. Derefs to the `Sequential` (for
/// [`Sequential::summary`], [`Sequential::layers`], …).
pub struct Mlp<F: Float> {
    net: Sequential<F>,
    sizes: Vec<usize>,
}

impl<F: Float> Mlp<F> {
    /// `sizes[0] → sizes[1] → … → sizes[L]` with `activation` after every
    /// layer but the last, weights by `init`, zero biases.
    ///
    /// ```
    /// use nn::init::Init;
    /// use nn::layers::Activation;
    /// use nn::{Mlp, Module};
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f64>::new(&[3, 4, 2], Activation::ReLU, Init::He, &mut rng);
    /// assert_eq!(net.param_count(), 26); // (3·4 + 4) + (4·2 + 2)
    /// assert_eq!(net.len(), 3);          // fc1, relu, fc2
    /// println!("{}", net.summary());
    /// ```
    ///
    /// # Panics
    /// On invalid sizes (see [`Mlp::builder`]).
    #[track_caller]
    pub fn new<R: Rng + ?Sized>(
        sizes: &[usize],
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> Self {
        // A `match`, not `unwrap_or_else`: a panic inside a closure would
        // report the closure's line instead of the caller's.
        match Self::builder(sizes)
            .activation(activation)
            .init(init)
            .build(rng)
        {
            Ok(net) => net,
            Err(e) => panic!("{e}"),
        }
    }

    /// A builder for the optional parts: bias init, batch norm, dropout.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Activation;
    /// use nn::{Mlp, Module};
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f32>::builder(&[2, 100, 3])
    ///     .activation(Activation::Tanh)
    ///     .init(Init::Calibrated)
    ///     .bias(BiasInit::RELU_NUDGE)
    ///     .batch_norm(true)
    ///     .dropout(0.5)
    ///     .build(&mut rng)
    ///     .unwrap();
    /// // fc1, bn1, tanh, dropout, fc2
    /// assert_eq!(net.len(), 5);
    /// assert_eq!(net.param_count(), (2 * 100 + 100) + 2 * 100 + (100 * 3 + 3));
    /// assert!(Mlp::<f32>::builder(&[2]).build(&mut rng).is_err()); // no layer
    /// ```
    pub fn builder(sizes: &[usize]) -> MlpBuilder<F> {
        MlpBuilder {
            float: PhantomData,
            sizes: sizes.to_vec(),
            activation: Activation::ReLU,
            init: Init::He,
            bias: BiasInit::ZERO,
            batch_norm: false,
            p_keep: None,
        }
    }

    /// The layer sizes, input first.
    ///
    /// ```
    /// use nn::init::Init;
    /// use nn::layers::Activation;
    /// use nn::Mlp;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f64>::new(&[3, 4, 4, 1], Activation::ReLU, Init::He, &mut rng);
    /// assert_eq!(net.sizes(), &[3, 4, 4, 1]);
    /// ```
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The underlying chain of layers.
    ///
    /// ```
    /// use nn::init::Init;
    /// use nn::layers::Activation;
    /// use nn::Mlp;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f64>::new(&[3, 4, 4, 1], Activation::ReLU, Init::He, &mut rng);
    /// let seq: nn::Sequential<f64> = net.into_sequential();
    /// assert_eq!(seq.len(), 5); // fc1 relu fc2 relu fc3
    /// ```
    pub fn into_sequential(self) -> Sequential<F> {
        self.net
    }
}

/// Configures an [`Mlp`]; made by [`Mlp::builder`]. Defaults: ReLU, He
/// init, zero biases, no batch norm, no dropout.
#[derive(Clone, Debug)]
pub struct MlpBuilder<F: Float> {
    /// The network's float type (fixed by `Mlp::<F>::builder`).
    float: PhantomData<fn() -> F>,
    sizes: Vec<usize>,
    activation: Activation,
    init: Init,
    bias: BiasInit,
    batch_norm: bool,
    p_keep: Option<f64>,
}

impl<F: Float> MlpBuilder<F> {
    /// The nonlinearity after every hidden layer (default ReLU).
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Activation;
    /// use nn::{Mlp, Module};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f64>::builder(&[2, 3, 1]).activation(Activation::Sigmoid).build(&mut rng).unwrap();
    /// assert_eq!(net.layers()[1].describe(), "sigmoid");
    /// // a NaN slope is refused when the network is built, not met as NaN output
    /// let bad = Mlp::<f64>::builder(&[2, 3, 1]).activation(Activation::LeakyReLU(f64::NAN));
    /// assert!(bad.build(&mut rng).is_err());
    /// ```
    pub fn activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }

    /// The weight initializer of every affine layer (default He).
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Activation;
    /// use nn::{Mlp, Module};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f64>::builder(&[2, 3, 1]).init(Init::Zeros).build(&mut rng).unwrap();
    /// assert!(net.params().iter().step_by(2).all(|w| w.value().iter().all(|&v| v == 0.0)));
    /// ```
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// The bias initializer of every affine layer (default 0).
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Activation;
    /// use nn::{Mlp, Module};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f64>::builder(&[2, 3, 1]).bias(BiasInit::RELU_NUDGE).build(&mut rng).unwrap();
    /// assert_eq!(net.params()[1].value()[[0, 0]], 0.01); // fc1.b
    /// ```
    pub fn bias(mut self, bias: BiasInit) -> Self {
        self.bias = bias;
        self
    }

    /// Whether to add batch norm (`bnK`) after every hidden affine layer,
    /// before the activation.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Activation;
    /// use nn::{Mlp, Module};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f64>::builder(&[2, 3, 1]).batch_norm(true).build(&mut rng).unwrap();
    /// assert_eq!(net.layers()[1].describe(), "batchnorm 3 (bn1)");
    /// ```
    pub fn batch_norm(mut self, on: bool) -> Self {
        self.batch_norm = on;
        self
    }

    /// Inverted dropout with keep probability `p_keep` after every hidden
    /// activation (validated by [`MlpBuilder::build`]).
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Activation;
    /// use nn::{Mlp, Module};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Mlp::<f64>::builder(&[2, 3, 1]).dropout(0.5).build(&mut rng).unwrap();
    /// assert_eq!(net.layers()[2].describe(), "dropout p_keep=0.5");
    /// assert!(Mlp::<f64>::builder(&[2, 3, 1]).dropout(1.5).build(&mut rng).is_err());
    /// ```
    pub fn dropout(mut self, p_keep: f64) -> Self {
        self.p_keep = Some(p_keep);
        self
    }

    /// Draws the weights from `rng` and assembles the network.
    ///
    /// ```
    /// use nn::init::{BiasInit, Init};
    /// use nn::layers::Activation;
    /// use nn::{Mlp, Module};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let a = Mlp::<f64>::builder(&[2, 3, 1]).build(&mut rand::rngs::StdRng::seed_from_u64(4)).unwrap();
    /// let b = Mlp::<f64>::builder(&[2, 3, 1]).build(&mut rand::rngs::StdRng::seed_from_u64(4)).unwrap();
    /// assert_eq!(a.params()[0].value(), b.params()[0].value()); // same seed, same network
    /// assert!(Mlp::<f64>::builder(&[2, 0, 1]).build(&mut rng).is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for fewer than two sizes, a zero size, an
    /// invalid initializer for some layer, an invalid dropout
    /// probability, or a leaky ReLU slope that is NaN or infinite.
    pub fn build<R: Rng + ?Sized>(self, rng: &mut R) -> Result<Mlp<F>> {
        if self.sizes.len() < 2 {
            return Err(Error::argument(
                "Mlp",
                format!(
                    "need at least an input and an output size, got {:?}",
                    self.sizes
                ),
            ));
        }
        let dropout = self.p_keep.map(Dropout::try_new).transpose()?;
        let activation = self.activation.validate()?;
        let layers = self.sizes.len() - 1;
        let mut net = Sequential::new();
        for (k, pair) in self.sizes.windows(2).enumerate() {
            let (fan_in, fan_out, id) = (pair[0], pair[1], k + 1);
            let fc = Affine::try_new(
                &format!("fc{id}"),
                fan_in,
                fan_out,
                self.init,
                self.bias,
                rng,
            )?;
            net.push_boxed(Box::new(fc));
            if id == layers {
                break; // the output layer gives raw scores
            }
            if self.batch_norm {
                let bn = BatchNorm::with_config(
                    &format!("bn{id}"),
                    fan_out,
                    crate::layers::batch_norm::DEFAULT_MOMENTUM,
                    crate::layers::batch_norm::DEFAULT_EPS,
                )?;
                net.push_boxed(Box::new(bn));
            }
            net.push_boxed(Box::new(activation));
            if let Some(d) = dropout {
                net.push_boxed(Box::new(d));
            }
        }
        Ok(Mlp {
            net,
            sizes: self.sizes,
        })
    }
}

impl<F: Float> Deref for Mlp<F> {
    type Target = Sequential<F>;
    fn deref(&self) -> &Sequential<F> {
        &self.net
    }
}

impl<F: Float> DerefMut for Mlp<F> {
    fn deref_mut(&mut self) -> &mut Sequential<F> {
        &mut self.net
    }
}

impl<F: Float> Module<F> for Mlp<F> {
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        self.net.try_forward(ctx, x)
    }
    fn named_buffers(&self) -> Vec<(String, Array2<F>)> {
        self.net.named_buffers()
    }
    fn set_buffers(&self, values: &[Array2<F>]) -> Result<()> {
        self.net.set_buffers(values)
    }
    fn params(&self) -> Vec<&Param<F>> {
        self.net.params()
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        self.net.params_mut()
    }
    fn describe(&self) -> String {
        let sizes: Vec<String> = self.sizes.iter().map(usize::to_string).collect();
        format!("mlp [{}]", sizes.join(", "))
    }
}
