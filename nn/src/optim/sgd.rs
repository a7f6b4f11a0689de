//! Vanilla SGD: step against the gradient.

use autograd::Float;

use super::core::{Core, Knobs, Rule, delegate_optimizer};
use super::{ConfigError, Options};

/// Vanilla stochastic gradient descent, the notes' `x += -lr * dx`.
///
/// Per element, exactly as computed (`s`: clipping factor, 1 unless
/// clipping; `λ`: decoupled weight decay, 0 by default):
///
/// ```text
/// x ← x·(1 − lr·λ) − lr·(s·g)
/// ```
///
/// No state beyond a step count. Default: `lr = 0.01`.
///
/// ```
/// use nn::optim::{Sgd, SgdConfig};
/// let sgd = Sgd::<f32>::new(SgdConfig::default()).unwrap();
/// assert_eq!(nn::optim::Optimizer::learning_rate(&sgd), 0.01);
/// ```
#[derive(Clone, Debug)]
pub struct Sgd<F: Float> {
    core: Core<F, SgdRule>,
}

/// [`Sgd`]'s hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    /// Learning rate (finite, ≥ 0). Default 0.01.
    pub lr: f64,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig { lr: 0.01 }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct SgdRule;

impl<F: Float> Sgd<F> {
    /// Validates `config` (see [`ConfigError`]).
    pub fn new(config: SgdConfig) -> Result<Self, ConfigError> {
        Ok(Sgd {
            core: Core::new(SgdRule, config.lr)?,
        })
    }

    /// Adds clipping and/or decoupled weight decay (see [`Options`]).
    pub fn with_options(self, options: Options) -> Result<Self, ConfigError> {
        Ok(Sgd {
            core: self.core.with_options(options)?,
        })
    }
}

impl Rule for SgdRule {
    const NAME: &'static str = "sgd";
    const SLOTS: &'static [&'static str] = &[];

    fn update<F: Float>(&self, k: Knobs<F>, _t: u64, x: &mut [F], g: &[F], _: &mut [&mut [F]]) {
        let g = &g[..x.len()];
        for i in 0..x.len() {
            x[i] = x[i] * k.keep - k.lr * (k.scale * g[i]);
        }
    }
}

delegate_optimizer!(Sgd, SgdRule);
