//! Progress: an `indicatif` bar when stderr is a terminal, one plain line
//! per epoch otherwise (CI, pipes), nothing with `--quiet`. Never both.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use nn::train::EpochRecord;

/// Where epoch progress goes.
pub enum Progress {
    /// Nothing (`--quiet`).
    Quiet,
    /// One line per epoch on stdout.
    Lines,
    /// A bar on stderr.
    Bar(ProgressBar),
}

impl Progress {
    /// The bar if stderr is a terminal and not quiet, else lines or nothing.
    pub fn new(quiet: bool, epochs: u32, done: u32) -> Self {
        Self::for_terminal(quiet, std::io::stderr().is_terminal(), epochs, done)
    }

    /// As [`Progress::new`], with whether stderr is a terminal given.
    ///
    /// ```
    /// use examples::train_job::Progress;
    /// assert!(matches!(Progress::for_terminal(false, true, 5, 0), Progress::Bar(_)));
    /// assert!(matches!(Progress::for_terminal(false, false, 5, 0), Progress::Lines));
    /// assert!(matches!(Progress::for_terminal(true, true, 5, 0), Progress::Quiet));
    /// ```
    pub fn for_terminal(quiet: bool, terminal: bool, epochs: u32, done: u32) -> Self {
        if quiet {
            Progress::Quiet
        } else if terminal {
            let bar = ProgressBar::new(epochs.into());
            bar.set_position(done.into());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30} epoch {pos}/{len} {msg} [{elapsed}]")
            {
                bar.set_style(style);
            }
            Progress::Bar(bar)
        } else {
            Progress::Lines
        }
    }

    /// Reports one epoch.
    pub fn epoch(&self, r: &EpochRecord, epochs: u32) {
        let msg = format!(
            "loss {:.4} train {:.2}% val {:.2}% lr {:.2e}",
            r.train_loss,
            100.0 * r.train_acc,
            100.0 * r.val_acc,
            r.lr
        );
        match self {
            Progress::Quiet => {}
            Progress::Lines => println!("epoch {}/{epochs}: {msg}", r.epoch + 1),
            Progress::Bar(bar) => {
                bar.set_message(msg);
                bar.inc(1);
            }
        }
    }

    /// A warning (above the bar, or as a line).
    pub fn warn(&self, w: &str) {
        match self {
            Progress::Quiet => {}
            Progress::Lines => println!("warning: {w}"),
            Progress::Bar(bar) => bar.println(format!("warning: {w}")),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
