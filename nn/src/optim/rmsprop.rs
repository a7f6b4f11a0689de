//! RMSprop: Adagrad with a leaky (moving-average) cache.

use autograd::Float;

use super::core::{Core, Knobs, Rule, delegate_optimizer};
use super::error::check;
use super::{ConfigError, Options};

/// RMSprop, the notes'
/// `cache = decay_rate * cache + (1 - decay_rate) * dx**2; x += -lr * dx / (np.sqrt(cache) + eps)`.
///
/// Per element, exactly as computed (`s`: clipping factor, 1 unless
/// clipping; `λ`: decoupled weight decay, 0 by default; `1 − ρ` computed
/// in `f64`), `cache` starting at 0. ε is added *outside* the square root
/// (as PyTorch does):
///
/// ```text
/// ĝ = s·g
/// cache ← ρ·cache + (1 − ρ)·ĝ·ĝ
/// x ← x·(1 − lr·λ) − lr·ĝ / (√cache + ε)
/// ```
///
/// Defaults: `lr = 0.01`, decay rate `ρ = 0.99`, `ε = 1e-8`.
///
/// ```
/// use nn::optim::{RmsProp, RmsPropConfig};
/// let r = RmsProp::<f64>::new(RmsPropConfig { decay: 0.9, ..Default::default() }).unwrap();
/// assert_eq!(nn::optim::Optimizer::name(&r), "rmsprop");
/// ```
#[derive(Clone, Debug)]
pub struct RmsProp<F: Float> {
    core: Core<F, RmsPropRule>,
}

/// [`RmsProp`]'s hyperparameters; see its doc for the defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmsPropConfig {
    /// Learning rate (finite, ≥ 0). Default 0.01.
    pub lr: f64,
    /// Decay rate ρ of the squared-gradient average, in [0, 1). Default 0.99.
    pub decay: f64,
    /// ε, added to √cache (finite, > 0). Default 1e-8.
    pub eps: f64,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        RmsPropConfig {
            lr: 0.01,
            decay: 0.99,
            eps: 1e-8,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RmsPropRule {
    decay: f64,
    eps: f64,
}

impl<F: Float> RmsProp<F> {
    /// Validates `config` (see [`ConfigError`]).
    pub fn new(config: RmsPropConfig) -> Result<Self, ConfigError> {
        const WHO: &str = "rmsprop";
        let decay = check::unit(WHO, "decay", config.decay)?;
        let eps = check::positive(WHO, "eps", config.eps)?;
        Ok(RmsProp {
            core: Core::new(RmsPropRule { decay, eps }, config.lr)?,
        })
    }

    /// Adds clipping and/or decoupled weight decay (see [`Options`]).
    pub fn with_options(self, options: Options) -> Result<Self, ConfigError> {
        Ok(RmsProp {
            core: self.core.with_options(options)?,
        })
    }
}

impl Rule for RmsPropRule {
    const NAME: &'static str = "rmsprop";
    const SLOTS: &'static [&'static str] = &["cache"];

    fn update<F: Float>(&self, k: Knobs<F>, _t: u64, x: &mut [F], g: &[F], slots: &mut [&mut [F]]) {
        let [cache] = slots else {
            unreachable!("one slot");
        };
        let n = x.len();
        let (g, cache) = (&g[..n], &mut cache[..n]);
        let (rho, rho1, eps) = (F::of(self.decay), F::of(1.0 - self.decay), F::of(self.eps));
        for i in 0..n {
            let gi = k.scale * g[i];
            cache[i] = rho * cache[i] + rho1 * (gi * gi);
            x[i] = x[i] * k.keep - k.lr * gi / (cache[i].sqrt() + eps);
        }
    }
}

delegate_optimizer!(RmsProp, RmsPropRule);
