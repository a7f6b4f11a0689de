//! What a training run records: one [`StepRecord`] per optimizer step, one
//! [`EpochRecord`] per epoch (with the notes' babysitting quantities), and
//! the [`SanityResult`]s of the checks run before learning. Plain data, so
//! the trainer fills them, a metrics file stores them (JSON Lines, one
//! record per line) and a report draws them, without depending on each
//! other.

/// One optimizer step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    /// Steps taken before this one, over the whole run (0-based).
    pub step: u64,
    /// The epoch the step belongs to (0-based).
    pub epoch: u32,
    /// The mini-batch's data loss.
    pub data_loss: f64,
    /// The regularization loss added to it (0 without a regularizer).
    pub reg_loss: f64,
    /// The learning rate the step used.
    pub lr: f64,
}

/// Mean, standard deviation and range of a set of values.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    /// Arithmetic mean.
    pub mean: f64,
    /// Population standard deviation.
    pub std: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// Counts of values per bin: `counts[i]` values fell in
/// `[edges[i], edges[i + 1])` (the last bin includes its right edge), so
/// `edges.len() == counts.len() + 1`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Histogram {
    /// Bin edges, increasing.
    pub edges: Vec<f64>,
    /// Values per bin.
    pub counts: Vec<u64>,
}

/// One layer's activations and gradients, measured once per epoch on the
/// batch [`LayerProbe`](super::LayerProbe) names (the notes' "activation/gradient distributions per
/// layer").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerStats {
    /// The layer's name (`"fc1"`, `"relu1"`).
    pub name: String,
    /// Its output values.
    pub activation: Summary,
    /// ∂loss/∂output.
    pub gradient: Summary,
    /// For a ReLU layer: the fraction of units never active on any row of
    /// the measured batch (dead units); `None` for other layers.
    pub dead_fraction: Option<f64>,
    /// Histogram of the output values.
    pub activation_hist: Histogram,
    /// Histogram of ∂loss/∂output.
    pub gradient_hist: Histogram,
}

/// One epoch: losses, accuracies, learning rate, the update/weight ratio
/// of every parameter and per-layer statistics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EpochRecord {
    /// The epoch (0-based).
    pub epoch: u32,
    /// Steps taken by the end of this epoch, over the whole run.
    pub step: u64,
    /// The learning rate at the end of the epoch.
    pub lr: f64,
    /// Mean data loss over the epoch's mini-batches.
    pub train_loss: f64,
    /// Mean regularization loss over the epoch's mini-batches.
    pub reg_loss: f64,
    /// Training accuracy, as [`TrainAccuracy`](super::TrainAccuracy) says:
    /// by default counted on the epoch's batches as they were trained.
    pub train_acc: f64,
    /// Validation data loss (evaluation mode).
    pub val_loss: f64,
    /// Validation accuracy (evaluation mode).
    pub val_acc: f64,
    /// Wall time of the epoch in seconds, evaluation included.
    pub seconds: f64,
    /// ‖Δw‖/‖w‖ of the epoch's last update, per parameter name (the notes:
    /// about 1e-3 is healthy).
    pub update_ratios: Vec<(String, f64)>,
    /// Per-layer activation and gradient statistics.
    pub layers: Vec<LayerStats>,
}

/// The outcome of one sanity check run before training (the notes'
/// "before learning" list).
#[derive(Debug, Clone, PartialEq)]
pub struct SanityResult {
    /// What was checked (`"loss at chance"`).
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// The numbers behind the verdict, in one line
    /// (`"2.3031 vs ln 10 = 2.3026 (tolerance 0.05)"`).
    pub detail: String,
}
