//! Momentum: a velocity that accumulates gradients (the notes' "physical" view).

use autograd::Float;

use super::core::{Core, Knobs, Rule, delegate_optimizer};
use super::error::check;
use super::{ConfigError, Options};

/// SGD with momentum, the notes' `v = mu * v - lr * dx; x += v`.
///
/// Per element, exactly as computed (`s`: clipping factor, 1 unless
/// clipping; `λ`: decoupled weight decay, 0 by default), `v` starting at 0:
///
/// ```text
/// v ← μ·v − lr·(s·g)
/// x ← x·(1 − lr·λ) + v
/// ```
///
/// Defaults: `lr = 0.01`, `μ = 0.9`.
///
/// ```
/// use nn::optim::{Momentum, MomentumConfig};
/// let m = Momentum::<f64>::new(MomentumConfig { mu: 0.95, ..Default::default() }).unwrap();
/// assert_eq!(nn::optim::Optimizer::name(&m), "momentum");
/// ```
#[derive(Clone, Debug)]
pub struct Momentum<F: Float> {
    core: Core<F, MomentumRule>,
}

/// [`Momentum`]'s hyperparameters; see its doc for the defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MomentumConfig {
    /// Learning rate (finite, ≥ 0). Default 0.01.
    pub lr: f64,
    /// Momentum μ, in [0, 1). Default 0.9.
    pub mu: f64,
}

impl Default for MomentumConfig {
    fn default() -> Self {
        MomentumConfig { lr: 0.01, mu: 0.9 }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct MomentumRule {
    mu: f64,
}

impl<F: Float> Momentum<F> {
    /// Validates `config` (see [`ConfigError`]).
    pub fn new(config: MomentumConfig) -> Result<Self, ConfigError> {
        const WHO: &str = "momentum";
        let mu = check::unit(WHO, "mu", config.mu)?;
        Ok(Momentum {
            core: Core::new(MomentumRule { mu }, config.lr)?,
        })
    }

    /// Adds clipping and/or decoupled weight decay (see [`Options`]).
    pub fn with_options(self, options: Options) -> Result<Self, ConfigError> {
        Ok(Momentum {
            core: self.core.with_options(options)?,
        })
    }
}

impl Rule for MomentumRule {
    const NAME: &'static str = "momentum";
    const SLOTS: &'static [&'static str] = &["v"];

    fn update<F: Float>(&self, k: Knobs<F>, _t: u64, x: &mut [F], g: &[F], slots: &mut [&mut [F]]) {
        let [v] = slots else {
            unreachable!("one slot");
        };
        let n = x.len();
        let (g, v) = (&g[..n], &mut v[..n]);
        let mu = F::of(self.mu);
        for i in 0..n {
            v[i] = mu * v[i] - k.lr * (k.scale * g[i]);
            x[i] = x[i] * k.keep + v[i];
        }
    }
}

delegate_optimizer!(Momentum, MomentumRule);
