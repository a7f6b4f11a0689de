//! Parameter updates: the notes' "Parameter updates" section.
//!
//! (Being built: optimizers, schedules, constraints, averages and L-BFGS;
//! see issue 10.)

mod lbfgs;
mod line_search;
mod state;

pub use lbfgs::{Lbfgs, LbfgsConfigError, LbfgsError, LbfgsOptions, LbfgsReport, StopReason};
pub use line_search::{LineSearchFailure, Searched, Trial, WolfeSearch};
pub use state::State;
