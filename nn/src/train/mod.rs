//! Training: the loop ([`Trainer`]), the notes' sanity checks before
//! learning ([`sanity`]), the babysitting numbers ([`babysit`]), divergence
//! detection ([`divergence`]), what a run records ([`metrics`]) and its
//! JSON Lines file ([`metrics_io`]).

pub mod babysit;
pub mod config;
pub mod divergence;
pub mod evaluate;
pub mod metrics;
pub mod metrics_io;
pub mod progress;
pub mod sanity;
pub mod trainer;

pub use babysit::{Tapped, Taps};
pub use config::{LayerProbe, TrainAccuracy, TrainConfig};
pub use divergence::TrainError;
pub use evaluate::evaluate;
pub use metrics::{EpochRecord, Histogram, LayerStats, SanityResult, StepRecord, Summary};
pub use progress::{Best, Progress, Snapshot};
pub use trainer::{DataLoss, EpochEnd, TrainReport, Trainer};
