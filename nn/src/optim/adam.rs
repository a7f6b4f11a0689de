//! Adam: momentum on the gradient, RMSprop on its square, both bias-corrected.

use autograd::Float;

use super::core::{Core, Knobs, Rule, delegate_optimizer};
use super::error::check;
use super::{ConfigError, Options};

/// Adam with bias correction, the notes'
/// `m = beta1*m + (1-beta1)*dx; mt = m / (1-beta1**t); v = beta2*v + (1-beta2)*(dx**2); vt = v / (1-beta2**t); x += -lr * mt / (np.sqrt(vt) + eps)`.
///
/// Per element, exactly as computed (`s`: clipping factor, 1 unless
/// clipping; `λ`: decoupled weight decay, 0 by default — with λ > 0 this is
/// AdamW), `m` and `v` starting at 0 and `t` the parameter's own step count
/// (1 on its first update). `1 − β₁`, `1 − β₂`, `c₁ = 1/(1 − β₁ᵗ)` and
/// `c₂ = 1/(1 − β₂ᵗ)` are computed in `f64` and rounded to `F`. ε is added
/// *outside* the square root of the corrected `v̂` (as PyTorch does):
///
/// ```text
/// ĝ = s·g
/// m ← β₁·m + (1 − β₁)·ĝ
/// v ← β₂·v + (1 − β₂)·(ĝ·ĝ)
/// x ← x·(1 − lr·λ) − lr·(m·c₁) / (√(v·c₂) + ε)
/// ```
///
/// Defaults: `lr = 0.001`, `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`.
///
/// ```
/// use nn::optim::{Adam, AdamConfig, Optimizer};
/// let adam = Adam::<f32>::new(AdamConfig::default()).unwrap();
/// assert_eq!(adam.learning_rate(), 1e-3);
/// ```
#[derive(Clone, Debug)]
pub struct Adam<F: Float> {
    core: Core<F, AdamRule>,
}

/// [`Adam`]'s hyperparameters; see its doc for the defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate (finite, ≥ 0). Default 0.001.
    pub lr: f64,
    /// β₁, decay of the first-moment average, in [0, 1). Default 0.9.
    pub beta1: f64,
    /// β₂, decay of the second-moment average, in [0, 1). Default 0.999.
    pub beta2: f64,
    /// ε, added to √v̂ (finite, > 0). Default 1e-8.
    pub eps: f64,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct AdamRule {
    beta1: f64,
    beta2: f64,
    eps: f64,
}

impl<F: Float> Adam<F> {
    /// Validates `config` (see [`ConfigError`]).
    pub fn new(config: AdamConfig) -> Result<Self, ConfigError> {
        const WHO: &str = "adam";
        let beta1 = check::unit(WHO, "beta1", config.beta1)?;
        let beta2 = check::unit(WHO, "beta2", config.beta2)?;
        let eps = check::positive(WHO, "eps", config.eps)?;
        Ok(Adam {
            core: Core::new(AdamRule { beta1, beta2, eps }, config.lr)?,
        })
    }

    /// Adds clipping and/or decoupled weight decay (see [`Options`]).
    pub fn with_options(self, options: Options) -> Result<Self, ConfigError> {
        Ok(Adam {
            core: self.core.with_options(options)?,
        })
    }
}

impl Rule for AdamRule {
    const NAME: &'static str = "adam";
    const SLOTS: &'static [&'static str] = &["m", "v"];

    fn update<F: Float>(&self, k: Knobs<F>, t: u64, x: &mut [F], g: &[F], slots: &mut [&mut [F]]) {
        let [m, v] = slots else {
            unreachable!("two slots");
        };
        let n = x.len();
        let (g, m, v) = (&g[..n], &mut m[..n], &mut v[..n]);
        let (b1, b2) = (F::of(self.beta1), F::of(self.beta2));
        let (b1c, b2c) = (F::of(1.0 - self.beta1), F::of(1.0 - self.beta2));
        // βᵗ in f64; a step count past i32::MAX saturates, where βᵗ is 0 anyway.
        let t = i32::try_from(t).unwrap_or(i32::MAX);
        let c1 = F::of(1.0 / (1.0 - self.beta1.powi(t)));
        let c2 = F::of(1.0 / (1.0 - self.beta2.powi(t)));
        let eps = F::of(self.eps);
        for i in 0..n {
            let gi = k.scale * g[i];
            m[i] = b1 * m[i] + b1c * gi;
            v[i] = b2 * v[i] + b2c * (gi * gi);
            x[i] = x[i] * k.keep - k.lr * (m[i] * c1) / ((v[i] * c2).sqrt() + eps);
        }
    }
}

delegate_optimizer!(Adam, AdamRule);
