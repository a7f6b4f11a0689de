//! [`Plateau`]: lower the rate when a monitored metric stops improving.

use std::collections::BTreeMap;

use super::{Schedule, epoch_of};
use crate::optim::ConfigError;
use crate::optim::error::check;

/// Which way the monitored metric improves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Higher is better (validation accuracy).
    Max,
    /// Lower is better (validation loss).
    Min,
}

/// The notes' "halve it whenever the validation accuracy tops off":
/// after each epoch, [`observe`](Schedule::observe) the metric. A value
/// strictly better than the best so far resets the count of bad epochs;
/// anything else (equal, worse, NaN) adds one, and when the count exceeds
/// `patience` the rate becomes `max(lr·factor, floor)` and the count
/// restarts at 0. With `patience = 0` every epoch that does not improve
/// lowers the rate.
///
/// ```
/// use nn::optim::schedule::{Direction, Plateau, Schedule};
/// let mut s = Plateau::new(0.1, 0.5, 1, 0.02, Direction::Max).unwrap();
/// for acc in [0.50, 0.60, 0.60, 0.59, 0.61, 0.60, 0.60, 0.60, 0.60] {
///     s.observe(acc);
///     s.advance();
/// }
/// // Two bad epochs after 0.60 halve it once; after 0.61, four bad epochs
/// // halve it twice more, the second time down to the floor.
/// assert_eq!(s.learning_rate(), 0.02);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Plateau {
    lr: f64,
    factor: f64,
    patience: u64,
    floor: f64,
    direction: Direction,
    best: f64,
    bad: u64,
    t: u64,
}

impl Plateau {
    /// Starts at `lr0` (finite, ≥ 0); `factor` in (0, 1]; `floor` finite
    /// and ≥ 0 (the rate never goes below it by this schedule's doing).
    pub fn new(
        lr0: f64,
        factor: f64,
        patience: u64,
        floor: f64,
        direction: Direction,
    ) -> Result<Self, ConfigError> {
        const WHO: &str = "plateau";
        Ok(Plateau {
            lr: check::non_negative(WHO, "lr0", lr0)?,
            factor: check::factor(WHO, "factor", factor)?,
            patience,
            floor: check::non_negative(WHO, "floor", floor)?,
            direction,
            best: match direction {
                Direction::Max => f64::NEG_INFINITY,
                Direction::Min => f64::INFINITY,
            },
            bad: 0,
            t: 0,
        })
    }

    /// The best metric observed so far (±∞ before the first).
    pub fn best(&self) -> f64 {
        self.best
    }
}

impl Schedule for Plateau {
    fn kind(&self) -> &'static str {
        "plateau"
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn epoch(&self) -> u64 {
        self.t
    }
    fn advance(&mut self) {
        self.t += 1;
    }
    fn observe(&mut self, metric: f64) {
        let better = match self.direction {
            Direction::Max => metric > self.best,
            Direction::Min => metric < self.best,
        };
        if better {
            self.best = metric;
            self.bad = 0;
            return;
        }
        self.bad += 1;
        if self.bad > self.patience {
            self.lr = (self.lr * self.factor).max(self.floor);
            self.bad = 0;
        }
    }
    fn scalars(&self) -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("t".to_string(), self.t as f64),
            ("lr".to_string(), self.lr),
            ("best".to_string(), self.best),
            ("bad".to_string(), self.bad as f64),
        ])
    }
    fn set_scalars(&mut self, scalars: &BTreeMap<String, f64>) {
        let get = |k: &str| scalars.get(k).copied().unwrap_or(0.0);
        self.t = epoch_of(scalars);
        self.lr = get("lr");
        self.best = get("best");
        self.bad = get("bad") as u64;
    }
}
