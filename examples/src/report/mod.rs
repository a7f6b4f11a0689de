//! A training run's pictures and its one self-contained HTML page
//! (issue 12): SVG charts drawn with `plotters` ([`charts`], [`curves`], [`histograms`]), a PNG grid
//! of the first layer's weights ([`weights_png`]) and `report.html`
//! ([`html`]), which inlines all of them, so the page opens in a browser
//! from disk with no server.

pub mod charts;
pub mod curves;
pub mod histograms;
pub mod html;
pub mod scatter;
pub mod weights_png;

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

/// How much each weight-grid pixel is scaled up in `weights.png`.
pub const WEIGHT_SCALE: usize = 4;

/// Writes `loss.svg`, `accuracy.svg`, `update_ratio.svg`,
/// `histograms.svg`, `weights.png` (only when `run.first_layer` is given)
/// and `report.html` into `dir` (created if missing); returns the files
/// written, in that order.
///
/// ```
/// use examples::report::{RunSummary, write_run_report};
/// let dir = std::env::temp_dir().join(format!("report-doctest-{}", std::process::id()));
/// let run = RunSummary {
///     title: "empty run",
///     config_json: "{}",
///     steps: &[],
///     epochs: &[],
///     sanity: &[],
///     first_layer: None,
///     final_table: &[],
/// };
/// let files = write_run_report(&dir, &run).unwrap();
/// assert_eq!(files.len(), 5); // four charts and the page; no weights
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Errors
/// Any I/O error creating the files; [`io::ErrorKind::InvalidInput`] when
/// the first layer's fan-in is not its image shape's area; a drawing
/// error (as [`io::Error::other`]).
pub fn write_run_report(dir: &Path, run: &RunSummary<'_>) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let charts = [
        (
            "loss.svg",
            "Loss",
            curves::loss_chart(run.steps, run.epochs)?,
        ),
        (
            "accuracy.svg",
            "Accuracy",
            curves::accuracy_chart(run.epochs)?,
        ),
        (
            "update_ratio.svg",
            "Update/weight ratio",
            curves::update_ratio_chart(run.epochs)?,
        ),
        (
            "histograms.svg",
            "Activation and gradient histograms",
            histograms::histograms_chart(run.epochs)?,
        ),
    ];
    let mut written = Vec::new();
    for (file, _, svg) in &charts {
        let path = dir.join(file);
        std::fs::write(&path, svg)?;
        written.push(path);
    }
    let weights = match run.first_layer {
        Some((w, shape)) => {
            let png = weights_png::weight_grid_png(w, shape, WEIGHT_SCALE)?;
            let path = dir.join("weights.png");
            std::fs::write(&path, &png)?;
            written.push(path);
            let caption = format!(
                "{} units, each unit's {} incoming weights as a {}×{} image, \
                 scaled to its own min (black) and max (white).",
                w.ncols(),
                w.nrows(),
                shape[0],
                shape[1]
            );
            Some((png, caption))
        }
        None => None,
    };
    let inlined: Vec<(&str, &str)> = charts
        .iter()
        .map(|(_, h, svg)| (*h, svg.as_str()))
        .collect();
    let page = html::page(
        run,
        &inlined,
        weights
            .as_ref()
            .map(|(png, caption)| (png.as_slice(), caption.as_str())),
    );
    let path = dir.join("report.html");
    std::fs::write(&path, page)?;
    written.push(path);
    Ok(written)
}
