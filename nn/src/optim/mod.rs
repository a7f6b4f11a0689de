//! Parameter updates: the notes' "Parameter updates" section.
//!
//! (Being built: optimizers, schedules, constraints, averages and L-BFGS;
//! see issue 10.)

mod state;

pub use state::State;
