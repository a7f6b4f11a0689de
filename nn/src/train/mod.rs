//! Training: the loop ([`Trainer`]), the notes' sanity checks before
//! learning ([`sanity`]), the babysitting numbers ([`babysit`]), divergence
//! detection ([`divergence`]), what a run records ([`metrics`]) and its
//! JSON Lines file ([`metrics_io`]).

pub mod babysit;
pub mod divergence;
pub mod metrics;
pub mod metrics_io;
pub mod sanity;
pub mod trainer;

pub use babysit::{Tapped, Taps};
pub use divergence::TrainError;
pub use metrics::{EpochRecord, Histogram, LayerStats, SanityResult, StepRecord, Summary};
pub use trainer::{
    Best, DataLoss, EpochEnd, Progress, Snapshot, TrainConfig, TrainReport, Trainer, evaluate,
};
