//! The `train` example's flags (`clap` derive) and the data they name.
//!
//! `--data PATH` is read by its form: a directory or a `.bin` file is
//! CIFAR-10 (`nn::data::cifar`); a name containing `idx3-ubyte` is an IDX
//! image file whose labels are the same name with `images-idx3` →
//! `labels-idx1` (`nn::data::idx`, `.gz` too); anything else is CSV with
//! the label in column 0 and no header (`nn::data::csv`). Without
//! `--data`, the embedded digits.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use nn::data::{Dataset, cifar, csv, digits, idx};

/// The update rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OptimizerKind {
    /// Adam (β₁ 0.9, β₂ 0.999).
    Adam,
    /// SGD with Nesterov momentum (μ 0.9).
    Nesterov,
    /// Vanilla SGD.
    Sgd,
}

/// How the inputs are normalized after per-feature centring (statistics
/// from the training split only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preprocess {
    /// Centring only.
    Center,
    /// Centring, then one scale for every feature (unit overall variance):
    /// for pixels, which share a scale.
    Global,
    /// Centring, then each feature divided by its own standard deviation.
    Standardize,
}

/// Trains an MLP on the digits (or `--data`) with the notes' recipe.
#[derive(Debug, Clone, Parser)]
#[command(name = "train", about)]
pub struct Args {
    /// Epochs to train.
    #[arg(long, default_value_t = 30)]
    pub epochs: u32,
    /// Initial learning rate.
    #[arg(long, default_value_t = 2e-3)]
    pub lr: f64,
    /// Exponential learning-rate decay k: lr = lr₀·e^(−k·epoch).
    #[arg(long, default_value_t = 0.05)]
    pub lr_decay: f64,
    /// The update rule.
    #[arg(long, value_enum, default_value_t = OptimizerKind::Adam)]
    pub optimizer: OptimizerKind,
    /// L2 regularization strength λ (weights only).
    #[arg(long, default_value_t = 1e-4)]
    pub reg: f64,
    /// Dropout keep probability after each hidden layer (1 = no dropout).
    #[arg(long, default_value_t = 0.9)]
    pub dropout: f64,
    /// Input normalization after centring.
    #[arg(long, value_enum, default_value_t = Preprocess::Global)]
    pub preprocess: Preprocess,
    /// Do not add the eight one-pixel shifts of every training image.
    #[arg(long)]
    pub no_augment: bool,
    /// Examples per mini-batch.
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
    /// Hidden layer sizes, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "256")]
    pub hidden: Vec<usize>,
    /// Stop after this many epochs without a better validation accuracy.
    #[arg(long)]
    pub patience: Option<u32>,
    /// The run's seed (initialization, shuffling, dropout).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The artifact directory (default: runs/train-SEED).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A CSV, IDX or CIFAR-10 path instead of the embedded digits.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Continue from the output directory's last.safetensors.
    #[arg(long)]
    pub resume: bool,
    /// Print only the final results.
    #[arg(long)]
    pub quiet: bool,
}

impl Args {
    /// Refuses values clap cannot: a non-finite or non-positive learning
    /// rate, a dropout keep probability outside (0, 1], zero epochs or
    /// batch size, a negative decay or regularization.
    ///
    /// # Errors
    /// A message naming the flag and its value.
    pub fn validate(&self) -> Result<(), String> {
        let bad = |flag: &str, v: &dyn std::fmt::Display, want: &str| {
            Err(format!("--{flag} {v}: {want}"))
        };
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return bad("lr", &self.lr, "must be finite and > 0");
        }
        if !(self.dropout > 0.0 && self.dropout <= 1.0) {
            return bad(
                "dropout",
                &self.dropout,
                "the keep probability must be in (0, 1]",
            );
        }
        if !(self.reg.is_finite() && self.reg >= 0.0) {
            return bad("reg", &self.reg, "must be finite and >= 0");
        }
        if !(self.lr_decay.is_finite() && self.lr_decay >= 0.0) {
            return bad("lr-decay", &self.lr_decay, "must be finite and >= 0");
        }
        if self.epochs == 0 || self.batch_size == 0 {
            return bad(
                "epochs/--batch-size",
                &format!("{}/{}", self.epochs, self.batch_size),
                "must be >= 1",
            );
        }
        if self.hidden.contains(&0) {
            return bad("hidden", &format!("{:?}", self.hidden), "a layer of size 0");
        }
        Ok(())
    }

    /// The output directory.
    pub fn out_dir(&self) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("runs/train-{}", self.seed)))
    }
}

/// The data set `--data` names (see the module doc), or the digits.
///
/// # Errors
/// The loader's message, naming the file.
pub fn load_data(path: Option<&std::path::Path>) -> Result<Dataset<f32>, String> {
    let Some(path) = path else {
        return Ok(digits::load());
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let loaded = if path.is_dir() || name.ends_with(".bin") {
        cifar::load(path)
    } else if name.contains("idx3-ubyte") {
        let labels = path.with_file_name(name.replace("images-idx3", "labels-idx1"));
        idx::load(path, labels)
    } else {
        csv::load(path, &csv::CsvOptions::default())
    };
    loaded.map_err(|e| e.to_string())
}
