//! [`TrainConfig`]: the trainer's settings, including how much of the
//! babysitting it measures and where ([`TrainAccuracy`], [`LayerProbe`]).
//!
//! The defaults are the ones cheap enough to leave on: the training
//! accuracy is counted on the batches as they are trained and the layer
//! statistics come from each epoch's last training step, so neither costs
//! an extra forward or backward pass (`benches/train_epoch.rs` measures the
//! trainer against a bare loop that does the same training and validation).
//! The evaluated variants give cleaner numbers at the price of more passes.

/// How the trainer measures an epoch's training accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainAccuracy {
    /// The fraction of training examples the model classified correctly
    /// while it trained on them this epoch (training mode: dropout on,
    /// weights moving) — free, and what Keras reports. It lags the
    /// evaluated accuracy, more so with dropout or augmentation.
    Running,
    /// Evaluation mode on the first `rows` rows of the training set after
    /// the epoch (`usize::MAX`: all of it): comparable with the validation
    /// accuracy, at the cost of one more forward pass over those rows.
    Evaluated {
        /// Rows of the training set to evaluate.
        rows: usize,
    },
}

/// Where the per-layer activation and gradient statistics come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerProbe {
    /// No layer statistics.
    Off,
    /// The epoch's last training step, recorded through
    /// [`Taps::forward_taps`](super::Taps::forward_taps) as it was trained
    /// (training mode, that batch's rows): no extra pass.
    LastBatch,
    /// The first `rows` rows of the training set in evaluation mode after
    /// the epoch: one more forward and backward pass over them.
    Rows(usize),
}

/// The trainer's settings. `Default`: 10 epochs of batches of 64, seed 0,
/// no early stopping, running training accuracy, layer statistics from the
/// last batch, the best parameters restored at the end.
///
/// ```
/// use nn::train::{LayerProbe, TrainAccuracy, TrainConfig};
/// let c = TrainConfig::default();
/// assert_eq!((c.epochs, c.batch_size, c.seed), (10, 64, 0));
/// assert_eq!(c.train_accuracy, TrainAccuracy::Running);
/// assert_eq!(c.layer_probe, LayerProbe::LastBatch);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Epochs to run in total (a resumed run counts the ones already done).
    pub epochs: u32,
    /// Examples per mini-batch.
    pub batch_size: usize,
    /// The run's seed ([`epoch_rng`](crate::checkpoint::epoch_rng)).
    pub seed: u64,
    /// Stop after this many epochs without a better validation result.
    pub patience: Option<u32>,
    /// How the training accuracy is measured.
    pub train_accuracy: TrainAccuracy,
    /// Where the per-layer statistics come from.
    pub layer_probe: LayerProbe,
    /// Put the best-by-validation parameters back in the model at the end.
    pub restore_best: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            batch_size: 64,
            seed: 0,
            patience: None,
            train_accuracy: TrainAccuracy::Running,
            layer_probe: LayerProbe::LastBatch,
            restore_best: true,
        }
    }
}
