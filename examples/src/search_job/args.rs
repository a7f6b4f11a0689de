//! The `search` example's flags (`clap`), validated before anything runs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// How a stage's configurations are proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyKind {
    /// Random search (the notes' recommendation).
    Random,
    /// A grid: 2 values per numeric hyperparameter in stage 1, every category.
    Grid,
    /// Gaussian-process Bayesian optimization (expected improvement).
    Bayes,
}

/// A coarse-to-fine random search over the digits net's hyperparameters,
/// then an ensemble of the top models.
#[derive(Debug, Clone, Parser)]
#[command(name = "search", about)]
pub struct Args {
    /// The search directory (results, models, report).
    #[arg(long, default_value = "runs/search")]
    pub out: PathBuf,
    /// Worker processes (default: the number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
    /// The search's seed (the plan, and every trial's initialization).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How configurations are proposed.
    #[arg(long, value_enum, default_value_t = StrategyKind::Random)]
    pub strategy: StrategyKind,
    /// Trials in the coarse stage.
    #[arg(long, default_value_t = 32)]
    pub coarse_trials: usize,
    /// Epochs per coarse trial.
    #[arg(long, default_value_t = 8)]
    pub coarse_epochs: u32,
    /// Trials in the fine stage (0: no fine stage).
    #[arg(long, default_value_t = 16)]
    pub fine_trials: usize,
    /// Epochs per fine trial.
    #[arg(long, default_value_t = 30)]
    pub fine_epochs: u32,
    /// Models in the top-k ensemble.
    #[arg(long, default_value_t = 5)]
    pub top_k: usize,
    /// Train on the digits without the shifted copies (faster, less accurate).
    #[arg(long)]
    pub no_augment: bool,
    /// Re-run trials whose last record is a failure.
    #[arg(long)]
    pub retry_failed: bool,
    /// Print only the final results.
    #[arg(long)]
    pub quiet: bool,
    /// Plan the next unfinished stage into this job file and exit (for a
    /// cluster: run each line with `--job FILE --trial N`, then `collect`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["job", "worker"])]
    pub write_job: Option<PathBuf>,
    /// A job file written by `--write-job`; run its trial `--trial N`.
    #[arg(
        long,
        value_name = "FILE",
        requires = "trial",
        conflicts_with = "worker"
    )]
    pub job: Option<PathBuf>,
    /// The trial (0-based line of the job file) to run.
    #[arg(long, value_name = "N", requires = "job")]
    pub trial: Option<usize>,
    /// Internal: run one trial read from stdin (the local runner's worker).
    #[arg(long, hide = true)]
    pub worker: bool,
    /// `collect`: merge per-trial result files into `results.jsonl`.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Append every per-trial result (`--trial N` runs) not yet in
    /// `OUT/results.jsonl`.
    Collect {
        /// The search directory.
        #[arg(long, default_value = "runs/search")]
        out: PathBuf,
    },
}

impl Args {
    /// Refuses what clap cannot: zero coarse trials or epochs, zero
    /// workers, a top-k of 0.
    ///
    /// ```
    /// use clap::Parser;
    /// let a = examples::search_job::Args::try_parse_from(["search", "--coarse-trials", "0"]).unwrap();
    /// assert_eq!(a.validate().unwrap_err(), "--coarse-trials must be at least 1");
    /// ```
    ///
    /// # Errors
    /// A message naming the flag.
    pub fn validate(&self) -> Result<(), String> {
        let at_least_1 = [
            ("--coarse-trials", self.coarse_trials),
            ("--coarse-epochs", self.coarse_epochs as usize),
            ("--fine-epochs", self.fine_epochs as usize),
            ("--top-k", self.top_k),
            ("--workers", self.workers.unwrap_or(1)),
        ];
        match at_least_1.iter().find(|(_, v)| *v == 0) {
            Some((flag, _)) => Err(format!("{flag} must be at least 1")),
            None => Ok(()),
        }
    }
}
