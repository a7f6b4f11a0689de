//! A training run's pictures and its one self-contained HTML page.
//!
//! (Being built for issue 12: SVG charts with `plotters`, a PNG grid of the
//! first layer's weights, and `report.html`.)

use std::io;
use std::path::{Path, PathBuf};

use ndarray::Array2;
use nn::train::{EpochRecord, SanityResult, StepRecord};

/// Everything a run report shows.
#[derive(Debug, Clone, Copy)]
pub struct RunSummary<'a> {
    /// The page title (`"digits: 64-256-10 MLP, seed 1"`).
    pub title: &'a str,
    /// The run's configuration as pretty-printed JSON.
    pub config_json: &'a str,
    /// One record per optimizer step.
    pub steps: &'a [StepRecord],
    /// One record per epoch.
    pub epochs: &'a [EpochRecord],
    /// The sanity checks run before training.
    pub sanity: &'a [SanityResult],
    /// The first layer's weights, one column per unit (fan_in × units), and
    /// the image shape each column is drawn as (`[8, 8]` for digits).
    pub first_layer: Option<(&'a Array2<f64>, [usize; 2])>,
    /// The final table: (label, value) rows such as ("test accuracy", "98.1%").
    pub final_table: &'a [(String, String)],
}

/// Writes the charts, the weight grid and `report.html` into `dir`;
/// returns the files written.
///
/// # Errors
/// Any I/O error creating the files.
pub fn write_run_report(dir: &Path, run: &RunSummary<'_>) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("report.html");
    std::fs::write(
        &path,
        format!("<!doctype html><title>{}</title>", run.title),
    )?;
    Ok(vec![path])
}
