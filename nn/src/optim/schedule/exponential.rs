//! [`Exponential`]: `lr₀·e^(−k·t)`.

use std::collections::BTreeMap;

use super::{Schedule, epoch_of, epoch_scalars};
use crate::optim::ConfigError;
use crate::optim::error::check;

/// Exponential decay, `lr = lr₀·e^(−k·t)` (computed in `f64` as
/// `lr0 * (-k * t).exp()`).
///
/// ```
/// use nn::optim::schedule::{Exponential, Schedule};
/// let mut s = Exponential::new(2.0, 0.5).unwrap();
/// s.advance();
/// s.advance();
/// assert_eq!(s.learning_rate(), 2.0 * (-1.0f64).exp());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Exponential {
    lr0: f64,
    k: f64,
    t: u64,
}

impl Exponential {
    /// `lr0` and `k` finite and ≥ 0.
    pub fn new(lr0: f64, k: f64) -> Result<Self, ConfigError> {
        const WHO: &str = "exponential";
        Ok(Exponential {
            lr0: check::non_negative(WHO, "lr0", lr0)?,
            k: check::non_negative(WHO, "k", k)?,
            t: 0,
        })
    }
}

impl Schedule for Exponential {
    fn kind(&self) -> &'static str {
        "exponential"
    }
    fn learning_rate(&self) -> f64 {
        self.lr0 * (-self.k * self.t as f64).exp()
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
