//! Learning-rate schedules: the notes' "annealing the learning rate".
//!
//! A [`Schedule`] gives the learning rate for the current epoch; set it on
//! any optimizer with [`Optimizer::set_learning_rate`](super::Optimizer::set_learning_rate)
//! (L-BFGS included), so schedules and optimizers compose freely. "Epoch"
//! is whatever unit you [`advance`](Schedule::advance) by — call it once
//! per epoch, or once per step for a per-iteration decay.
//!
//! | Schedule | Learning rate at epoch `t` |
//! |---|---|
//! | [`StepDecay`] | `lr₀·factor^⌊t/k⌋` (×factor every `k` epochs) |
//! | [`Exponential`] | `lr₀·e^(−k·t)` |
//! | [`InverseTime`] | `lr₀/(1 + k·t)` |
//! | [`Plateau`] | ×factor when the monitored metric has not improved for more than `patience` epochs, never below a floor |
//!
//! Each exports its counters as a [`State`] (scalars only)
//! and restores from one.
//!
//! ```
//! use nn::optim::schedule::{Schedule, StepDecay};
//! use nn::optim::{Optimizer, Sgd, SgdConfig};
//!
//! let mut sgd = Sgd::<f32>::new(SgdConfig { lr: 0.1 }).unwrap();
//! let mut decay = StepDecay::new(0.1, 0.5, 2).unwrap();
//! let mut rates = Vec::new();
//! for _epoch in 0..5 {
//!     sgd.set_learning_rate(decay.learning_rate()).unwrap();
//!     rates.push(sgd.learning_rate());
//!     // ... train one epoch ...
//!     decay.advance();
//! }
//! assert_eq!(rates, [0.1, 0.1, 0.05, 0.05, 0.025]);
//! ```

use std::collections::BTreeMap;

use autograd::Float;

use super::{State, StateError};

mod exponential;
mod inverse_time;
mod plateau;
mod step_decay;

pub use exponential::Exponential;
pub use inverse_time::InverseTime;
pub use plateau::{Direction, Plateau};
pub use step_decay::StepDecay;

/// A learning rate that changes over epochs.
pub trait Schedule {
    /// The exported state's kind: `"step_decay"`, `"plateau"`, …
    fn kind(&self) -> &'static str;

    /// The learning rate for the current epoch.
    fn learning_rate(&self) -> f64;

    /// The current epoch: the number of [`advance`](Self::advance) calls.
    fn epoch(&self) -> u64;

    /// Moves to the next epoch.
    fn advance(&mut self);

    /// Reports the monitored metric for the epoch just finished. Only
    /// [`Plateau`] uses it; the others ignore it.
    fn observe(&mut self, metric: f64) {
        let _ = metric;
    }

    /// The counters that change, by name.
    fn scalars(&self) -> BTreeMap<String, f64>;

    /// Restores the counters [`scalars`](Self::scalars) gave (all present).
    fn set_scalars(&mut self, scalars: &BTreeMap<String, f64>);

    /// The state to save: [`scalars`](Self::scalars) under [`kind`](Self::kind).
    fn export<F: Float>(&self) -> State<F>
    where
        Self: Sized,
    {
        let mut state = State::new(self.kind());
        state.scalars = self.scalars();
        state
    }

    /// Restores an exported state of the same kind.
    fn restore<F: Float>(&mut self, state: &State<F>) -> Result<(), StateError>
    where
        Self: Sized,
    {
        if state.kind != self.kind() {
            return Err(StateError::WrongKind {
                expected: self.kind().into(),
                found: state.kind.clone(),
            });
        }
        if let Some(name) = self
            .scalars()
            .into_keys()
            .find(|k| !state.scalars.contains_key(k))
        {
            return Err(StateError::Missing {
                kind: self.kind().into(),
                entry: name,
            });
        }
        self.set_scalars(&state.scalars);
        Ok(())
    }
}

/// `{"t": epoch}`: the only counter of the closed-form schedules.
fn epoch_scalars(t: u64) -> BTreeMap<String, f64> {
    BTreeMap::from([("t".to_string(), t as f64)])
}

/// Reads `"t"` back (present: [`Schedule::restore`] checked it).
fn epoch_of(scalars: &BTreeMap<String, f64>) -> u64 {
    scalars.get("t").copied().unwrap_or(0.0) as u64
}
