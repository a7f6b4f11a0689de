//! Nesterov momentum, in the notes' `v_prev` form.

use autograd::Float;

use super::core::{Core, Knobs, Rule, delegate_optimizer};
use super::error::check;
use super::{ConfigError, Options};

/// Nesterov momentum as the notes write it, with the parameter kept at
/// the "looked-ahead" point:
/// `v_prev = v; v = mu * v - lr * dx; x += -mu * v_prev + (1 + mu) * v`.
///
/// Per element, exactly as computed (`s`: clipping factor, 1 unless
/// clipping; `λ`: decoupled weight decay, 0 by default), `v` starting at 0:
///
/// ```text
/// v_prev = v
/// v ← μ·v − lr·(s·g)
/// x ← x·(1 − lr·λ) − μ·v_prev + (1 + μ)·v
/// ```
///
/// Defaults: `lr = 0.01`, `μ = 0.9`.
///
/// ```
/// use nn::optim::{Nesterov, NesterovConfig};
/// let n = Nesterov::<f32>::new(NesterovConfig::default()).unwrap();
/// assert_eq!(nn::optim::Optimizer::name(&n), "nesterov");
/// ```
#[derive(Clone, Debug)]
pub struct Nesterov<F: Float> {
    core: Core<F, NesterovRule>,
}

/// [`Nesterov`]'s hyperparameters; see its doc for the defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NesterovConfig {
    /// Learning rate (finite, ≥ 0). Default 0.01.
    pub lr: f64,
    /// Momentum μ, in [0, 1). Default 0.9.
    pub mu: f64,
}

impl Default for NesterovConfig {
    fn default() -> Self {
        NesterovConfig { lr: 0.01, mu: 0.9 }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct NesterovRule {
    mu: f64,
}

impl<F: Float> Nesterov<F> {
    /// Validates `config` (see [`ConfigError`]).
    pub fn new(config: NesterovConfig) -> Result<Self, ConfigError> {
        const WHO: &str = "nesterov";
        let mu = check::unit(WHO, "mu", config.mu)?;
        Ok(Nesterov {
            core: Core::new(NesterovRule { mu }, config.lr)?,
        })
    }

    /// Adds clipping and/or decoupled weight decay (see [`Options`]).
    pub fn with_options(self, options: Options) -> Result<Self, ConfigError> {
        Ok(Nesterov {
            core: self.core.with_options(options)?,
        })
    }
}

impl Rule for NesterovRule {
    const NAME: &'static str = "nesterov";
    const SLOTS: &'static [&'static str] = &["v"];

    fn update<F: Float>(&self, k: Knobs<F>, _t: u64, x: &mut [F], g: &[F], slots: &mut [&mut [F]]) {
        let [v] = slots else {
            unreachable!("one slot");
        };
        let n = x.len();
        let (g, v) = (&g[..n], &mut v[..n]);
        let mu = F::of(self.mu);
        let mu1 = F::of(1.0 + self.mu);
        for i in 0..n {
            let v_prev = v[i];
            v[i] = mu * v[i] - k.lr * (k.scale * g[i]);
            x[i] = x[i] * k.keep - mu * v_prev + mu1 * v[i];
        }
    }
}

delegate_optimizer!(Nesterov, NesterovRule);
