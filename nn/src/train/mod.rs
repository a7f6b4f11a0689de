//! Training: the loop, the notes' sanity checks and babysitting, and what
//! a run records ([`metrics`]).
//!
//! (Being built for issue 12: the trainer and the sanity checks.)

pub mod metrics;

pub use metrics::{EpochRecord, Histogram, LayerStats, SanityResult, StepRecord, Summary};
