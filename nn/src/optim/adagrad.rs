//! Adagrad: per-coordinate rates from the sum of squared gradients.

use autograd::Float;

use super::core::{Core, Knobs, Rule, delegate_optimizer};
use super::error::check;
use super::{ConfigError, Options};

/// Adagrad, the notes' `cache += dx**2; x += -lr * dx / (np.sqrt(cache) + eps)`.
///
/// Per element, exactly as computed (`s`: clipping factor, 1 unless
/// clipping; `λ`: decoupled weight decay, 0 by default), `cache` starting
/// at 0. ε is added *outside* the square root:
///
/// ```text
/// ĝ = s·g
/// cache ← cache + ĝ·ĝ
/// x ← x·(1 − lr·λ) − lr·ĝ / (√cache + ε)
/// ```
///
/// Defaults: `lr = 0.01`, `ε = 1e-8`.
///
/// ```
/// use nn::optim::{Adagrad, AdagradConfig};
/// assert!(Adagrad::<f32>::new(AdagradConfig { eps: 0.0, ..Default::default() }).is_err());
/// ```
#[derive(Clone, Debug)]
pub struct Adagrad<F: Float> {
    core: Core<F, AdagradRule>,
}

/// [`Adagrad`]'s hyperparameters; see its doc for the defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdagradConfig {
    /// Learning rate (finite, ≥ 0). Default 0.01.
    pub lr: f64,
    /// ε, added to √cache (finite, > 0). Default 1e-8.
    pub eps: f64,
}

impl Default for AdagradConfig {
    fn default() -> Self {
        AdagradConfig {
            lr: 0.01,
            eps: 1e-8,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct AdagradRule {
    eps: f64,
}

impl<F: Float> Adagrad<F> {
    /// Validates `config` (see [`ConfigError`]).
    pub fn new(config: AdagradConfig) -> Result<Self, ConfigError> {
        const WHO: &str = "adagrad";
        let eps = check::positive(WHO, "eps", config.eps)?;
        Ok(Adagrad {
            core: Core::new(AdagradRule { eps }, config.lr)?,
        })
    }

    /// Adds clipping and/or decoupled weight decay (see [`Options`]).
    pub fn with_options(self, options: Options) -> Result<Self, ConfigError> {
        Ok(Adagrad {
            core: self.core.with_options(options)?,
        })
    }
}

impl Rule for AdagradRule {
    const NAME: &'static str = "adagrad";
    const SLOTS: &'static [&'static str] = &["cache"];

    fn update<F: Float>(&self, k: Knobs<F>, _t: u64, x: &mut [F], g: &[F], slots: &mut [&mut [F]]) {
        let [cache] = slots else {
            unreachable!("one slot");
        };
        let n = x.len();
        let (g, cache) = (&g[..n], &mut cache[..n]);
        let eps = F::of(self.eps);
        for i in 0..n {
            let gi = k.scale * g[i];
            cache[i] += gi * gi;
            x[i] = x[i] * k.keep - k.lr * gi / (cache[i].sqrt() + eps);
        }
    }
}

delegate_optimizer!(Adagrad, AdagradRule);
