//! [`InverseTime`]: `lr₀/(1 + k·t)`.

use std::collections::BTreeMap;

use super::{Schedule, epoch_of, epoch_scalars};
use crate::optim::ConfigError;
use crate::optim::error::check;

/// 1/t decay, `lr = lr₀/(1 + k·t)` (computed in `f64`).
///
/// ```
/// use nn::optim::schedule::{InverseTime, Schedule};
/// let mut s = InverseTime::new(1.0, 0.5).unwrap();
/// s.advance();
/// s.advance();
/// assert_eq!(s.learning_rate(), 0.5); // 1/(1 + 0.5·2)
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct InverseTime {
    lr0: f64,
    k: f64,
    t: u64,
}

impl InverseTime {
    /// `lr0` and `k` finite and ≥ 0.
    pub fn new(lr0: f64, k: f64) -> Result<Self, ConfigError> {
        const WHO: &str = "inverse_time";
        Ok(InverseTime {
            lr0: check::non_negative(WHO, "lr0", lr0)?,
            k: check::non_negative(WHO, "k", k)?,
            t: 0,
        })
    }
}

impl Schedule for InverseTime {
    fn kind(&self) -> &'static str {
        "inverse_time"
    }
    fn learning_rate(&self) -> f64 {
        self.lr0 / (1.0 + self.k * self.t as f64)
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
