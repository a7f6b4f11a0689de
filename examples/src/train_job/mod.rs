//! The `train` example's logic, in the library so tests can run it:
//! flags ([`args`]), the sanity checks, training with progress and
//! checkpoints ([`run`]), and the artifacts.

pub mod args;
mod job;
mod prep;
pub mod progress;
pub mod recipe;

pub use args::{Args, OptimizerKind};
pub use job::{Outcome, main_with, run};
pub use prep::Prep;
pub use progress::Progress;
pub use recipe::{Prepared, build, optimizer, prepare};
