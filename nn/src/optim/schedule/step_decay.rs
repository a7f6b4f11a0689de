//! [`StepDecay`]: multiply the rate by a factor every few epochs.

use std::collections::BTreeMap;

use super::{Schedule, epoch_of, epoch_scalars};
use crate::optim::ConfigError;
use crate::optim::error::check;

/// `lr = lr₀·factor^⌊t/k⌋`: the notes' "reduce the learning rate by some
/// factor every few epochs" (e.g. half every 5 epochs). The power is
/// computed in `f64` (`powi`).
///
/// ```
/// use nn::optim::schedule::{Schedule, StepDecay};
/// let mut s = StepDecay::new(1.0, 0.5, 3).unwrap();
/// for _ in 0..6 { s.advance(); }
/// assert_eq!(s.learning_rate(), 0.25);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct StepDecay {
    lr0: f64,
    factor: f64,
    every: usize,
    t: u64,
}

impl StepDecay {
    /// `lr0` finite and ≥ 0, `factor` in (0, 1], `every` ≥ 1 epochs.
    pub fn new(lr0: f64, factor: f64, every: usize) -> Result<Self, ConfigError> {
        const WHO: &str = "step_decay";
        Ok(StepDecay {
            lr0: check::non_negative(WHO, "lr0", lr0)?,
            factor: check::factor(WHO, "factor", factor)?,
            every: check::at_least_one(WHO, "every", every)?,
            t: 0,
        })
    }
}

impl Schedule for StepDecay {
    fn kind(&self) -> &'static str {
        "step_decay"
    }
    fn learning_rate(&self) -> f64 {
        let drops = (self.t / self.every as u64).min(i32::MAX as u64) as i32;
        self.lr0 * self.factor.powi(drops)
    }
    fn epoch(&self) -> u64 {
        self.t
    }
    fn advance(&mut self) {
        self.t += 1;
    }
    fn scalars(&self) -> BTreeMap<String, f64> {
        epoch_scalars(self.t)
    }
    fn set_scalars(&mut self, scalars: &BTreeMap<String, f64>) {
        self.t = epoch_of(scalars);
    }
}
